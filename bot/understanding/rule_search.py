"""Which rules may answer a question: the branch asked about, and the regime the question
is about (:mod:`bot.understanding.question_reading`), then the finder's ranking.

Regimes, as the rules engine names them (:mod:`bot.rules`):

- an avenant concluded on or before the last day of the Pro-A → ``proa_ongoing`` (the
  agreement and the Pro-A law, read on the day it was concluded);
- an avenant concluded later → ``periode_reconversion`` (and the answer says why);
- a question in the past → ``proa`` read on the day it names (else the last Pro-A day);
- a question naming one scheme → that scheme (a Pro-A asked about today is one that goes
  on: ``proa_ongoing``);
- otherwise both, the ranking decides.

The thresholds below were set on the rule dev set (benchmarks/data/rules_dev.yml) and
are reported by benchmarks/bench_rules.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from bot.knowledge.models import KnowledgeBase, Rule
from bot.understanding.faq_topics import default_faq_topics
from bot.understanding.quantities import bounds_of, read_quantities
from bot.understanding.question_reading import PROA, RECONVERSION, Reading
from bot.understanding.rule_conditions import EXEMPT_CONDITION, default_rule_conditions
from bot.understanding.rule_finder import RuleFinder, RuleHit

#: Regime codes (those of :mod:`bot.rules`).
REGIME_PROA, REGIME_ONGOING, REGIME_RECONVERSION = "proa", "proa_ongoing", "periode_reconversion"

#: Below this score the best rule is no answer: the assistant asks.
ASK_BELOW = 0.07
#: A rule at least this sure answers even a message the NLU took for something else.
SURE_FROM = 0.14
#: Two different questions this close (ratio of their scores) are both asked back, when
#: the best is below ``CLOSE_BELOW`` (a strong best rule answers).
CLOSE_RATIO = 0.95
CLOSE_BELOW = 0.18
#: The branch's own rule is more specific than the law's on the same point (when the
#: question is about the Pro-A; a question about today reads today's law first).
BRANCH_BOOST = 0.03
#: The text a question names (« selon la loi », « selon l'accord ») favours its rules by this.
SOURCE_BOOST = 0.1
#: A branch rule of the same family within this share of a law rule's score goes first...
BRANCH_FIRST_SHARE = 0.6
#: ... when its closest phrasing is about as close as the law rule's (the law rule that
#: names the detail asked, « combien d'années d'expérience pour être tuteur ? », stays first).
BRANCH_FIRST_PHRASING = 0.6
#: Rule topics whose questions, asked with the person's situation (a contract, a diploma,
#: a job), the rules engine answers for that person: who may, up to which level, which
#: certifications. Other rules answer whatever the situation.
ENGINE_TOPICS = frozenset({"beneficiaries", "contracts", "definition"})
#: Rule topics the engine answers only for a person aiming at a diploma or level (« puis-je
#: viser un BTS ? »); otherwise their rule answers (« ce CQP est-il encore dans la liste ? »).
TARGET_TOPICS = frozenset({"certifications"})
#: ... unless a certification rule is this sure to be the one asked.
SURE_OVER_TARGET = 0.45
#: A message that names a job asks a rule (rather than its list) only when this sure (set
#: on the dialogue and rule dev sets, with the closed asks in the rows).
SURE_WITH_JOB = 0.35
#: With an avenant's date, the transition rule answers when it scores at least this share
#: of the best other rule (the question is then about the regime itself).
TRANSITION_SHARE = 0.8
#: A question naming both schemes is about the switch unless another rule beats the
#: transition rule by more than this.
BOTH_SCHEMES_BOOST = 0.1
#: Rule topics about both regimes (the switch from one to the other): always in scope.
BOTH_REGIMES_TOPICS = frozenset({"transition"})
#: Rule topics about an agreement's own dates (when it applied): they answer a question
#: about any day, one before the agreement too (« l'accord s'appliquait-il dès 2020 ? »).
TIMELESS_TOPICS = frozenset({"entry_into_force"})
#: Rule topics of a branch's own certifications (CQP, TFP, their CPF use): rules of its
#: convention collective, in force today whatever the scheme, the Pro-A or its successor.
LASTING_TOPICS = frozenset({"branch_certifications"})
#: How many of the first hits may hold the rule that exempts the aim a message states.
EXEMPT_WINDOW = 6
#: ... of the best rule's family, or scoring at least this share of it.
EXEMPT_SHARE = 0.8
#: Boost of the rules of the topic the NLU or the parser recognised (a hint, not a filter).
TOPIC_HINT_BOOST = 0.03
#: Boost of the rules that bound the unit of a figure a yes/no question states (« 300 heures
#: sur 10 mois, c'est permis ? » asks of the rule with a minimum and a maximum of hours).
FIGURE_BOOST = 0.12


@dataclass(frozen=True)
class RuleSearch:
    """The rules found for one question, and the reading taken."""

    hits: tuple[RuleHit, ...]
    reading: Reading
    regime: str | None  # the regime the question is about, None: both
    rule_day: date  # the day the Pro-A rules were read
    today: date
    avenant_too_late: bool = False  # an avenant concluded after the last Pro-A day
    close: tuple[RuleHit, ...] = field(default_factory=tuple)  # other readings as likely
    asked: str = ""  # the question as searched (without its dated clauses)

    @property
    def best(self) -> RuleHit | None:
        return self.hits[0] if self.hits else None

    @property
    def unsure(self) -> bool:
        """Whether the assistant should ask instead of answering."""
        return self.best is None or self.best.score < ASK_BELOW or bool(self.close)

    @property
    def sure(self) -> bool:
        return self.best is not None and self.best.score >= SURE_FROM and not self.close

    def answers_over(self, situation: bool, job: bool = False, target: bool = False) -> bool:
        """Whether the rules found answer the message rather than the eligibility or
        list answer: the finder is sure (more so when a job is named), and the message
        states no situation or asks a rule the engine does not decide for a person
        (« je suis cariste, qui paie la formation ? »)."""
        if not self.sure or self.best is None:
            return False
        if job and self.best.score < SURE_WITH_JOB:
            return False
        topic = self.best.rule.topic
        if topic in TARGET_TOPICS and target and self.best.score >= SURE_OVER_TARGET:
            target = False  # « le CQP … est-il toujours dans la liste ? » names its rule
        return not situation or not (topic in ENGINE_TOPICS or (target and topic in TARGET_TOPICS))


class RuleScope:
    """Which rules belong to which regime and branch, for one knowledge base."""

    def __init__(self, kb: KnowledgeBase, last_proa_day: date) -> None:
        self.kb = kb
        self.last_proa_day = last_proa_day
        self._branch_of: dict[str, int] = {r.id: idcc for idcc, b in kb.branches.items() for r in b.rules}

    def regime_of(self, rule: Rule) -> str:
        """``proa`` for a branch agreement's rule or a law rule that ended with the Pro-A,
        ``periode_reconversion`` for a law rule of the new scheme."""
        if rule.id in self._branch_of:
            return REGIME_PROA
        if rule.valid_until is not None and rule.valid_until <= self.last_proa_day:
            return REGIME_PROA
        return REGIME_RECONVERSION

    def branch_of(self, rule: Rule) -> int | None:
        return self._branch_of.get(rule.id)

    def regime(self, reading: Reading, today: date) -> tuple[str | None, date, bool]:
        """(regime asked about or None, day the Pro-A rules are read, avenant too late)."""
        last = self.last_proa_day
        if reading.avenant_on is not None:
            if reading.avenant_on <= last:
                return REGIME_ONGOING, reading.avenant_on, False
            return REGIME_RECONVERSION, last, True
        if reading.start_on is not None and reading.start_on <= last:
            # A Pro-A that started then had its avenant concluded before: read on that day.
            return REGIME_ONGOING, reading.start_on, False
        if today <= last:
            return REGIME_PROA, today, False
        if reading.past:
            if reading.as_of is not None and reading.as_of > last:
                return REGIME_RECONVERSION, last, False  # « en janvier 2026 »: the new scheme then
            return REGIME_PROA, min(reading.as_of or last, last), False
        if reading.scheme == PROA:
            return REGIME_ONGOING, last, False
        if reading.scheme == RECONVERSION:
            return REGIME_RECONVERSION, last, False
        return None, last, False

    def keep(
        self, rule: Rule, idcc: int, regime: str | None, rule_day: date, today: date, proa_law: bool = False
    ) -> bool:
        """Whether ``rule`` may answer a question on branch ``idcc`` about ``regime``."""
        branch = self.branch_of(rule)
        if branch is not None and branch != idcc:
            return False
        rule_regime = self.regime_of(rule)
        if rule.topic in BOTH_REGIMES_TOPICS:
            return True
        if rule.topic in LASTING_TOPICS:
            return rule.is_valid_on(max(today, rule_day))
        if regime is None and rule_regime == REGIME_PROA and branch is None and not proa_law:
            return False  # the Pro-A law is history: asked only of the Pro-A or of the past
        if regime is not None and (rule_regime == REGIME_PROA) != (regime in (REGIME_PROA, REGIME_ONGOING)):
            return False
        if rule_regime == REGIME_PROA:
            return rule.is_valid_on(rule_day) or rule.topic in TIMELESS_TOPICS
        # The new scheme's rules as they stand today (its first day for a question asked before).
        return rule.is_valid_on(max(today, self.last_proa_day + timedelta(days=1)))


def topic_family(rule_topic: str) -> str:
    """The FAQ topic (``knowledge/faq_topics.yml``) a rule topic belongs to, else itself:
    rules of one family are one reading, shown together, never asked back."""
    topics = default_faq_topics().topics
    # The FAQ topic made for it first: of its name, else whose first rule topic it is
    # (« funding » for funding, not « cpf »; « beneficiaries », not « level_ceiling »).
    for topic in topics:
        if topic.id == rule_topic:
            return topic.id
    for topic in topics:
        if rule_topic in topic.proa_rule_topics[:1] or rule_topic in topic.reconversion_rule_topics[:1]:
            return topic.id
    for topic in topics:
        if rule_topic in topic.proa_rule_topics or rule_topic in topic.reconversion_rule_topics:
            return topic.id
    return rule_topic


def bounded_units(rule: Rule) -> frozenset[str]:
    """The units a rule's values bound (``min_hours``, ``max_months``…)."""
    return frozenset(bounds_of(rule.values))


