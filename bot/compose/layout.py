"""Plain-text layout of an :class:`~bot.compose.parts.AnswerParts` (REST, terminal, fallbacks).

What answers comes first: the verdict line, the main parts (each under its heading,
starting with its figure) and the list. Then, under « Détails et sources », what the
widget folds: the detail parts (caveats, history, what is left to confirm), the list's
notes, the 2026 change and the sources. Headings stand on their own line: no sentence
is ever made of a heading.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.compose.french import (
    CONTACT_LINE,
    DETAILS_HEADING,
    LIST_ITEM_OTHER_METIER,
    NEXT_STEP_HEADING,
    certification_line,
    lowered,
    more_hint,
    sources_heading,
)
from bot.compose.parts import CHANGE_EXPLAINED, LIST_OTHERS, AnswerParts, CertificationList, Part

#: How many sources the text names (all of them are in the structured answer).
SOURCES_IN_TEXT = 2


def _parts(parts: Sequence[Part]) -> list[str]:
    blocks: list[str] = []
    for part in parts:
        # The figure goes on the heading's line (« Pro-A signée avant 2026 : de 6 à 12 mois »),
        # so the part starts with it and the sentences that follow are not run into it.
        heading = part.heading
        if heading and part.figure:
            heading = f"{heading} : {lowered(part.figure)}"
        body = " ".join(s.strip() for s in part.sentences if s and s.strip())
        if not part.heading and part.figure:
            body = f"{part.figure}. {body}".strip()
        block = "\n".join(x for x in (heading, body) if x)
        if block:
            blocks.append(block)
    return blocks


def list_lines(listing: CertificationList) -> list[str]:
    """The numbered lines of a list page, the métier named when it is another's."""
    lines = [f"{listing.heading} :"]
    for number, item in enumerate(listing.items, listing.offset + 1):
        line = f"{number}. {certification_line(item.title, item.rncp, item.level)}"
        if listing.whose == LIST_OTHERS and item.metier:
            line = LIST_ITEM_OTHER_METIER.format(line=line, metier=item.metier)
        lines.append(line)
        if item.note:
            lines.append(f"   {item.note}")
    hint = more_hint(listing.remaining)
    if hint:
        lines.append(hint)
    return lines


def _change(answer: AnswerParts) -> list[str]:
    if answer.change is None:
        return []
    if answer.change.kind == CHANGE_EXPLAINED:
        return [f"{answer.change.heading}\n{answer.change.text}"]
    return [answer.change.text]


def _sources(answer: AnswerParts) -> list[str]:
    sources = answer.sources
    if not sources:
        return []
    cited = " ; ".join(s.label for s in sources[:SOURCES_IN_TEXT])
    end = " …" if len(sources) > SOURCES_IN_TEXT else "."
    return [f"{sources_heading(len(sources))} {cited}{end}"]


def _details(answer: AnswerParts) -> list[str]:
    """What the widget folds under « Détails et sources », in the order it shows it."""
    blocks = _parts(answer.detail_parts)
    if answer.certification_list is not None and answer.certification_list.notes:
        blocks.append("\n".join(answer.certification_list.notes))
    return blocks + _change(answer)


def _next_step(answer: AnswerParts) -> list[str]:
    step = answer.next_step
    if step is None:
        return []
    lines = [f"{NEXT_STEP_HEADING} : {lowered(step.text)}"]
    lines += [CONTACT_LINE.format(name=c.name, url=c.url) for c in step.contacts]
    return ["\n".join(lines)]


def _main(answer: AnswerParts) -> list[str]:
    """The answer itself: verdict line, main parts, the list, the next step."""
    blocks = [answer.verdict_line.strip(), *_parts(answer.main_parts)]
    if answer.certification_list is not None and answer.certification_list.items:
        blocks.append("\n".join(list_lines(answer.certification_list)))
    return blocks + _next_step(answer)


def full_text(answer: AnswerParts) -> str:
    """The whole answer as plain text, blocks separated by a blank line: the answer,
    then its details under their heading, then the sources."""
    blocks = _main(answer)
    details = _details(answer)
    if details:
        blocks += [f"{DETAILS_HEADING}\n{details[0]}", *details[1:]]
    blocks += _sources(answer)
    return "\n\n".join(b for b in blocks if b.strip())


def main_text(answer: AnswerParts) -> str:
    """The verdict line and the main parts, without the list (for channels that show the
    list as cards and fold the details)."""
    return "\n\n".join(b for b in [answer.verdict_line.strip(), *_parts(answer.main_parts)] if b.strip())


def details_text(answer: AnswerParts) -> str:
    """The details alone (detail parts, list notes, 2026 change), without the sources."""
    return "\n\n".join(b for b in _details(answer) if b.strip())


def summary_text(answer: AnswerParts) -> str:
    """The answer without its list and sources, for channels that show those as cards."""
    blocks = [answer.verdict_line.strip(), *_parts(answer.parts)]
    if answer.certification_list is not None:
        blocks += list(answer.certification_list.notes)
    blocks += _change(answer)
    return "\n\n".join(b for b in blocks if b.strip())
