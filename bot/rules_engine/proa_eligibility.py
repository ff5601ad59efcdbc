"""The Pro-A verdict on a person's situation: their contract, then the diploma ceiling.

The agreement decides first and the Pro-A law fills what it leaves out; a contract or a
diploma the sources do not settle is « à confirmer », never a guess. Each check returns
the verdict and the :class:`~bot.rules_engine.decision.Reason` codes it rests on.
"""

from __future__ import annotations

from datetime import date

from bot.knowledge.models import Branch
from bot.profile import Profile
from bot.rules_engine.codes import Fact, ReasonCode, Verdict
from bot.rules_engine.decision import Reason
from bot.rules_engine.rule_reader import RuleReader, listed_values


class ProaEligibility(RuleReader):
    """The contract and diploma checks of a Pro-A (:meth:`bot.rules.RulesEngine.decide`)."""

    def _contract(
        self, profile: Profile, branch: Branch, as_of: date
    ) -> tuple[Verdict, list[Reason], list[Fact], str | None]:
        """The Pro-A verdict on the contract: the agreement first, then the law.

        A contract the agreement names decides; one it does not name is read in the
        Pro-A law: excluded there → not eligible; eligible there → eligible when the
        agreement takes in every beneficiary of the law (``includes_law_beneficiaries``),
        else « à confirmer »; named by no rule → « à confirmer » (never a guess).
        """
        branch_rules = branch.rules_for("beneficiaries", as_of)
        law_rules = self._proa_law("beneficiaries")
        rules = branch_rules or law_rules
        eligible = listed_values(rules, "eligible_contracts")
        excluded = listed_values(rules, "excluded_contracts") | listed_values(rules, "pending_contracts")
        contract = profile.contract
        assumed: str | None = None
        named = (
            eligible
            | excluded
            | listed_values(rules, "out_of_scope_contracts")
            | listed_values(rules, "to_confirm_contracts")
        )
        if contract and contract not in named:
            # What the person most likely meant (knowledge/contract_readings.yml).
            reading = self.kb.contract_readings.readings.get(contract)
            if reading in eligible:
                assumed, contract = reading, reading
        if not contract:
            return (
                Verdict.NEEDS_INFORMATION,
                [Reason(ReasonCode.CONTRACTS_ELIGIBLE_RULE, r) for r in rules if r.values.get("eligible_contracts")],
                [Fact.CONTRACT],
                None,
            )
        kinds = set(self.kb.contract_readings.kinds.get(contract, ()))
        if kinds:
            # A contract that stands for several the law treats apart (a CUI is a CDI or a CDD).
            explaining = [
                r
                for r in law_rules
                if kinds & (listed_values([r], "eligible_contracts") | listed_values([r], "excluded_contracts"))
            ]
            return (
                Verdict.NEEDS_INFORMATION,
                [Reason(ReasonCode.CUI_KIND_NEEDED_RULE, r) for r in explaining],
                [Fact.CONTRACT],
                None,
            )
        if contract in eligible:
            return (
                Verdict.ELIGIBLE,
                [
                    Reason(ReasonCode.CONTRACT_ELIGIBLE_RULE, r)
                    for r in rules
                    if contract in r.values.get("eligible_contracts", ())
                ],
                [],
                assumed,
            )
        out_of_scope = [r for r in rules if contract in r.values.get("out_of_scope_contracts", ())]
        if out_of_scope:
            return (
                Verdict.TO_CONFIRM,
                [Reason(ReasonCode.CONTRACT_OUT_OF_SCOPE_RULE, r) for r in out_of_scope],
                [],
                None,
            )
        if contract in excluded:
            explaining = [
                r
                for r in rules
                if contract in r.values.get("excluded_contracts", ())
                or contract in r.values.get("pending_contracts", ())
            ]
            return Verdict.NOT_ELIGIBLE, [Reason(ReasonCode.CONTRACT_EXCLUDED_RULE, r) for r in explaining], [], None
        # The agreement does not name the contract: the Pro-A law.
        law_to_confirm = [r for r in law_rules if contract in r.values.get("to_confirm_contracts", ())]
        law_excluding = [r for r in law_rules if contract in r.values.get("excluded_contracts", ())]
        law_eligible = [r for r in law_rules if contract in r.values.get("eligible_contracts", ())]
        branch_eligible = [r for r in branch_rules if r.values.get("eligible_contracts")]
        if law_to_confirm:
            return (
                Verdict.TO_CONFIRM,
                [Reason(ReasonCode.CONTRACT_TO_CONFIRM_RULE, r) for r in law_to_confirm],
                [],
                None,
            )
        if law_excluding:
            return (
                Verdict.NOT_ELIGIBLE,
                [Reason(ReasonCode.CONTRACTS_ELIGIBLE_RULE, r) for r in branch_eligible]
                + [Reason(ReasonCode.CONTRACT_EXCLUDED_RULE, r) for r in law_excluding],
                [],
                None,
            )
        if law_eligible:
            if any(r.values.get("includes_law_beneficiaries") for r in branch_eligible):
                return Verdict.ELIGIBLE, [Reason(ReasonCode.CONTRACT_ELIGIBLE_RULE, r) for r in law_eligible], [], None
            return (
                Verdict.TO_CONFIRM,
                [Reason(ReasonCode.CONTRACTS_ELIGIBLE_RULE, r) for r in branch_eligible]
                + [Reason(ReasonCode.CONTRACT_TO_CONFIRM_RULE, r) for r in law_eligible],
                [],
                None,
            )
        return (
            Verdict.TO_CONFIRM,
            [Reason(ReasonCode.CONTRACT_TO_CONFIRM_RULE, r) for r in branch_eligible or law_rules],
            [],
            None,
        )

    def _ceiling(
        self, profile: Profile, branch: Branch, as_of: date, verdict: Verdict, reasons: list[Reason]
    ) -> Verdict:
        """Apply the diploma ceiling: the *grade* de licence, not every level-6 title.

        A diploma that confers (or is above) the grade excludes; one below it, or a level
        under the ceiling, passes; a level-6+ title whose grade the sources do not settle,
        or a bare level 6+, is « à confirmer ». Appends the reason; returns the verdict.
        """
        rules = self._branch_or_law(branch, "ceiling", as_of) or self._proa_law("ceiling")
        rule = next((r for r in rules if r.values.get("max_level_excluded") is not None), None)
        if rule is None:
            return verdict
        held_diploma = self.diploma(profile.held_diploma)
        level = self.held_level(profile)
        if held_diploma is not None and held_diploma.licence_grade is True:
            reasons.append(Reason(ReasonCode.CEILING_REACHED_RULE, rule))
            return Verdict.NOT_ELIGIBLE
        below = (
            (held_diploma is not None and held_diploma.licence_grade is False)
            or level is None
            or level < rule.values["max_level_excluded"]
        )
        if below:
            if verdict != Verdict.NOT_ELIGIBLE:
                reasons.append(Reason(ReasonCode.CEILING_RULE, rule))
            return verdict
        reasons.append(Reason(ReasonCode.CEILING_TO_CONFIRM_RULE, rule, {"level": level}))
        return verdict if verdict == Verdict.NOT_ELIGIBLE else Verdict.TO_CONFIRM
