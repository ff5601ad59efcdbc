"""Answers made of the rules the rule finder found (:mod:`bot.understanding.rule_search`).

The first line is the best rule's first sentence, with its figure and its article; the
rest of that rule and the rules that answer the same question follow under the regime's
heading; where the question did not choose a regime, the other regime's rule on the same
point follows in one part. When the finder is unsure, the answer is a question back: the
two or three closest questions as buttons (their payload is the question itself, which
the finder then finds for sure).

How a rule's summary is cut into lines is :mod:`bot.compose.rule_sentences`; what stays on
a phone's first screen is :mod:`bot.compose.first_screen`; their names are re-exported
here (the ``X as X`` imports, mypy's explicit form) for the callers that import them from
this module.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.compose import french
from bot.compose import next_steps as steps
from bot.compose.answer import Answer
from bot.compose.builder import Composer, _source_items, split_part
from bot.compose.first_screen import FIRST_SCREEN_CHARS as FIRST_SCREEN_CHARS
from bot.compose.first_screen import PART_OVERHEAD as PART_OVERHEAD
from bot.compose.first_screen import fold_beyond_first_screen as fold_beyond_first_screen
from bot.compose.parts import VERDICT_LINE_HARD_MAX, VERDICT_LINE_MAX, AnswerVerdict, Button, Part, faq_topic
from bot.compose.rule_sentences import FIRST_LINE_MAX as FIRST_LINE_MAX
from bot.compose.rule_sentences import FIT_MARKS as FIT_MARKS
from bot.compose.rule_sentences import YES_NO_ROOM as YES_NO_ROOM
from bot.compose.rule_sentences import fit_line as fit_line
from bot.compose.rule_sentences import split_first_sentence as split_first_sentence
from bot.compose.rule_sentences import split_sentences as split_sentences
from bot.compose.text_words import CODE_ARTICLE_LETTERS, SCHEME_NAMES, TITLE_DATE_WORD
from bot.compose.topics import faq_topics
from bot.compose.voice import said as said_to_audience
from bot.knowledge.models import Rule
from bot.profile import Profile
from bot.rules import PROA, PROA_ONGOING, RECONVERSION, Regime
from bot.understanding.quantities import (
    Bounds,
    Quantity,
    bounds_of,
    default_quantity_words,
    read_quantities,
    rule_bounds,
    without_figures,
    yes_no_of,
)
from bot.understanding.question_reading import split_questions
from bot.understanding.rule_conditions import EXEMPT_CONDITION, default_rule_conditions
from bot.understanding.rule_finder import RuleFinder, RuleHit
from bot.understanding.rule_search import (
    BOTH_REGIMES_TOPICS,
    LASTING_TOPICS,
    REGIME_PROA,
    RuleScope,
    RuleSearch,
    topic_family,
)

#: Another regime's rule is shown beside the best one when it scores at least this share.
OTHER_REGIME_SHARE = 0.6
#: Rules of the same family and regime scoring at least this share of the best follow it
#: (at most ``MAX_NEAR``): « combien dure… » also gets the longer durations of some publics.
NEAR_SHARE = 0.8
MAX_NEAR = 2
#: A rule's yes/no answer opens the first line only when the rule is this sure to be the
#: question asked (a near rule could answer a different yes/no question).
YES_NO_FROM = 0.17
#: A yes/no phrasing gives its answer when it is at least this close to the message, as a
#: share of the rule's closest phrasing (set on benchmarks/data/rules_dev.yml).
ANSWER_ROW_SHARE = 0.4
#: Rule topics whose figure some people get extended (``publics`` of the rule): shown with
#: the base rule when the person said something of themselves.
PERSONAL_EXTENSIONS = {"duration": ("duration_extension",)}
#: How many readings a question back offers.
ASK_CHOICES = 3


def faq_topic_of_rule(rule: Rule) -> str | None:
    """The FAQ topic whose rule topics hold ``rule``'s topic (for buttons and grouping)."""
    family = topic_family(rule.topic)
    return family if family in faq_topics() else None


