"""The FAQ answers (« combien de temps dure la formation ? »…): one part per regime that
matters for the person's branch and date, the figure or first sentence as verdict line,
and the next step the topic leads to."""

from __future__ import annotations

from bot.compose import french
from bot.compose import next_steps as steps
from bot.compose.answer import Answer
from bot.compose.parts import ChangeNote, NextStep, Part, faq_topic
from bot.compose.pieces import RECONVERSION_TOPIC, _as_detail, _drop_sentence, _first_figure, _source_items, split_part
from bot.compose.shared import ComposerBase
from bot.compose.text_words import TOPIC_KEYWORDS
from bot.compose.topics import faq_topics
from bot.compose.voice import said as said_to_audience
from bot.knowledge.models import Branch, Rule
from bot.profile import Profile
from bot.rules import PROA_ONGOING, RECONVERSION

#: The FAQ topic « qu'est-ce que la Pro-A ? ».
WHAT_IS_PROA_TOPIC = "what_is_proa"

#: FAQ topics after which the person's first step is to talk to their employer.
NEXT_STEP_TOPICS = frozenset({"procedure", "periode_reconversion", "funding", "forms", "beneficiaries"})
#: FAQ topics after which the first step is their CPF account.
CPF_TOPICS = frozenset({"cpf"})

#: FAQ topics whose rules name the scheme themselves: no « Période de reconversion : » prefix.
_SELF_NAMED = (RECONVERSION_TOPIC, WHAT_IS_PROA_TOPIC)


def faq_answer(composer: ComposerBase, topic: str, profile: Profile, change_explained: bool = False) -> Answer:
    """A FAQ topic for the person's branch and date: one part per regime that matters."""
    branch = composer.kb.branch(profile.idcc)
    known = composer._known_topics()
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
    regime, as_of = composer.engine.regime(profile)
    proa_day = as_of if regime != RECONVERSION else composer.engine.last_start_date
    proa_rules = [r for t in proa_topics for r in branch.rules_for(t, proa_day)]
    if not proa_rules:
        proa_rules = [r for t in proa_topics for r in composer.engine._proa_law(t)]
    new_rules: list[Rule] = []
    unverified: list[Rule] = []
    if regime == RECONVERSION:
        new_rules = [r for t in new_topics for r in composer.engine._reconversion_law(t, as_of)]
        # What is not verified comes last, in its own paragraph (with the OPCO to ask).
        unverified = [r for r in new_rules if r.values.get("verified") is False]
        new_rules = [r for r in new_rules if r not in unverified]
    explains_change = topic in _SELF_NAMED

    parts: list[Part] = []
    line: str | None = None
    opco = branch.agreement.opco
    keyword = TOPIC_KEYWORDS.get(topic)
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
        parts += split_part(composer._heading(RECONVERSION), figure, sentences, RECONVERSION)
    if proa_rules:
        figure = _first_figure(proa_rules)
        proa_regime = PROA_ONGOING if regime == RECONVERSION else regime
        heading = composer._heading(proa_regime, profile)
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
                    composer._heading(RECONVERSION),
                    None,
                    (french.worded("OPCO_CONFIRM").format(opco=opco),),
                    RECONVERSION,
                    detail=True,
                ),
            )
    if topic == RECONVERSION_TOPIC and regime == RECONVERSION and not unverified:
        note = composer._branch_note()
        unverified = [note] if note is not None else []
    for rule in unverified:
        parts.append(Part(None, None, (composer._with_opco(said_to_audience(rule), branch),), detail=True))
    new_rules += unverified
    if line is None:
        line = french.worded("VERDICT_NO_RULE").format(opco=opco)
    change_rules: list[Rule] = []
    change: ChangeNote | None = None
    if explains_change and regime == RECONVERSION:
        if topic == WHAT_IS_PROA_TOPIC:
            parts.append(
                Part(
                    french.HEADING_CHANGE.format(year=composer._year()),
                    None,
                    (said_to_audience(composer.engine.end_rule),),
                    detail=True,
                )
            )
            change_rules = [composer.engine.end_rule]
    else:
        change, change_rules = composer._change(regime, change_explained)
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
        next_step=faq_next_step(composer, topic, branch) if regime == RECONVERSION else None,
    )


def faq_next_step(composer: ComposerBase, topic: str, branch: Branch) -> NextStep | None:
    """The next step after a FAQ answer whose topic leads to one (:data:`NEXT_STEP_TOPICS`)."""
    if topic in CPF_TOPICS:
        return composer.next_step(branch, cpf=True)
    return composer.next_step(branch) if topic in NEXT_STEP_TOPICS else None
