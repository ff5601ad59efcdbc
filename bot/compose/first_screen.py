"""What a phone's first screen holds: the parts of an answer beyond it are folded as details.

The widget, Slack and Teams show the verdict line and the main parts first and fold the
details (« Détails et sources », « Voir plus »): this module decides, by characters, which
sentences of a rule answer stay on the first screen (issue 20).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.compose.parts import Part

#: What a phone's first screen holds before the fold, in characters (issue 20).
FIRST_SCREEN_CHARS = 600
#: The characters a part or a line adds around its words (« : », line breaks).
PART_OVERHEAD = 4


def fold_beyond_first_screen(line: str, parts: Sequence[Part], budget: int = FIRST_SCREEN_CHARS) -> tuple[Part, ...]:
    """The parts with what goes beyond the first screen folded: main sentences are kept
    while the line and what precedes them fit ``budget`` characters; the rest becomes
    detail, in the same order (a part none of whose sentences fits is folded whole)."""
    used = len(line)
    out: list[Part] = []
    full = False
    for part in parts:
        if part.detail or full:
            out.append(part if part.detail else Part(part.heading, part.figure, part.sentences, part.regime, True))
            continue
        # A part's heading, figure and the blank lines around it (as the text lays it out).
        used += len(part.heading or "") + len(part.figure or "") + PART_OVERHEAD
        kept: list[str] = []
        for index, sentence in enumerate(part.sentences):
            if used + len(sentence) > budget:
                rest = part.sentences[index:]
                if kept or part.figure:
                    out.append(Part(part.heading, part.figure, tuple(kept), part.regime))
                    out.append(Part(None, None, rest, part.regime, detail=True))
                else:  # nothing of it fits: the whole part, heading and all, is folded
                    out.append(Part(part.heading, None, rest, part.regime, detail=True))
                full = True
                break
            kept.append(sentence)
            used += len(sentence) + 1
        else:
            out.append(part)
    return tuple(p for p in out if p.heading or p.figure or p.sentences)
