"""The eligibility answer (« puis-je faire une Pro-A / viser un BTS ? »): the regime's
verdict line and part, the métier when it is not found, the list (the métier's, or other
métiers' when it has nothing of the kind aimed at), the 2026 change and the next step."""

from __future__ import annotations

from collections.abc import Sequence

from bot.compose import french
from bot.compose import next_steps as steps
from bot.compose.answer import Answer
from bot.compose.parts import (
    LIST_BRANCH,
    LIST_OTHERS,
    LIST_OWN,
    AnswerTopic,
    AnswerVerdict,
    CertificationList,
    Part,
    Route,
)
from bot.compose.pieces import _level_number, _source_items, listing_source, paginate, split_part
from bot.compose.shared import ComposerBase
from bot.compose.voice import said as said_to_audience
from bot.knowledge.models import Branch, Certification, Metier, Rule, SourceRef
from bot.matching import STATUS_AMBIGUOUS, STATUS_SUGGESTION, MatchResult
from bot.missing import eligibility_missing
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
    unique_certifications,
)


def eligibility_answer(
    composer: ComposerBase,
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
    rules_used: list[Rule] = [r.rule for r in decision.reasons if r.rule and r.rule is not composer.engine.end_rule]
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
        switch, opco = french.french_date(composer.switch), branch.agreement.opco
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
                last_start=french.french_date(composer.engine.last_start_date),
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
        parts.append(Part(composer._heading(regime), figure, tuple(sentences), regime))
    else:
        line, in_part, part, more_rules = _proa_part(composer, profile, decision)
        parts.append(part)
        rules_used += more_rules

    # The regime's own verdict, kept as the part's first sentence when the verdict
    # line answers something narrower (a diploma, a métier).
    regime_line = line

    # The métier, when it is not found.
    unresolved_line, metier_sentences, buttons, metier_sources = composer._unresolved_metier(
        branch, match if metier is None else None
    )
    # Which métier matters first for a diploma aimed at, or for the Pro-A's list; the
    # période de reconversion is open whatever the list says: its verdict stays the line.
    unsure_metier = match is not None and match.status in (STATUS_AMBIGUOUS, STATUS_SUGGESTION)
    if unresolved_line and (target is not None or (unsure_metier and decision.regime != RECONVERSION)):
        line = unresolved_line
    elif unresolved_line:
        # The verdict is the regime's; what was found of the métier comes as a part.
        metier_sentences = [unresolved_line, *metier_sentences]
    if metier_sentences:
        parts.append(Part(french.worded("HEADING_METIER"), None, tuple(metier_sentences)))

    # The list: the métier's certifications (of the kind aimed at), or others'.
    listing: CertificationList | None = None
    list_day = composer._list_day(regime, decision.as_of)
    list_sources: list[SourceRef] = []
    notes, note_rules = composer._list_notes(branch, regime, list_day)
    if target is not None and metier is not None and not decision.certifications:
        others = fitting_others(
            branch, metier, composer.engine.certifications_for_target(branch, target, None, list_day)
        )
        line, route = no_target_line(regime, target.label, metier, bool(others))
        page = paginate(others)
        if page.items:
            listing = composer._list(branch, page, french.LIST_OTHERS.format(target=target.label), LIST_OTHERS, notes)
    elif decision.certifications:
        page = paginate(list(decision.certifications))
        if target is not None and metier is not None:
            count = len(unique_certifications(decision.certifications))
            line = french.YES_PREFIX + french.lowered(
                french.VERDICT_LIST_TARGET.format(count=count, target=target.label_for(count), metier=metier.label)
            )
        whose = LIST_OWN if metier is not None else LIST_BRANCH
        listing = composer._list(branch, page, composer._list_heading(branch, metier, target, 0), whose, notes)
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
    change, change_rules = composer._change(regime, change_explained)
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
            composer._known_topics(),
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
        next_step=composer.next_step(branch) if regime == RECONVERSION and not buttons else None,
    )


def no_target_line(regime: Regime, target: str, metier: Metier, others: bool) -> tuple[str, Route | None]:
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


def fitting_others(branch: Branch, metier: Metier, certifications: Sequence[Certification]) -> list[Certification]:
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


def _proa_part(composer: ComposerBase, profile: Profile, decision: Decision) -> tuple[str, str, Part, list[Rule]]:
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
        sentences.append(french.worded("ASSUMED_CONTRACT").format(contract=CONTRACT_LABELS[decision.assumed_contract]))
    sentences += [french.reason_text(r) for r in reasons]
    figure = None
    if decision.verdict != NOT_ELIGIBLE and decision.duration and decision.duration.min_months is not None:
        figure, extra = _duration(decision)
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
    return line, plain, Part(composer._heading(regime, profile), figure, tuple(sentences), regime), used


def _duration(decision: Decision) -> tuple[str, list[str]]:
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
