"""A simple built-in parser of French questions, so the core can be tried without Rasa.

It recognises the contract (from ``knowledge/contracts.yml``), the diplomas and levels
held or aimed at, the age, the branch, dates (the avenant's) and the FAQ topic. The words
of diplomas, levels, ages and dates and the cue words around them are data
(``knowledge/profile_words.yml``, :mod:`bot.profile_words`). The métier is left to the
matcher, which gets the whole message.

:func:`find_facts` gives each fact with its character span: Rasa's NLU emits them as
entities (``nlu/profile_entities.py``), so ``bot ask`` and the assistant read a message
the same way. :func:`job_phrases` gives the phrases that follow a job cue, which the NLU
keeps as refused métiers when the finder finds none there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.contracts import default_contracts
from bot.knowledge.models import KnowledgeBase
from bot.lexicon import lexicon_words
from bot.profile import Profile
from bot.profile_words import ProfileWords, profile_words
from bot.text import fold_accents, job_segments, normalize
from bot.understanding.faq_topics import default_faq_topics
from bot.understanding.non_job import inside_phone_or_address
from bot.understanding.question_words import QuestionWords, default_question_words

_NUMERIC_DATE = re.compile(r"(?<![\d.])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?![\d/.-])")
_ISO_DATE = re.compile(r"(?<![\d.])(\d{4})-(\d{2})-(\d{2})(?![\d-])")
_MORE = re.compile(r"\bvoir plus\b|\bla suite\b")
#: Characters that end a clause: a cue word beyond one of them says nothing of a diploma.
_CLAUSE_BREAK = re.compile(r"[,.;:?!()\n]")
#: How far before a diploma or a level its cue words are looked for (characters).
_CUE_WINDOW = 40
#: Most words of a message taken as a bare answer naming a job (« ambulancier en CDI »).
_SHORT_ANSWER_WORDS = 4
#: Most words of the job phrase of such an answer.
_SHORT_ANSWER_JOB_WORDS = 3
#: Most words of a phrase proposed as a job.
_JOB_PHRASE_WORDS = 5
_EDGE_WORDS = lexicon_words("edge_words")


def fold(text: str) -> str:
    """Lower case without accents, apostrophes unified (keeps punctuation, unlike
    :func:`bot.text.normalize`, because the patterns here read it)."""
    return fold_accents(text.lower().replace("’", "'"))


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """:func:`fold` of ``text`` and, for each folded character, the index of the
    character of ``text`` it comes from (plus ``len(text)`` at the end), so that a match
    in the folded text is given back as a span of the text as typed (« œ » folds to two
    characters, both pointing at it)."""
    if text.isascii():
        folded = text.lower()
        return folded, list(range(len(text) + 1))
    out: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        plain = fold(char)
        out.append(plain)
        where.extend([index] * len(plain))
    where.append(len(text))
    return "".join(out), where


def parse_date(value: Any) -> date | None:
    """A French date written ``2025-12-20``, ``20/12/2025``, ``20/12/25``, ``20 décembre
    2025`` or ``décembre 2025`` (first day of the month); None when unreadable."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = fold(value)
    try:
        match = _ISO_DATE.search(text)
        if match:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        match = _NUMERIC_DATE.search(text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year + 2000 if year < 100 else year, month, day)
        words = profile_words()
        match = words.month_date.search(text)
        if match:
            day = int(match.group(1)) if match.group(1) else 1
            return date(int(match.group(3)), words.months[match.group(2)], day)
    except ValueError:  # 31/02/2025 and the like
        return None
    return None


