"""Where a sentence may be cut, and how a piece of one is shown inside another.

A verdict line must fit :data:`~bot.compose.parts.VERDICT_LINE_MAX` characters and a
rule's text is often longer: these helpers take its first sentence, cut it at a clause
boundary outside any parenthesis or « quotation », find the sentence that holds a word,
and fix the case of a figure put inside a sentence.
"""

from __future__ import annotations

import re

from bot.compose.parts import VERDICT_LINE_MAX
from bot.compose.text_words import QUOTE_CLOSE, QUOTE_OPEN


def first_sentence(text: str, limit: int = VERDICT_LINE_MAX) -> str:
    """The first sentence of ``text`` (up to its full stop), cut at a clause boundary
    when longer than ``limit``."""
    text = " ".join(text.split())
    for end in (". ", "? ", "! "):
        index = text.find(end)
        if 0 < index < len(text):
            text = text[: index + 1]
            break
    if len(text) <= limit:
        return text
    for mark in (" ; ", " : ", ", "):
        index = text.rfind(mark, 0, limit - 1)
        while index > limit // 3 and not balanced(text[:index]):
            index = text.rfind(mark, 0, index)
        if index > limit // 3:
            return text[:index].rstrip() + "."
    return cut_at_word(text, limit)


def balanced(text: str) -> bool:
    """No parenthesis nor « quotation » left open in ``text`` (a place one may cut at)."""
    return text.count("(") == text.count(")") and text.count(QUOTE_OPEN) == text.count(QUOTE_CLOSE)


def cut_at_word(text: str, limit: int) -> str:
    """``text`` cut before ``limit`` characters at a word outside any parenthesis or
    quotation, ending with « … »."""
    return text[: word_cut_index(text, limit)].rstrip(" ,;:") + "…"


def word_cut_index(text: str, limit: int) -> int:
    """Where to cut ``text`` so that it and a « … » fit ``limit`` characters: its last
    space outside any parenthesis or quotation, else in the word."""
    index = text.rfind(" ", 0, limit - 1)
    while index > 0 and not balanced(text[:index]):
        index = text.rfind(" ", 0, index)
    return index if index > 0 else limit - 1


def sentence_with(texts: list[str] | tuple[str, ...], word: str) -> str | None:
    """The first sentence of ``texts`` that holds ``word`` (case-insensitive), or None."""
    for text in texts:
        for sentence in re.split(r"(?<=[.!?])\s+", " ".join(text.split())):
            if word.casefold() in sentence.casefold():
                return sentence
    return None


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def lowered(text: str) -> str:
    """The figure inside a sentence: « De 6 à 12 mois » → « de 6 à 12 mois »."""
    if not text or re.match(r"[A-ZÀ-Ý]{2,}", text):  # an acronym (« CDI », « BTS ») stays
        return text
    return text[:1].lower() + text[1:]
