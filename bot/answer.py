"""The answer the core returns: French text plus its structured form for channels.

The JSON form (:meth:`Answer.to_payload`) is the contract described in
``docs/DESIGN.md`` ("Structured answer"); channels render it (see :mod:`bot.render`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Tuple

VERDICTS = ("eligible", "not_eligible", "needs_information", "info")


@dataclass(frozen=True)
class CertificationItem:
    title: str
    rncp: Optional[str]
    level: str
    url: Optional[str]


@dataclass(frozen=True)
class SourceItem:
    label: str
    url: Optional[str]


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Answer:
    """One answer: short French text, verdict, and what it is based on."""

    text: str
    #: The prose alone, without the numbered list nor the sources line, for channels that
    #: show the certifications and the sources themselves (cards, blocks).
    summary: Optional[str] = None
    verdict: str = "info"
    topic: str = "info"
    idcc: Optional[int] = None
    branch_name: Optional[str] = None
    metier_id: Optional[str] = None
    metier_label: Optional[str] = None
    certifications: Tuple[CertificationItem, ...] = ()
    remaining: int = 0
    sources: Tuple[SourceItem, ...] = ()
    buttons: Tuple[Button, ...] = ()
    #: What the answer needs to go further (e.g. "contract", "metier"), for forms.
    missing: Tuple[str, ...] = ()
    #: Free data for the adapters (e.g. the next offset of a long list).
    extra: Dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r}")

    def to_payload(self) -> Dict[str, Any]:
        """The structured answer as JSON-ready data (docs/DESIGN.md)."""
        return {
            "type": "proa_answer",
            "version": 1,
            "verdict": self.verdict,
            "topic": self.topic,
            "branch": {"idcc": self.idcc, "name": self.branch_name} if self.idcc else None,
            "metier": {"id": self.metier_id, "label": self.metier_label} if self.metier_id else None,
            "certifications": [
                {"title": c.title, "rncp": c.rncp, "level": c.level, "url": c.url}
                for c in self.certifications
            ],
            "more": {"remaining": self.remaining},
            "sources": [{"label": s.label, "url": s.url} for s in self.sources],
            "text": self.text,
            "summary": self.summary if self.summary is not None else self.text,
            "buttons": [{"title": b.title, "payload": b.payload} for b in self.buttons],
        }
