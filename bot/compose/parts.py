"""The typed parts an answer is made of, and the answer itself.

An answer is, in this order (docs/DESIGN.md, "Structured answer"):

1. a **verdict line** that answers the question itself (« Oui … », « Non … »,
   « Cela dépend de … », or the figure « De 6 à 12 mois ») in at most
   :data:`VERDICT_LINE_MAX` characters;
2. **parts**: one per regime where both matter, each with a heading and starting
   with its figure;
3. at most one **certification list**, which says whose certifications it holds;
4. the **2026 change**, explained once per conversation, then only recalled;
5. **next steps** (quick replies);
6. the **sources**, linked to the exact article when the knowledge has its address.

Nothing here knows French wording: :mod:`bot.compose.builder` fills the parts and
:mod:`bot.compose.layout` lays them out as plain text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Tuple

#: Verdict codes an answer may carry.
VERDICTS = ("eligible", "not_eligible", "needs_information", "info")
#: The verdict line is read first, on a phone, without scrolling.
VERDICT_LINE_MAX = 200
#: Version of the structured payload (docs/DESIGN.md).
PAYLOAD_VERSION = 2


@dataclass(frozen=True)
class Button:
    """A quick reply: ``title`` is shown, ``payload`` is sent to Rasa."""

    title: str
    payload: str


@dataclass(frozen=True)
class SourceItem:
    """One cited source: its label, the article's address if known, the day it was checked."""

    label: str
    url: Optional[str]
    checked_on: Optional[str] = None


@dataclass(frozen=True)
class CertificationItem:
    """One certification of a list; ``metier`` names the métier it is listed for when the
    list is not the person's own; ``note`` explains a repeated title."""

    title: str
    rncp: Optional[str]
    level: str
    url: Optional[str]
    metier: Optional[str] = None
    note: Optional[str] = None


@dataclass(frozen=True)
class Part:
    """One block of details under a heading (e.g. « Période de reconversion (depuis 2026) »),
    starting with its figure when it has one."""

    heading: Optional[str]
    figure: Optional[str] = None
    sentences: Tuple[str, ...] = ()
    #: Regime the part is about (``proa``, ``proa_ongoing``, ``periode_reconversion``) or None.
    regime: Optional[str] = None

    @property
    def body(self) -> str:
        """The figure then the sentences, as one paragraph."""
        return " ".join(s.strip() for s in ((self.figure or ""),) + self.sentences if s and s.strip())


#: Whose certifications a list holds.
LIST_OWN = "metier"        # the person's métier
LIST_OTHERS = "others"     # other métiers of the list (the person's has none of that kind)
LIST_BRANCH = "branch"     # the branch list, no métier given


@dataclass(frozen=True)
class CertificationList:
    """One page of a certification list, with a heading that says whose it is."""

    heading: str
    items: Tuple[CertificationItem, ...]
    whose: str = LIST_OWN
    offset: int = 0
    remaining: int = 0
    next_offset: int = 0
    notes: Tuple[str, ...] = ()


#: How the 2026 change is said in an answer.
CHANGE_EXPLAINED = "explained"
CHANGE_RECALLED = "recalled"


@dataclass(frozen=True)
class ChangeNote:
    """The 2026 change: explained in full once, then recalled in a few words with a
    button « En savoir plus »."""

    kind: str
    heading: str
    text: str
    button: Optional[Button] = None


@dataclass(frozen=True)
class Answer:
    """One answer: verdict line, parts, list, change note, next steps and sources."""

    verdict_line: str
    verdict: str = "info"
    topic: str = "info"
    idcc: Optional[int] = None
    branch_name: Optional[str] = None
    metier_id: Optional[str] = None
    metier_label: Optional[str] = None
    parts: Tuple[Part, ...] = ()
    certification_list: Optional[CertificationList] = None
    change: Optional[ChangeNote] = None
    #: Buttons that answer the answer's own question (« lequel est le vôtre ? »).
    choices: Tuple[Button, ...] = ()
    #: The questions that naturally follow.
    next_steps: Tuple[Button, ...] = ()
    sources: Tuple[SourceItem, ...] = ()
    #: What the answer needs to go further (e.g. "contract", "metier_id"), for forms.
    missing: Tuple[str, ...] = ()
    #: Free data for the adapters (next offset of a long list, regime…).
    extra: Dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r}")
        if not self.verdict_line.strip():
            raise ValueError("an answer needs a verdict line")

    # -- derived views ---------------------------------------------------------------
    @property
    def certifications(self) -> Tuple[CertificationItem, ...]:
        return self.certification_list.items if self.certification_list else ()

    @property
    def remaining(self) -> int:
        return self.certification_list.remaining if self.certification_list else 0

    @property
    def buttons(self) -> Tuple[Button, ...]:
        """Every quick reply, in the order shown: choices, next steps, « En savoir plus »."""
        buttons = list(self.choices) + list(self.next_steps)
        if self.change and self.change.button and self.change.button not in buttons:
            buttons.append(self.change.button)
        return tuple(buttons)

    @property
    def change_explained(self) -> bool:
        """Whether this answer explains the 2026 change in full (the slot remembers it)."""
        return bool(self.extra.get("explains_change")) or (self.change is not None and self.change.kind == CHANGE_EXPLAINED)

    @property
    def text(self) -> str:
        from bot.compose.layout import full_text

        return full_text(self)

    @property
    def summary(self) -> str:
        from bot.compose.layout import summary_text

        return summary_text(self)

    def to_payload(self) -> Dict[str, Any]:
        """The structured answer as JSON-ready data (docs/DESIGN.md)."""
        listing = self.certification_list
        return {
            "type": "proa_answer",
            "version": PAYLOAD_VERSION,
            "verdict": self.verdict,
            "verdict_line": self.verdict_line,
            "topic": self.topic,
            "branch": {"idcc": self.idcc, "name": self.branch_name} if self.idcc else None,
            "metier": {"id": self.metier_id, "label": self.metier_label} if self.metier_id else None,
            "parts": [
                {"heading": p.heading, "figure": p.figure, "text": " ".join(p.sentences), "regime": p.regime}
                for p in self.parts
            ],
            "list": (
                {"heading": listing.heading, "whose": listing.whose, "offset": listing.offset, "notes": list(listing.notes)}
                if listing
                else None
            ),
            "certifications": [
                {"title": c.title, "rncp": c.rncp, "level": c.level, "url": c.url, "metier": c.metier, "note": c.note}
                for c in self.certifications
            ],
            "more": {"remaining": self.remaining},
            "change": (
                {
                    "kind": self.change.kind,
                    "heading": self.change.heading,
                    "text": self.change.text,
                    "button": _button(self.change.button) if self.change.button else None,
                }
                if self.change
                else None
            ),
            "next_steps": [_button(b) for b in self.next_steps],
            "sources": [{"label": s.label, "url": s.url, "checked_on": s.checked_on} for s in self.sources],
            "text": self.text,
            "summary": self.summary,
            "buttons": [_button(b) for b in self.buttons],
        }


def _button(button: Button) -> Dict[str, str]:
    return {"title": button.title, "payload": button.payload}
