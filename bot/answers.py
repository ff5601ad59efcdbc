"""French answers built from decisions and rules: short, one idea per sentence, sources last.

Wording lives here; facts and figures come from the rules (their ``summary`` templates
are filled with their ``values``). Long lists are cut into pages (« voir plus »).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, List, Mapping, Optional, Sequence, Tuple

from bot.understanding.faq_topics import default_faq_topics
from bot.answer import Answer, Button, CertificationItem, SourceItem
from bot.knowledge.models import Branch, Certification, Diploma, KnowledgeBase, Metier, Rule, SourceRef
from bot.matching import MatchResult
from bot.profile import CONTRACT_LABELS, Profile
from bot.rules import (
    ELIGIBLE,
    NEEDS_INFORMATION,
    NOT_ELIGIBLE,
    PROA_ONGOING,
    RECONVERSION,
    TO_CONFIRM,
    Decision,
    Reason,
    ReasonCode,
    RulesEngine,
    unique_certifications,
)

#: How many certifications fit in one chat bubble before « voir plus ».
PAGE_SIZE = 5
#: How many sources are cited in the text (all of them are in the structured answer).
SOURCES_IN_TEXT = 2

#: FAQ topics (Rasa retrieval sub-intents) → rule topics that answer them, for the Pro-A
#: and for the période de reconversion.
#: FAQ topic -> (rule topics read for the Pro-A, for the période de reconversion): from
#: knowledge/faq_topics.yml, the topics' one home.
FAQ_TOPICS = default_faq_topics().rule_topics()


_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)


def french_date(day: Optional[date]) -> str:
    """``1er janvier 2026`` style date."""
    if day is None:
        return ""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {_MONTHS[day.month - 1]} {day.year}"


#: The French of every reason code of the rules engine, filled from the reason's params
#: (dates as « 1er janvier 2026 », decimals with a comma). ``None``: the reason states its
#: rule, whose summary is the sentence.
REASON_TEXTS: Mapping[ReasonCode, Optional[str]] = {
    ReasonCode.PROA_ENDED_RULE: None,
    ReasonCode.AVENANT_AFTER_END: "Votre avenant est daté du {signed_on}, après le {last_start_date} : ce ne peut plus être une Pro-A.",
    ReasonCode.PROA_ONGOING_AGREEMENT: "Votre avenant Pro-A a été conclu le {signed_on}, avant le {replacement_from} : il continue selon l'accord de branche.",
    ReasonCode.RECONVERSION_BENEFICIARIES_RULE: None,
    ReasonCode.CONTRACTS_ELIGIBLE_RULE: None,
    ReasonCode.CONTRACT_ELIGIBLE_RULE: None,
    ReasonCode.CONTRACT_EXCLUDED_RULE: None,
    ReasonCode.CEILING_RULE: None,
    ReasonCode.CEILING_REACHED_RULE: None,
    ReasonCode.CEILING_TO_CONFIRM_RULE: None,
    ReasonCode.CUI_KIND_NEEDED_RULE: None,
    ReasonCode.CONTRACT_OUT_OF_SCOPE_RULE: None,
    ReasonCode.CONTRACT_TO_CONFIRM_RULE: None,
    ReasonCode.RECONVERSION_CONTRACT_RULE: None,
    ReasonCode.PLAN_TOO_SHORT: "{months} mois, c'est moins que le minimum de {min_months} mois.",
    ReasonCode.PLAN_TOO_LONG: "{months} mois, c'est plus que le maximum de {max_months} mois pour votre situation.",
    ReasonCode.PLAN_TOO_FEW_HOURS: "{hours} heures de formation, c'est moins que le minimum de {min_hours} heures.",
    ReasonCode.PLAN_SHARE_TOO_LOW: "La formation ferait {percent} % de la durée totale, moins que {min_percent} %.",
    ReasonCode.PLAN_SHARE_TOO_HIGH: "La formation ferait {percent} % de la durée totale, plus que {max_percent} %.",
}


def _french_value(value: object) -> str:
    if isinstance(value, date):
        return french_date(value)
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def reason_text(reason: Reason) -> str:
    """The French sentence of one reason of a decision."""
    template = REASON_TEXTS[reason.code]
    if template is None:
        return reason.rule.summary if reason.rule else ""
    return template.format(**{key: _french_value(value) for key, value in reason.params.items()})


@dataclass(frozen=True)
class CertificationPage:
    items: Tuple[Certification, ...]
    remaining: int
    next_offset: int


def paginate(certifications: Sequence[Certification], offset: int = 0, size: int = PAGE_SIZE) -> CertificationPage:
    """One page of a certification list, with how many remain after it."""
    offset = max(0, offset)
    items = tuple(certifications[offset : offset + size])
    next_offset = offset + len(items)
    return CertificationPage(items=items, remaining=max(0, len(certifications) - next_offset), next_offset=next_offset)


def certification_line(certification: Certification) -> str:
    """« TP Cariste d'entrepôt (RNCP34857, niveau 3) »."""
    details = ", ".join(part for part in (certification.rncp, certification.level) if part)
    return f"{certification.title} ({details})" if details else certification.title


