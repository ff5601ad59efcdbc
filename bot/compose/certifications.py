"""The certifications answer (« quelles certifications pour un soudeur ? », « voir
plus »): one page of the métier's list (or the branch's, for a diploma or level aimed
at), other métiers' when the métier has nothing of the kind, or what to ask first."""

from __future__ import annotations

from collections.abc import Sequence

from bot.compose import french
from bot.compose import next_steps as steps
from bot.compose.answer import Answer
from bot.compose.eligibility import fitting_others, no_target_line
from bot.compose.parts import (
    LIST_BRANCH,
    LIST_OTHERS,
    LIST_OWN,
    AnswerTopic,
    AnswerVerdict,
    Button,
    CertificationList,
    ListWhose,
    Part,
    Route,
)
from bot.compose.pieces import _source_items, listing_source, paginate, split_part
from bot.compose.shared import ComposerBase
from bot.compose.voice import said as said_to_audience
from bot.knowledge.models import Branch, Certification, Diploma, Metier, Rule
from bot.matching import MatchResult
from bot.missing import certifications_missing
from bot.profile import Profile
from bot.rules import Regime, unique_certifications


def certifications_answer(
    composer: ComposerBase,
    profile: Profile,
    match: MatchResult | None,
    metier: Metier | None,
    offset: int = 0,
    change_explained: bool = False,
) -> Answer:
    """Answer to « quelles certifications pour un soudeur ? » (and « voir plus »)."""
    regime, as_of = composer.engine.regime(profile)
    branch = composer.kb.branch(profile.idcc)
    target = composer.engine.diploma(profile.target_diploma)
    day = composer._list_day(regime, as_of)
    if metier is None:
        line, sentences, buttons, sources = composer._unresolved_metier(branch, match)
        if target is not None or profile.target_level is not None:
            pool = unique_certifications(
                composer.engine.certifications_for_target(branch, target, profile.target_level, day)
            )
            return _list_answer(
                composer,
                profile,
                branch,
                regime,
                pool,
                None,
                target,
                offset,
                change_explained,
                line,
                sentences,
                buttons,
            )
        if line is None:
            line = french.VERDICT_WHICH_METIER
            buttons = tuple(steps.topic_buttons(steps.WELCOME_TOPICS, composer._known_topics()))
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
        return _unknown_list_answer(composer, branch, regime, metier)
    if target is not None or profile.target_level is not None:
        fitting = composer.engine.certifications_for_target(branch, target, profile.target_level, day)
        narrowed = [c for c in pool if c in fitting]
        if not narrowed:
            label = target.label if target else french.CERTIFICATION_OF_LEVEL
            others = unique_certifications(
                composer.engine.certifications_for_target(branch, target, profile.target_level, day)
            )
            others = fitting_others(branch, metier, others)
            line, route = no_target_line(regime, label, metier, bool(others))
            return _list_answer(
                composer,
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
    return _list_answer(
        composer, profile, branch, regime, unique_certifications(pool), metier, target, offset, change_explained
    )


def _unknown_list_answer(composer: ComposerBase, branch: Branch, regime: Regime, metier: Metier) -> Answer:
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
        next_steps=steps.follow_ups(AnswerTopic.CERTIFICATIONS, composer._known_topics()),
        sources=_source_items(([metier.source] if metier.source else []) + [r.source for r in notes]),
    )


def _list_answer(
    composer: ComposerBase,
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
            line = french.VERDICT_LIST_NEXT.format(metier=metier.label) if metier else french.VERDICT_LIST_NEXT_BRANCH
        elif offset:
            line = french.VERDICT_LIST_DONE
        elif metier is not None and target is not None:
            line = french.VERDICT_LIST_TARGET.format(count=count, target=target.label_for(count), metier=metier.label)
        elif metier is not None:
            line = french.verdict_list(count, metier.label)
        else:
            line = french.VERDICT_LIST_BRANCH.format(
                count=count, target=target.label_for(count) if target else french.CERTIFICATIONS_WORD
            )
    if page.items:
        notes: list[str] = []
        if offset == 0:
            notes, rules = composer._list_notes(
                branch, regime, composer._list_day(regime, composer.engine.regime(profile)[1])
            )
        heading = (
            french.LIST_OTHERS.format(target=target.label if target else french.capitalised(french.CERTIFICATIONS_WORD))
            if whose == LIST_OTHERS
            else composer._list_heading(branch, metier, target, offset)
        )
        listing = composer._list(branch, page, heading, whose, notes)
    change, change_rules = composer._change(regime, change_explained) if offset == 0 else (None, [])
    parts = (
        (Part(french.worded("HEADING_METIER") if metier is None and sentences else None, None, tuple(sentences)),)
        if sentences
        else ()
    )
    sources = _source_items([listing_source(branch, certifications)] + [r.source for r in rules + change_rules])
    next_steps = () if buttons else steps.follow_ups(AnswerTopic.CERTIFICATIONS, composer._known_topics())
    return Answer(
        verdict_line=line,
        topic=AnswerTopic.CERTIFICATIONS,
        idcc=branch.idcc,
        branch_name=branch.name,
        metier_id=metier.id if metier else None,
        metier_label=metier.label if metier else None,
        parts=parts,
        certification_list=listing,
        choices=buttons,
        next_steps=next_steps,
        change=change,
        sources=sources,
        route=route,
    )


def nothing_more_answer(composer: ComposerBase, profile: Profile) -> Answer:
    """« Voir plus » with no list under way: say what to ask first."""
    branch = composer.kb.branch(profile.idcc)
    return Answer(
        verdict_line=french.VERDICT_NOTHING_MORE,
        verdict=AnswerVerdict.NEEDS_INFORMATION,
        topic=AnswerTopic.CERTIFICATIONS,
        idcc=branch.idcc,
        branch_name=branch.name,
        next_steps=(steps.certifications_button(),),
    )
