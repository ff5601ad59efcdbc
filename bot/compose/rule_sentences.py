"""A rule's summary cut into the lines of an answer: its sentences, its first sentence,
and a first line cut to fit the verdict line.

Apart from :mod:`bot.compose.rule_answer` because the cutting is text work with its own
pitfalls (« l'article L. 6324-3 » is not the end of a sentence, a cut never falls inside
a parenthesis), measured on the rule dev set, while the answer decides which rules to show.
"""

from __future__ import annotations

import re

from bot.compose.french import YES_NO
from bot.compose.sentence_cuts import balanced, word_cut_index
from bot.compose.text_words import ABBREVIATIONS, QUOTE_OPEN

#: A sentence ends at « . », « ? » or « ! » and a space, but not after an article letter
#: (« l'article L. 6324-3 », « D. 6324-1-1 ») nor an abbreviation (« art. », « n° »:
#: knowledge/lexicon/answer_text.yml); the next sentence starts with a capital or a quotation.
_SENTENCE_END = re.compile(
    r"(?<![\s'’(][A-Z]){not_after}[.?!](?=\s+[A-ZÀ-Ý{quote}])".format(
        not_after="".join(rf"(?<!\b{re.escape(word)})" for word in ABBREVIATIONS), quote=re.escape(QUOTE_OPEN)
    )
)
#: The first line holds the rule's whole first sentence up to this length; a longer one is
#: cut at its first « ; » (never inside a clause that carries the answer).
FIRST_LINE_MAX = 280


def split_sentences(summary: str) -> list[str]:
    """The sentences of a rule's summary, without their full stops (the others keep theirs)."""
    out, start = [], 0
    for match in _SENTENCE_END.finditer(summary):
        out.append(summary[start : match.start()].strip())
        start = match.end()
    out.append(summary[start:].strip().rstrip("."))
    return [s for s in out if s]


def split_first_sentence(summary: str) -> tuple[str, tuple[str, ...]]:
    """The first sentence of a rule's summary (without its full stop), and the rest."""
    match = _SENTENCE_END.search(summary)
    first, rest = (summary[: match.start()], summary[match.end() :].strip()) if match else (summary, "")
    first = first.rstrip(" .")
    if len(first) > FIRST_LINE_MAX and " ; " in first:
        first, more = first.split(" ; ", 1)
        rest = f"{more[:1].upper()}{more[1:]}. {rest}".strip() if more else rest
    return first, ((rest,) if rest else ())


#: Room kept on the first line for the longest yes/no answer put in front of it
#: (« Cela dépend. ») and its space.
YES_NO_ROOM = max(len(answer) for answer in YES_NO.values()) + len(" ")
#: Where a first line too long for the phone's first screen may be cut (the rest follows).
#: Only at « ; »: a cut at a comma or a colon leaves out what the line is about (measured
#: on the rule dev set), so a sentence with no « ; » is kept whole.
FIT_MARKS = (" ; ",)


def fit_line(sentence: str, room: int, hard_room: int | None = None) -> tuple[str, str]:
    """``sentence`` fitted to ``room`` characters, and the part cut off (a sentence of its
    own, or ``""``): at its last :data:`FIT_MARKS` past half the room (never inside a
    parenthesis or a quotation); else kept whole up to ``hard_room`` (a clause cut in the
    middle says less than a long line); beyond, cut at a word (« … », the rest following
    with « … »). The line never exceeds ``hard_room`` (default ``room``)."""
    hard_room = max(room, hard_room or room)
    if len(sentence) <= room:
        return sentence, ""
    for mark in FIT_MARKS:
        index = sentence.rfind(mark, 0, room)
        while index > room // 2 and not balanced(sentence[:index]):
            index = sentence.rfind(mark, 0, index)
        if index > room // 2:
            more = sentence[index + len(mark) :].strip()
            return sentence[:index], f"{more[:1].upper()}{more[1:]}."
    if len(sentence) <= hard_room:
        return sentence, ""
    index = word_cut_index(sentence, hard_room)
    return sentence[:index].rstrip(" ,;:") + "…", "…" + sentence[index:].strip()