def _source_boost(source: str | None, of_a_branch: bool) -> float:
    """« selon la loi » favours the law's rules, « selon l'accord » the branch's."""
    if source is None:
        return 0.0
    return SOURCE_BOOST if (source == "agreement") == of_a_branch else 0.0


def _first_of_topics(ranked: list[RuleHit], topics: frozenset[str]) -> list[RuleHit]:
    """The best rule of ``topics`` first (at least as sure as :data:`SURE_FROM`)."""
    for index, hit in enumerate(ranked):
        if hit.rule.topic in topics:
            first = replace(hit, score=max(SURE_FROM, hit.score, ranked[0].score))
            return [first, *ranked[:index], *ranked[index + 1 :]]
    return ranked


def _exempting_first(ranked: list[RuleHit], text: str) -> list[RuleHit]:
    """The rule whose limits do not bind the aim the message states (« …pour une VAE ? »,
    its value ``exempt``) first, when it is among the first hits, of the best rule's family
    or about as close: it says what the limits are for that aim."""
    if not ranked:
        return ranked
    aim = default_rule_conditions().stated(text, EXEMPT_CONDITION)
    if aim is None:
        return ranked
    family = topic_family(ranked[0].rule.topic)
    for index, hit in enumerate(ranked[:EXEMPT_WINDOW]):
        close = hit.score >= EXEMPT_SHARE * ranked[0].score
        if aim in (hit.rule.values.get("exempt") or ()) and (topic_family(hit.rule.topic) == family or close):
            return [replace(hit, score=max(hit.score, ranked[0].score)), *ranked[:index], *ranked[index + 1 :]]
    return ranked


