"""The rules engine: from a :class:`~bot.profile.Profile` to a :class:`Decision`.

It reads every figure from the knowledge base (rules with validity periods) and applies
the 2026 switch: a Pro-A can no longer start after the last start date given by the law
rule ``law.proa.end``; a Pro-A whose avenant was signed before goes on under the
agreement; otherwise the période de reconversion applies.

This module holds :class:`RulesEngine`, which picks the regime and puts a decision
together; its parts live in :mod:`bot.rules_engine`, one module per job: the codes
(:mod:`~bot.rules_engine.codes`), the decision's data (:mod:`~bot.rules_engine.decision`),
the reading of rules (:mod:`~bot.rules_engine.rule_reader`), the contract and diploma
checks (:mod:`~bot.rules_engine.proa_eligibility`), durations and planned trainings
(:mod:`~bot.rules_engine.durations`) and the certifications aimed at
(:mod:`~bot.rules_engine.certifications`). Every public name is re-exported here, so that
``from bot.rules import X`` keeps working: as ``X as X`` imports (mypy's explicit form)
rather than an ``__all__``, so that the strings of this module stay codes and keys
(tests/bot/test_rules.py reads them).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.knowledge.models import Branch, Certification, Diploma
from bot.profile import Profile
from bot.rules_engine.certifications import target_certifications
from bot.rules_engine.certifications import unique_certifications as unique_certifications
from bot.rules_engine.codes import ELIGIBLE as ELIGIBLE
from bot.rules_engine.codes import NEEDS_INFORMATION as NEEDS_INFORMATION
from bot.rules_engine.codes import NOT_ELIGIBLE as NOT_ELIGIBLE
from bot.rules_engine.codes import PROA as PROA
from bot.rules_engine.codes import PROA_ONGOING as PROA_ONGOING
from bot.rules_engine.codes import RECONVERSION as RECONVERSION
from bot.rules_engine.codes import TO_CONFIRM as TO_CONFIRM
from bot.rules_engine.codes import Fact as Fact
from bot.rules_engine.codes import ReasonCode as ReasonCode
from bot.rules_engine.codes import Regime as Regime
from bot.rules_engine.codes import Verdict as Verdict
from bot.rules_engine.decision import Decision as Decision
from bot.rules_engine.decision import DurationInfo as DurationInfo
from bot.rules_engine.decision import PlanCheck as PlanCheck
from bot.rules_engine.decision import Reason as Reason
from bot.rules_engine.durations import DurationChecks
from bot.rules_engine.proa_eligibility import ProaEligibility


class RulesEngine(ProaEligibility, DurationChecks):
    """Applies the knowledge base's rules to a profile (the checks it inherits are read in
    :mod:`bot.rules_engine`)."""

    # -- regime -----------------------------------------------------------------
    def regime(self, profile: Profile) -> tuple[Regime, date]:
        """Which regime applies, and the date at which rules are read."""
        signed = profile.avenant_signed_on
        if signed is not None and signed <= self.last_start_date:
            return PROA_ONGOING, signed
        if profile.today <= self.last_start_date and signed is None:
            return PROA, profile.today
        return RECONVERSION, profile.today

    # -- the decision --------------------------------------------------------------
    def decide(self, profile: Profile, metier_certifications: Sequence[Certification] | None = None) -> Decision:
        """The verdict for ``profile``.

        ``metier_certifications`` are the certifications of the matched métier, if any
        (the matcher lives elsewhere); they narrow the list for a target diploma.
        """
        branch = self.kb.branch(profile.idcc)
        regime, as_of = self.regime(profile)
        if regime == RECONVERSION:
            return self._reconversion(profile, branch, as_of, metier_certifications)
        return self._proa(profile, branch, regime, as_of, metier_certifications)

    def _reconversion(
        self, profile: Profile, branch: Branch, as_of: date, metier_certifications: Sequence[Certification] | None
    ) -> Decision:
        reasons = [Reason(ReasonCode.PROA_ENDED_RULE, self.end_rule)]
        if profile.avenant_signed_on is not None:
            reasons.append(
                Reason(
                    ReasonCode.AVENANT_AFTER_END,
                    self.end_rule,
                    {"signed_on": profile.avenant_signed_on, "last_start_date": self.last_start_date},
                )
            )
        reasons += [
            Reason(ReasonCode.RECONVERSION_BENEFICIARIES_RULE, r)
            for r in self._reconversion_law("beneficiaries", as_of)
        ]
        # What the law leaves open for this contract (mission, apprenticeship…), and
        # what the branch agreement says of a status it does not cover.
        if profile.contract:
            reasons += [
                Reason(ReasonCode.RECONVERSION_CONTRACT_RULE, r)
                for r in self._reconversion_law("contracts", as_of)
                if profile.contract in r.values.get("contracts", ())
            ]
            reasons += [
                Reason(ReasonCode.CONTRACT_OUT_OF_SCOPE_RULE, r)
                for r in branch.rules_for("beneficiaries", self.last_start_date)
                if profile.contract in r.values.get("out_of_scope_contracts", ())
            ]
        target = self.diploma(profile.target_diploma)
        # The branch lists are those of the Pro-A: read them on its last day.
        certifications = target_certifications(
            branch, target, profile.target_level, metier_certifications, self.last_start_date
        )
        return Decision(
            verdict=NOT_ELIGIBLE,
            regime=RECONVERSION,
            as_of=as_of,
            branch=branch,
            reasons=tuple(reasons),
            training_rules=self._reconversion_law("training_share", as_of),
            funding_rules=self._reconversion_law("funding", as_of),
            procedure_rules=self._reconversion_law("procedure", as_of),
            certifications=certifications,
            target=target,
        )

    def _proa(
        self,
        profile: Profile,
        branch: Branch,
        regime: Regime,
        as_of: date,
        metier_certifications: Sequence[Certification] | None,
    ) -> Decision:
        verdict, reasons, missing, assumed_contract = self._contract(profile, branch, as_of)
        verdict = self._ceiling(profile, branch, as_of, verdict, reasons)

        if regime == PROA_ONGOING:
            reasons.insert(
                0,
                Reason(
                    ReasonCode.PROA_ONGOING_AGREEMENT,
                    self.end_rule,
                    {
                        "signed_on": profile.avenant_signed_on,
                        "replacement_from": self.end_rule.values["replacement_from"],
                    },
                ),
            )

        target = self.diploma(profile.target_diploma)
        certifications = target_certifications(branch, target, profile.target_level, metier_certifications, as_of)
        return Decision(
            verdict=verdict,
            regime=regime,
            as_of=as_of,
            branch=branch,
            reasons=tuple(reasons),
            missing=tuple(missing),
            duration=self.duration(profile, branch, as_of),
            training_rules=self._branch_or_law(branch, "training_share", as_of),
            funding_rules=branch.rules_for("funding", as_of),
            procedure_rules=branch.rules_for("procedure", as_of),
            certifications=certifications,
            target=target,
            plan=self.check_plan(profile, branch, as_of),
            assumed_contract=assumed_contract,
        )

    # -- certifications -------------------------------------------------------------
    def certifications_for_target(
        self, branch: Branch, target: Diploma | None, target_level: int | None, day: date
    ) -> tuple[Certification, ...]:
        """Every certification of the branch list on ``day`` that fits a diploma kind or level."""
        return target_certifications(branch, target, target_level, None, day)
