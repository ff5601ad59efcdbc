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

Pure data, with no French and no import of the modules that word it:
:mod:`bot.compose.builder` fills the parts, :mod:`bot.compose.layout` lays them out as
plain text and :mod:`bot.compose.answer` adds the views every channel reads (text, payload).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.knowledge.models import Code


class AnswerVerdict(Code):
    """The verdict an answer carries (the engine's « à confirmer » is shown as ``info``)."""

    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    NEEDS_INFORMATION = "needs_information"
    INFO = "info"


class AnswerTopic(Code):
    """What an answer is about; a FAQ answer's topic is ``faq:<faq topic>`` (:func:`faq_topic`)."""

    ELIGIBILITY = "eligibility"
    CERTIFICATIONS = "certifications"
    FAQ = "faq"
    INFO = "info"


def faq_topic(topic: str) -> str:
    """The answer topic of a FAQ topic: ``faq:duration``."""
    return f"{AnswerTopic.FAQ.value}:{topic}"


#: Verdict codes an answer may carry.
VERDICTS = tuple(v.value for v in AnswerVerdict)
#: The verdict line is read first, on a phone, without scrolling: a rule's sentence is
#: fitted to this many characters where it can be cut at a clause of its own (« ; »)…
VERDICT_LINE_MAX = 200
#: … and kept whole up to this many, rather than cut in the middle of what it says (a
#: comma cut would keep « si l'un des deux ne veut pas continuer » without its outcome).
VERDICT_LINE_HARD_MAX = 320
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
    url: str | None
    checked_on: str | None = None


@dataclass(frozen=True)
class CertificationItem:
    """One certification of a list; ``metier`` names the métier it is listed for when the
    list is not the person's own; ``note`` explains a repeated title."""

    title: str
    rncp: str | None
    level: str
    url: str | None
    metier: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Part:
    """One block of details under a heading (e.g. « Période de reconversion (depuis 2026) »),
    starting with its figure when it has one."""

    heading: str | None
    figure: str | None = None
    sentences: tuple[str, ...] = ()
    #: Regime the part is about (``proa``, ``proa_ongoing``, ``periode_reconversion``) or None.
    regime: str | None = None
    #: A detail (a caveat, history, what is left to confirm): folded under « Détails et
    #: sources » in the widget and behind « Voir plus » in Slack and Teams, so that the
    #: first screen of a phone holds the answer itself.
    detail: bool = False


class Route(Code):
    """The way to the person's goal that an answer offers when the one asked about is
    closed (« yes by another route »): the verdict line names it first."""

    #: A période de reconversion (the Pro-A's successor since 2026).
    RECONVERSION = "periode_reconversion"
    #: A certification the list gives to another métier.
    OTHER_METIER = "other_metier"


@dataclass(frozen=True)
class ContactLink:
    """Someone to turn to, with the official address of their site."""

    name: str
    url: str


@dataclass(frozen=True)
class NextStep:
    """What the person does first, and who to turn to (a link each)."""

    text: str
    contacts: tuple[ContactLink, ...] = ()


class ListWhose(Code):
    """Whose certifications a list holds."""

    #: The person's métier.
    OWN = "metier"
    #: Other métiers of the list (the person's has none of that kind).
    OTHERS = "others"
    #: The branch list, no métier given.
    BRANCH = "branch"


LIST_OWN = ListWhose.OWN
LIST_OTHERS = ListWhose.OTHERS
LIST_BRANCH = ListWhose.BRANCH


@dataclass(frozen=True)
class CertificationList:
    """One page of a certification list, with a heading that says whose it is."""

    heading: str
    items: tuple[CertificationItem, ...]
    whose: ListWhose = LIST_OWN
    offset: int = 0
    remaining: int = 0
    next_offset: int = 0
    notes: tuple[str, ...] = ()


class ChangeKind(Code):
    """How the 2026 change is said in an answer."""

    EXPLAINED = "explained"
    RECALLED = "recalled"


