"""The core's single entry point for the Rasa actions and the command line.

:class:`Assistant` loads the knowledge once and answers: it routes a question (parsed by
the built-in parser or read by Rasa's NLU) to the eligibility answer, the list of
certifications, a FAQ topic or the rules that answer it. Its métier side (matchers, the
métier of a profile, the jobs of a message) and its rules side (the time a question is
about, the rules that answer it) are mixins of their own modules
(:mod:`bot.assistant_metiers`, :mod:`bot.assistant_rules`); the profile a message
completes is :mod:`bot.message_profile`. Every name is still importable from here.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from functools import lru_cache

from bot.assistant_metiers import METIER_MATCH_CACHE_SIZE, MetierLookup
from bot.assistant_rules import RuleLookup
from bot.compose import Answer, Composer, french
from bot.compose.parts import LIST_OWN, AnswerTopic
from bot.compose.rule_answer import RuleAnswers
from bot.compose.voice import speaking_to
from bot.knowledge.loader import load_knowledge
from bot.knowledge.models import KnowledgeBase
from bot.matching import STATUS_NOT_IN_LIST, MetierMatcher
from bot.message_profile import with_audience, with_stated_facts
from bot.metier_finder import MetierFinder
from bot.missing import certifications_missing, eligibility_missing
from bot.profile import Profile
from bot.rules import RulesEngine
from bot.settings import Settings
from bot.understanding.parse import KIND_MORE, ParsedQuestion, asks_eligibility, parse_branch, parse_question
from bot.understanding.question_reading import Reading, asks_openly, split_questions
from bot.understanding.question_words import default_question_words
from bot.understanding.rule_finder import RuleFinder
from bot.understanding.rule_search import RuleScope, RuleSearch, topic_family

__all__ = ["FOLLOW_UP_TERMS", "MISSING_CACHE_SIZE", "Assistant", "with_audience", "with_stated_facts"]

#: A message with this few meaningful words that finds no rule is a follow-up of the topic.
FOLLOW_UP_TERMS = 3

#: How much better another branch's own rule must answer a message that names no branch
#: than the rules of the profile's branch, to answer for that branch (set on the dev sets).
OTHER_BRANCH_MARGIN = 0.15
#: ... and at least this sure (a branch's rule that only shares a word or two with the
#: message, « un Bac pro » of « je voudrais le bac pro », is no answer for that branch).
OTHER_BRANCH_FLOOR = 0.35
#: A rule of the profile's branch this sure is its answer: no other branch is searched.
HOME_SURE_ENOUGH = 0.45

#: Profiles whose missing facts are kept (a few hundred bytes each).
MISSING_CACHE_SIZE = 4096


#: Where a typed message goes: the list for a métier, the engine's verdict for the
#: person, the rules found, or the FAQ topic under way.
ROUTE_LIST, ROUTE_PERSON, ROUTE_RULES, ROUTE_TOPIC = "list", "person", "rules", "topic"


@dataclass(frozen=True)
class Plan:
    """The answer a typed message gets (:meth:`Assistant.plan`)."""

    route: str
    profile: Profile
    reading: Reading
    search: RuleSearch | None = None  # ROUTE_RULES: the rules found
    also: tuple[RuleSearch, ...] = ()  # ROUTE_RULES: each question of a message asking several


class Assistant(MetierLookup, RuleLookup):
    """Knowledge, matchers, rules engine and answer builder, loaded once."""

    def __init__(self, kb: KnowledgeBase, matchers: dict[int, MetierMatcher] | None = None) -> None:
        """``matchers``: métier matchers already built for ``kb`` (the index cache's)."""
        self.kb = kb
        self.engine = RulesEngine(kb)
        self.answers = Composer(kb, self.engine)
        self._matchers: dict[int, MetierMatcher] = dict(matchers or {})
        self._lock = threading.Lock()
        # Profiles are frozen: what one lacks never changes (the form asks it several
        # times per turn, and again at each turn that adds nothing).
        self._missing = lru_cache(maxsize=MISSING_CACHE_SIZE)(self._compute_missing)
        self._metier_matches = lru_cache(maxsize=METIER_MATCH_CACHE_SIZE)(self._match_text)
        self.rule_scope = RuleScope(kb, self.engine.last_start_date)
        self.rule_answers = RuleAnswers(self.answers, self.rule_scope)
        self._rule_finder: RuleFinder | None = None
        self._metier_finder: MetierFinder | None = None

    @classmethod
    def default(cls) -> Assistant:
        """The process-wide assistant on the repository's knowledge (loaded on first use)."""
        return _default_assistant()

    # -- what is missing ------------------------------------------------------------------
    def missing_for(self, topic: str, profile: Profile) -> tuple[str, ...]:
        """What the answer on ``topic`` (``eligibility`` or ``certifications``; nothing
        for the others) lacks for ``profile``, the same tuple as the composed answer's
        ``missing``, without composing it. Cached per profile."""
        return self._missing(topic, profile)

    def _compute_missing(self, topic: str, profile: Profile) -> tuple[str, ...]:
        if topic not in ("eligibility", "certifications"):
            return ()
        match, metier = self.resolve_metier(profile, listing=topic == "certifications")
        if topic == "certifications":
            return certifications_missing(
                self.engine.diploma(profile.target_diploma), profile.target_level, match, metier
            )
        decision = self.engine.decide(profile, metier.certifications if metier else None)
        return eligibility_missing(decision.missing, match, metier)

    # -- answers ------------------------------------------------------------------------
    # ``change_explained``: the 2026 change was already explained in this conversation
    # (a slot), so the answer only recalls it.
    def answer_eligibility(
        self, profile: Profile, change_explained: bool = False, text: str = "", reading: Reading | None = None
    ) -> Answer:
        """« Puis-je faire une Pro-A / viser un BTS ? »; ``text``, the message, tells
        which scheme was asked about (the Pro-A itself: no new one, said first) and when;
        ``reading``: the message already read (:meth:`answer_message`), not read again."""
        profile = with_audience(profile, text)
        if reading is None and text:
            reading = self.read(text, profile)
        if reading is not None:
            # The time the question is about (« en 2025, pouvais-je… »), the avenant's date.
            profile = self.with_reading(profile, reading)
        match, metier = self.resolve_metier(profile)
        decision = self.engine.decide(profile, metier.certifications if metier else None)
        asked = (("both" if reading.both_schemes else reading.scheme) or "") if reading else ""
        with speaking_to(profile.audience):
            return self.answers.eligibility(profile, decision, match, metier, change_explained, scheme_asked=asked)

    def answer_certifications(self, profile: Profile, offset: int = 0, change_explained: bool = False) -> Answer:
        """« Quelles certifications pour un soudeur ? » and its following pages."""
        match, metier = self.resolve_metier(profile, listing=True)
        with speaking_to(profile.audience):
            return self.answers.certifications(profile, match, metier, offset, change_explained)

    def answer_faq(self, topic: str, profile: Profile, change_explained: bool = False) -> Answer:
        """A FAQ topic (duration, funding, pay, tutor…) for the profile's branch and date."""
        with speaking_to(profile.audience):
            return self.answers.faq(topic, profile, change_explained)

    def parse_branch(self, text: str) -> int | None:
        """IDCC named in a text (« intérim » → 2378, « SDLM » → 1404), if any."""
        return parse_branch(text, self.kb)

    def answer_more(self, profile: Profile, list_offset: int | None, change_explained: bool = False) -> Answer:
        """« Voir plus »: the page of the profile's list from ``list_offset`` (where the last
        answer's list stopped, :attr:`Answer.next_offset`), or, with no list under way
        (``None``), a French answer saying what to ask first."""
        if list_offset is None:
            return self.answers.nothing_more(profile)
        return self.answer_certifications(profile, offset=list_offset, change_explained=change_explained)

    def ask(
        self,
        text: str,
        profile: Profile | None = None,
        change_explained: bool = False,
        list_offset: int | None = None,
    ) -> Answer:
        """Answer one free-text question with the built-in parser (no Rasa).

        ``profile`` is what the conversation already knows; ``list_offset`` where its last
        list stopped (``None``: no list under way), for « voir plus »."""
        base = profile or Profile()
        return self.route(parse_question(text, self.kb, base), change_explained, list_offset, base)

    def route(
        self,
        parsed: ParsedQuestion,
        change_explained: bool = False,
        list_offset: int | None = None,
        session: Profile | None = None,
        context: str | None = None,
    ) -> Answer:
        """Send a parsed question to the right answer. « Voir plus » names no métier: it
        pages the list of ``session`` (the profile the conversation had), else of the
        parsed profile. ``context``: the conversation's previous question, as a channel
        passes it (:meth:`answer_message`). A question on the person's rights is sent as the
        channels' eligibility action sends it (:meth:`asks_about_a_person`)."""
        if parsed.kind == KIND_MORE:
            return self.answer_more(session or parsed.profile, list_offset, change_explained)
        text = parsed.profile.metier_text or ""
        if parsed.kind == AnswerTopic.CERTIFICATIONS and (
            self.names_a_job(parsed.profile, listing=True) or not text.strip()
        ):
            reading = self.read(text, parsed.profile)
            profile = self.with_reading(parsed.profile, reading)
            listed = self.answer_certifications(profile, change_explained=change_explained)
            return self._list_yes_no(listed, Plan(ROUTE_LIST, profile, reading))
        return self.answer_message(
            text,
            parsed.profile,
            change_explained,
            parsed.faq_topic,
            parsed.kind,
            context=context,
            eligibility_asked=parsed.kind == AnswerTopic.ELIGIBILITY and self.asks_about_a_person(text),
        )

    def answer_message(
        self,
        text: str,
        profile: Profile,
        change_explained: bool = False,
        faq_topic: str | None = None,
        kind: str | None = None,
        context: str | None = None,
        eligibility_asked: bool = False,
    ) -> Answer:
        """One typed question: the rules that answer it, unless it states the person's
        situation (a contract, a diploma, a job…) and asks what the rules engine decides
        for a person (may I, which certifications) — then the eligibility answer, or the
        list when the question asks for one (``kind``: the parser's or the NLU's).
        ``context``: the conversation's previous question, read with a follow-up that is
        unsure alone (« et pour un jeune ? »). ``eligibility_asked``: the NLU read a question
        on the person's rights (a channel's eligibility action): the engine answers it
        unless the finder is sure of a rule it does not decide (« sa Pro-A peut-elle durer
        plus de 12 mois ? »)."""
        profile = with_audience(profile, text)
        with speaking_to(profile.audience):
            return self._answer_message(text, profile, change_explained, faq_topic, kind, context, eligibility_asked)

    def _answer_message(
        self,
        text: str,
        profile: Profile,
        change_explained: bool,
        faq_topic: str | None,
        kind: str | None,
        context: str | None,
        eligibility_asked: bool = False,
    ) -> Answer:
        plan = self.plan(text, profile, faq_topic, kind, context, eligibility_asked)
        if plan.route == ROUTE_LIST:
            return self._list_yes_no(self.answer_certifications(plan.profile, change_explained=change_explained), plan)
        if plan.route == ROUTE_PERSON:
            return self.answer_eligibility(plan.profile, change_explained, text, plan.reading)
        if plan.route == ROUTE_TOPIC:
            return self.answer_faq(str(faq_topic), plan.profile, change_explained)
        assert plan.search is not None
        return self.rule_answers.answer(
            plan.search, plan.profile, change_explained, also=list(plan.also), topic_hint=faq_topic
        )

    def _list_yes_no(self, answer: Answer, plan: Plan) -> Answer:
        """« Oui » / « Non » in front of a list that answers a closed question (« le métier
        de jardinier est-il dans la liste ? »): the job's own list has certifications (of the
        diploma aimed at, when one is), or the job is not in the list. Not for other jobs'
        lists (« pas de BTS pour ce métier ; ceux d'autres métiers : … »), nor for an open
        question (« quelles certifications pour un soudeur ? »)."""
        if not plan.reading.yes_no:
            return answer
        profile = plan.profile
        match, metier = self.resolve_metier(profile, listing=True)
        own = answer.certification_list is not None and answer.certification_list.whose == LIST_OWN
        if metier is not None and own and answer.certifications and answer.metier_id == metier.id:
            said = "oui"  # the job's own list (for the diploma aimed at, when one is)
        elif metier is None and match is not None and match.status == STATUS_NOT_IN_LIST:
            said = "non"
        else:
            return answer
        return replace(
            answer, verdict_line=french.ANSWERED.format(answer=french.YES_NO[said], line=answer.verdict_line)
        )

    def needs_profile(
        self,
        text: str,
        profile: Profile,
        kind: str | None = None,
        context: str | None = None,
        eligibility_asked: bool = False,
    ) -> bool:
        """Whether the answer to a typed message reads the person's profile (the list for a
        métier, the engine's verdict) rather than rules: a channel's form asks for what the
        profile lacks only then (« qui met à jour la liste des certifs ? » needs no métier)."""
        profile = with_audience(profile, text)
        with speaking_to(profile.audience):
            plan = self.plan(text, profile, None, kind, context, eligibility_asked)
        return plan.route in (ROUTE_LIST, ROUTE_PERSON)

    def plan(
        self,
        text: str,
        profile: Profile,
        faq_topic: str | None,
        kind: str | None,
        context: str | None,
        eligibility_asked: bool = False,
    ) -> Plan:
        """Which answer a typed message gets (:meth:`answer_message`), and with what."""
        reading = self.read(text, profile)
        parsed = parse_question(text, self.kb, profile)
        again = self.person_follow_up(text, profile, context, reading)
        if again is not None:
            return Plan(ROUTE_PERSON, self.with_reading(with_stated_facts(profile, parsed.profile), again), again)
        # What the message itself says of the person counts, whatever slots a channel filled.
        profile = self.with_reading(with_stated_facts(profile, parsed.profile), reading)
        kind = kind or parsed.kind
        listing = kind == AnswerTopic.CERTIFICATIONS or parsed.asks_list
        job = self.names_a_job(profile, listing=listing)
        if job and listing:
            return Plan(ROUTE_LIST, profile, reading)
        if job and context and reading.follow_up:
            before = parse_question(context, self.kb, Profile(idcc=profile.idcc))
            if self.names_a_job(before.profile, listing=before.asks_list):
                # « et si elle était plutôt commis de cuisine ? » after « mon intérimaire est
                # serveur »: the question before, for another job.
                listed = before.kind == AnswerTopic.CERTIFICATIONS or before.asks_list
                in_time = _in_time_of(reading, self.read(context, profile))
                return Plan(ROUTE_LIST if listed else ROUTE_PERSON, self.with_reading(profile, in_time), in_time)
        if job and context and not reading.asks:
            # « il est magasinier cariste » after « quelles certifications pour mon
            # intérimaire ? »: the job answers the list asked before.
            before = parse_question(context, self.kb, profile)
            if before.kind == AnswerTopic.CERTIFICATIONS or before.asks_list:
                return Plan(ROUTE_LIST, profile, reading)
        if job and eligibility_asked:
            # A job with a question on the person's rights stays a métier question, as the
            # NLU keeps it (nlu/rule_questions.py).
            return Plan(ROUTE_PERSON, profile, reading)
        # The job's and the branch's own words (« gestionnaire de paie », « chez un
        # concessionnaire SDLM ») say nothing of the rule asked.
        without_jobs = self.without_jobs(text, profile.idcc) if job else text
        asked = self.without_branches(without_jobs)
        search = self.search_rules(asked, profile, faq_topic)
        if not context and not job and self.parse_branch(text) is None:
            # No branch said (« j'ai validé une partie des compétences du CQP… »): another
            # branch's rule that answers clearly better is that branch's question.
            profile, search = self._in_the_branch_asked(asked, profile, faq_topic, search)
        short = len(self.rule_finder.terms(asked).split()) <= FOLLOW_UP_TERMS
        changes_branch = asked != without_jobs
        own = search  # the message's own search (not the question before's)
        if context and not reading.asks:
            # « l'avenant de mon intérimaire a été signé en mai 2025 » after « combien de temps
            # dure une Pro-A ? »: a fact that answers the question before, re-answered with it.
            search = self.search_rules(context, profile, faq_topic, replace(reading, asked=context))
        elif context and (not search.sure or ((reading.follow_up or changes_branch) and short)):
            # « et pour un jeune ? », « et dans le SDLM ? »: the question before, changed.
            followed = self.search_rules(context, profile, faq_topic)
            combined = self.search_rules(f"{context} {asked}", profile, faq_topic)
            if combined.sure and followed.best and combined.best:
                same = topic_family(combined.best.rule.topic) == topic_family(followed.best.rule.topic)
                followed = combined if same else followed
            if followed.sure:
                search = followed
        elif faq_topic and reading.follow_up and short:
            return Plan(ROUTE_TOPIC, profile, reading)
        if (
            kind == AnswerTopic.CERTIFICATIONS
            and not job
            and (not search.sure or default_question_words().asks_which_certifications(text))
        ):
            # « quelles certifications pour mon intérimaire ? »: the list, once the métier is
            # known; « qui met à jour la liste des certifs ? » asks a rule the finder is sure of.
            return Plan(ROUTE_LIST, profile, reading)
        situation = job or self.states_facts(profile)
        target = profile.target_diploma is not None or profile.target_level is not None
        # The engine decides for a person who asks whether they may (« puis-je ? »); a question
        # on how the scheme works is answered by its rule, whatever the message says of them.
        situation = (situation and (job or target or asks_eligibility(text))) or eligibility_asked
        # A « puis-je… ? » asks a rule only when the finder is as sure as with a job named
        # (« puis-je me former ? » stays the engine's); a question that only states the
        # person's situation asks the rule the finder is sure of (« j'ai 19 ans, ma Pro-A
        # peut durer combien ? »). A question put in the past (« pouvait-il… en 2024 ? ») that
        # names no job asks how the Pro-A worked, unless it states the person's own facts
        # (« en 2024, avec un bac pro, j'avais droit à la pro-a ? »: the engine, at that time).
        in_the_past = search.reading.past and not self.states_facts(parse_question(text, self.kb, Profile()).profile)
        engine_sure = job or (eligibility_asked and not in_the_past and bool(asks_eligibility(text)))
        if not situation or search.answers_over(situation, engine_sure, target):
            if search.unsure and faq_topic and short:
                # « et en SDLM ? »: too short to find a rule, the topic under way answers.
                return Plan(ROUTE_TOPIC, profile, reading)
            # « qui finance la formation, et le salaire est-il maintenu ? »: each its answer.
            questions = split_questions(asked)
            # Each question keeps the time and scheme of the message (« …une Pro-A, et qui la finance ? »).
            also = tuple(
                self.search_rules(q, profile, faq_topic, replace(search.reading, asked=q))
                for q in (questions if len(questions) > 1 else [])
            )
            first_asks = asked.count("?") > 1 or asks_openly(questions[0])
            if also and also[0].sure and search is own and first_asks and not reading.follow_up:
                # Two questions (« que devient son contrat ? Et y a-t-il une période d'essai ? »,
                # « quelle durée, et combien d'heures ? »): the first line answers the first,
                # the others follow in their own parts. (A clause before a comma that asks
                # nothing is a premise: « pour une entreprise de moins de 50 salariés, qui
                # fixait… ? » stays one question.)
                search = also[0]
            return Plan(ROUTE_RULES, profile, reading, search, also)
        if kind == AnswerTopic.CERTIFICATIONS:
            return Plan(ROUTE_LIST, profile, reading)
        return Plan(ROUTE_PERSON, profile, reading)

    def _in_the_branch_asked(
        self, asked: str, profile: Profile, faq_topic: str | None, search: RuleSearch
    ) -> tuple[Profile, RuleSearch]:
        """The profile and search of the branch whose own rule answers ``asked`` clearly
        better (:data:`OTHER_BRANCH_MARGIN`) than any rule of the profile's branch."""
        here = search.best.score if search.best is not None and search.sure else 0.0
        if here >= HOME_SURE_ENOUGH:
            return profile, search  # sure enough at home: no other search (it costs one)
        for idcc in self.kb.branches:
            if idcc == profile.idcc:
                continue
            there = profile.with_(idcc=idcc)
            found = self.search_rules(asked, there, faq_topic)
            best = found.best
            if (
                best is not None
                and found.sure
                and self.rule_scope.branch_of(best.rule) == idcc
                and best.score >= max(here + OTHER_BRANCH_MARGIN, OTHER_BRANCH_FLOOR)
                # The profile's branch has its own rule on that point (« combien l'OPCO paie
                # de l'heure ? »): its answer stands.
                and all(topic_family(h.rule.topic) != topic_family(best.rule.topic) for h in search.hits[:3])
            ):
                return there, found
        return profile, search

    def person_follow_up(
        self, text: str, profile: Profile, context: str | None, reading: Reading | None = None
    ) -> Reading | None:
        """The reading of a follow-up that changes a fact of a question on the person's
        rights (« et avec une licence ? » after « en 2025, j'avais droit à la Pro-A avec un
        BTS ? »), at the time of that question: the engine answers it again. None: not such
        a follow-up. ``reading``: the message already read, not read again."""
        if not context:
            return None
        reading = reading or self.read(text, profile)
        if not reading.follow_up or not asks_eligibility(context):
            return None
        if not self.states_facts(parse_question(text, self.kb, Profile()).profile):
            return None
        return _in_time_of(reading, self.read(context, profile))

    def asks_about_a_person(self, text: str) -> bool:
        """Whether a message the NLU took for a question on someone's rights asks one: a
        « puis-je… ? » (:func:`asks_eligibility`), or a question that states the person's
        situation (« avenant signé en décembre 2025, CDI intérimaire : sa Pro-A continue ? »);
        not « j'ai lu 5000 € par période, c'est garanti ? », which a rule answers."""
        if asks_eligibility(text):
            return True
        stated = parse_question(text, self.kb, Profile()).profile
        return self.states_facts(stated) or stated.avenant_signed_on is not None

    @staticmethod
    def states_facts(profile: Profile) -> bool:
        """Whether the profile holds a fact of the person the eligibility answer reads
        besides the job (:meth:`names_a_job`): a contract, a diploma or level (held or
        aimed at), an age."""
        facts = (
            profile.contract,
            profile.held_diploma,
            profile.held_level,
            profile.target_diploma,
            profile.target_level,
            profile.age,
        )
        return any(value is not None for value in facts)


def _in_time_of(reading: Reading, before: Reading) -> Reading:
    """A follow-up's reading at the time of the question before, unless it says its own."""
    if reading.past or reading.avenant_on or reading.start_on or reading.scheme:
        return reading
    return replace(
        reading,
        past=before.past,
        as_of=before.as_of,
        avenant_on=before.avenant_on,
        avenant_said=before.avenant_said,
        start_on=before.start_on,
        scheme=before.scheme,
    )


@lru_cache(maxsize=1)
def _default_assistant() -> Assistant:
    """Knowledge and matchers from the index cache (bot/index_cache.py), unless
    ``PROA_INDEX_CACHE=off``."""
    if Settings.from_env().index_cache_off:
        return Assistant(load_knowledge())
    from bot import index_cache

    kb, matchers, _ = index_cache.load()
    return Assistant(kb, matchers)
