"""The answer the builders return: its parts (:class:`bot.compose.parts.AnswerParts`) and
the views every channel reads, worded in French: the plain text, the summary and the
structured payload (docs/DESIGN.md, "Structured answer"; docs/answer.schema.json).

Apart from :mod:`bot.compose.parts` so that the dependency goes one way: the parts are
pure data, the layout (:mod:`bot.compose.layout`) and the wording
(:mod:`bot.compose.french`, :mod:`bot.compose.next_steps`) read them, and this module
puts them together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.compose.french import more_hint
from bot.compose.layout import full_text, summary_text
from bot.compose.next_steps import more_button
from bot.compose.parts import PAYLOAD_VERSION, AnswerParts, Button


@dataclass(frozen=True)
class Answer(AnswerParts):
    """One answer, with its plain text and its structured payload."""

    @property
    def text(self) -> str:
        """The whole answer as plain text (:func:`bot.compose.layout.full_text`)."""
        return full_text(self)

    @property
    def summary(self) -> str:
        """The answer without its list and sources (:func:`bot.compose.layout.summary_text`)."""
        return summary_text(self)

    def _more(self) -> dict[str, Any]:
        """How many certifications are left, and when some are, the hint and the
        « Voir plus » button every renderer shows (worded in :mod:`bot.compose.french`)."""
        if not self.remaining:
            return {"remaining": 0}
        return {"remaining": self.remaining, "hint": more_hint(self.remaining), "button": _button(more_button())}

    def to_payload(self) -> dict[str, Any]:
        """The structured answer as JSON-ready data (docs/DESIGN.md)."""
        listing = self.certification_list
        return {
            "type": "proa_answer",
            "version": PAYLOAD_VERSION,
            "verdict": self.verdict.value,
            "verdict_line": self.verdict_line,
            "route": self.route.value if self.route else None,
            "topic": str(self.topic),
            "branch": {"idcc": self.idcc, "name": self.branch_name} if self.idcc else None,
            "metier": {"id": self.metier_id, "label": self.metier_label} if self.metier_id else None,
            "parts": [
                {
                    "heading": p.heading,
                    "figure": p.figure,
                    "text": " ".join(p.sentences),
                    "regime": p.regime,
                    "detail": p.detail,
                }
                for p in self.parts
            ],
            "list": (
                {
                    "heading": listing.heading,
                    "whose": listing.whose.value,
                    "offset": listing.offset,
                    "notes": list(listing.notes),
                }
                if listing
                else None
            ),
            "certifications": [
                {"title": c.title, "rncp": c.rncp, "level": c.level, "url": c.url, "metier": c.metier, "note": c.note}
                for c in self.certifications
            ],
            "more": self._more(),
            "change": (
                {
                    "kind": self.change.kind.value,
                    "heading": self.change.heading,
                    "text": self.change.text,
                    "button": _button(self.change.button) if self.change.button else None,
                }
                if self.change
                else None
            ),
            "next_step": (
                {
                    "text": self.next_step.text,
                    "contacts": [{"name": c.name, "url": c.url} for c in self.next_step.contacts],
                }
                if self.next_step
                else None
            ),
            "next_steps": [_button(b) for b in self.next_steps],
            "sources": [{"label": s.label, "url": s.url, "checked_on": s.checked_on} for s in self.sources],
            "text": self.text,
            "summary": self.summary,
            "buttons": [_button(b) for b in self.buttons],
            "understood": {
                "topic": str(self.topic),
                "rules": list(self.rule_ids),
                "branch": self.idcc,
                "metier": self.metier_id,
                "reading": dict(self.reading) if self.reading else None,
            },
        }


def _button(button: Button) -> dict[str, str]:
    return {"title": button.title, "payload": button.payload}
