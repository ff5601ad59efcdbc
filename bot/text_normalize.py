"""Plain-string normalisation: the one way user text and knowledge text are compared.

Everything here works on plain strings, independent of the knowledge files but for the
letters folding spells out by hand (``knowledge/lexicon/letters.yml``, « œ » → « oe »):
:func:`normalize` / :func:`tokenize` (lower case, accents folded, apostrophes and hyphens
unified as word separators, punctuation and symbols such as emoji or HTML brackets
stripped), :func:`truncate` (bounds the work whatever is pasted into the chat) and
:func:`word_spans` (each normalised word with its character span in the text as typed,
so that a match can be given back as a span). Imported through :mod:`bot.text`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bot.lexicon import read_word_file

#: Longest user input considered, in characters. A job title plus the usual framing fits
#: easily; anything longer is cut at a word boundary so that matching stays bounded in
#: time whatever is pasted into the chat.
MAX_INPUT_CHARS = 400

_APOSTROPHES = "'\u2019\u2018\u02bc\u02b9`\u00b4\u2032\uff07"
_HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u00ad_"
#: Letters Unicode does not decompose (« œ »), spelt out: ``knowledge/lexicon/letters.yml``.
_FOLDED_LETTERS: dict[str, str] = dict(read_word_file("letters")["folded_letters"])

_APOSTROPHE_RE = re.compile("[" + re.escape(_APOSTROPHES) + "]")
_HYPHEN_RE = re.compile("[" + re.escape(_HYPHENS) + "]")
_NON_WORD_RE = re.compile(r"[^a-z0-9]+")


def _build_fold_table() -> dict[int, str]:
    """``str.translate`` table folding the accented Latin letters (computed once)."""
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):  # Latin-1 Supplement and Latin Extended-A/B
        char = chr(code)
        plain = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        if plain != char:
            table[code] = plain
    for letter, plain in _FOLDED_LETTERS.items():
        table[ord(letter)] = plain
    return table


_FOLD_TABLE = _build_fold_table()


def fold_accents(text: str) -> str:
    """Remove diacritics (``é`` → ``e``, ``ç`` → ``c``) and expand ``œ``/``æ`` ligatures."""
    if text.isascii():
        return text
    text = text.translate(_FOLD_TABLE)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def normalize(text: str) -> str:
    """Lower-case, accent-folded ASCII words separated by single spaces.

    Apostrophes and hyphens of every kind become spaces ("aide-soignante" → "aide
    soignante", "chef d’équipe" → "chef d equipe"); any other character that is not a
    letter or a digit (punctuation, emoji, ``<``/``>`` of HTML…) is dropped as a separator.
    """
    text = fold_accents(text.casefold())
    text = _APOSTROPHE_RE.sub(" ", text)
    text = _HYPHEN_RE.sub(" ", text)
    return _NON_WORD_RE.sub(" ", text).strip()


def tokenize(text: str) -> list[str]:
    """The words of :func:`normalize`."""
    return normalize(text).split()


def truncate(text: str, limit: int = MAX_INPUT_CHARS) -> str:
    """``text`` cut to at most ``limit`` characters, at a word boundary when possible."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return cut[:space] if space > limit // 2 else cut


@lru_cache(maxsize=4096)
def normalize_char(char: str) -> str:
    """:func:`normalize` of one character (cached: messages repeat the same few)."""
    return normalize(char)


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, word)`` of every word of :func:`normalize` in ``truncate(text)``.

    The words are exactly those of ``tokenize(truncate(text))``, in order; ``start`` and
    ``end`` are character offsets in ``text`` (a span of the text as typed).
    """
    text = truncate(text)
    spans: list[tuple[int, int, str]] = []
    start = -1
    for index, char in enumerate(text):
        inside = bool(normalize_char(char)) or (start >= 0 and unicodedata.combining(char) > 0)
        if inside and start < 0:
            start = index
        elif not inside and start >= 0:
            spans.append((start, index, normalize(text[start:index])))
            start = -1
    if start >= 0:
        spans.append((start, len(text), normalize(text[start:])))
    # A character whose fold holds a space (rare compatibility forms) splits a word.
    out: list[tuple[int, int, str]] = []
    for begin, end, word in spans:
        for part in word.split():
            out.append((begin, end, part))
    return out
