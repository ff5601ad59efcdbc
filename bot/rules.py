"""The rules engine: from a :class:`~bot.profile.Profile` to a :class:`Decision`.

It reads every figure from the knowledge base (rules with validity periods) and applies
the 2026 switch: a Pro-A can no longer start after the last start date given by the law
rule ``law.proa.end``; a Pro-A whose avenant was signed before goes on under the
agreement; otherwise the période de reconversion applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.knowledge.models import (
    Branch,
    Certification,
    Code,
    Diploma,
    KnowledgeBase,
    Rule,
    SourceRef,
    unique_sources,
)
from bot.profile import Profile


class Regime(Code):
    """The regime a question is answered under."""

    PROA = "proa"
    PROA_ONGOING = "proa_ongoing"
    RECONVERSION = "periode_reconversion"


class Verdict(Code):
    """The engine's verdict on a Pro-A."""

    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    NEEDS_INFORMATION = "needs_information"
    #: The sources do not settle it: « à confirmer auprès de votre OPCO ».
    TO_CONFIRM = "to_confirm"


class ReasonCode(Code):
    """What one step of the reasoning says; :mod:`bot.compose.french` turns it into French.

    Codes ending in ``_RULE`` state their rule (its summary); the others carry the
    facts they need in :attr:`Reason.params`.
    """

    #: The Pro-A can no longer start (rule ``law.proa.end``).
    PROA_ENDED_RULE = "proa_ended"
    #: The avenant is dated after the last Pro-A start date. Params: signed_on, last_start_date.
    AVENANT_AFTER_END = "avenant_after_end"
    #: The avenant was concluded before the switch: the Pro-A goes on. Params: signed_on, replacement_from.
    PROA_ONGOING_AGREEMENT = "proa_ongoing_agreement"
    #: Who may have a période de reconversion.
    RECONVERSION_BENEFICIARIES_RULE = "reconversion_beneficiaries"
    #: The contracts a Pro-A is open to (the contract is not known yet).
    CONTRACTS_ELIGIBLE_RULE = "contracts_eligible"
    #: The person's contract is one a Pro-A is open to.
    CONTRACT_ELIGIBLE_RULE = "contract_eligible"
    #: The person's contract is not one a Pro-A is open to.
    CONTRACT_EXCLUDED_RULE = "contract_excluded"
    #: The diploma ceiling, which the person's level does not reach.
    CEILING_RULE = "ceiling"
    #: The diploma ceiling, which the person's diploma reaches (grade de licence).
    CEILING_REACHED_RULE = "ceiling_reached"
    #: A level-6+ title whose grade the sources do not settle. Params: level.
    CEILING_TO_CONFIRM_RULE = "ceiling_to_confirm"
    #: A CUI: is it a CDI or a CDD? (the rule tells them apart).
    CUI_KIND_NEEDED_RULE = "cui_kind_needed"
    #: The contract is outside the agreement's scope (e.g. permanent staff of an agency).
    CONTRACT_OUT_OF_SCOPE_RULE = "contract_out_of_scope"
    #: The sources do not settle this contract: « à confirmer ».
    CONTRACT_TO_CONFIRM_RULE = "contract_to_confirm"
    #: Under the période de reconversion: what the law says of this contract, to confirm.
    RECONVERSION_CONTRACT_RULE = "reconversion_contract"
    #: A planned duration under the minimum. Params: months, min_months.
    PLAN_TOO_SHORT = "plan_too_short"
    #: A planned duration over the maximum. Params: months, max_months.
    PLAN_TOO_LONG = "plan_too_long"
    #: Too few training hours. Params: hours, min_hours.
    PLAN_TOO_FEW_HOURS = "plan_too_few_hours"
    #: Training share under its minimum. Params: percent, min_percent.
    PLAN_SHARE_TOO_LOW = "plan_share_too_low"
    #: Training share over its maximum. Params: percent, max_percent.
    PLAN_SHARE_TOO_HIGH = "plan_share_too_high"


class Fact(Code):
    """A fact the engine needs and does not have (:attr:`Decision.missing`)."""

    CONTRACT = "contract"


#: Module-level names kept for callers (``from bot.rules import ELIGIBLE``).
PROA = Regime.PROA
PROA_ONGOING = Regime.PROA_ONGOING
RECONVERSION = Regime.RECONVERSION
ELIGIBLE = Verdict.ELIGIBLE
NOT_ELIGIBLE = Verdict.NOT_ELIGIBLE
NEEDS_INFORMATION = Verdict.NEEDS_INFORMATION
TO_CONFIRM = Verdict.TO_CONFIRM


