"""Issue 12: ``Assistant.missing_for`` gives what the composed answer's ``missing`` gives,
without composing it, once per profile."""

from __future__ import annotations

from datetime import date

import pytest

from bot.profile import Profile
from bot.service import Assistant

BEFORE_2026 = date(2025, 6, 1)
PROFILES: list[Profile] = [
    Profile(),
    Profile(today=BEFORE_2026),
    Profile(metier_text="cariste", today=BEFORE_2026),
    Profile(metier_text="cariste", contract="cdi_interimaire", today=BEFORE_2026),
    Profile(metier_text="électricien", today=BEFORE_2026),  # several métiers
    Profile(metier_text="caristte", today=BEFORE_2026),  # a typo
    Profile(metier_text="astronaute", today=BEFORE_2026),  # not in the annex
    Profile(metier_text="cariste", contract="cdi", target_diploma="bts", today=BEFORE_2026),
    Profile(target_diploma="diplome-inconnu", today=BEFORE_2026),
    Profile(target_level=4, today=BEFORE_2026),
    Profile(metier_text="soudeur", contract="cdi", age=30),
    Profile(idcc=1404, metier_text="mécanicien", today=BEFORE_2026),
]


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant.default()


@pytest.mark.parametrize("profile", PROFILES, ids=[str(i) for i in range(len(PROFILES))])
def test_same_as_the_composed_answer(assistant: Assistant, profile: Profile) -> None:
    assert assistant.missing_for("eligibility", profile) == assistant.answer_eligibility(profile).missing
    assert assistant.missing_for("certifications", profile) == assistant.answer_certifications(profile).missing


def test_the_profiles_cover_each_case(assistant: Assistant) -> None:
    """The comparison above is not vacuous: something is missing, and not always the same."""
    found = {assistant.missing_for(topic, p) for topic in ("eligibility", "certifications") for p in PROFILES}
    assert () in found and ("metier_id",) in found and any(m and m != ("metier_id",) for m in found)


def test_other_topics_lack_nothing(assistant: Assistant) -> None:
    assert assistant.missing_for("faq", Profile()) == ()


def test_computed_once_per_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = Assistant(Assistant.default().kb)
    calls: list[Profile] = []
    resolve = fresh.resolve_metier
    monkeypatch.setattr(fresh, "resolve_metier", lambda p, listing=False: calls.append(p) or resolve(p, listing))
    profile = Profile(metier_text="cariste", today=BEFORE_2026)
    first = fresh.missing_for("eligibility", profile)
    assert fresh.missing_for("eligibility", profile.with_()) == first  # an equal profile
    assert len(calls) == 1
    fresh.missing_for("eligibility", profile.with_(contract="cdi"))
    assert len(calls) == 2
