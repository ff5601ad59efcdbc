"""Plain-text layout of an :class:`~bot.compose.parts.Answer` (REST, terminal, fallbacks).

Verdict line first, then one paragraph per part under its heading, then the list, the
2026 change, and the sources. Headings stand on their own line: no sentence is ever
made of a heading (the old ``_prose`` turned « … :» into broken sentences).
"""

from __future__ import annotations

from typing import List

from bot.compose.french import certification_line, lowered, more_hint
from bot.compose.parts import CHANGE_EXPLAINED, LIST_OTHERS, Answer, CertificationList

#: How many sources the text names (all of them are in the structured answer).
SOURCES_IN_TEXT = 2


def _parts(answer: Answer) -> List[str]:
    blocks: List[str] = []
    for part in answer.parts:
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


def list_lines(listing: CertificationList) -> List[str]:
    """The numbered lines of a list page, the métier named when it is another's."""
    lines = [f"{listing.heading} :"]
    for number, item in enumerate(listing.items, listing.offset + 1):
        line = f"{number}. {certification_line(item.title, item.rncp, item.level)}"
        if listing.whose == LIST_OTHERS and item.metier:
            line += f" — pour « {item.metier} »"
        lines.append(line)
        if item.note:
            lines.append(f"   {item.note}")
    hint = more_hint(listing.remaining)
    if hint:
        lines.append(hint)
    return lines


def _change(answer: Answer) -> List[str]:
    if answer.change is None:
        return []
    if answer.change.kind == CHANGE_EXPLAINED:
        return [f"{answer.change.heading}\n{answer.change.text}"]
    return [answer.change.text]


def _sources(answer: Answer) -> List[str]:
    sources = answer.sources
    if not sources:
        return []
    cited = " ; ".join(s.label for s in sources[:SOURCES_IN_TEXT])
    end = " …" if len(sources) > SOURCES_IN_TEXT else "."
    return [f"Source{'s' if len(sources) > 1 else ''} : {cited}{end}"]


def full_text(answer: Answer) -> str:
    """The whole answer as plain text, blocks separated by a blank line."""
    blocks = [answer.verdict_line.strip()] + _parts(answer)
    if answer.certification_list is not None:
        listing = answer.certification_list
        lines = list_lines(listing) if listing.items else []
        blocks.append("\n".join(lines + list(listing.notes)))
    blocks += _change(answer) + _sources(answer)
    return "\n\n".join(b for b in blocks if b.strip())


def summary_text(answer: Answer) -> str:
    """The answer without its list and sources, for channels that show those as cards."""
    blocks = [answer.verdict_line.strip()] + _parts(answer)
    if answer.certification_list is not None:
        blocks += list(answer.certification_list.notes)
    blocks += _change(answer)
    return "\n\n".join(b for b in blocks if b.strip())