@dataclass(frozen=True)
class Reason:
    """One step of the reasoning: a code, the rule that grounds it and the facts it
    needs (no wording here: :mod:`bot.compose` words it)."""

    code: ReasonCode
    rule: Rule | None = None
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class DurationInfo:
    min_months: int | None
    max_months: int | None
    extended_max_months: int | None
    extension_applies: bool | None
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class PlanCheck:
    """The check of a planned duration and training time against the rules."""

    ok: bool
    problems: tuple[Reason, ...]
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Decision:
    """The rules engine's verdict with everything an answer needs."""

    verdict: Verdict
    regime: Regime
    as_of: date
    branch: Branch
    reasons: tuple[Reason, ...]
    #: :class:`Fact` codes (typed as str: the wording adds facts of its own, e.g. the métier).
    missing: tuple[str, ...] = ()
    duration: DurationInfo | None = None
    training_rules: tuple[Rule, ...] = ()
    funding_rules: tuple[Rule, ...] = ()
    procedure_rules: tuple[Rule, ...] = ()
    certifications: tuple[Certification, ...] = ()
    target: Diploma | None = None
    plan: PlanCheck | None = None
    assumed_contract: str | None = None

    def rules_used(self) -> tuple[Rule, ...]:
        """Every rule the decision rests on, in order of use (repeats kept)."""
        rules: list[Rule] = [r.rule for r in self.reasons if r.rule]
        for group in (self.training_rules, self.funding_rules, self.procedure_rules):
            rules.extend(group)
        if self.duration:
            rules.extend(self.duration.rules)
        if self.plan:
            rules.extend(self.plan.rules)
        return tuple(rules)

    @property
    def sources(self) -> tuple[SourceRef, ...]:
        """The sources of every rule used, without repeats (:func:`unique_sources`)."""
        return unique_sources(rule.source for rule in self.rules_used())


class RulesEngine:
    """Applies the knowledge base's rules to a profile."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        end = kb.rule("law.proa.end")
        self.last_start_date: date = end.values["last_start_date"]
        self.end_rule = end

    # -- regime -----------------------------------------------------------------
    def regime(self, profile: Profile) -> tuple[Regime, date]:
        """Which regime applies, and the date at which rules are read."""
        signed = profile.avenant_signed_on
        if signed is not None and signed <= self.last_start_date:
            return PROA_ONGOING, signed
        if profile.today <= self.last_start_date and signed is None:
            return PROA, profile.today
        return RECONVERSION, profile.today

    # -- helpers reading rules ----------------------------------------------------
    def _branch_or_law(self, branch: Branch, topic: str, day: date) -> tuple[Rule, ...]:
        rules = branch.rules_for(topic, day)
        return rules if rules else self.kb.law_for(topic, day)

    def _proa_law(self, topic: str) -> tuple[Rule, ...]:
        """Pro-A law rules of a topic, read on the last day a Pro-A could start."""
        return tuple(r for r in self.kb.law_for(topic, self.last_start_date) if r.id.startswith("law.proa."))

    def diploma(self, code: str | None) -> Diploma | None:
        return self.kb.diplomas.get(code) if code else None

    def held_level(self, profile: Profile) -> int | None:
        if profile.held_level is not None:
            return profile.held_level
        held = self.diploma(profile.held_diploma)
        return held.level if held else None

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
        certifications = self._target_certifications(
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

    def _reconversion_law(self, topic: str, day: date) -> tuple[Rule, ...]:
        """Période de reconversion rules of a topic on ``day``."""
        return tuple(r for r in self.kb.law_for(topic, day) if r.id.startswith("law.reconversion."))

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
        certifications = self._target_certifications(branch, target, profile.target_level, metier_certifications, as_of)
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
        eligible = _values(rules, "eligible_contracts")
        excluded = _values(rules, "excluded_contracts") | _values(rules, "pending_contracts")
        contract = profile.contract
        assumed: str | None = None
        named = eligible | excluded | _values(rules, "out_of_scope_contracts") | _values(rules, "to_confirm_contracts")
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
                if kinds & (_values([r], "eligible_contracts") | _values([r], "excluded_contracts"))
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

    # -- durations ----------------------------------------------------------------
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
        elif self._ruled_out_by_age(_values(extensions, "publics"), profile.age):
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
        beyond_allowed = bool(self.publics(profile) & _values(share_rules, "publics"))
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

    # -- certifications -------------------------------------------------------------
    def _target_certifications(
        self,
        branch: Branch,
        target: Diploma | None,
        target_level: int | None,
        metier_certifications: Sequence[Certification] | None,
        day: date,
    ) -> tuple[Certification, ...]:
        source = metier_certifications if metier_certifications is not None else branch.certifications
        pool = [c for c in source if c.is_listed_on(day)]
        if target is None and target_level is None:
            return tuple(pool) if metier_certifications is not None else ()
        return tuple(unique_certifications(c for c in pool if _fits(c, target, target_level)))

    def certifications_for_target(
        self, branch: Branch, target: Diploma | None, target_level: int | None, day: date
    ) -> tuple[Certification, ...]:
        """Every certification of the branch list on ``day`` that fits a diploma kind or level."""
        return self._target_certifications(branch, target, target_level, None, day)


def _fits(certification: Certification, target: Diploma | None, level: int | None) -> bool:
    if target is not None and target.title_prefixes:
        return target.names(certification)
    wanted = level if level is not None else (target.level if target else None)
    return wanted is not None and certification.level_number == wanted


def unique_certifications(certifications: Iterable[Certification]) -> list[Certification]:
    """Certifications without repeats (same title and RNCP code), in order."""
    seen = set()
    result = []
    for certification in certifications:
        key = (certification.title.casefold(), certification.rncp)
        if key not in seen:
            seen.add(key)
            result.append(certification)
    return result


def _values(rules: Iterable[Rule], key: str) -> set[str]:
    """Every code that some of ``rules`` list under ``values[key]``."""
    found: set[str] = set()
    for rule in rules:
        found.update(rule.values.get(key, ()))
    return found