def _branch_first(ranked: list[RuleHit], scope: RuleScope, own: bool = False) -> list[RuleHit]:
    """The branch's own rule first when a law rule of the same family leads by little: the
    agreement says how the law applies in the branch (« 17 € par heure », not the law's
    general funding rule) — when the branch rule's closest phrasing is about as close as the
    law rule's, or always for a question on the person's own case (``own``: their avenant, or
    « je », « mon » about today: their Pro-A is their branch's)."""
    if not ranked or scope.branch_of(ranked[0].rule) is not None or scope.regime_of(ranked[0].rule) != REGIME_PROA:
        return ranked
    best = ranked[0]
    family = topic_family(best.rule.topic)
    for index, hit in enumerate(ranked[1:], start=1):
        if hit.score < BRANCH_FIRST_SHARE * best.score:
            break
        if (
            scope.branch_of(hit.rule) is not None
            and topic_family(hit.rule.topic) == family
            and (own or hit.phrasing >= BRANCH_FIRST_PHRASING * best.phrasing)
        ):
            return [replace(hit, score=best.score), *ranked[:index], *ranked[index + 1 :]]
    return ranked


def search_rules(
    finder: RuleFinder,
    scope: RuleScope,
    text: str,
    idcc: int,
    today: date,
    reading: Reading,
    hint_topics: Sequence[str] = (),
    limit: int = 8,
) -> RuleSearch:
    """The rules for ``text`` on branch ``idcc``, for the regime ``reading`` says."""
    regime, rule_day, too_late = scope.regime(reading, today)
    if reading.as_of is not None and scope.last_proa_day < reading.as_of < today:
        today = reading.as_of  # the new scheme's rules as they stood on the day asked about
    text = reading.asked or text
    # A figure in a yes/no question is what it asks of (« 8 mois, c'est possible ? »); in an
    # open one it is a given (« avec 300 h de formation, combien prend l'OPCO ? »).
    units = {figure.unit for figure in read_quantities(text)} if reading.yes_no else set()
    # A question naming both schemes asks of the Pro-A law too (« … la Pro-A ou la période de reconversion ? »).
    ranked = finder.rank(
        text,
        lambda r: scope.keep(r, idcc, regime, rule_day, today, reading.both_schemes),
        limit=limit * 2,
        negative=reading.negative,
    )
    ranked = sorted(
        (
            replace(
                h,
                score=h.score
                + (TOPIC_HINT_BOOST if h.rule.topic in hint_topics else 0.0)
                + (BRANCH_BOOST if scope.branch_of(h.rule) is not None and regime is not None else 0.0)
                + _source_boost(reading.source, scope.branch_of(h.rule) is not None)
                + (FIGURE_BOOST if units and units & bounded_units(h.rule) else 0.0),
            )
            for h in ranked
        ),
        key=lambda h: -h.score,
    )
    if reading.source != "law":
        own = reading.avenant_on is not None or reading.own_case
        ranked = _branch_first(ranked, scope, own=own)
    ranked = _exempting_first(ranked, text)
    if reading.both_schemes or reading.avenant_on is not None:
        # The transition rule may share no word with the question (« ça bascule ? »).
        ranked += [
            RuleHit(rule, 0.0)
            for rule in finder.rules
            if rule.topic in BOTH_REGIMES_TOPICS
            and scope.keep(rule, idcc, regime, rule_day, today)
            and all(h.rule is not rule for h in ranked)
        ]
    if reading.both_schemes:
        # « on reste en Pro-A ou ça bascule en période de reconversion ? »: the switch itself,
        # unless another rule is clearly asked (« qu'est-ce qui a remplacé la Pro-A ? »).
        transition = [h for h in ranked if h.rule.topic in BOTH_REGIMES_TOPICS]
        best_other = max((h.score for h in ranked if h.rule.topic not in BOTH_REGIMES_TOPICS), default=0.0)
        if transition and transition[0].score + BOTH_SCHEMES_BOOST >= best_other:
            ranked = _first_of_topics(ranked, BOTH_REGIMES_TOPICS)
    elif reading.avenant_on is not None:
        # The avenant's date already says which regime applies (the answer says so): the
        # transition rule answers only when nothing else is asked (« avenant signé le 15
        # décembre 2025, c'est toujours une Pro-A ? »).
        transition = [h for h in ranked if h.rule.topic in BOTH_REGIMES_TOPICS]
        others = [h for h in ranked if h.rule.topic not in BOTH_REGIMES_TOPICS]
        # A Pro-A whose avenant came too late asks of the switch itself (« un avenant Pro-A
        # daté du 10 janvier 2026 est-il valable ? »), unless another Pro-A rule is asked.
        too_late_proa = (
            too_late and reading.scheme == PROA and not any(scope.regime_of(h.rule) == REGIME_PROA for h in others[:1])
        )
        if (
            not too_late_proa
            and others
            and others[0].score >= SURE_FROM
            and (not transition or transition[0].score < TRANSITION_SHARE * others[0].score)
        ):
            ranked = others + transition
        elif transition:
            # As sure as the best other rule (the switch is what a too late Pro-A asks).
            ranked = _first_of_topics(others + transition, BOTH_REGIMES_TOPICS)
    hits = tuple(ranked[:limit])
    close: list[RuleHit] = []
    if hits and hits[0].score < CLOSE_BELOW:
        best = hits[0]
        seen = {best.rule.question or best.rule.id}
        family = topic_family(best.rule.topic)
        for hit in hits[1:]:
            question = hit.rule.question or hit.rule.id
            if question in seen or topic_family(hit.rule.topic) == family:
                continue
            if hit.score >= CLOSE_RATIO * best.score:
                close.append(hit)
                seen.add(question)
    return RuleSearch(hits, reading, regime, rule_day, today, too_late, tuple(close[:2]), text)
