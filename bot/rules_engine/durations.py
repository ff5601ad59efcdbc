"""How long a Pro-A may last for a person, and whether a planned training fits the rules.

Durations depend on the priority publics a person belongs to (declared, or shown by
their contract or the diploma they aim at, ``knowledge/publics.yml``); a planned
duration and training time are checked against the branch's rules (or the law's),
each problem a :class:`~bot.rules_engine.decision.Reason` with its figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from bot.knowledge.models import Branch, Rule
from bot.profile import Profile
from bot.rules_engine.codes import ReasonCode
from bot.rules_engine.decision import DurationInfo, PlanCheck, Reason
from bot.rules_engine.rule_reader import RuleReader, listed_values


class DurationChecks(RuleReader):
    """Durations, priority publics and the check of a planned training."""

    def publics(self, profile: Profile) -> frozenset[str]:
        """Priority publics the profile belongs to: declared, or shown by the contract held
        or the diploma aimed at (``knowledge/publics.yml``), never guessed."""
        target = self.diploma(profile.target_diploma)
        shown = {
            code
            for code, public in self.kb.publics.items()
            if public.shown_by(profile.contract, target.code if target else None)
        }
        return frozenset(profile.priority_publics) | shown

    def _ruled_out_by_age(self, codes: Iterable[str], age: int | None) -> bool:
        """True when a known age rules out every one of these publics."""
        publics = [self.kb.publics.get(code) for code in codes]
        return age is not None and all(p is not None and p.ruled_out_by_age(age) for p in publics)

    def duration(self, profile: Profile, branch: Branch, as_of: date) -> DurationInfo:
        """Applicable durations; ``extension_applies`` is None when it depends on facts not known."""
        base = branch.rules_for("duration", as_of)
        extensions = branch.rules_for("duration_extension", as_of)
        publics = self.publics(profile)
        applying = [r for r in extensions if publics & set(r.values.get("publics", ()))]
        extended_max = max((r.values["max_months"] for r in (applying or extensions)), default=None)
        if applying:
            applies: bool | None = True
        elif self._ruled_out_by_age(listed_values(extensions, "publics"), profile.age):
            applies = False
        else:
            applies = None
        return DurationInfo(
            min_months=min((r.values["min_months"] for r in base), default=None),
            max_months=max((r.values["max_months"] for r in base), default=None),
            extended_max_months=extended_max,
            extension_applies=applies,
            rules=tuple(base) + tuple(applying or extensions),
        )

    def max_months_for(self, profile: Profile, branch: Branch, as_of: date) -> int | None:
        """The longest duration allowed for this profile (base, or extended when it applies)."""
        publics = self.publics(profile)
        allowed = [r.values["max_months"] for r in branch.rules_for("duration", as_of)]
        allowed += [
            r.values["max_months"]
            for r in branch.rules_for("duration_extension", as_of)
            if publics & set(r.values.get("publics", ()))
        ]
        return max(allowed, default=None)

    def check_plan(self, profile: Profile, branch: Branch, as_of: date) -> PlanCheck | None:
        """Check a planned duration and training time; None when nothing is planned."""
        months, training, total = profile.planned_months, profile.planned_training_hours, profile.planned_total_hours
        if months is None and training is None:
            return None
        problems: list[Reason] = []
        used: list[Rule] = []
        base = branch.rules_for("duration", as_of)
        if months is not None and base:
            low = min(r.values["min_months"] for r in base)
            high = self.max_months_for(profile, branch, as_of)
            used.extend(base)
            if months < low:
                problems.append(Reason(ReasonCode.PLAN_TOO_SHORT, None, {"months": months, "min_months": low}))
            elif high is not None and months > high:
                problems.append(Reason(ReasonCode.PLAN_TOO_LONG, None, {"months": months, "max_months": high}))
        share_rules = self._branch_or_law(branch, "training_share", as_of)
        # Some agreements let the training share go beyond its maximum for listed publics
        # (a training_share rule that carries ``publics``).
        beyond_allowed = bool(self.publics(profile) & listed_values(share_rules, "publics"))
        if training is not None:
            for rule in share_rules:
                used.append(rule)
                minimum = rule.values.get("min_hours")
                if minimum is not None and training < minimum:
                    problems.append(
                        Reason(ReasonCode.PLAN_TOO_FEW_HOURS, rule, {"hours": training, "min_hours": minimum})
                    )
                if total and rule.values.get("min_percent") is not None:
                    share = 100 * training / total
                    low, high = rule.values["min_percent"], rule.values.get("max_percent")
                    if share < low:
                        problems.append(
                            Reason(ReasonCode.PLAN_SHARE_TOO_LOW, rule, {"percent": share, "min_percent": low})
                        )
                    elif high is not None and share > high and not beyond_allowed:
                        problems.append(
                            Reason(ReasonCode.PLAN_SHARE_TOO_HIGH, rule, {"percent": share, "max_percent": high})
                        )
        return PlanCheck(ok=not problems, problems=tuple(problems), rules=tuple(used))
