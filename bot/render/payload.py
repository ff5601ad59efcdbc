"""The answer payload as the renderers read it: the wire dict parsed once, into typed parts.

A channel receives the answer as JSON (the custom payload of the action server,
``docs/answer.schema.json``), so the dict stops here: :meth:`AnswerPayload.from_wire`
reads it once, and the renderers (:mod:`bot.render.plain`, :mod:`bot.render.slack`,
:mod:`bot.render.teams`) only see typed, frozen values. The parts are the core's own
(:mod:`bot.compose.parts`: :class:`Part`, :class:`CertificationItem`, :class:`SourceItem`,
:class:`NextStep`, :class:`ChangeNote`, :class:`Button`), so the answer is described once.

The core's :class:`~bot.compose.parts.Answer` itself is not rebuilt: a payload may be a
version 1 one (no verdict line, no parts), may come from an older record, and carries what
the core does not hold (its laid-out ``text`` and ``summary``, the feedback offer added by
``actions.common.send_answer``).

The reading is tolerant, as a renderer must never fail on a partial payload: a missing,
null or ill-typed key gives an empty value, an entry that cannot be shown is dropped (a
certification with neither title nor RNCP code, a source without a label, a button
without a title or a payload), and a URL that is not an absolute http(s) one is dropped
(:func:`safe_url`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bot.compose.parts import (
    Button,
    CertificationItem,
    ChangeKind,
    ChangeNote,
    ContactLink,
    NextStep,
    Part,
    SourceItem,
    SplitParts,
)


@dataclass(frozen=True)
class FeedbackButton:
    """« Oui » or « Non » under an answer: ``value`` is ``yes`` / ``no`` (may be empty)."""

    title: str
    payload: str
    value: str = ""


@dataclass(frozen=True)
class FeedbackOffer:
    """« Cette réponse vous aide ? » and its buttons (:func:`bot.feedback.offer`)."""

    question: str
    buttons: tuple[FeedbackButton, ...]


@dataclass(frozen=True)
class AnswerPayload(SplitParts):
    """One answer as the renderers read it (every field empty when the payload lacks it)."""

    #: The whole answer as plain text.
    text: str = ""
    #: The prose without the list and the sources (the full text when the payload has none).
    summary: str = ""
    #: The line that answers the question (version 2), stripped; empty for version 1.
    verdict_line: str = ""
    #: Parts with a heading, a figure or a text; a part's text is its one sentence.
    parts: tuple[Part, ...] = ()
    #: The heading of the certification list as sent (says whose it is), or empty.
    list_heading: str = ""
    list_notes: tuple[str, ...] = ()
    certifications: tuple[CertificationItem, ...] = ()
    #: How many certifications were left out of this answer.
    remaining: int = 0
    #: The core's « Voir plus », when some are left out.
    more_button: Button | None = None
    change: ChangeNote | None = None
    next_step: NextStep | None = None
    buttons: tuple[Button, ...] = ()
    sources: tuple[SourceItem, ...] = ()
    feedback: FeedbackOffer | None = None
    #: The id the answer was given (its feedback offer names it).
    answer_id: str | None = None

    @classmethod
    def from_wire(cls, payload: Mapping[str, Any]) -> AnswerPayload:
        """Read a ``proa_answer`` payload (version 1 or 2), tolerating any missing key."""
        text = _string(payload.get("text"))
        summary = payload.get("summary")
        listing = _mapping(payload.get("list"))
        heading = listing.get("heading")
        more = _mapping(payload.get("more"))
        remaining = _count(more.get("remaining"))
        offer = _mapping(payload.get("feedback"))
        answer_id = offer.get("answer_id")
        return cls(
            text=text,
            summary=summary if isinstance(summary, str) else text,
            verdict_line=_string(payload.get("verdict_line")).strip(),
            parts=tuple(part for part in map(_part, _items(payload.get("parts"))) if part),
            list_heading=heading if isinstance(heading, str) and heading.strip() else "",
            list_notes=tuple(n for n in _items(listing.get("notes")) if isinstance(n, str) and n.strip()),
            certifications=tuple(c for c in map(_certification, _items(payload.get("certifications"))) if c),
            remaining=remaining,
            more_button=_button(more.get("button")) if remaining else None,
            change=_change(payload.get("change")),
            next_step=_next_step(payload.get("next_step")),
            buttons=_buttons(payload.get("buttons")),
            sources=tuple(s for s in map(_source, _items(payload.get("sources"))) if s),
            feedback=_feedback(offer),
            answer_id=answer_id if isinstance(answer_id, str) and answer_id else None,
        )

    @classmethod
    def from_details(cls, details: Mapping[str, Any]) -> AnswerPayload:
        """The folded part of an answer, from its record's ``details``
        (:func:`bot.outcomes.details_of`): detail parts, list notes, change and sources."""
        return cls.from_wire(
            {
                "parts": [
                    {**part, "detail": True} for part in _items(details.get("parts")) if isinstance(part, Mapping)
                ],
                "list": {"notes": list(_items(details.get("notes")))},
                "change": details.get("change"),
                "sources": list(_items(details.get("sources"))),
            }
        )

    @property
    def quick_replies(self) -> tuple[Button, ...]:
        """The quick replies, the core's « Voir plus » first when the list goes on."""
        return (self.more_button, *self.buttons) if self.more_button else self.buttons


