"""The codes a decision of the rules engine is made of: regimes, verdicts, reasons, facts.

The engine speaks in codes only (issue 10): :mod:`bot.compose.french` words every one of
them, so one table there says what each code means to a person, and a test checks that
every :class:`ReasonCode` has its French.
"""

from __future__ import annotations

from bot.knowledge.models import Code


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