def _items(certifications: Iterable[Certification]) -> Tuple[CertificationItem, ...]:
    return tuple(CertificationItem(c.title, c.rncp, c.level, c.url) for c in certifications)


def _source_items(sources: Iterable[SourceRef]) -> Tuple[SourceItem, ...]:
    seen: List[SourceItem] = []
    for source in sources:
        item = SourceItem(source.label, source.url)
        if item not in seen:
            seen.append(item)
    return tuple(seen)


def _compose(sentences: Sequence[str], lines: Sequence[str], closing: Sequence[str], sources: Sequence[SourceItem]) -> str:
    """Sentences, then one line per list item, then closing sentences, then the sources."""
    parts = [" ".join(s.strip() for s in sentences if s and s.strip())]
    if lines:
        parts.append("\n".join(lines))
    if closing:
        parts.append(" ".join(closing))
    return _with_sources(["\n".join(p for p in parts if p)], sources)


def _prose(sentences: Sequence[str], closing: Sequence[str] = ()) -> str:
    """The sentences of an answer without its list and sources (``Answer.summary``).
    A sentence that introduced the list (« … pour « Soudeur » : ») ends with a full
    stop instead, since the list is shown apart."""
    kept = [s.strip() for s in list(sentences) + list(closing) if s and s.strip()]
    return " ".join(s[:-1].rstrip() + "." if s.endswith(":") else s for s in kept)


def _with_sources(sentences: List[str], sources: Sequence[SourceItem]) -> str:
    text = " ".join(s.strip() for s in sentences if s and s.strip())
    if sources:
        cited = " ; ".join(s.label for s in sources[:SOURCES_IN_TEXT])
        more = " …" if len(sources) > SOURCES_IN_TEXT else ""
        text += f"\nSource{'s' if len(sources) > 1 else ''} : {cited}{more}."
    return text


def _list_reply(
    text: str,
    summary: str,
    verdict: str,
    topic: str,
    branch: Branch,
    metier: Optional[Metier],
    page: "CertificationPage",
    sources: Tuple[SourceItem, ...],
    buttons: Tuple[Button, ...],
    regime: str,
    missing: Tuple[str, ...] = (),
) -> Answer:
    """An answer that carries one page of a certification list."""
    return Answer(
        text=text,
        summary=summary,
        verdict=str(verdict),
        topic=topic,
        idcc=branch.idcc,
        branch_name=branch.name,
        metier_id=metier.id if metier else None,
        metier_label=metier.label if metier else None,
        certifications=_items(page.items),
        remaining=page.remaining,
        sources=sources,
        buttons=buttons,
        missing=missing,
        extra={"next_offset": page.next_offset, "regime": str(regime)},
    )


def _with_opco(sentence: str, branch: Branch) -> str:
    """« … auprès de votre OPCO (OPCO AKTO). »"""
    return f"{sentence.rstrip().rstrip('.')} ({branch.agreement.opco})."


def _list_source(branch: Branch, certifications: Sequence[Certification]) -> SourceRef:
    """Where a branch list comes from: the certifications' own source, or the annex."""
    if certifications:
        return certifications[0].source
    return SourceRef(branch.agreement.document, "Annexe", None, "Annexe")