CHANGE_EXPLAINED = ChangeKind.EXPLAINED
CHANGE_RECALLED = ChangeKind.RECALLED


@dataclass(frozen=True)
class ChangeNote:
    """The 2026 change: explained in full once, then recalled in a few words with a
    button « Ce qui change en 2026 »."""

    kind: ChangeKind
    heading: str
    text: str
    button: Button | None = None


class SplitParts:
    """Which parts of an answer its first screen holds and which fold under « Détails et
    sources » (a part's ``detail``): one rule for the core's answer (:class:`AnswerParts`)
    and the payload the renderers read (:class:`bot.render.payload.AnswerPayload`)."""

    parts: tuple[Part, ...]

    @property
    def main_parts(self) -> tuple[Part, ...]:
        """The parts the first screen holds (the answer itself)."""
        return tuple(p for p in self.parts if not p.detail)

    @property
    def detail_parts(self) -> tuple[Part, ...]:
        """The parts folded under « Détails et sources »."""
        return tuple(p for p in self.parts if p.detail)


@dataclass(frozen=True)
class AnswerParts(SplitParts):
    """One answer as data: verdict line, parts, list, change note, next steps and sources.

    The builders fill it as :class:`bot.compose.answer.Answer`, which adds its French
    views (plain text, structured payload); :mod:`bot.compose.layout` reads it."""

    verdict_line: str
    verdict: AnswerVerdict = AnswerVerdict.INFO
    #: An :class:`AnswerTopic` value, or ``faq:<topic>`` (:func:`faq_topic`).
    topic: str = AnswerTopic.INFO
    idcc: int | None = None
    branch_name: str | None = None
    metier_id: str | None = None
    metier_label: str | None = None
    parts: tuple[Part, ...] = ()
    certification_list: CertificationList | None = None
    change: ChangeNote | None = None
    #: Buttons that answer the answer's own question (« lequel est le vôtre ? »).
    choices: tuple[Button, ...] = ()
    #: The questions that naturally follow.
    next_steps: tuple[Button, ...] = ()
    sources: tuple[SourceItem, ...] = ()
    #: What the answer needs to go further (e.g. "contract", "metier_id"), for forms.
    missing: tuple[str, ...] = ()
    #: The answer explains the 2026 change in its parts (FAQ on the période de reconversion).
    explains_change: bool = False
    #: The rules that answered (ids), and the reading of the question taken (regime, dates…).
    rule_ids: tuple[str, ...] = ()
    reading: Mapping[str, Any] | None = None
    #: The route the verdict line offers when the one asked about is closed, or None.
    route: Route | None = None
    #: What the person does first, and who to turn to.
    next_step: NextStep | None = None

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r}")
        # A plain string from a caller becomes the enum (frozen dataclass: set it directly).
        object.__setattr__(self, "verdict", AnswerVerdict(self.verdict))
        if not self.verdict_line.strip():
            raise ValueError("an answer needs a verdict line")

    # -- derived views ---------------------------------------------------------------
    @property
    def certifications(self) -> tuple[CertificationItem, ...]:
        return self.certification_list.items if self.certification_list else ()

    @property
    def remaining(self) -> int:
        return self.certification_list.remaining if self.certification_list else 0

    @property
    def next_offset(self) -> int:
        """Where the next page of the list starts (the « voir plus » of the adapters)."""
        return self.certification_list.next_offset if self.certification_list else 0

    @property
    def buttons(self) -> tuple[Button, ...]:
        """Every quick reply, in the order shown: choices, next steps, « Ce qui change en 2026 »."""
        buttons = list(self.choices) + list(self.next_steps)
        if self.change and self.change.button and self.change.button not in buttons:
            buttons.append(self.change.button)
        return tuple(buttons)

    @property
    def change_explained(self) -> bool:
        """Whether this answer explains the 2026 change in full (the slot remembers it)."""
        return self.explains_change or (self.change is not None and self.change.kind == CHANGE_EXPLAINED)
