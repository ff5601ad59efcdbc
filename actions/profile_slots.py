"""Read the Rasa slots into a :class:`bot.profile.Profile` (and normalise slot values).

Slots hold strings as the NLU model or a button gave them (entity synonyms turn most of
them into codes already). This module turns them into the typed fields of ``Profile``;
values it cannot read are treated as unknown, never as an error.

Today's date is the real date, or ``PROA_TODAY=YYYY-MM-DD`` (tests, demos).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from bot.compose.voice import ADVISER
from bot.knowledge.loader import load_knowledge
from bot.profile import CONTRACT_LABELS, DEFAULT_IDCC, Profile
from bot.settings import Settings
from bot.understanding.parse import fold, parse_date, parse_int
from bot.understanding.question_reading import speaks_of_a_worker

#: Environment variable that fixes "today" (ISO date), for tests and demos.

#: Slots that describe the person (what the form may validate or ask).
PROFILE_SLOTS = (
    "idcc",
    "contract",
    "metier",
    "metier_id",
    "held_diploma",
    "held_level",
    "target_diploma",
    "target_level",
    "age",
    "avenant_date",
)


def today() -> date:
    """The date answers are computed for: ``PROA_TODAY`` when set, else the real date."""
    return Settings.from_env().today or date.today()


def parse_level(value: Any) -> int | None:
    """A certification level 1…8 (``"4"``, ``"niveau 4"``)."""
    return parse_int(value, 1, 8)


def normalise_code(value: Any, known: Iterable[str] | None = None) -> str | None:
    """``value`` as a code (case and accents ignored, spaces → ``_``); None when empty or,
    given ``known`` codes, not one of them."""
    if not isinstance(value, str) or not value.strip():
        return None
    code = re.sub(r"[\s-]+", "_", fold(value.strip()))
    if known is not None and code not in set(known):
        return None
    return code


def parse_idcc(value: Any, known: Iterable[int] | None = None) -> int | None:
    """The IDCC number held by the slot (``"1404"``, ``1404.0``), None if it is not one of
    ``known`` (by default the branches of the knowledge base)."""
    number = parse_int(value, 1, 99999)
    branches = set(known) if known is not None else set(load_knowledge().branches)
    return number if number in branches else None


def contract_code(value: Any) -> str | None:
    return normalise_code(value, CONTRACT_LABELS)


def diploma_code(value: Any, known: Iterable[str] | None = None) -> str | None:
    """A diploma code (``bts``, ``bac_pro``…); checked against ``known`` when given (the
    core ignores codes it does not know)."""
    return normalise_code(value, known)


def profile_from_slots(slots: Mapping[str, Any], on: date | None = None) -> Profile:
    """Build the profile from slot values (missing or unreadable values are unknown)."""
    metier = slots.get("metier")
    metier_id = slots.get("metier_id")
    return Profile(
        idcc=parse_idcc(slots.get("idcc")) or DEFAULT_IDCC,
        contract=contract_code(slots.get("contract")),
        metier_text=metier.strip() if isinstance(metier, str) and metier.strip() else None,
        metier_id=metier_id.strip() if isinstance(metier_id, str) and metier_id.strip() else None,
        held_diploma=diploma_code(slots.get("held_diploma")),
        held_level=parse_level(slots.get("held_level")),
        target_diploma=diploma_code(slots.get("target_diploma")),
        target_level=parse_level(slots.get("target_level")),
        age=parse_int(slots.get("age"), 14, 99),
        avenant_signed_on=parse_date(slots.get("avenant_date")),
        today=on or today(),
    )


#: The advisers' channels: an answer there speaks of the worker in the third person.
ADVISER_CHANNELS = frozenset({"slack", "botframework"})


def profile_from_tracker(tracker: Any, on: date | None = None) -> Profile:
    """The profile of a rasa_sdk ``Tracker`` (its current slot values), speaking to an
    adviser on Slack and Teams or when the message speaks of a worker (« mon intérimaire »)."""
    profile = profile_from_slots(current_slots(tracker), on)
    text = (getattr(tracker, "latest_message", None) or {}).get("text")
    if tracker.get_latest_input_channel() in ADVISER_CHANNELS or (isinstance(text, str) and speaks_of_a_worker(text)):
        return profile.with_(audience=ADVISER)
    return profile


def current_slots(tracker: Any) -> dict[str, Any]:
    """The profile slots of a tracker as a plain dict."""
    return {name: tracker.get_slot(name) for name in PROFILE_SLOTS}
