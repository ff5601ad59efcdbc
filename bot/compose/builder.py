"""Builds answers from the rules engine's decisions, the métier match and the rules.

The verdict is the engine's (a code); this module only chooses the words, in the shape
of :mod:`bot.compose.parts`: verdict line, parts per regime, list, 2026 change, next
steps, sources.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from bot.compose import french
from bot.compose import next_steps as steps
from bot.compose.parts import (
    CHANGE_EXPLAINED,
    CHANGE_RECALLED,
    LIST_BRANCH,
    LIST_OTHERS,
    LIST_OWN,
    Answer,
    AnswerTopic,
    AnswerVerdict,
    Button,
    CertificationItem,
    CertificationList,
    ChangeNote,
    ContactLink,
    ListWhose,
    NextStep,
    Part,
    Route,
    SourceItem,
    faq_topic,
)
from bot.compose.topics import faq_topics
from bot.compose.voice import said as said_to_audience
from bot.knowledge.models import (
    Branch,
    Certification,
    Diploma,
    KnowledgeBase,
    Metier,
    Rule,
    SourceRef,
    unique_sources,
)
from bot.matching import (
    STATUS_AMBIGUOUS,
    STATUS_EMPTY,
    STATUS_ENJEUX,
    STATUS_NOT_IN_LIST,
    STATUS_SUGGESTION,
    MatchResult,
)
from bot.missing import certifications_missing, eligibility_missing
from bot.profile import CONTRACT_LABELS, Profile
from bot.rules import (
    ELIGIBLE,
    NEEDS_INFORMATION,
    NOT_ELIGIBLE,
    PROA_ONGOING,
    RECONVERSION,
    TO_CONFIRM,
    Decision,
    ReasonCode,
    Regime,
    RulesEngine,
    unique_certifications,
)

#: How many certifications fit in one chat bubble before « voir plus ».
PAGE_SIZE = 5

#: The rule topic (and FAQ topic) of the CléA: only a branch with such a rule suggests it.
CLEA_TOPIC = "clea"
#: The FAQ topic (and law rule topic) of the période de reconversion.
RECONVERSION_TOPIC = "periode_reconversion"
#: The FAQ topic « qu'est-ce que la Pro-A ? ».
WHAT_IS_PROA_TOPIC = "what_is_proa"
#: The rule topic of the lists of certifications.
CERTIFICATIONS_TOPIC = "certifications"

#: FAQ topics after which the person's first step is to talk to their employer.
NEXT_STEP_TOPICS = frozenset({"procedure", "periode_reconversion", "funding", "forms", "beneficiaries"})
#: FAQ topics after which the first step is their CPF account.
CPF_TOPICS = frozenset({"cpf"})

#: FAQ topics whose rules name the scheme themselves: no « Période de reconversion : » prefix.
_SELF_NAMED = (RECONVERSION_TOPIC, WHAT_IS_PROA_TOPIC)


@dataclass(frozen=True)
class Page:
    items: tuple[Certification, ...]
    offset: int
    remaining: int
    next_offset: int


def paginate(certifications: Sequence[Certification], offset: int = 0, size: int = PAGE_SIZE) -> Page:
    """One page of a certification list, with how many remain after it."""
    offset = max(0, offset)
    items = tuple(certifications[offset : offset + size])
    next_offset = offset + len(items)
    return Page(items, offset, max(0, len(certifications) - next_offset), next_offset)


def _source_items(sources: Iterable[SourceRef | None]) -> tuple[SourceItem, ...]:
    """Sources cited once each (:func:`~bot.knowledge.models.unique_sources`, the
    engine's rule too), each linked to its article when the knowledge has it."""
    cited = unique_sources(s for s in sources if s is not None)
    return tuple(SourceItem(s.label, s.url, s.checked_on.isoformat() if s.checked_on else None) for s in cited)


class Composer:
    """Turns decisions, matches and rules into :class:`~bot.compose.parts.Answer` objects."""

    def __init__(self, kb: KnowledgeBase, engine: RulesEngine) -> None:
        self.kb = kb
        self.engine = engine
        self._metier_of: dict[int, dict[tuple[str, str | None], str]] = {}

    # -- shared pieces ---------------------------------------------------------------
    @property
    def switch(self) -> date:
        """The day the période de reconversion replaced the Pro-A (from the law's rule)."""
        day = self.engine.end_rule.values["replacement_from"]
        assert isinstance(day, date), "the end rule's replacement_from is a date (schema)"
        return day

    def _year(self) -> int:
        return self.switch.year

    def _heading(self, regime: Regime, profile: Profile | None = None) -> str:
        if regime == RECONVERSION:
            return french.HEADING_RECONVERSION.format(year=self._year())
        if regime == PROA_ONGOING:
            if profile is not None and profile.avenant_signed_on:
                return french.worded("HEADING_PROA_YOURS").format(
                    signed_on=french.french_date(profile.avenant_signed_on)
                )
            return french.HEADING_PROA_BEFORE.format(year=self._year())
        return french.HEADING_PROA

    def _branch_note(self) -> Rule | None:
        """The law's note that how a branch applies the new scheme is not verified."""
        for rule in self.kb.law_for(RECONVERSION_TOPIC, self.switch):
            if rule.values.get("verified") is False:
                return rule
        return None

    def _change(self, regime: Regime, explained: bool) -> tuple[ChangeNote | None, list[Rule]]:
        """The 2026 change: in full the first time, then recalled with « Ce qui change en 2026 »."""
        if regime not in (RECONVERSION, PROA_ONGOING):
            return None, []
        heading = french.HEADING_CHANGE.format(year=self._year())
        if explained:
            text = french.CHANGE_RECALL.format(switch=french.french_date(self.switch))
            return ChangeNote(CHANGE_RECALLED, heading, text, steps.change_button()), []
        return ChangeNote(CHANGE_EXPLAINED, heading, said_to_audience(self.engine.end_rule)), [self.engine.end_rule]

    def next_step(self, branch: Branch, cpf: bool = False) -> NextStep | None:
        """What the person does first and who to turn to: their employer (the agency for an
        intérimaire), with the OPCO the agreement names; for the CPF, Mon Compte Formation."""
        if cpf:
            service = self.kb.contact("cpf")
            if service is None:
                return None
            return NextStep(
                french.NEXT_STEP_CPF.format(service=service.name), (ContactLink(service.name, service.url),)
            )
        opco = self.kb.contact("opco", branch.idcc)
        text = french.worded_map("NEXT_STEP_BY_EMPLOYER")[branch.agreement.employer].format(opco=branch.agreement.opco)
        return NextStep(text, (ContactLink(opco.name, opco.url),) if opco else ())

    def regime_heading(self, regime: Regime, profile: Profile | None = None) -> str:
        """The heading of a part about ``regime`` (« Pro-A signée avant 2026 »…)."""
        return self._heading(regime, profile)

    def change_note(self, regime: Regime, explained: bool) -> tuple[ChangeNote | None, list[Rule]]:
        """The 2026 change for an answer about ``regime``: in full once, then recalled."""
        return self._change(regime, explained)

    def _known_topics(self) -> tuple[str, ...]:
        return tuple(faq_topics())

    def _metier_label(self, branch: Branch, certification: Certification) -> str | None:
        """The métier a certification is listed for (the first one, in list order)."""
        table = self._metier_of.get(branch.idcc)
        if table is None:
            table = {}
            for metier in branch.metiers:
                for c in metier.certifications:
                    table.setdefault((c.title.casefold(), c.rncp), metier.label)
            self._metier_of[branch.idcc] = table
        return table.get((certification.title.casefold(), certification.rncp))

    def _list(
        self,
        branch: Branch,
        page: Page,
        heading: str,
        whose: ListWhose,
        notes: Sequence[str] = (),
    ) -> CertificationList:
        """A list page; a title listed twice with two RNCP codes says why it is there twice."""
        codes: dict[str, list[str]] = {}
        for c in page.items:
            if c.rncp:
                codes.setdefault(c.title.casefold(), []).append(c.rncp)
        items = []
        for c in page.items:
            same = codes.get(c.title.casefold(), [])
            note = (
                french.DUPLICATE_NOTE.format(count=len(same), codes=french.AND.join(same))
                if len(set(same)) > 1
                else None
            )
            metier = self._metier_label(branch, c) if whose == LIST_OTHERS else None
            items.append(CertificationItem(c.title, c.rncp, c.level, c.url, metier, note))
        return CertificationList(
            heading, tuple(items), whose, page.offset, page.remaining, page.next_offset, tuple(notes)
        )

    def _list_heading(self, branch: Branch, metier: Metier | None, target: Diploma | None, offset: int) -> str:
        """Whose list it is, in a line a phone shows whole (the annex's version is a note)."""
        if offset:
            return french.LIST_NEXT
        version = ""
        if metier is None:
            base = french.LIST_BRANCH_TARGET.format(target=target.label) if target else french.LIST_BRANCH
        elif target is not None:
            base = french.LIST_OWN_TARGET.format(target=target.label, metier=metier.label)
        else:
            base = french.LIST_OWN.format(metier=metier.label)
        return base + version

    def _list_notes(self, branch: Branch, regime: Regime, day: date) -> tuple[list[str], list[Rule]]:
        """What goes with a list: RNCP activity, amendments not included, and since 2026
        the open question of the list's use (to confirm with the OPCO)."""
        rules = list(self.engine._proa_law(CERTIFICATIONS_TOPIC)) + [r for r in branch.list_notes if r.is_valid_on(day)]
        if regime == RECONVERSION:
            note = self._branch_note()
            if note is not None:
                rules.append(note)
        texts = [
            self._with_opco(said_to_audience(r), branch) if r.values.get("verified") is False else said_to_audience(r)
            for r in rules
        ]
        if branch.agreement.annex_version:
            texts.insert(0, french.LIST_FROM.format(version=branch.agreement.annex_version))
        return texts, rules

    @staticmethod
    def _with_opco(sentence: str, branch: Branch) -> str:
        return french.WITH_OPCO.format(sentence=sentence.rstrip().rstrip("."), opco=branch.agreement.opco)

    def _list_day(self, regime: Regime, as_of: date) -> date:
        """The day a branch list is read: the last Pro-A day once the Pro-A has ended."""
        return min(as_of, self.engine.last_start_date) if regime == RECONVERSION else as_of

    def _unresolved_metier(
        self, branch: Branch, match: MatchResult | None
    ) -> tuple[str | None, list[str], tuple[Button, ...], list[SourceRef]]:
        """When the métier is not found: a verdict line, sentences, buttons and sources."""
        if match is None:
            return None, [], (), []
        opco = branch.agreement.opco
        candidates = [c.metier for c in match.candidates]
        clea = any(rule.topic == CLEA_TOPIC for rule in branch.rules)
        ways_out = (CLEA_TOPIC, RECONVERSION_TOPIC) if clea else (RECONVERSION_TOPIC,)
        if match.status == STATUS_AMBIGUOUS:
            buttons = tuple(
                steps.metier_button(french.METIER_WITH_SUB_SECTOR.format(label=m.label, sub_sector=m.sub_sector), m.id)
                for m in candidates
            )
            return french.VERDICT_AMBIGUOUS, [], buttons, []
        if match.status == STATUS_SUGGESTION and candidates:
            # « did you mean »: the matcher has guesses it is not sure of.
            buttons = tuple(steps.metier_button(m.label, m.id) for m in candidates)
            labels = french.OR.join(french.QUOTED.format(text=m.label) for m in candidates[:3])
            return french.VERDICT_DID_YOU_MEAN.format(labels=labels), [], buttons, []
        if match.status == STATUS_ENJEUX and match.enjeux:
            buttons = tuple(steps.topic_buttons(ways_out, self._known_topics()))
            line = french.VERDICT_ENJEUX.format(label=match.enjeux.label)
            help_text = french.worded("ENJEUX_HELP") if clea else french.worded("ENJEUX_HELP_NO_CLEA")
            return line, [help_text], buttons, [branch.enjeux_source] if branch.enjeux_source else []
        if match.status == STATUS_NOT_IN_LIST:
            # The person's text is not echoed: it may be long or hold markup.
            closest = tuple(steps.metier_button(m.label, m.id) for m in candidates[:3])
            help_text = french.worded("NOT_IN_LIST_HELP") if clea else french.worded("NOT_IN_LIST_HELP_NO_CLEA")
            sentences = [help_text.format(opco=opco)]
            if closest:
                sentences.append(french.CLOSEST)
            buttons = closest + tuple(steps.topic_buttons(ways_out, self._known_topics()))
            return french.VERDICT_NOT_IN_LIST.format(branch=branch.name), sentences, buttons, []
        if match.status == STATUS_EMPTY:
            return (
                french.VERDICT_WHICH_METIER,
                [],
                tuple(steps.topic_buttons(steps.WELCOME_TOPICS, self._known_topics())),
                [],
            )
        return None, [], (), []

    # -- eligibility -----------------------------------------------------------------
    def eligibility(
        self,
        profile: Profile,
        decision: Decision,
        match: MatchResult | None,
        metier: Metier | None,
        change_explained: bool = False,
        scheme_asked: str = "",
    ) -> Answer:
        """Answer to « puis-je faire une Pro-A / viser un BTS ? »; ``scheme_asked``: the
        scheme the question names (``proa``, ``reconversion``, ``both``, or empty). The Pro-A
        asked about is answered first (no new one today), then the route; both asked about,
        each gets its answer, the open one first."""
        proa_asked = scheme_asked in ("proa", "both")
        branch = decision.branch
        regime = decision.regime
        rules_used: list[Rule] = [r.rule for r in decision.reasons if r.rule and r.rule is not self.engine.end_rule]
        parts: list[Part] = []
        # « À confirmer » is not a verdict of the structured answer: it informs.
        verdict = (
            AnswerVerdict.INFO
            if decision.regime == RECONVERSION or decision.verdict == TO_CONFIRM
            else AnswerVerdict(decision.verdict.value)
        )
        target = decision.target
        route: Route | None = None

        # The regime's part and verdict line.
        if decision.regime == RECONVERSION:
            switch, opco = french.french_date(self.switch), branch.agreement.opco
            codes = {reason.code for reason in decision.reasons}
            if codes & {ReasonCode.RECONVERSION_CONTRACT_RULE, ReasonCode.CONTRACT_OUT_OF_SCOPE_RULE}:
                # The law leaves this contract open: no « oui » the sources do not give.
                to_confirm = (
                    french.worded("VERDICT_RECONVERSION_TO_CONFIRM_PROA_ASKED")
                    if proa_asked
                    else french.worded("VERDICT_RECONVERSION_TO_CONFIRM")
                )
                line = in_part = to_confirm.format(switch=switch, opco=opco)
            else:
                verdict_line = {
                    "proa": french.worded("VERDICT_RECONVERSION_PROA_ASKED"),
                    "both": french.worded("VERDICT_RECONVERSION_BOTH_ASKED"),
                }.get(scheme_asked, french.worded("VERDICT_RECONVERSION"))
                line = verdict_line.format(switch=switch)
                in_part = french.worded("PART_RECONVERSION").format(switch=switch)
                route = Route.RECONVERSION
            if ReasonCode.AVENANT_AFTER_END in codes:
                route = Route.RECONVERSION
                line = in_part = french.worded("VERDICT_TOO_LATE").format(
                    signed_on=french.french_date(profile.avenant_signed_on),
                    last_start=french.french_date(self.engine.last_start_date),
                )
            sentences: list[str] = [
                french.reason_text(reason)
                for reason in decision.reasons
                # The 2026 change is said once, in its own note; the late avenant is the line.
                if reason.code not in (ReasonCode.PROA_ENDED_RULE, ReasonCode.AVENANT_AFTER_END)
            ]
            training = [r for r in decision.training_rules if french.figure_of(r.values)]
            figure = french.figure_of(training[0].values) if training else None
            rules_used += training[:1]
            parts.append(Part(self._heading(regime), figure, tuple(sentences), regime))
        else:
            line, in_part, part, more_rules = self._proa_part(profile, decision)
            parts.append(part)
            rules_used += more_rules

        # The regime's own verdict, kept as the part's first sentence when the verdict
        # line answers something narrower (a diploma, a métier).
        regime_line = line

        # The métier, when it is not found.
        unresolved_line, metier_sentences, buttons, metier_sources = self._unresolved_metier(
            branch, match if metier is None else None
        )
        if unresolved_line and (
            target is not None or (match is not None and match.status in (STATUS_AMBIGUOUS, STATUS_SUGGESTION))
        ):
            line = unresolved_line
        elif unresolved_line:
            # The verdict is the regime's; what was found of the métier comes as a part.
            metier_sentences = [unresolved_line, *metier_sentences]
        if metier_sentences:
            parts.append(Part(french.worded("HEADING_METIER"), None, tuple(metier_sentences)))

        # The list: the métier's certifications (of the kind aimed at), or others'.
        listing: CertificationList | None = None
        list_day = self._list_day(regime, decision.as_of)
        list_sources: list[SourceRef] = []
        notes, note_rules = self._list_notes(branch, regime, list_day)
        if target is not None and metier is not None and not decision.certifications:
            others = self._fitting_others(
                branch, metier, self.engine.certifications_for_target(branch, target, None, list_day)
            )
            line, route = self._no_target_line(regime, target.label, metier, bool(others))
            page = paginate(others)
            if page.items:
                listing = self._list(branch, page, french.LIST_OTHERS.format(target=target.label), LIST_OTHERS, notes)
        elif decision.certifications:
            page = paginate(list(decision.certifications))
            if target is not None and metier is not None:
                count = len(unique_certifications(decision.certifications))
                line = french.YES_PREFIX + french.lowered(
                    french.VERDICT_LIST_TARGET.format(count=count, target=target.label, metier=metier.label)
                )
            whose = LIST_OWN if metier is not None else LIST_BRANCH
            listing = self._list(branch, page, self._list_heading(branch, metier, target, 0), whose, notes)
        if listing is not None:
            list_sources.append(listing_source(branch, decision.certifications))
            rules_used += note_rules

        # The regime's own verdict goes into its part when the line answers something
        # narrower, unless the line already names the new scheme as the route.
        names_scheme = route == Route.RECONVERSION and line != regime_line
        if line != regime_line and not names_scheme and parts and parts[0].regime == regime:
            first = parts[0]
            parts[0] = Part(first.heading, first.figure, (in_part, *first.sentences), first.regime)
        if parts and parts[0].regime == regime:
            # The regime's first paragraph stays short: the rest follows it. With a list,
            # the métier's part or the next step below, the figure alone says the regime;
            # its sentences are details.
            first = parts[0]
            follows = listing is not None or bool(metier_sentences) or (regime == RECONVERSION and not buttons)
            if follows and first.figure and first.sentences:
                # The regime's own verdict stays (when the line answers something narrower).
                # So does an assumption the answer rests on (« Je considère que votre contrat… »).
                assumed = (
                    french.worded("ASSUMED_CONTRACT").format(contract=CONTRACT_LABELS[decision.assumed_contract])
                    if decision.assumed_contract
                    else None
                )
                kept = tuple(s for s in first.sentences if (s == in_part and line != regime_line) or s == assumed)
                rest = tuple(s for s in first.sentences if s not in kept)
                parts[0:1] = [Part(first.heading, first.figure, kept, regime)] + (
                    [Part(None, None, rest, regime, detail=True)] if rest else []
                )
            else:
                parts[0:1] = split_part(first.heading, first.figure, first.sentences, regime)
        change, change_rules = self._change(regime, change_explained)
        sources = _source_items(metier_sources + list_sources + [r.source for r in rules_used + change_rules])
        missing = eligibility_missing(decision.missing, match, metier)
        if not buttons and decision.verdict == NEEDS_INFORMATION and "contract" in decision.missing:
            # « Cela dépend de votre type de contrat » asks it, with a button per contract.
            buttons = steps.contract_buttons(CONTRACT_LABELS)
        next_steps = (
            ()
            if buttons
            else steps.follow_ups(
                AnswerTopic.ELIGIBILITY,
                self._known_topics(),
                with_certifications=metier is not None and listing is None,
            )
        )
        return Answer(
            verdict_line=line,
            verdict=verdict,
            topic=AnswerTopic.ELIGIBILITY,
            idcc=branch.idcc,
            branch_name=branch.name,
            metier_id=metier.id if metier else None,
            metier_label=metier.label if metier else None,
            parts=tuple(parts),
            certification_list=listing,
            change=change,
            choices=buttons,
            next_steps=next_steps,
            sources=sources,
            missing=missing,
            route=route,
            next_step=self.next_step(branch) if regime == RECONVERSION and not buttons else None,
        )

    def _no_target_line(self, regime: Regime, target: str, metier: Metier, others: bool) -> tuple[str, Route | None]:
        """The verdict line when the métier's list has no certification of the kind aimed
        at: the route that is open first (today the période de reconversion, which may aim
        at any RNCP certification; under the Pro-A the list's other métiers), else « Non »."""
        if regime == RECONVERSION:
            return french.worded("VERDICT_NO_TARGET_RECONVERSION").format(
                target=target, metier=metier.label
            ), Route.RECONVERSION
        if others:
            return french.VERDICT_NO_TARGET_OTHERS.format(target=target, metier=metier.label), Route.OTHER_METIER
        return french.VERDICT_NO_TARGET.format(target=target, metier=metier.label), None

    def _fitting_others(
        self, branch: Branch, metier: Metier, certifications: Sequence[Certification]
    ) -> list[Certification]:
        """Other métiers' certifications that mean something to the person: those of
        métiers of the same sub-sector, else of the same sector, nearest level first
        (to the person's own certifications); none when neither has any."""
        pool = unique_certifications(certifications)
        own_levels = [lvl for lvl in (_level_number(c.level) for c in metier.certifications) if lvl is not None]
        reference = max(own_levels) if own_levels else None

        def same_sub_sector(m: Metier) -> bool:
            return m.sector == metier.sector and m.sub_sector == metier.sub_sector

        def same_sector(m: Metier) -> bool:
            return m.sector == metier.sector

        for same in (same_sub_sector, same_sector):
            near = {
                (c.title.casefold(), c.rncp)
                for m in branch.metiers
                if m is not metier and same(m)
                for c in m.certifications
            }
            fitting = [c for c in pool if (c.title.casefold(), c.rncp) in near]
            if fitting:
                if reference is not None:
                    fitting.sort(key=lambda c: abs((_level_number(c.level) or reference) - reference))
                return fitting
        return []

    def _proa_part(self, profile: Profile, decision: Decision) -> tuple[str, str, Part, list[Rule]]:
        """Verdict line, the same verdict without its figure (for the part, when the
        verdict line answers a narrower question), and the part of a Pro-A (before 2026,
        or signed before 2026)."""
        regime = decision.regime
        reasons = list(decision.reasons)
        sentences: list[str] = []
        used: list[Rule] = []
        if decision.regime == PROA_ONGOING and reasons:
            reasons.pop(0)  # « votre avenant a été conclu avant 2026 »: the heading says it
        if decision.assumed_contract:
            sentences.append(
                french.worded("ASSUMED_CONTRACT").format(contract=CONTRACT_LABELS[decision.assumed_contract])
            )
        sentences += [french.reason_text(r) for r in reasons]
        figure = None
        if decision.verdict != NOT_ELIGIBLE and decision.duration and decision.duration.min_months is not None:
            figure, extra = self._duration(decision)
            sentences += extra
            used += list(decision.duration.rules[:1]) + list(decision.training_rules[:1])
        if decision.plan and decision.plan.problems:
            sentences += [french.reason_text(p) for p in decision.plan.problems]
            used += list(decision.plan.rules)
        if decision.regime == PROA_ONGOING and decision.verdict == ELIGIBLE:
            line = french.worded("VERDICT_ONGOING").format(branch=decision.branch.name)
        else:
            line = french.worded_map("VERDICT_PROA")[str(decision.verdict)].format(
                branch=decision.branch.name, opco=decision.branch.agreement.opco
            )
        plain = line
        if figure and decision.verdict == ELIGIBLE:
            line = line.rstrip(".") + f" : {french.lowered(figure)}."
        return line, plain, Part(self._heading(regime, profile), figure, tuple(sentences), regime), used

    def _duration(self, decision: Decision) -> tuple[str, list[str]]:
        duration = decision.duration
        assert duration is not None
        figure = french.MONTHS_RANGE.format(low=duration.min_months, high=duration.max_months)
        if duration.extended_max_months:
            if duration.extension_applies:
                figure += french.worded("DURATION_EXTENDED_YOU").format(months=duration.extended_max_months)
            elif duration.extension_applies is None:
                figure += french.DURATION_EXTENDED_SOME.format(months=duration.extended_max_months)
        sentences = [said_to_audience(r) for r in decision.training_rules if r.values.get("min_hours")][:1]
        return figure, sentences

    # -- certifications by métier ----------------------------------------------------
    def certifications(
        self,
        profile: Profile,
        match: MatchResult | None,
        metier: Metier | None,
        offset: int = 0,
        change_explained: bool = False,
    ) -> Answer:
        """Answer to « quelles certifications pour un soudeur ? » (and « voir plus »)."""
        regime, as_of = self.engine.regime(profile)
        branch = self.kb.branch(profile.idcc)
        target = self.engine.diploma(profile.target_diploma)
        day = self._list_day(regime, as_of)
        if metier is None:
            line, sentences, buttons, sources = self._unresolved_metier(branch, match)
            if target is not None or profile.target_level is not None:
                pool = unique_certifications(
                    self.engine.certifications_for_target(branch, target, profile.target_level, day)
                )
                return self._list_answer(
                    profile, branch, regime, pool, None, target, offset, change_explained, line, sentences, buttons
                )
            if line is None:
                line = french.VERDICT_WHICH_METIER
                buttons = tuple(steps.topic_buttons(steps.WELCOME_TOPICS, self._known_topics()))
            missing = certifications_missing(target, profile.target_level, match, metier)
            return Answer(
                verdict_line=line,
                verdict=AnswerVerdict.NEEDS_INFORMATION if missing else AnswerVerdict.INFO,
                topic=AnswerTopic.CERTIFICATIONS,
                idcc=branch.idcc,
                branch_name=branch.name,
                parts=(Part(None, None, tuple(sentences)),) if sentences else (),
                choices=buttons,
                sources=_source_items(sources),
                missing=missing,
            )
        pool = list(metier.certifications_on(day))
        if not pool:
            return self._unknown_list_answer(branch, regime, metier)
        if target is not None or profile.target_level is not None:
            fitting = self.engine.certifications_for_target(branch, target, profile.target_level, day)
            narrowed = [c for c in pool if c in fitting]
            if not narrowed:
                label = target.label if target else french.CERTIFICATION_OF_LEVEL
                others = unique_certifications(
                    self.engine.certifications_for_target(branch, target, profile.target_level, day)
                )
                others = self._fitting_others(branch, metier, others)
                line, route = self._no_target_line(regime, label, metier, bool(others))
                return self._list_answer(
                    profile,
                    branch,
                    regime,
                    others,
                    metier,
                    target,
                    offset,
                    change_explained,
                    line,
                    whose=LIST_OTHERS,
                    route=route,
                )
            pool = narrowed
        return self._list_answer(
            profile, branch, regime, unique_certifications(pool), metier, target, offset, change_explained
        )

    def _unknown_list_answer(self, branch: Branch, regime: Regime, metier: Metier) -> Answer:
        """A métier the branch names, but whose certifications the data does not list."""
        sentences: list[str] = []
        if metier.note:
            sentences.append(french.UNKNOWN_LIST_NOTE.format(note=metier.note))
        notes = list(branch.list_notes)
        sentences += [said_to_audience(r) for r in notes]
        sentences.append(french.worded("UNKNOWN_LIST_OPCO").format(opco=branch.agreement.opco))
        return Answer(
            verdict_line=french.VERDICT_UNKNOWN_LIST.format(metier=metier.label),
            topic=AnswerTopic.CERTIFICATIONS,
            idcc=branch.idcc,
            branch_name=branch.name,
            metier_id=metier.id,
            metier_label=metier.label,
            parts=tuple(split_part(None, None, sentences, None)),
            next_steps=steps.follow_ups(AnswerTopic.CERTIFICATIONS, self._known_topics()),
            sources=_source_items(([metier.source] if metier.source else []) + [r.source for r in notes]),
        )

    def _list_answer(
        self,
        profile: Profile,
        branch: Branch,
        regime: Regime,
        certifications: Sequence[Certification],
        metier: Metier | None,
        target: Diploma | None,
        offset: int,
        change_explained: bool,
        line: str | None = None,
        sentences: Sequence[str] = (),
        buttons: tuple[Button, ...] = (),
        whose: ListWhose | None = None,
        route: Route | None = None,
    ) -> Answer:
        """One page of a certification list, its verdict line first."""
        page = paginate(certifications, offset)
        whose = whose or (LIST_OWN if metier is not None else LIST_BRANCH)
        rules: list[Rule] = []
        listing: CertificationList | None = None
        count = len(certifications)
        if line is None:
            if offset and page.items:
                line = (
                    french.VERDICT_LIST_NEXT.format(metier=metier.label) if metier else french.VERDICT_LIST_NEXT_BRANCH
                )
            elif offset:
                line = french.VERDICT_LIST_DONE
            elif metier is not None and target is not None:
                line = french.VERDICT_LIST_TARGET.format(count=count, target=target.label, metier=metier.label)
            elif metier is not None:
                line = french.VERDICT_LIST.format(count=count, s="s" if count > 1 else "", metier=metier.label)
            else:
                line = french.VERDICT_LIST_BRANCH.format(
                    count=count, target=target.label if target else french.CERTIFICATIONS_WORD
                )
        if page.items:
            notes: list[str] = []
            if offset == 0:
                notes, rules = self._list_notes(branch, regime, self._list_day(regime, self.engine.regime(profile)[1]))
            heading = (
                french.LIST_OTHERS.format(
                    target=target.label if target else french.capitalised(french.CERTIFICATIONS_WORD)
                )
                if whose == LIST_OTHERS
                else self._list_heading(branch, metier, target, offset)
            )
            listing = self._list(branch, page, heading, whose, notes)
        change, change_rules = self._change(regime, change_explained) if offset == 0 else (None, [])
        parts = (
            (Part(french.worded("HEADING_METIER") if metier is None and sentences else None, None, tuple(sentences)),)
            if sentences
            else ()
        )
        sources = _source_items([listing_source(branch, certifications)] + [r.source for r in rules + change_rules])
        next_steps = () if buttons else steps.follow_ups(AnswerTopic.CERTIFICATIONS, self._known_topics())
        return Answer(
            verdict_line=line,
            topic=AnswerTopic.CERTIFICATIONS,
            idcc=branch.idcc,
            branch_name=branch.name,
            metier_id=metier.id if metier else None,
            metier_label=metier.label if metier else None,
            parts=parts,
            certification_list=listing,
            change=change,
            choices=buttons,
            next_steps=next_steps,
            sources=sources,
            route=route,
        )

    def nothing_more(self, profile: Profile) -> Answer:
        """« Voir plus » with no list under way: say what to ask first."""
        branch = self.kb.branch(profile.idcc)
        return Answer(
            verdict_line=french.VERDICT_NOTHING_MORE,
            verdict=AnswerVerdict.NEEDS_INFORMATION,
            topic=AnswerTopic.CERTIFICATIONS,
            idcc=branch.idcc,
            branch_name=branch.name,
            next_steps=(steps.certifications_button(),),
        )

    # -- FAQ -------------------------------------------------------------------------
    def faq(self, topic: str, profile: Profile, change_explained: bool = False) -> Answer:
        """A FAQ topic for the person's branch and date: one part per regime that matters."""
        branch = self.kb.branch(profile.idcc)
        known = self._known_topics()
        table = faq_topics()
        if topic not in table:
            return Answer(
                verdict_line=french.VERDICT_UNKNOWN_TOPIC,
                topic=faq_topic(topic),
                idcc=branch.idcc,
                branch_name=branch.name,
                parts=(Part(None, None, (french.TOPICS_AVAILABLE,)),),
                next_steps=tuple(steps.topic_buttons(steps.WELCOME_TOPICS, known)),
            )
        proa_topics, new_topics = table[topic]
        regime, as_of = self.engine.regime(profile)
        proa_day = as_of if regime != RECONVERSION else self.engine.last_start_date
        proa_rules = [r for t in proa_topics for r in branch.rules_for(t, proa_day)]
        if not proa_rules:
            proa_rules = [r for t in proa_topics for r in self.engine._proa_law(t)]
        new_rules: list[Rule] = []
        unverified: list[Rule] = []
        if regime == RECONVERSION:
            new_rules = [r for t in new_topics for r in self.engine._reconversion_law(t, as_of)]
            # What is not verified comes last, in its own paragraph (with the OPCO to ask).
            unverified = [r for r in new_rules if r.values.get("verified") is False]
            new_rules = [r for r in new_rules if r not in unverified]
        explains_change = topic in _SELF_NAMED

        parts: list[Part] = []
        line: str | None = None
        opco = branch.agreement.opco
        keyword = french.TOPIC_KEYWORDS.get(topic)
        if new_rules:
            # A figure only from rules of the topic asked (not the funding figure for pay).
            figure = _first_figure([r for r in new_rules if r.topic in new_topics[:1]]) if not keyword else None
            sentences = tuple(said_to_audience(r) for r in new_rules)
            if figure:
                line = french.VERDICT_FIGURE.format(scheme=french.SCHEME_RECONVERSION, figure=french.lowered(figure))
            else:
                about = french.sentence_with(sentences, keyword) if keyword else None
                said = french.first_sentence(about or sentences[0])
                sentences = _drop_sentence(sentences, said)  # the verdict line says it
                line = (
                    said
                    if topic in _SELF_NAMED
                    else french.VERDICT_FIGURE.format(
                        scheme=french.SCHEME_RECONVERSION, figure=french.lowered(said).rstrip(".")
                    )
                )
            parts += split_part(self._heading(RECONVERSION), figure, sentences, RECONVERSION)
        if proa_rules:
            figure = _first_figure(proa_rules)
            proa_regime = PROA_ONGOING if regime == RECONVERSION else regime
            heading = self._heading(proa_regime, profile)
            if regime == RECONVERSION and topic == WHAT_IS_PROA_TOPIC:
                heading = french.HEADING_PROA
            proa_sentences = tuple(said_to_audience(r) for r in proa_rules)
            if line is None:
                about = french.sentence_with(proa_sentences, keyword) if keyword else None
                said = figure or french.first_sentence(about or proa_sentences[0])
                if not figure:
                    proa_sentences = _drop_sentence(proa_sentences, said)  # the verdict line says it
                said = said.rstrip(".")
                if regime == RECONVERSION and topic not in _SELF_NAMED:
                    line = french.VERDICT_FIGURE.format(scheme=heading, figure=french.lowered(said))
                elif figure:
                    line = french.VERDICT_FIGURE.format(scheme=french.SCHEME_PROA, figure=french.lowered(figure))
                else:
                    line = said + "."
            proa_parts = split_part(heading, figure, proa_sentences, proa_regime)
            if new_rules:
                # Today's scheme answers; the Pro-A signed before 2026 is a detail.
                proa_parts = [_as_detail(p) for p in proa_parts]
            parts += proa_parts
            if regime == RECONVERSION and not new_rules and topic != WHAT_IS_PROA_TOPIC:
                parts.insert(
                    0,
                    Part(
                        self._heading(RECONVERSION),
                        None,
                        (french.worded("OPCO_CONFIRM").format(opco=opco),),
                        RECONVERSION,
                        detail=True,
                    ),
                )
        if topic == RECONVERSION_TOPIC and regime == RECONVERSION and not unverified:
            note = self._branch_note()
            unverified = [note] if note is not None else []
        for rule in unverified:
            parts.append(Part(None, None, (self._with_opco(said_to_audience(rule), branch),), detail=True))
        new_rules += unverified
        if line is None:
            line = french.worded("VERDICT_NO_RULE").format(opco=opco)
        change_rules: list[Rule] = []
        change: ChangeNote | None = None
        if explains_change and regime == RECONVERSION:
            if topic == WHAT_IS_PROA_TOPIC:
                parts.append(
                    Part(
                        french.HEADING_CHANGE.format(year=self._year()),
                        None,
                        (said_to_audience(self.engine.end_rule),),
                        detail=True,
                    )
                )
                change_rules = [self.engine.end_rule]
        else:
            change, change_rules = self._change(regime, change_explained)
        sources = _source_items([r.source for r in new_rules + proa_rules + change_rules])
        return Answer(
            verdict_line=french.first_sentence(line) if len(line) > 200 else line,
            topic=faq_topic(topic),
            idcc=branch.idcc,
            branch_name=branch.name,
            parts=tuple(parts),
            change=change,
            next_steps=steps.follow_ups(faq_topic(topic), known),
            sources=sources,
            explains_change=explains_change and regime == RECONVERSION,
            next_step=self.faq_next_step(topic, branch) if regime == RECONVERSION else None,
        )

    def faq_next_step(self, topic: str, branch: Branch) -> NextStep | None:
        """The next step after a FAQ answer whose topic leads to one (:data:`NEXT_STEP_TOPICS`)."""
        if topic in CPF_TOPICS:
            return self.next_step(branch, cpf=True)
        return self.next_step(branch) if topic in NEXT_STEP_TOPICS else None


#: A part's first paragraph stays this short, so that the verdict line and the details of
#: the regime that applies fit the first screen of a phone; further rules follow it.
PART_BUDGET = 240


def split_part(heading: str | None, figure: str | None, sentences: Sequence[str], regime: Regime | None) -> list[Part]:
    """The part under its heading with the first sentences (at least one) up to
    :data:`PART_BUDGET` characters, then a detail paragraph with the others (same
    regime), folded under « Détails et sources »."""
    first: list[str] = []
    size = 0
    for index, sentence in enumerate(sentences):
        if first and size + len(sentence) > PART_BUDGET:
            return [
                Part(heading, figure, tuple(first), regime),
                Part(None, None, tuple(sentences[index:]), regime, detail=True),
            ]
        first.append(sentence)
        size += len(sentence) + 1
    return [Part(heading, figure, tuple(first), regime)]


def _as_detail(part: Part) -> Part:
    return Part(part.heading, part.figure, part.sentences, part.regime, detail=True)


def _drop_sentence(summaries: Sequence[str], sentence: str) -> tuple[str, ...]:
    """``summaries`` without ``sentence`` where one of them starts with it (the verdict
    line already says it); a summary left empty is dropped. A sentence cut short for the
    verdict line is not dropped: the part keeps the whole of it."""
    out: list[str] = []
    dropped = False
    for summary in summaries:
        text = " ".join(summary.split())
        if not dropped and text.startswith(sentence) and sentence.endswith((".", "?", "!")):
            text = text[len(sentence) :].strip()
            dropped = True
        if text:
            out.append(text)
    return tuple(out)


def _level_number(level: str | None) -> int | None:
    """3 for « niveau 3 »; None for « sans niveau » or nothing."""
    digits = "".join(ch for ch in level or "" if ch.isdigit())
    return int(digits) if digits else None


def _first_figure(rules: Sequence[Rule]) -> str | None:
    for rule in rules:
        figure = french.figure_of(rule.values)
        if figure:
            return figure
    return None


def listing_source(branch: Branch, certifications: Sequence[Certification]) -> SourceRef:
    """Where a branch list comes from: the certifications' own source, or the annex."""
    if certifications:
        return certifications[0].source
    return SourceRef(branch.agreement.document, french.ANNEX, None, french.ANNEX)
