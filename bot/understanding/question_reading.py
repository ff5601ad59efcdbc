"""What a question says of time and scheme: the regime it is about.

A question may name its scheme (« la Pro-A », « la période de reconversion »), put itself
in the past (« l'an dernier », « en 2025 », « pouvait-il ») and carry dates with a role:
the day the avenant to the employment contract was concluded, the day the training
starts. The transition between the two schemes is decided by the first only (loi
n° 2025-989, art. 11 III): an avenant concluded before 1 January 2026 is a Pro-A even when
the training starts later. Words: ``knowledge/lexicon/questions.yml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.text import fold_accents, normalize
from bot.understanding.parse import AMENDMENT, AVENANT, ROLE_WINDOW, START, date_role, dated_facts
from bot.understanding.question_words import QuestionWords, default_question_words
from bot.understanding.verb_forms import VerbForms, default_verb_forms

__all__ = ["AVENANT", "PROA", "RECONVERSION", "START", "Reading", "dated_facts", "read_question"]

#: Marks that end a clause (a dated clause is blanked from the last one before its date).
CLAUSE_BREAKS = (",", ";", ":", ".", "?", "!", "\n")
#: Marks that end a sentence: what comes before a question's sentence is its premise.
SENTENCE_ENDS = (".", "!", "\n")
#: Fewest words of a premise (« Bonjour. » sets no context).
PREMISE_WORDS = 3
#: Schemes a question may name.
PROA, RECONVERSION = "proa", "reconversion"


@dataclass(frozen=True)
class Reading:
    """The time and scheme of a question (None: not said)."""

    scheme: str | None = None  # "proa" | "reconversion", when the question names one only
    both_schemes: bool = False  # names the Pro-A and the période de reconversion: the switch
    past: bool = False  # put in the past by a tense or time words
    as_of: date | None = None  # the day a past question is about, when it names one
    avenant_on: date | None = None  # the day the avenant was concluded
    avenant_said: str | None = None  # that date as typed (« mars 2025 »: no day was said)
    avenant_named: bool = False  # speaks of the avenant to an employment contract (dated or not)
    start_on: date | None = None  # the day the training starts
    #: The question without its dated clauses (« avenant conclu le 12 janvier 2026, »): what
    #: is asked, for the rule finder (the dates are read here).
    asked: str | None = None
    #: A closed question (« peut-on… ? », « est-ce que… ? »): its answer may start with
    #: « Oui » / « Non ».
    yes_no: bool = False
    #: Has a word that could turn a closed question the other way round (« interdit »,
    #: « ne peut pas »): only a yes/no phrasing that has one too gives its answer.
    negative: bool = False
    #: The text the question asks about, when it names one: « law » or « agreement ».
    source: str | None = None
    #: Asks something (a « ? » or a question word); else it states a fact.
    asks: bool = True
    #: Starts as a follow-up that changes one thing (« et en SDLM ? », « et pour un jeune ? »).
    follow_up: bool = False
    #: Asks of the asker's own case (« je », « mon »), or of the worker an adviser speaks of.
    own_case: bool = False
    #: The avenant named is signed now (« puis-je encore signer un avenant ? »): ``avenant_on``
    #: is the day of the question, not a date the person gave.
    signing_now: bool = False


def read_question(
    text: str, today: date, words: QuestionWords | None = None, verbs: VerbForms | None = None
) -> Reading:
    """The :class:`Reading` of one message, for a question asked on ``today``."""
    words = words or default_question_words()
    verbs = verbs or default_verb_forms()
    folded = words.join(normalize(text))
    schemes = [name for name, pattern in words.scheme_patterns.items() if pattern.search(folded)]
    # « La Pro-A était réservée aux CDI. Un salarié en CDD peut-il aujourd'hui bénéficier
    # d'une période de reconversion ? »: a statement before the question sets its context;
    # the question's own scheme and time are what it asks about.
    premise, question = _premise_and_question(text)
    premise_folded = words.join(normalize(premise))
    question_folded = words.join(normalize(question)) if premise else folded
    question_schemes = [n for n, pattern in words.scheme_patterns.items() if pattern.search(question_folded)]
    if premise and question_schemes:
        schemes = question_schemes
    avenant_on = start_on = as_of = None
    avenant_said: str | None = None
    asked = list(text)
    for fact, day, role in dated_facts(text, words):
        if role is not None:  # blank what dates: from the role's cue to the date
            begin = _cue_start(text, fact.start, words)
            asked[begin : fact.end] = " " * (fact.end - begin)
        if role == AVENANT and avenant_on is None:
            avenant_on, avenant_said = day, fact.value
        elif role == START and start_on is None:
            start_on = day
        elif role is None and day < today and as_of is None and not (premise and fact.start < len(premise)):
            as_of = day  # a date of the premise is its own (« en 2024 la Pro-A… ; et en 2026 ? »)
    # Time phrases (« l'année dernière ») say when, not which rule: not searched.
    window = "".join(c if c.isalnum() else " " for c in fold_accents(text.lower()))
    if len(window) == len(text):
        for match in words.past_time.finditer(window):
            asked[match.start() : match.end()] = " " * (match.end() - match.start())
    if premise and question_schemes and len(window) == len(text):
        if any(p.search(premise_folded) for n, p in words.scheme_patterns.items() if n not in question_schemes):
            # A premise on the other scheme is a contrast (« avant, on signait un avenant pour
            # la Pro-A. Aujourd'hui, pour une période de reconversion… ? »): not searched.
            asked[: len(premise)] = " " * len(premise)
        # The premise's scheme is context, not what is asked (« je n'avais pas droit à la
        # Pro-A. Aujourd'hui… une période de reconversion ? » asks no Pro-A rule).
        for match in words.scheme_names.finditer(window, 0, len(premise)):
            asked[match.start() : match.end()] = " " * (match.end() - match.start())
    past = _in_past(question_folded, as_of, words, verbs)
    named = _names_an_avenant(folded, words)
    signing_now = named and avenant_on is None and not past and bool(words.signing_now.search(question_folded))
    if signing_now:
        avenant_on = today  # « puis-je encore signer un avenant Pro-A ? »: signed now
    if premise and schemes != [RECONVERSION]:
        # The premise's past holds unless the question asks of the new scheme alone.
        past = past or _in_past(premise_folded, None, words, verbs)
    return Reading(
        scheme=schemes[0] if len(schemes) == 1 else None,
        both_schemes=len(schemes) > 1,
        source=next((name for name, pattern in words.source_patterns.items() if pattern.search(folded)), None),
        avenant_named=named,
        signing_now=signing_now,
        past=past,
        as_of=as_of,
        avenant_on=avenant_on,
        avenant_said=avenant_said,
        start_on=start_on,
        asked="".join(asked),
        follow_up=bool(words.follow_up_cue.search(folded)),
        own_case=bool(words.own_case.search(folded) or words.adviser_cue.search(folded)),
        yes_no=_closed_question(text, folded, words),
        negative=bool(words.negative_cue.search(folded)),
        asks="?" in text or bool(words.open_question.search(folded)) or folded.startswith(words.asking_starts),
    )


def _in_past(folded: str, as_of: date | None, words: QuestionWords, verbs: VerbForms) -> bool:
    """Whether words put a (folded) question in the past: a past day, a time phrase of the
    past or a past cue that is no hypothesis (« si c'était… »), else — unless it says it
    asks of today (« aujourd'hui ») — a verb in the imperfect."""
    if as_of is not None:
        return True
    split = folded.split()
    if any(not verbs.in_hypothesis(split, len(folded[: m.start()].split())) for m in words.past_cue.finditer(folded)):
        return True
    return not words.present_time.search(folded) and verbs.in_past(split)


def _premise_and_question(text: str) -> tuple[str, str]:
    """The statement before a message's first question, and that question: « La Pro-A se
    faisait chez mon employeur. » and « En 2026, une période… peut-elle… ? ». No premise
    (``""``) when the first question is the message's first sentence."""
    mark = text.find("?")
    if mark < 0:
        return "", text
    start = max(text.rfind(end, 0, mark) for end in SENTENCE_ENDS) + 1
    premise = text[:start]
    if len(premise.split()) < PREMISE_WORDS:
        return "", text
    return premise, text[start:]


def _cue_start(text: str, date_start: int, words: QuestionWords) -> int:
    """Where the role cue of the date at ``date_start`` begins in ``text`` (the window is
    folded with its length kept, so that positions map back), else the clause's start."""
    window_start = max(0, date_start - ROLE_WINDOW)
    window = "".join(c if c.isalnum() else " " for c in fold_accents(text[window_start:date_start].lower()))
    if len(window) == date_start - window_start:
        found = date_role(window, words)
        if found is not None:  # from the first cue of that role in the window
            starts = [m.start() for m in words.role_patterns[found[0]].finditer(window)]
            return window_start + min(starts, default=found[1])
    return max((text.rfind(mark, 0, date_start) for mark in CLAUSE_BREAKS), default=-1) + 1


def split_questions(text: str, words: QuestionWords | None = None) -> list[str]:
    """The questions of one message (« quelle durée, et combien d'heures ? » → two), each as
    typed; a message asking one thing is one question. Cut at a « ? » or « ; », or at « et »
    or a comma before a word that starts a question (``second_question_starts``)."""
    words = words or default_question_words()
    # Folded with its length kept, so that the cuts fall at the same places in the text.
    lowered = "".join(c if c.isalnum() or c in "?;," else " " for c in fold_accents(text.lower()))
    if len(lowered) != len(text):
        return [text]
    pieces, start = [], 0
    for match in words.second_question.finditer(lowered):
        pieces.append(text[start : match.start()])
        start = match.end()
    pieces.append(text[start:])
    questions = [p.strip(" ,;?") for p in pieces]
    return [q for q in questions if len(q.split()) >= 2] or [text]


def _names_an_avenant(folded: str, words: QuestionWords) -> bool:
    """Whether the question speaks of an avenant to an employment contract (« mon avenant »,
    « l'avenant Pro-A »), not of an agreement's amendment (« l'avenant n° 7 »)."""
    return any(not AMENDMENT.match(folded[match.start() :]) for match in words.avenant.finditer(folded))


def _closed_question(text: str, folded: str, words: QuestionWords) -> bool:
    """A question that asks yes or no: a « ? » or « est-ce que », and no open question word
    that asks up to its first « ? » (the first line answers that question: « peut-elle se
    faire hors du temps de travail ? À l'initiative de qui ? » opens with « Oui »)."""
    asks = "?" in text or folded.startswith(words.closed_starts)
    mark = text.find("?")
    first = text[: mark + 1] if mark >= 0 else text
    return asks and not words.asks_openly(_with_clause_marks(first, words))


def asks_openly(text: str, words: QuestionWords | None = None) -> bool:
    """Whether ``text`` has an open question word that asks (« quelle durée »)."""
    words = words or default_question_words()
    return words.asks_openly(_with_clause_marks(text, words))


def _with_clause_marks(text: str, words: QuestionWords) -> str:
    """``text`` folded to words and the marks that end a clause (« salarie , qui paie ? »),
    its phrases joined (« une pro a qui… » → « une proa qui… »: no « à qui » there)."""
    return words.join(" ".join(re.sub(r"[^a-z0-9,;:.?!]+", " ", fold_accents(text.lower())).split()))


def speaks_of_a_worker(text: str, words: QuestionWords | None = None) -> bool:
    """Whether an adviser speaks of a worker (« mon intérimaire… », « un salarié que
    j'accompagne… »): the answer then speaks of that person in the third person."""
    words = words or default_question_words()
    return bool(words.adviser_cue.search(normalize(text)))
