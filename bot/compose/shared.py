"""The pieces every answer of :class:`~bot.compose.builder.Composer` shares: the 2026
switch, headings per regime, the 2026 change note, the next step, list pages with their
heading and notes, and what to say when the métier is not found."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.compose import french
from bot.compose import next_steps as steps
from bot.compose.parts import (
    CHANGE_EXPLAINED,
    CHANGE_RECALLED,
    LIST_OTHERS,
    Button,
    CertificationItem,
    CertificationList,
    ChangeNote,
    ContactLink,
    ListWhose,
    NextStep,
)
from bot.compose.pieces import CERTIFICATIONS_TOPIC, CLEA_TOPIC, RECONVERSION_TOPIC, Page
from bot.compose.topics import faq_topics
from bot.compose.voice import said as said_to_audience
from bot.knowledge.models import Branch, Certification, Diploma, KnowledgeBase, Metier, Rule, SourceRef
from bot.matching import (
    STATUS_AMBIGUOUS,
    STATUS_EMPTY,
    STATUS_ENJEUX,
    STATUS_NOT_IN_LIST,
    STATUS_SUGGESTION,
    MatchResult,
)
from bot.profile import Profile
from bot.rules import PROA_ONGOING, RECONVERSION, Regime, RulesEngine


class ComposerBase:
    """The knowledge, the rules engine and the pieces the answers share; the answers
    themselves are :class:`~bot.compose.builder.Composer`'s."""

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