def part_text(part: Part) -> str:
    """A part's text as the wire carries it (its sentences joined)."""
    return " ".join(part.sentences)


def safe_url(url: Any) -> str | None:
    """Return ``url`` stripped when it is an absolute http(s) URL, else None."""
    if not isinstance(url, str) or not url.strip():
        return None
    text: str = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return text


# -- tolerant readers of one wire value ----------------------------------------------------


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _items(value: Any) -> Sequence[Any]:
    """A JSON array's items; anything else (null, a string, an object) holds none."""
    return value if isinstance(value, (list, tuple)) else ()


def _count(value: Any) -> int:
    try:
        return max(int(value or 0), 0)
    except (TypeError, ValueError):
        return 0


def _button(value: Any) -> Button | None:
    button = _mapping(value)
    title, payload = button.get("title"), button.get("payload")
    return Button(str(title), str(payload)) if title and payload else None


def _buttons(value: Any) -> tuple[Button, ...]:
    return tuple(b for b in map(_button, _items(value)) if b)


def _part(value: Any) -> Part | None:
    if not isinstance(value, Mapping):
        return None
    heading, figure, text = (str(value.get(key) or "").strip() for key in ("heading", "figure", "text"))
    if not (heading or figure or text):
        return None
    regime = value.get("regime")
    return Part(
        heading=heading or None,
        figure=figure or None,
        sentences=(text,) if text else (),
        regime=regime if isinstance(regime, str) else None,
        detail=value.get("detail") is True,
    )


def _certification(value: Any) -> CertificationItem | None:
    if not isinstance(value, Mapping) or not (value.get("title") or value.get("rncp")):
        return None
    title, rncp, level = value.get("title"), value.get("rncp"), value.get("level")
    metier, note = value.get("metier"), value.get("note")
    return CertificationItem(
        title=str(title) if title else "",
        rncp=str(rncp) if rncp else None,
        level=str(level) if level else "",
        url=safe_url(value.get("url")),
        metier=metier if isinstance(metier, str) and metier.strip() else None,
        note=note if isinstance(note, str) and note.strip() else None,
    )


def _source(value: Any) -> SourceItem | None:
    if not isinstance(value, Mapping) or not value.get("label"):
        return None
    checked = value.get("checked_on")
    return SourceItem(
        label=str(value["label"]),
        url=safe_url(value.get("url")),
        checked_on=checked if isinstance(checked, str) and checked else None,
    )


def _change(value: Any) -> ChangeNote | None:
    change = _mapping(value)
    text = change.get("text")
    if not isinstance(text, str) or not text.strip():
        return None
    kind = change.get("kind")
    return ChangeNote(
        # Renderers set only an explained change apart; any other kind reads as a recall.
        kind=ChangeKind.EXPLAINED if kind == ChangeKind.EXPLAINED else ChangeKind.RECALLED,
        heading=str(change.get("heading") or ""),
        text=text.strip(),
        button=_button(change.get("button")),
    )


def _next_step(value: Any) -> NextStep | None:
    step = _mapping(value)
    text = step.get("text")
    if not isinstance(text, str) or not text.strip():
        return None
    contacts = []
    for contact in _items(step.get("contacts")):
        url = safe_url(contact.get("url")) if isinstance(contact, Mapping) else None
        if url and contact.get("name"):
            contacts.append(ContactLink(name=str(contact["name"]), url=url))
    return NextStep(text=text.strip(), contacts=tuple(contacts))


def _feedback(offer: Mapping[str, Any]) -> FeedbackOffer | None:
    question = offer.get("question")
    if not isinstance(question, str) or not question.strip():
        return None
    buttons = tuple(
        FeedbackButton(str(b["title"]), str(b["payload"]), str(b.get("value") or ""))
        for b in _items(offer.get("buttons"))
        if isinstance(b, Mapping) and b.get("title") and b.get("payload")
    )
    return FeedbackOffer(question.strip(), buttons) if buttons else None
