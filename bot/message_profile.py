"""The profile as a message completes it: the facts it states and who it speaks for.

A channel's slots may lack what the message itself says of the person (Rasa fills no
profile slot from a FAQ message), and an adviser writing « mon intérimaire… » is to be
answered about that worker, in the third person: the assistant adjusts the profile with
both before it answers (:mod:`bot.service`).
"""

from __future__ import annotations

from typing import Any

from bot.compose.voice import ADVISER
from bot.profile import Profile
from bot.understanding.question_reading import speaks_of_a_worker

#: Facts of the person a message states that the answer reads (the channel's slots may
#: lack them: Rasa fills no profile slot from a FAQ message).
_STATED_FACTS = ("contract", "held_diploma", "held_level", "target_diploma", "target_level", "age", "avenant_signed_on")


def with_stated_facts(profile: Profile, stated: Profile) -> Profile:
    """``profile`` completed with the facts the message states (``stated``, the parser's
    reading of it), and the branch it names."""
    changes: dict[str, Any] = {
        name: getattr(stated, name)
        for name in _STATED_FACTS
        if getattr(profile, name) is None and getattr(stated, name) is not None
    }
    if stated.idcc != profile.idcc and stated.idcc != Profile().idcc:
        changes["idcc"] = stated.idcc
    if not stated.priority_publics <= profile.priority_publics:
        changes["priority_publics"] = profile.priority_publics | stated.priority_publics
    return profile.with_(**changes) if changes else profile


def with_audience(profile: Profile, text: str) -> Profile:
    """The profile speaking to an adviser when the message speaks of a worker (« mon
    intérimaire… »); an adviser already known (channel) stays one."""
    if profile.audience != ADVISER and text and speaks_of_a_worker(text):
        return profile.with_(audience=ADVISER)
    return profile
