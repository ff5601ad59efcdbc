"""The assistant matches the same métier text, branch and target once (issue 23): the
form, the slot checks and the answer of one turn each resolve the profile's métier."""

from __future__ import annotations

from collections import Counter

from bot.matching import MetierMatcher
from bot.profile import Profile
from bot.service import Assistant


def test_the_same_text_branch_and_target_are_matched_once(monkeypatch) -> None:
    core = Assistant.default()
    fresh = Assistant(core.kb, core._matchers)  # an empty memo on the same matchers
    calls: Counter[tuple[str, str | None]] = Counter()
    match_all = MetierMatcher.match_all

    def counting(self, text, limit=5, target=None, target_level=None):
        calls[(text, getattr(target, "code", None))] += 1
        return match_all(self, text, limit, target, target_level)

    monkeypatch.setattr(MetierMatcher, "match_all", counting)
    profile = Profile(metier_text="ambulancier", contract="cdi")
    answer = fresh.ask("je suis ambulancier en CDI, ai-je droit à la Pro-A ?")
    assert fresh.ask("je suis ambulancier en CDI, ai-je droit à la Pro-A ?").text == answer.text
    assert fresh.resolve_metier(profile) == fresh.resolve_metier(profile)
    assert calls[("ambulancier", None)] == 1
    # another target is another match; the result is the matcher's own
    with_bts = fresh.match_metier("électricien", 2378, Profile(target_diploma="bts"))
    assert with_bts == core.matcher(2378).match("électricien", target=core.kb.diplomas["bts"])
    assert fresh.match_metier("électricien", 2378) is fresh.match_metier("électricien", 2378)
    assert calls[("électricien", "bts")] == 2 and calls[("électricien", None)] == 1