def parse_int(value: Any, low: int, high: int) -> int | None:
    """An integer in [low, high] from a value such as ``"23"``, ``23.0`` or ``"23 ans"``."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        number = int(value)
    else:
        match = re.search(r"\d+", str(value))
        if not match:
            return None
        number = int(match.group(0))
    return number if low <= number <= high else None


@dataclass(frozen=True)
class ParsedQuestion:
    """What the built-in parser understood."""

    kind: str  # "eligibility" | "certifications" | "faq" | "more"
    profile: Profile
    faq_topic: str | None = None
    #: Asks for the list of certifications (« quelles formations », « que puis-je préparer »).
    asks_list: bool = False


def parse_branch(text: str, kb: KnowledgeBase) -> int | None:
    """IDCC named in ``text``: an alias of a branch of the knowledge base, or its number,
    else the date of its agreement or of an avenant (« l'accord du 18 septembre 2020 »)."""
    folded = fold(text)
    for idcc, branch in kb.branches.items():
        for alias in sorted(branch.agreement.aliases, key=len, reverse=True):
            if re.search(r"(?<!\w)" + re.escape(fold(alias)) + r"(?!\w)", folded):
                return idcc
    return next((int(fact.value) for fact in find_facts(text, kb) if fact.entity == BRANCH), None)


#: Entity names of :class:`Fact` (the Rasa domain's entities of the same names).
DIPLOMA, LEVEL, AGE, DATE, BRANCH = "diploma", "level", "age", "date", "branch"
HELD, TARGET = "held", "target"


@dataclass(frozen=True)
class Fact:
    """One fact of a profile named in a message, with its span in the text as typed.

    ``value`` is what the profile reads: a diploma code of ``knowledge/diplomas.yml``, a
    level (``"5"``), an age (``"34"``), an IDCC (``"1404"``), or for a date the words as
    typed (read by :func:`parse_date`). ``role`` is ``held`` or ``target`` for diplomas
    and levels, None otherwise."""

    entity: str
    value: str
    start: int
    end: int
    role: str | None = None


def _role(folded: str, start: int, words: ProfileWords) -> str:
    """``held`` when a held cue comes before ``start`` in its clause and no target cue
    stands right before it; ``target`` otherwise."""
    before = folded[max(0, start - _CUE_WINDOW) : start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end() :]
    if words.held_cue.search(before) and not words.target_cue_before.search(before):
        return HELD
    return TARGET


def _diploma_and_level_hits(folded: str, words: ProfileWords) -> list[tuple[int, int, str, str]]:
    """``(start, end, entity, value)`` of the diplomas and levels of a folded text, the
    longest phrase first where they overlap (« bac pro » over « bac »)."""
    hits: list[tuple[int, int, str, str]] = []
    for diploma in words.diplomas:
        for match in diploma.pattern.finditer(folded):
            if diploma.not_after and diploma.not_after.search(folded[max(0, match.start() - 20) : match.start()]):
                continue
            if diploma.not_before and diploma.not_before.search(folded[match.end() : match.end() + 20]):
                continue
            hits.append((match.start(), match.end(), DIPLOMA, diploma.code))
    for level, pattern in words.levels:
        hits.extend((m.start(), m.end(), LEVEL, str(level)) for m in pattern.finditer(folded))
    hits.extend((m.start(), m.end(), LEVEL, m.group(1)) for m in words.level_number.finditer(folded))
    return _longest_first(hits)


def _longest_first(hits: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """The hits that overlap no longer one (ties: the first), in text order."""
    kept: list[tuple[int, int, str, str]] = []
    for hit in sorted(hits, key=lambda h: (h[0] - h[1], h[0])):
        if all(hit[1] <= k[0] or k[1] <= hit[0] for k in kept):
            kept.append(hit)
    return sorted(kept)


def _age_hits(folded: str, words: ProfileWords) -> list[tuple[int, int, str, str]]:
    """Ages (« 34 ans »), not durations (« depuis 15 ans », « 20 ans d'expérience »)."""
    low, high = words.age_range
    hits: list[tuple[int, int, str, str]] = []
    for match in words.age.finditer(folded):
        age = int(match.group(1))
        if not low <= age <= high:
            continue
        if words.duration_cue_before.search(folded[max(0, match.start() - 20) : match.start()]):
            continue
        if words.duration_object_after.search(folded[match.end() : match.end() + 20]):
            continue
        hits.append((match.start(1), match.end(1), AGE, str(age)))
    return hits


def _date_hits(folded: str, words: ProfileWords) -> list[tuple[int, int, str, str]]:
    """Dates (ISO, numeric, « 12 décembre 2025 », « février 2026 », « depuis 2019 »);
    the value is filled with the typed words by :func:`find_facts`."""
    hits = [(m.start(), m.end(), DATE, "") for m in _ISO_DATE.finditer(folded)]
    hits += [(m.start(), m.end(), DATE, "") for m in _NUMERIC_DATE.finditer(folded) if parse_date(m.group(0))]
    hits += [(m.start(), m.end(), DATE, "") for m in words.month_date.finditer(folded) if parse_date(m.group(0))]
    hits += [(m.start(1), m.end(1), DATE, "") for m in words.year_date.finditer(folded)]
    return _longest_first(hits)


def _branch_hits(folded: str, kb: KnowledgeBase) -> list[tuple[int, int, str, str]]:
    """Aliases of the knowledge base's branches (``knowledge/*/agreement.yml``)."""
    hits: list[tuple[int, int, str, str]] = []
    for idcc, branch in kb.branches.items():
        for alias in branch.agreement.aliases:
            pattern = r"(?<![\w])" + re.escape(fold(alias)) + r"(?![\w])"
            hits.extend((m.start(), m.end(), BRANCH, str(idcc)) for m in re.finditer(pattern, folded))
    return _longest_first(hits)


def _branch_date_hits(
    folded: str, kb: KnowledgeBase, dates: list[tuple[int, int, str, str]]
) -> list[tuple[int, int, str, str]]:
    """Dates that name a branch's agreement or one of its avenants (« l'accord Pro-A du 18
    septembre 2020 », « l'avenant n° 7 du 26 novembre 2024 »): the day it was signed, after
    a cue of an agreement (``date_roles.agreement``) or an amendment's number."""
    signed = {}
    for idcc, branch in kb.branches.items():
        signed[branch.agreement.signed_on] = idcc
        signed.update({amendment.signed_on: idcc for amendment in branch.agreement.amendments})
    words = default_question_words()
    hits = []
    for start, end, _, value in dates:
        day = parse_date(value or folded[start:end])
        if day not in signed:
            continue
        before = words.join(normalize(folded[max(0, start - ROLE_WINDOW) : start]))
        role = date_role(before, words)
        if (role is not None and role[0] == AGREEMENT) or AMENDMENT.search(before):
            hits.append((start, end, BRANCH, str(signed[day])))
    return hits


#: Words that may stand beside a branch alias inside a contract phrase with the alias
#: still naming the branch (« en intérim » is a contract of missions in the temporary
#: work branch; « CDI intérimaire » is a contract only).
_BRANCH_IN_CONTRACT = frozenset({"en", "l", "d", "de", "dans"})


def _inside_a_contract(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` lies in a contract phrase of ``knowledge/contracts.yml``
    that says more than the branch (« CDI intérimaire »)."""
    masked = default_contracts().mask(text)
    if masked[start:end] == text[start:end]:
        return False
    left, right = start, end  # the blanked run around the alias (spaces included)
    while left > 0 and masked[left - 1] == " ":
        left -= 1
    while right < len(text) and masked[right] == " ":
        right += 1
    rest = fold(text[left:start] + " " + text[end:right])
    return not set(re.findall(r"[a-z0-9]+", rest)) <= _BRANCH_IN_CONTRACT


def find_facts(text: str, kb: KnowledgeBase | None = None) -> list[Fact]:
    """The diplomas (with their role), levels (with their role), ages, dates and, given
    ``kb``, branches named in ``text``, in text order, each with its character span in
    ``text``. Nothing is read inside a phone number, an e-mail or a web address."""
    if not isinstance(text, str) or not text.strip():
        return []
    words = profile_words()
    folded, where = fold_with_offsets(text)
    hits = _diploma_and_level_hits(folded, words)
    taken = [(h[0], h[1]) for h in hits]
    for extra in (_date_hits(folded, words), _age_hits(folded, words)):
        fresh = [h for h in extra if all(h[1] <= s or e <= h[0] for s, e in taken)]
        hits += fresh
        taken += [(h[0], h[1]) for h in fresh]
    if kb is not None:
        hits += [h for h in _branch_hits(folded, kb) if not _inside_a_contract(text, where[h[0]], where[h[1] - 1] + 1)]
        hits += _branch_date_hits(folded, kb, [h for h in hits if h[2] == DATE])
    facts = []
    for start, end, entity, value in sorted(hits):
        begin, finish = where[start], where[end - 1] + 1
        if inside_phone_or_address(text, begin, finish):
            continue
        role = _role(folded, start, words) if entity in (DIPLOMA, LEVEL) else None
        facts.append(Fact(entity, value or text[begin:finish], begin, finish, role))
    return facts


#: Roles of a date in a question (``knowledge/lexicon/questions.yml``, ``date_roles``).
AVENANT, START, AGREEMENT = "avenant", "start", "agreement"
#: How far before a date (characters of the text) its role cue is read.
ROLE_WINDOW = 48
_YEAR = re.compile(r"^(?:19|20)\d\d$")


def _day_of(fact: Fact) -> date | None:
    value = fact.value.strip()
    if _YEAR.match(value):
        return date(int(value), 12, 31)
    return parse_date(value)


#: « avenant n° 7 », « avenant 1 »: an amendment to a branch agreement, not the avenant to
#: the person's employment contract (its date says nothing of the person's Pro-A).
AMENDMENT = re.compile(r"avenants?\s+(?:n\s*o?\s*|numero\s+)?\d")


def date_role(before: str, words: QuestionWords) -> tuple[str, int] | None:
    """The role whose cue stands nearest before a date (in ``before``, normalised), and
    where that cue starts; an avenant with a number (« avenant n° 7 ») is an agreement's."""
    best: tuple[int, int, str] | None = None
    for role, pattern in words.role_patterns.items():
        for match in pattern.finditer(before):
            if best is None or match.end() > best[0]:
                best = (match.end(), match.start(), role)
    if best is None:
        return None
    if best[2] == AVENANT and AMENDMENT.search(before[best[1] :]):
        return AGREEMENT, best[1]  # « l'avenant n° 7 du 26 novembre 2024 » dates an agreement's text
    return best[2], best[1]


def dated_facts(text: str, words: QuestionWords | None = None) -> list[tuple[Fact, date, str | None]]:
    """The dates of ``text`` with their day and their role (``avenant``, ``start`` or None)."""
    words = words or default_question_words()
    out: list[tuple[Fact, date, str | None]] = []
    for fact in find_facts(text):
        if fact.entity != DATE:
            continue
        day = _day_of(fact)
        if day is None:
            continue
        before = words.join(normalize(text[max(0, fact.start - ROLE_WINDOW) : fact.start]))
        role = date_role(before, words)
        out.append((fact, day, role[0] if role else None))
    return out


def _first(facts: list[Fact], entity: str, role: str | None = None) -> str | None:
    return next((f.value for f in facts if f.entity == entity and (role is None or f.role == role)), None)


def parse_targets(text: str) -> tuple[str | None, int | None]:
    """The diploma code and the level aimed at in ``text`` (either may be None; the
    level only when no diploma is aimed at)."""
    facts = find_facts(text)
    target = _first(facts, DIPLOMA, TARGET)
    level = _first(facts, LEVEL, TARGET)
    return target, (int(level) if level and target is None else None)


def job_phrases(text: str, kb: KnowledgeBase | None = None, short_answer: bool = False) -> list[tuple[int, int]]:
    """Spans of ``text`` that follow a job cue (« je suis … », « en tant que … », « pour
    un … », the speciality of a diploma: « un CAP pâtissier ») and may name a job: the
    phrase up to the next clause break or boundary word, framing removed, without
    numbers, profile facts, nor only words that are no job (« je suis éligible »); with
    ``short_answer`` (the message answers a question), also a short message that is only
    such a phrase (« ambulancier en CDI »). The métier finder decides whether such a
    phrase is a métier of the annex; the NLU keeps it as a refused métier when it is not
    (« je suis ambulancier »). ``kb`` lets a branch named (« je dépends du travail
    temporaire ») rule its phrase out."""
    if not isinstance(text, str) or not text.strip():
        return []
    from bot.text import word_spans

    words = profile_words()
    masked = default_contracts().mask(text)
    facts = find_facts(text, kb)
    spans = word_spans(masked)
    folded = fold(masked)
    plain = fold(text)  # cues may be contract words (« mon intérimaire frigoriste »)
    if len(plain) != len(text):
        plain = folded
    out: list[tuple[int, int]] = []
    segments = job_segments(masked)
    # A short answer that is only a job (« ambulancier », « ambulancier, CDD, 29 ans »).
    short = (
        short_answer
        and len(segments) == 1
        and len([w for w in spans if not w[2].isdigit()]) <= _SHORT_ANSWER_WORDS
        and all(any(f.start <= i < f.end for f in facts) for i, c in enumerate(text) if c.isdigit())
    )
    for segment in segments:
        if not segment.positions:
            continue
        positions = list(segment.positions)
        cued = False
        # A cue inside the segment (« savoir si mon intérimaire frigoriste »): after it.
        begin, finish = spans[positions[0]][0], spans[positions[-1]][1]
        cues = list(words.job_cue_inside.finditer(plain, begin, finish))
        if cues:
            positions = [p for p in positions if spans[p][0] >= cues[-1].end()]
            cued = True
        # The first run of adjacent words: framing or a contract inside the segment (« agent
        # de tri en cdii jpeu ») ends the phrase, as does a verb (« frigoriste peut … »).
        phrase: list[tuple[int, int, str]] = []
        for index, position in enumerate(positions):
            word = spans[position]
            if index and (position != positions[index - 1] + 1 or "  " in masked[phrase[-1][1] : word[0]]):
                break
            phrase.append(word)
        cut = next((i for i, w in enumerate(phrase) if i and w[2] in words.phrase_end_words), None)
        phrase = phrase[:cut] if cut is not None else phrase
        while phrase and phrase[-1][2] in _EDGE_WORDS:
            phrase.pop()
        # A diploma's speciality (« un CAP pâtissier »): the words after it.
        for fact in facts:
            inside = [w for w in phrase if fact.start <= w[0] < fact.end]
            if not inside:
                continue
            after = [w for w in phrase if w[0] >= fact.end]
            if fact.entity == DIPLOMA and phrase[0] in inside and after:
                phrase, cued = after, True
            else:
                phrase = [w for w in phrase if w[1] <= fact.start]
        if not phrase or len(phrase) > _JOB_PHRASE_WORDS:
            continue
        if all(w[2] in words.non_job_words or len(w[2]) < 3 or not w[2].isalpha() for w in phrase):
            continue
        start, end = phrase[0][0], phrase[-1][1]
        cued = cued or bool(words.job_cue_before.search(plain[max(0, start - 40) : start]))
        if cued or (short and len(phrase) <= _SHORT_ANSWER_JOB_WORDS):
            out.append((start, end))
    return out


#: « puis-je ? », « ai-je droit ? », « peut-il en bénéficier ? »: a question on whether the
#: person may have it (the rules engine's answer), not on how it works.
_ASKS_ELIGIBILITY = re.compile(
    r"\bpuis[- ]je\b|\bpeux[- ]je\b|\bai[- ]je droit|\beligible|\bj'?\s*ai droit|\best[- ]ce que je peux|\bje peux\b"
    r"|\b(?:a|ont)[- ]t[- ](?:il|elle|ils|elles) (?:le )?droit|\bpeu(?:t|vent)[- ](?:il|elle|ils|elles|on)\b"
    r"|\b(?:ai|as|a|avons|avez|ont) (?:le )?droit\b|\bacces a\b|\bavoir droit\b"
    r"|\bpeu(?:t|x|vent) (?:en )?(?:faire|beneficier|demander|avoir)\b|\bbeneficier\b"
    r"|\bpouv(?:ait|ais|aient)\b|\baur(?:ais|ait|aient) pu\b|\bav(?:ais|ait|aient) (?:le )?droit\b"
    r"|\bpourr(?:ais|ait|aient)[- ](?:je|il|elle|on)\b|\bs.?\s*appliqu\w* a (?:moi|nous|lui|elle|eux)\b"
)


#: An open question (« quels profils… », « qui peut… ») asks a rule, not whether the person may.
_OPEN_START = re.compile(r"^\W*(?:qui|quels?|quelles?|lesquel(?:le)?s?|combien|comment|quand)\b")
#: The person speaking of themself (« quelles formations puis-je faire ? » asks for them).
_FIRST_PERSON = re.compile(r"\b(?:je|j|moi|me|m|mon|ma|mes)\b")


def asks_eligibility(text: str) -> bool:
    """Whether a message asks if the person may have a Pro-A or a période de reconversion:
    « puis-je… », « mon intérimaire peut-il… », but not an open question on who may
    (« quels profils peuvent avoir une Pro-A allongée ? »), which a rule answers."""
    folded = fold(text)
    if _ASKS_ELIGIBILITY.search(folded) is None:
        return False
    return not (_OPEN_START.match(folded) and not _FIRST_PERSON.search(folded))


def parse_question(text: str, kb: KnowledgeBase, base: Profile) -> ParsedQuestion:
    """Parse one French question into a profile (completing ``base``) and a kind."""
    folded = fold(text)
    changes: dict[str, object] = {"metier_text": text}
    contract = default_contracts().code(text)
    if contract:
        changes["contract"] = contract
    facts = find_facts(text)
    for role, field in ((HELD, "held_diploma"), (TARGET, "target_diploma")):
        code = _first(facts, DIPLOMA, role)
        if code:
            changes[field] = code
    held_level = _first(facts, LEVEL, HELD)
    if held_level and "held_diploma" not in changes:
        changes["held_level"] = int(held_level)
    target_level = _first(facts, LEVEL, TARGET)
    if target_level and "target_diploma" not in changes:
        changes["target_level"] = int(target_level)
    age = _first(facts, AGE)
    if age:
        changes["age"] = int(age)
    idcc = parse_branch(text, kb)
    if idcc:
        changes["idcc"] = idcc
    for _, day, date_role in dated_facts(text):
        if date_role == AVENANT:  # never the training's start date
            changes["avenant_signed_on"] = day
            break
    profile = base.with_(**changes)

    if _MORE.search(folded):
        return ParsedQuestion("more", profile)
    topic = default_faq_topics().find(folded)
    asks_eligibility = _ASKS_ELIGIBILITY.search(folded)
    words = default_question_words()
    asks_list = bool(words.list_cue.search(words.join(normalize(text))))
    # « puis-je utiliser mon CPF ? » asks about a topic, not whether the person is
    # eligible: a topic wins over « puis-je » when nothing of the person's situation
    # (contract, diploma or level aimed at) comes with it.
    situation = any(k in changes for k in ("contract", "target_diploma", "target_level"))
    if topic and not asks_list and (not asks_eligibility or not situation):
        return ParsedQuestion("faq", profile, topic)
    if asks_list and not asks_eligibility:
        return ParsedQuestion("certifications", profile, asks_list=True)
    return ParsedQuestion("eligibility", profile, asks_list=asks_list)