class RuleAnswers:
    """Turns a :class:`RuleSearch` into an :class:`Answer`."""

    def __init__(self, composer: Composer, scope: RuleScope, finder: RuleFinder | None = None) -> None:
        self.composer = composer
        self.kb = composer.kb
        self.scope = scope
        self.finder = finder

    # -- pieces ----------------------------------------------------------------------
    def _cite(self, rule: Rule) -> str:
        article = rule.source.article
        # Short on the first line (it must fit a phone's first screen); the sources below
        # name the document in full (title, IDCC, link).
        branch = self.scope.branch_of(rule)
        if branch is not None:
            if rule.source.document.id != self.kb.branch(branch).agreement.document.id:  # an avenant
                document = rule.source.document.short_title.split(f" {TITLE_DATE_WORD} ")[0]
                return french.CITE_DOCUMENT.format(document=document, article=article)
            return french.CITE_AGREEMENT.format(article=article)
        if article[:1] in CODE_ARTICLE_LETTERS:
            # « L6324-1 (qualifications du 1° …) »: the line names the article alone.
            return french.CITE_LAW.format(article=article.split(" (")[0])
        return rule.source.label

    def _regime(self, rule: Rule, search: RuleSearch) -> Regime:
        """The engine's regime code a rule is shown under, for this question."""
        if self.scope.regime_of(rule) != REGIME_PROA:
            return RECONVERSION
        if search.regime == PROA or search.today <= self.scope.last_proa_day:
            return PROA
        return PROA_ONGOING

    def _heading(self, regime: Regime, search: RuleSearch, profile: Profile) -> str:
        if regime == PROA and search.today > self.scope.last_proa_day:
            return french.HEADING_PROA_PAST.format(last_day=french.french_date(self.scope.last_proa_day))
        if regime == PROA_ONGOING and search.reading.avenant_said:
            return french.worded("HEADING_PROA_SAID").format(said=search.reading.avenant_said)
        return self.composer.regime_heading(regime, profile)

    def _branch_heading(self, rule: Rule) -> str:
        """« Branche SDLM (IDCC 1404) »: the heading of a rule of a branch's own certifications."""
        idcc = self.scope.branch_of(rule)
        branch = self.kb.branch(idcc) if idcc is not None else None
        return french.HEADING_BRANCH.format(branch=branch.name if branch else "", idcc=idcc)

    def _first_line(
        self, rule: Rule, regime: Regime, heading: str, asked: str = "", figure: Quantity | None = None
    ) -> tuple[str, tuple[str, ...]]:
        """The verdict line (the rule's sentence that states ``figure``, the figure that
        decided a yes/no, else its sentence closest to the question, its first one unless
        another is clearly closer, cited) and the rule's other sentences."""
        summary = " ".join(said_to_audience(rule).split())
        sentences = split_sentences(summary)
        exempted = self._exempted_aim(rule, asked)
        if exempted is not None:
            # « …pour une VAE ? »: the clause that says the limits do not bind that aim first.
            pieces = [piece for sentence in sentences for piece in sentence.split(" ; ")]
            about = [p for p in pieces if default_rule_conditions().states_any(p, EXEMPT_CONDITION)]
            if about:
                sentences = [french.capitalised(about[0]), *(p for p in pieces if p is not about[0])]
        stating = [i for i, s in enumerate(sentences) if figure is not None and figure in read_quantities(s)]
        closest = self.finder.closest(asked, sentences) if asked and self.finder and not stating else 0
        chosen = stating[0] if stating else (0 if exempted is not None else closest)
        if chosen or exempted is not None:
            sentence = sentences[chosen]
            # The sentences lost their full stops in the split: each gets its own back.
            others = " ".join(f"{other}." for other in sentences[:chosen] + sentences[chosen + 1 :])
            rest: tuple[str, ...] = (others,) if others else ()
        else:
            sentence, rest = split_first_sentence(summary)
        names_scheme = any(word in sentence.casefold() for word in SCHEME_NAMES)
        if regime == PROA_ONGOING or not names_scheme:
            sentence = f"{heading} : {french.lowered(sentence)}"
        cite = self._cite(rule)
        overhead = len(french.CITED.format(sentence="", cite=cite)) + YES_NO_ROOM
        sentence, cut = fit_line(sentence, VERDICT_LINE_MAX - overhead, VERDICT_LINE_HARD_MAX - overhead)
        if cut:
            rest = (cut, *rest)
        return french.CITED.format(sentence=sentence, cite=cite), rest

    # -- answers ---------------------------------------------------------------------
    def answer(
        self,
        search: RuleSearch,
        profile: Profile,
        change_explained: bool = False,
        also: Sequence[RuleSearch] = (),
        topic_hint: str | None = None,
    ) -> Answer:
        """The answer to a question whose rules were found (or the question back); ``also``:
        the searches of each question of a message that asks several, each answered in its
        own part."""
        if search.unsure or search.best is None:
            return self.ask_back(search, profile)
        best = search.best.rule
        if best.topic in BOTH_REGIMES_TOPICS and search.reading.avenant_named and search.reading.avenant_on is None:
            return self.ask_avenant_date(best, profile)
        regime = self._regime(best, search)
        lasting = best.topic in LASTING_TOPICS
        heading = self._branch_heading(best) if lasting else self._heading(regime, search, profile)
        yes_no, decided_by = self._yes_no(best, search, profile)
        line, rest = self._first_line(best, regime, heading, search.asked, decided_by)
        if yes_no is not None:
            line = french.ANSWERED.format(answer=french.YES_NO[yes_no], line=line)
        family = topic_family(best.topic)
        same = [h.rule for h in search.hits[1:] if best.question and h.rule.question == best.question]
        near = [
            h.rule
            for h in search.hits[1:]
            if h.rule not in same
            and topic_family(h.rule.topic) == family
            and self.scope.regime_of(h.rule) == self.scope.regime_of(best)
            and h.score >= NEAR_SHARE * search.best.score
        ]
        same += near[:MAX_NEAR]
        same += [r for r in self._for_the_person(best, profile, search) if r not in same and r is not best]
        if decided_by is not None and decided_by not in read_quantities(said_to_audience(best)):
            # « cela dépend » for « 30 mois ? »: the rule that reaches it says for whom.
            stating = [r for r in self._extensions(best, search) if decided_by in read_quantities(said_to_audience(r))]
            same = [*stating[:1], *(r for r in same if r not in stating[:1])]
        asked_case = self._case_to_ask(best, same, search)
        if asked_case is not None:
            return self._ask_case(asked_case, best, same, search, profile)
        for condition in best.when:
            # « …ma reconversion interne ? »: the other case's rule is no part of the answer.
            stated = default_rule_conditions().stated(search.asked, condition)
            if stated is not None:
                same = [r for r in same if r.when.get(condition) in (None, stated)]
        sentences: list[str] = []
        said = search.reading.avenant_said
        switch = french.french_date(self.composer.switch)
        dated = None
        if search.avenant_too_late and said:
            last_day = french.french_date(self.scope.last_proa_day)
            dated = french.AVENANT_TOO_LATE.format(day=said, last_day=last_day, switch=switch)
        elif said and (regime == PROA_ONGOING or best.topic in BOTH_REGIMES_TOPICS):
            dated = french.AVENANT_ON_TIME.format(day=said, switch=switch)
        if dated and best.topic in BOTH_REGIMES_TOPICS:
            # « c'est toujours une Pro-A ? » with the avenant's date: the date answers it.
            sentence = dated.rstrip(".")
            line = french.CITED.format(sentence=sentence, cite=self._cite(best))
            if yes_no is not None:
                line = french.ANSWERED.format(answer=french.YES_NO[yes_no], line=line)
            rest = (said_to_audience(best),)
        elif dated:
            sentences.append(dated)
        sentences += list(rest) + [said_to_audience(r) for r in same]
        parts = split_part(heading, None, sentences, regime) if sentences else []
        used = [best, *same]
        for more in also:
            rule = more.best.rule if more.best and more.sure else None
            if rule is None or rule in used or (rule.question and rule.question == best.question):
                continue
            rule_regime = self._regime(rule, more)
            parts.append(Part(self._heading(rule_regime, more, profile), None, (said_to_audience(rule),), rule_regime))
            used.append(rule)
        other = self._other_regime(search, best)
        if other is not None:
            other_regime = self._regime(other, search)
            parts.append(
                Part(
                    self._heading(other_regime, search, profile),
                    None,
                    (said_to_audience(other),),
                    other_regime,
                    detail=True,
                )
            )
            used.append(other)
        change, change_rules = self.composer.change_note(
            RECONVERSION if regime == RECONVERSION or other is not None else regime, change_explained
        )
        if lasting:
            change, change_rules = None, []  # in force whatever the scheme: no 2026 change to tell
        elif regime == PROA and search.today > self.scope.last_proa_day:
            past_note = french.PAST_NOTE.format(switch=french.french_date(self.composer.switch))
            parts.append(Part(None, None, (past_note,), detail=True))
            change, change_rules = None, []
        # The FAQ topic recognised (NLU, parser) when the rule is one of its family (« CPF »
        # for the CPF's funding rule), else the rule's own family.
        hinted = faq_topics().get(topic_hint or "")
        topic = topic_hint if hinted and best.topic in hinted[0] + hinted[1] else faq_topic_of_rule(best)
        branch = self.kb.branch(profile.idcc)
        known = tuple(faq_topics())
        next_step = self.composer.faq_next_step(topic, branch) if topic and regime == RECONVERSION else None
        # The next step follows the parts on the first screen: room is kept for it.
        room = FIRST_SCREEN_CHARS - (
            len(french.NEXT_STEP_HEADING)
            + PART_OVERHEAD
            + len(next_step.text)
            + sum(len(c.name) + len(c.url) + PART_OVERHEAD for c in next_step.contacts)
            if next_step
            else 0
        )
        return Answer(
            verdict_line=line,
            topic=faq_topic(topic) if topic else "rules",
            idcc=branch.idcc,
            branch_name=branch.name,
            parts=fold_beyond_first_screen(line, parts, room),
            change=change,
            next_steps=steps.follow_ups(faq_topic(topic), known) if topic else (),
            sources=_source_items([r.source for r in used + change_rules]),
            rule_ids=tuple(r.id for r in used),
            reading=self._reading(search, regime),
            next_step=next_step,
        )

    def _for_the_person(self, best: Rule, profile: Profile, search: RuleSearch) -> list[Rule]:
        """The rules that extend ``best`` for some people (« jusqu'à 36 mois pour les
        jeunes… »), when the person said something of themselves (an age, a diploma, a
        contract): whether they are such a person is then part of the answer."""
        told = (profile.age, profile.held_diploma, profile.held_level, profile.contract)
        if not profile.priority_publics and all(v is None for v in told):
            return []
        return self._extensions(best, search)

    def _yes_no(self, best: Rule, search: RuleSearch, profile: Profile) -> tuple[str | None, Quantity | None]:
        """« oui » / « non » / « cela dépend » for a closed question: the answer of the
        rule's yes/no phrasing closest to it (when that phrasing is about as close as the
        rule's closest one, and turned the same way: both negative or neither), or for
        the transition asked with an avenant's date, whether it is still a Pro-A."""
        reading = search.reading
        hit = search.best
        if not reading.yes_no or hit is None:
            return None, None
        if best.topic in BOTH_REGIMES_TOPICS and reading.avenant_on is not None:
            return (None if reading.negative else ("non" if search.avenant_too_late else "oui")), None
        if hit.rule is not best or hit.score < YES_NO_FROM:
            return None, None
        phrasing = hit.answer if hit.answer in french.YES_NO and hit.answer_share >= ANSWER_ROW_SHARE else None
        asked = search.asked or reading.asked or ""
        figures = read_quantities(asked)
        plain = default_quantity_words().without_conditions(" ".join(without_figures(asked).replace("'", " ").split()))
        turned = self.finder.negative(plain) if self.finder else reading.negative
        if self._exempted_aim(best, asked) is not None and not turned and len(split_questions(asked)) == 1:
            # « la durée minimale de 150 heures s'appliquait-elle à une VAE ? »: « Non », the
            # limits do not bind that aim; a figure beyond them (« 3 mois pour une VAE ? ») is
            # not settled by a word, nor a message that asks something else first (« peut-il
            # passer le CléA, et est-ce limité à 450 heures ? »).
            bounds = self._bounds(best, search, profile)
            bound_values = {(u, v) for u, b in bounds.items() for v in (b.low, b.high) if v is not None}
            if all(f.unit not in bounds or (f.unit, f.value) in bound_values for f in figures):
                return "non", None
            return None, None
        if figures and not turned:
            # « une Pro-A de 8 mois ? »: the figure against the rule's bounds decides, unless
            # the closest yes/no phrasing asks the same figures (it knows their conditions:
            # « sans accord, 18 mois ? »).
            same = phrasing is not None and set(read_quantities(hit.answered or "")) == set(figures)
            counted = yes_no_of(figures, self._bounds(best, search, profile))
            if counted is not None and not same:
                return french.YES_NO_OF[counted.answer], counted.decided_by
        # The finder took the phrasing among those turned the same way as the question.
        return phrasing, None

    @staticmethod
    def _exempted_aim(rule: Rule, asked: str) -> str | None:
        """The aim the message states that ``rule``'s limits do not bind (its ``exempt``:
        « pour une VAE »), else None."""
        exempt = rule.values.get("exempt") or ()
        aim = default_rule_conditions().stated(asked, EXEMPT_CONDITION) if exempt and asked else None
        return aim if aim in exempt else None

    def _extensions(self, best: Rule, search: RuleSearch) -> list[Rule]:
        """The rules that extend ``best`` for some publics, in its branch or the law of its
        regime (« jusqu'à 36 mois pour certains publics »)."""
        return self._beside(best, PERSONAL_EXTENSIONS.get(best.topic, ()), search)

    def _beside(self, best: Rule, topics: Sequence[str], search: RuleSearch) -> list[Rule]:
        """The rules of ``topics`` in ``best``'s branch, or in the law of its regime."""
        branch = self.scope.branch_of(best)
        if branch is not None:
            return [r for t in topics for r in self.kb.branch(branch).rules_for(t, search.rule_day)]
        regime = self.scope.regime_of(best)
        return [r for r in self.kb.law_rules if r.topic in topics and self.scope.regime_of(r) == regime]

    def _bounds(self, best: Rule, search: RuleSearch, profile: Profile) -> dict[str, Bounds]:
        """What ``best`` allows per unit, with what its extensions reach (« cela dépend »
        beyond the maximum); for an extension (« jusqu'à 36 mois pour trois publics »), what
        the rule it extends allows everyone. For a person in an extension's publics (« pour
        un demandeur d'emploi de longue durée »), the extension's maximum is theirs."""
        base_topics = [topic for topic, more in PERSONAL_EXTENSIONS.items() if best.topic in more]
        bases = self._beside(best, base_topics, search)
        base = bases[0] if bases else best
        extensions = self._extensions(base, search)
        bounds = bounds_of(base.values, [r.values for r in extensions])
        condition = base.values.get("extended_when")
        stated = default_quantity_words().condition_stated(search.asked or "", condition) if condition else None
        if stated is not None:
            # « sans accord, 500 heures ? »: the rule's own maximum; « notre accord prévoit
            # 1 800 heures » : the maximum an agreement may reach.
            bounds = {
                unit: Bounds(b.low, b.extended if stated and b.extended is not None else b.high, None)
                for unit, b in bounds.items()
            }
        theirs = [r for r in extensions if profile.priority_publics & set(r.values.get("publics") or ())]
        for unit, known in bounds.items():
            reach = [b for b in (rule_bounds(r.values, unit).high for r in theirs) if b is not None]
            if reach and known.high is not None and max(reach) > known.high:
                bounds[unit] = Bounds(known.low, max(reach), known.extended)
        return bounds

    def _other_regime(self, search: RuleSearch, best: Rule) -> Rule | None:
        """The other regime's best rule on the same point, when the question chose none."""
        if search.regime is not None or search.best is None:
            return None
        best_regime = self.scope.regime_of(best)
        for hit in search.hits[1:]:
            rule = hit.rule
            if self.scope.regime_of(rule) == best_regime or hit.score < OTHER_REGIME_SHARE * search.best.score:
                continue
            if rule.topic == best.topic or (rule.question and rule.question == best.question):
                return rule
        return None

    def ask_avenant_date(self, transition: Rule, profile: Profile) -> Answer:
        """« Je suis en Pro-A ou en période de reconversion ? » with an avenant but no date:
        the date it was concluded decides; ask it."""
        branch = self.kb.branch(profile.idcc)
        switch = french.french_date(self.composer.switch)
        return Answer(
            verdict_line=french.ASK_AVENANT_DATE.format(switch=switch),
            verdict=AnswerVerdict.NEEDS_INFORMATION,
            topic="rules",
            idcc=branch.idcc,
            branch_name=branch.name,
            parts=(Part(None, None, (said_to_audience(transition),)),),
            sources=_source_items([transition.source]),
            rule_ids=(transition.id,),
            missing=("avenant_date",),
        )

    def _case_to_ask(self, best: Rule, same: Sequence[Rule], search: RuleSearch) -> str | None:
        """The condition to ask about (« interne ou externe ? »): ``best`` answers the
        question for one case (its ``when``), a rule answering the same question for
        another case follows it, and the message, which names the scheme, states none of
        the condition's cases."""
        if search.reading.scheme is None and not search.reading.both_schemes:
            return None  # a question that names no scheme may not be about its cases at all
        conditions = default_rule_conditions()
        for condition, case in best.when.items():
            other = any(r.when.get(condition) not in (None, case) for r in same)
            if other and not conditions.states_any(search.asked, condition):
                return condition
        return None

    def _ask_case(
        self, condition: str, best: Rule, same: Sequence[Rule], search: RuleSearch, profile: Profile
    ) -> Answer:
        """« Cela dépend : interne ou externe ? » with a button per case, and each case's
        rule below (the answer is there; the buttons ask again with the case said)."""
        asked = " ".join(search.asked.split()).rstrip(" ?")
        cases = default_rule_conditions().cases(condition)
        choices = tuple(
            Button(label, f"{asked} ({label.lower()}) ?")
            for label in (french.worded(f"CONDITION_{condition}_{case}".upper()) for case in cases)
        )
        regime = self._regime(best, search)
        shown = [best, *(r for r in same if r.when.get(condition) not in (None, best.when.get(condition)))]
        parts = tuple(
            Part(self._heading(regime, search, profile), None, (said_to_audience(rule),), regime) for rule in shown
        )
        branch = self.kb.branch(profile.idcc)
        return Answer(
            verdict_line=french.worded(f"ASK_CONDITION_{condition}".upper()),
            verdict=AnswerVerdict.NEEDS_INFORMATION,
            topic=faq_topic(topic) if (topic := faq_topic_of_rule(best)) else "rules",
            idcc=branch.idcc,
            branch_name=branch.name,
            parts=parts,
            choices=choices,
            sources=_source_items([r.source for r in shown]),
            rule_ids=tuple(r.id for r in shown),
            reading=self._reading(search, regime),
            missing=(condition,),
        )

    def ask_back(self, search: RuleSearch, profile: Profile) -> Answer:
        """« De quoi parlez-vous ? » with the closest questions as buttons."""
        hits: Sequence[RuleHit] = search.hits
        choices: list[Button] = []
        for hit in hits:
            question = hit.rule.question
            if question and all(b.title != question for b in choices):
                choices.append(Button(question, question))
            if len(choices) >= ASK_CHOICES:
                break
        branch = self.kb.branch(profile.idcc)
        line = french.ASK_WHICH_RULE if search.close else french.ASK_NO_RULE
        return Answer(
            verdict_line=line,
            verdict=AnswerVerdict.NEEDS_INFORMATION,
            topic="rules",
            idcc=branch.idcc,
            branch_name=branch.name,
            choices=tuple(choices),
            rule_ids=tuple(h.rule.id for h in hits[:ASK_CHOICES]),
            reading=self._reading(search, None),
            missing=("question",),
        )

    @staticmethod
    def _reading(search: RuleSearch, regime: str | None) -> dict[str, object]:
        reading = search.reading
        return {
            "regime": search.regime or regime,
            "scheme": reading.scheme,
            "past": reading.past,
            "as_of": reading.as_of.isoformat() if reading.as_of else None,
            "avenant_concluded_on": reading.avenant_on.isoformat() if reading.avenant_on else None,
            "training_starts_on": reading.start_on.isoformat() if reading.start_on else None,
            "scores": {h.rule.id: round(h.score, 3) for h in search.hits[:ASK_CHOICES]},
        }