def _sources_of(rules: Iterable[Rule]) -> List[SourceRef]:
    return [rule.source for rule in rules]


class AnswerBuilder:
    """Turns decisions, matches and rules into :class:`~bot.answer.Answer` objects."""

    def __init__(self, kb: KnowledgeBase, engine: RulesEngine) -> None:
        self.kb = kb
        self.engine = engine

    # -- common pieces --------------------------------------------------------------
    def _list_rules(self, branch: Branch, day: date) -> Tuple[Rule, ...]:
        """Notes that go with any branch list: RNCP activity, amendments not included."""
        notes = list(self.engine._proa_law("certifications"))
        notes += [r for r in branch.list_notes if r.is_valid_on(day)]
        return tuple(notes)

    def _list_day(self, regime: str, as_of: date) -> date:
        """The day a branch list is read: the last Pro-A day once the Pro-A has ended."""
        return min(as_of, self.engine.last_start_date) if regime == RECONVERSION else as_of

    def _regime_note(self, regime: str) -> Optional[Rule]:
        if regime != RECONVERSION:
            return None
        for rule in self.kb.law_for("periode_reconversion", self.engine.end_rule.values["replacement_from"]):
            if rule.values.get("verified") is False:
                return rule
        return None

    # -- eligibility ---------------------------------------------------------------
    def eligibility(self, profile: Profile, decision: Decision, match: Optional[MatchResult], metier: Optional[Metier]) -> Answer:
        """Answer to « puis-je faire une Pro-A / viser un BTS ? »."""
        branch = decision.branch
        rules_used: List[Rule] = [r.rule for r in decision.reasons if r.rule]
        if decision.regime == RECONVERSION:
            sentences = [reason_text(r) for r in decision.reasons]
            verdict = "info"
        else:
            sentences = self._proa_verdict(decision)
            # « À confirmer » is not a verdict of the structured answer: it informs.
            verdict = "info" if decision.verdict == TO_CONFIRM else str(decision.verdict)
            if decision.verdict != NOT_ELIGIBLE and decision.duration:
                sentences.append(self._duration_sentence(decision))
                rules_used += list(decision.duration.rules[:1]) + list(decision.training_rules[:1])
            if decision.plan and decision.plan.problems:
                sentences += [reason_text(p) for p in decision.plan.problems]
                rules_used += list(decision.plan.rules)

        metier_part, buttons, metier_rules = self._metier_part(branch, match, metier, decision)
        sentences += metier_part
        rules_used += metier_rules

        page = paginate(list(decision.certifications))
        list_sources: List[SourceRef] = []
        list_lines: List[str] = []
        if decision.target and not decision.certifications:
            sentence, others = self._no_target(branch, decision.target, metier, decision.as_of)
            sentences.append(sentence)
            page = paginate(others)
            if page.items:
                list_lines = [f"{i}. {certification_line(c)}" for i, c in enumerate(page.items, 1)] + self._more_hint(page)
                list_sources.append(_list_source(branch, page.items))
        elif page.items:
            sentences.append(self._list_intro(branch, decision, metier))
            list_lines = [f"{i}. {certification_line(c)}" for i, c in enumerate(page.items, 1)] + self._more_hint(page)
            list_sources.append(_list_source(branch, page.items))
        closing: List[str] = []
        note = self._regime_note(decision.regime)
        if note:
            closing.append(_with_opco(note.summary, branch))
            rules_used.append(note)

        if match is not None and match.status == "enjeux_without_certification" and branch.enjeux_source:
            list_sources.append(branch.enjeux_source)
        sources = _source_items(list_sources + _sources_of(rules_used))
        missing = decision.missing
        if match is not None and match.status in ("ambiguous", "suggestion"):
            missing = missing + ("metier_id",)
        return _list_reply(
            _compose(sentences, list_lines, closing, sources), _prose(sentences, closing), verdict, "eligibility", branch, metier, page, sources, buttons,
            decision.regime, missing,
        )

    def _proa_verdict(self, decision: Decision) -> List[str]:
        """The Pro-A verdict and its reasons, one idea per sentence."""
        sentences: List[str] = []
        reasons = list(decision.reasons)
        if decision.regime == PROA_ONGOING:
            sentences.append(reason_text(reasons.pop(0)))
        if decision.assumed_contract:
            sentences.append(f"Je considère que votre contrat est un {CONTRACT_LABELS[decision.assumed_contract]}.")
        opening = {
            ELIGIBLE: f"Oui, votre situation permet une Pro-A dans la branche {decision.branch.name}.",
            NOT_ELIGIBLE: f"Non, votre situation ne permet pas une Pro-A dans la branche {decision.branch.name}.",
            NEEDS_INFORMATION: "Pour vous répondre, j'ai besoin de connaître votre type de contrat.",
            TO_CONFIRM: f"Pour votre situation, les textes ne permettent pas de trancher : c'est à confirmer auprès de votre OPCO ({decision.branch.agreement.opco}).",
        }
        sentences.append(opening[decision.verdict])
        sentences += [reason_text(reason) for reason in reasons]
        return sentences

    def _duration_sentence(self, decision: Decision) -> str:
        duration = decision.duration
        assert duration is not None
        text = f"Elle dure de {duration.min_months} à {duration.max_months} mois"
        if duration.extended_max_months:
            if duration.extension_applies:
                text += f", et jusqu'à {duration.extended_max_months} mois dans votre cas"
            elif duration.extension_applies is None:
                text += f", jusqu'à {duration.extended_max_months} mois pour certains publics"
        text += "."
        for rule in decision.training_rules:
            if rule.values.get("min_hours"):
                text += " " + rule.summary
                break
        return text

    def _more_hint(self, page) -> List[str]:
        if page.remaining:
            return [f"Il y en a {page.remaining} autre{'s' if page.remaining > 1 else ''} : écrivez « voir plus »."]
        return []

    def _list_intro(self, branch: Branch, decision: Decision, metier: Optional[Metier]) -> str:
        target = f" de type {decision.target.label}" if decision.target else ""
        where = f" pour « {metier.label} »" if metier else ""
        version = f" ({branch.agreement.annex_version})" if branch.agreement.annex_version else ""
        return f"Certifications{target} de la liste de la branche{where}{version} :"

    def _no_target(self, branch: Branch, target: Optional[Diploma], metier: Optional[Metier], day: date) -> Tuple[str, List[Certification]]:
        """The métier has no certification of the kind aimed at: say so, and return the
        branch's certifications of that kind for other métiers (to list them)."""
        label = target.label if target else "de ce niveau"
        if metier is None:
            return f"La liste de la branche ne prévoit pas de {label}.", []
        others = unique_certifications(self.engine.certifications_for_target(branch, target, None, day))
        sentence = f"La liste de la branche ne prévoit pas de {label} pour « {metier.label} »."
        if others:
            sentence += " Elle en prévoit pour d'autres métiers :"
        return sentence, others

    def _metier_part(self, branch: Branch, match: Optional[MatchResult], metier: Optional[Metier], decision: Decision) -> Tuple[List[str], Tuple[Button, ...], List[Rule]]:
        if match is None or metier is not None:
            return [], (), []
        if match.status == "ambiguous":
            choices = [c.metier for c in match.candidates]
            buttons = tuple(
                Button(f"{m.label} ({m.sub_sector})", '/inform{"metier_id": "%s"}' % m.id) for m in choices
            )
            labels = " ; ".join(f"{m.label} ({m.context})" for m in choices)
            return [f"Plusieurs métiers de la liste correspondent : {labels}. Lequel est le vôtre ?"], buttons, []
        if match.status == "suggestion":
            # A near miss (typo too far to be sure): offer the closest métiers.
            choices = [c.metier for c in match.candidates]
            buttons = tuple(
                Button(f"{m.label} ({m.sub_sector})", '/inform{"metier_id": "%s"}' % m.id) for m in choices
            )
            labels = " ou ".join(f"« {m.label} »" for m in choices)
            return [f"Je ne reconnais pas ce métier. Vouliez-vous dire {labels} ?"], buttons, []
        if match.status == "enjeux_without_certification" and match.enjeux:
            return [
                f"« {match.enjeux.label} » fait partie des métiers à enjeux de l'étude de l'OIR citée par l'accord, "
                "mais la liste de la branche ne prévoit aucune certification pour ce métier. "
                "Vous pouvez viser le CléA ou une certification d'un autre métier de la liste."
            ], (), []
        if match.status == "not_in_list":
            # The user's text is not echoed: it may be long or hold markup.
            return [
                f"Ce métier ne figure pas dans la liste de la branche {branch.name}. "
                "Vous pouvez viser le CléA ou une certification d'un autre métier de la liste."
            ], (), []
        return [], (), []

    # -- certifications by métier ------------------------------------------------------
    def certifications(self, profile: Profile, match: Optional[MatchResult], metier: Optional[Metier], offset: int = 0) -> Answer:
        """Answer to « quelles certifications pour un soudeur ? » (and « voir plus »)."""
        regime, as_of = self.engine.regime(profile)
        branch = self.kb.branch(profile.idcc)
        target = self.engine.diploma(profile.target_diploma)
        if metier is None:
            decision = Decision(verdict=NEEDS_INFORMATION, regime=regime, as_of=as_of, branch=branch, reasons=())
            part, buttons, _ = self._metier_part(branch, match, None, decision)
            if target is not None or profile.target_level is not None:
                certifications = self.engine.certifications_for_target(branch, target, profile.target_level, self._list_day(regime, as_of))
                return self._list_answer(branch, regime, as_of, certifications, None, target, offset, part, buttons)
            if not part:
                part = ["Pour quel métier ? Écrivez par exemple « cariste » ou « aide-soignant »."]
            enjeux = match is not None and match.status == "enjeux_without_certification" and branch.enjeux_source
            sources = _source_items([branch.enjeux_source] if enjeux else [])
            return Answer(
                text=_with_sources(part, sources),
                summary=_prose(part),
                verdict="needs_information" if (match is None or match.status in ("ambiguous", "suggestion", "empty")) else "info",
                topic="certifications",
                idcc=branch.idcc,
                branch_name=branch.name,
                buttons=buttons,
                sources=sources,
                missing=("metier_id",) if match is None or match.status in ("ambiguous", "suggestion", "empty") else (),
            )
        as_of = self._list_day(regime, as_of)
        pool = list(metier.certifications_on(as_of))
        if not pool:
            return self._unknown_list_answer(branch, regime, as_of, metier)
        if target is not None or profile.target_level is not None:
            narrowed = [c for c in pool if c in self.engine.certifications_for_target(branch, target, profile.target_level, as_of)]
            if not narrowed:
                sentence, others = self._no_target(branch, target, metier, as_of)
                return self._list_answer(branch, regime, as_of, others, metier, target, offset, [sentence], (), intro=False)
            pool = narrowed
        return self._list_answer(branch, regime, as_of, unique_certifications(pool), metier, target, offset, [], ())

    def _unknown_list_answer(self, branch: Branch, regime: str, as_of: date, metier: Metier) -> Answer:
        """A métier the branch names, but whose certifications the data does not list."""
        sentences = [f"Je ne connais pas de certification de la liste de la branche pour « {metier.label} »."]
        if metier.note:
            sentences.append(f"La branche a bien une certification pour ce métier : {metier.note}.")
        notes = list(branch.list_notes)
        sentences += [r.summary for r in notes]
        sentences.append(f"Pour savoir si elle est éligible, renseignez-vous auprès de votre OPCO ({branch.agreement.opco}).")
        sources = _source_items(([metier.source] if metier.source else []) + _sources_of(notes))
        return Answer(
            text=_with_sources(sentences, sources),
            summary=_prose(sentences),
            verdict="info",
            topic="certifications",
            idcc=branch.idcc,
            branch_name=branch.name,
            metier_id=metier.id,
            metier_label=metier.label,
            sources=sources,
            extra={"regime": str(regime)},
        )

    def _list_answer(self, branch: Branch, regime: str, as_of: date, certifications: Sequence[Certification], metier: Optional[Metier], target, offset: int, before: List[str], buttons: Tuple[Button, ...], intro: bool = True) -> Answer:
        """One page of a certification list; ``intro=False`` when ``before`` already
        introduces the list."""
        page = paginate(certifications, offset)
        sentences = list(before)
        lines: List[str] = []
        closing: List[str] = []
        rules: List[Rule] = list(self._list_rules(branch, as_of))
        if page.items:
            if offset:
                sentences.append("Suite de la liste :")
            elif intro:
                decision = Decision(verdict=ELIGIBLE, regime=regime, as_of=as_of, branch=branch, reasons=(), target=target)
                sentences.append(self._list_intro(branch, decision, metier))
            lines = [f"{offset + i}. {certification_line(c)}" for i, c in enumerate(page.items, 1)]
            lines += self._more_hint(page)
            if offset == 0:
                closing += [r.summary for r in rules]
        elif offset:
            sentences.append("La liste est complète : il n'y a pas d'autre certification.")
        note = self._regime_note(regime)
        if note and offset == 0:
            closing.append(
                f"Depuis le {french_date(self.engine.end_rule.values['replacement_from'])}, la Pro-A est remplacée par la période de reconversion. "
                + _with_opco(note.summary, branch)
            )
            rules.append(note)
        sources = _source_items([_list_source(branch, certifications)] + _sources_of(rules))
        return _list_reply(
            _compose(sentences, lines, closing, sources), _prose(sentences, closing), "info", "certifications", branch, metier, page, sources, buttons, regime
        )

    # -- FAQ ------------------------------------------------------------------------------
    def faq(self, topic: str, profile: Profile) -> Answer:
        """Answer a FAQ topic for the person's branch and date (both regimes when useful)."""
        branch = self.kb.branch(profile.idcc)
        topics = FAQ_TOPICS.get(topic)
        if topics is None:
            return Answer(
                text="Je n'ai pas d'information sur ce sujet. Je peux vous parler de la durée, du financement, de la rémunération, du tuteur ou des démarches.",
                topic=f"faq:{topic}",
                idcc=branch.idcc,
                branch_name=branch.name,
            )
        proa_topics, new_topics = topics
        regime, as_of = self.engine.regime(profile)
        proa_day = as_of if regime != RECONVERSION else self.engine.last_start_date
        proa_rules = [r for t in proa_topics for r in branch.rules_for(t, proa_day)]
        if not proa_rules:
            proa_rules = [r for t in proa_topics for r in self.engine._proa_law(t)]
        if topic == "what_is_proa" and regime == RECONVERSION:
            proa_rules = proa_rules + [self.engine.end_rule]
        new_rules: List[Rule] = []
        if regime == RECONVERSION:
            new_rules = [r for t in new_topics for r in self.engine._reconversion_law(t, as_of)]
            if topic == "periode_reconversion":
                note = self._regime_note(regime)
                new_rules += [note] if note and note not in new_rules else []

        sentences: List[str] = []
        switch = french_date(self.engine.end_rule.values["replacement_from"])
        if regime == RECONVERSION and proa_rules and new_rules:
            sentences.append(f"Depuis le {switch}, avec la période de reconversion :")
            sentences += [r.summary for r in new_rules]
            sentences.append(f"Pour une Pro-A dont l'avenant a été conclu avant le {switch} (branche {branch.name}) :")
            sentences += [r.summary for r in proa_rules]
        elif regime == RECONVERSION and proa_rules:
            if topic != "what_is_proa":
                sentences.append(f"Pour une Pro-A dont l'avenant a été conclu avant le {switch} (branche {branch.name}) :")
            sentences += [r.summary for r in proa_rules]
            if topic != "what_is_proa":
                sentences.append(_with_opco("Pour la période de reconversion, ce point reste à confirmer auprès de votre OPCO.", branch))
        else:
            if regime == PROA_ONGOING and profile.avenant_signed_on:
                sentences.append(f"Pour votre Pro-A (avenant du {french_date(profile.avenant_signed_on)}) :")
            sentences += [r.summary for r in new_rules + proa_rules]
        if not sentences:
            sentences.append(_with_opco("Je n'ai pas de règle vérifiée sur ce point : renseignez-vous auprès de votre OPCO.", branch))
        sources = _source_items(_sources_of(new_rules + proa_rules))
        return Answer(
            text=_with_sources(sentences, sources),
            summary=_prose(sentences),
            verdict="info",
            topic=f"faq:{topic}",
            idcc=branch.idcc,
            branch_name=branch.name,
            sources=sources,
            extra={"regime": str(regime)},
        )
