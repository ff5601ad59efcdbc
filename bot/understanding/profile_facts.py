"""The facts of a profile a message names, with their spans: diplomas, levels, ages,
dates and branches.

:func:`find_facts` gives each fact with its character span in the text as typed: Rasa's
NLU emits them as entities (``nlu/profile_entities.py``), and the built-in parser
(:mod:`bot.understanding.parse`) reads its profile from them, so ``bot ask`` and the
assistant read a message the same way. The words of diplomas, levels, ages and dates and
the cue words around them are data (``knowledge/lexicon/profile_words.yml``,
:mod:`bot.profile_words`); branches are named by the aliases of their agreement
(``knowledge/*/agreement.yml``) or by the date it was signed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.contracts import default_contracts
from bot.knowledge.models import KnowledgeBase
from bot.profile import DEFAULT_IDCC
from bot.profile_words import ProfileWords, profile_words
from bot.text import normalize
from bot.understanding.date_roles import AGREEMENT, AMENDMENT, ROLE_WINDOW, date_role
from bot.understanding.non_job import inside_phone_or_address
from bot.understanding.question_cues import question_cues
from bot.understanding.question_words import QuestionWords, default_question_words
from bot.understanding.text_values import ISO_DATE, NUMERIC_DATE, fold, fold_with_offsets, parse_date

#: Entity names of :class:`Fact` (the Rasa domain's entities of the same names).
DIPLOMA, LEVEL, AGE, DATE, BRANCH = "diploma", "level", "age", "date", "branch"
HELD, TARGET = "held", "target"

#: Characters that end a clause: a cue word beyond one of them says nothing of a diploma.
_CLAUSE_BREAK = re.compile(r"[,.;:?!()\n]")
#: How far before a diploma or a level its cue words are looked for (characters).
_CUE_WINDOW = 40
#: A year alone (« depuis 2019 »): its day is the year's last.
_YEAR = re.compile(r"^(?:19|20)\d\d$")

#: ``(start, end, entity, value)`` of a fact in the folded text.
Hit = tuple[int, int, str, str]


@dataclass(frozen=True)
class Fact:
    """One fact of a profile named in a message, with its span in the text as typed.

    ``value`` is what the profile reads: a diploma code of ``knowledge/diplomas.yml``, a
    level (``"5"``), an age (``"34"``), an IDCC (``"1404"``), or for a date the words as
    typed (read by :func:`bot.understanding.text_values.parse_date`). ``role`` is ``held``
    or ``target`` for diplomas and levels, None otherwise."""

    entity: str
    value: str
    start: int
    end: int
    role: str | None = None


def parse_branch(text: str, kb: KnowledgeBase) -> int | None:
    """IDCC named in ``text``: an alias of a branch of the knowledge base, or its number,
    a certification or métier that only its list has (« le TFP technicien supérieur de
    maintenance des matériels de construction… »), else the date of its agreement or of an
    avenant (« l'accord du 18 septembre 2020 »)."""
    folded = fold(text)
    for idcc, branch in kb.branches.items():
        for alias in sorted(branch.agreement.aliases, key=len, reverse=True):
            if re.search(r"(?<!\w)" + re.escape(fold(alias)) + r"(?!\w)", folded):
                return idcc
    by_name = _branch_of_a_name(text, kb)
    if by_name is not None:
        return by_name
    if not _may_date_an_agreement(folded, kb):
        return None  # no need to read the dates (most messages)
    return next((int(fact.value) for fact in find_facts(text, kb) if fact.entity == BRANCH), None)


#: Words of a certification's or a métier's name that say whose list it is (its first ones,
#: its kind left out: « technicien superieur de maintenance des materiels »).
NAME_WORDS = 6
#: Kinds that open a certification's title (« CQP », « TFP », « BTS »…), left out of its name.
_TITLE_KINDS = frozenset(
    {"cqp", "tfp", "bts", "tp", "titre", "mc", "bp", "cap", "bac", "dut", "but", "licence", "master"}
)
#: The names only one branch's list has, by knowledge base (one per process).
_NAMES: dict[int, tuple[tuple[str, int], ...]] = {}


def _branch_of_a_name(text: str, kb: KnowledgeBase) -> int | None:
    """The branch whose list alone has a certification or métier named in ``text``."""
    normalised = f" {normalize(text)} "
    return next((idcc for name, idcc in _branch_names(kb) if f" {name} " in normalised), None)


def _branch_names(kb: KnowledgeBase) -> tuple[tuple[str, int], ...]:
    """The first :data:`NAME_WORDS` words of each certification title and métier label
    that no other branch's list holds (at least that many words: a short name says too
    little), with its branch — not the default branch's."""
    names = _NAMES.get(id(kb))
    if names is not None:
        return names
    full: dict[int, set[str]] = {}
    for idcc, branch in kb.branches.items():
        titles = {m.label for m in branch.metiers} | {c.title for m in branch.metiers for c in m.certifications}
        full[idcc] = {" ".join(_without_kind(normalize(title).split())) for title in titles}
    found = []
    for idcc, titles in full.items():
        others = " | ".join(t for other, ts in full.items() if other != idcc for t in ts)
        for title in titles:
            words = title.split()
            if len(words) >= NAME_WORDS:
                name = " ".join(words[:NAME_WORDS])
                if name not in others:
                    found.append((name, idcc))
    # The default branch is read without being named: its names would only override a
    # branch the conversation set.
    names = tuple(sorted({(name, idcc) for name, idcc in found if idcc != DEFAULT_IDCC}))
    _NAMES.clear()
    _NAMES[id(kb)] = names
    return names


def _without_kind(words: list[str]) -> list[str]:
    """A title's words without the kind that opens it (« cqp technicien … » → « technicien … »)."""
    return words[1:] if words and words[0] in _TITLE_KINDS else words


def _may_date_an_agreement(folded: str, kb: KnowledgeBase) -> bool:
    """Whether ``folded`` holds the year an agreement or one of its avenants was signed
    (a cheap test before reading the dates of the text)."""
    return any(str(day.year) in folded for day in _signed_days(kb))


def _signed_days(kb: KnowledgeBase) -> dict[date, int]:
    """The day each branch agreement and each of its avenants was signed, and its IDCC."""
    signed = {}
    for idcc, branch in kb.branches.items():
        signed[branch.agreement.signed_on] = idcc
        signed.update({amendment.signed_on: idcc for amendment in branch.agreement.amendments})
    return signed


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


def _diploma_and_level_hits(folded: str, words: ProfileWords) -> list[Hit]:
    """The diplomas and levels of a folded text, the longest phrase first where they
    overlap (« bac pro » over « bac »)."""
    hits: list[Hit] = []
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


def _longest_first(hits: list[Hit]) -> list[Hit]:
    """The hits that overlap no longer one (ties: the first), in text order."""
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h[0] - h[1], h[0])):
        if all(hit[1] <= k[0] or k[1] <= hit[0] for k in kept):
            kept.append(hit)
    return sorted(kept)


def _age_hits(folded: str, words: ProfileWords) -> list[Hit]:
    """Ages (« 34 ans »), not durations (« depuis 15 ans », « 20 ans d'expérience »)."""
    low, high = words.age_range
    hits: list[Hit] = []
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


def _date_hits(folded: str, words: ProfileWords) -> list[Hit]:
    """Dates (ISO, numeric, « 12 décembre 2025 », « février 2026 », « depuis 2019 »);
    the value is filled with the typed words by :func:`find_facts`."""
    hits = [(m.start(), m.end(), DATE, "") for m in ISO_DATE.finditer(folded)]
    hits += [(m.start(), m.end(), DATE, "") for m in NUMERIC_DATE.finditer(folded) if parse_date(m.group(0))]
    hits += [(m.start(), m.end(), DATE, "") for m in words.month_date.finditer(folded) if parse_date(m.group(0))]
    hits += [(m.start(1), m.end(1), DATE, "") for m in words.year_date.finditer(folded)]
    return _longest_first(hits)


def _branch_hits(folded: str, kb: KnowledgeBase) -> list[Hit]:
    """Aliases of the knowledge base's branches (``knowledge/*/agreement.yml``)."""
    hits: list[Hit] = []
    for idcc, branch in kb.branches.items():
        for alias in branch.agreement.aliases:
            pattern = r"(?<![\w])" + re.escape(fold(alias)) + r"(?![\w])"
            hits.extend((m.start(), m.end(), BRANCH, str(idcc)) for m in re.finditer(pattern, folded))
    return _longest_first(hits)


def _branch_date_hits(folded: str, kb: KnowledgeBase, dates: list[Hit]) -> list[Hit]:
    """Dates that name a branch's agreement or one of its avenants (« l'accord Pro-A du 18
    septembre 2020 », « l'avenant n° 7 du 26 novembre 2024 »): the day it was signed, after
    a cue of an agreement (``date_roles.agreement``) or an amendment's number."""
    signed = _signed_days(kb)
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
    return not set(re.findall(r"[a-z0-9]+", rest)) <= question_cues().branch_in_contract


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


def _day_of(fact: Fact) -> date | None:
    value = fact.value.strip()
    if _YEAR.match(value):
        return date(int(value), 12, 31)
    return parse_date(value)


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


def first_value(facts: list[Fact], entity: str, role: str | None = None) -> str | None:
    """The value of the first fact of ``entity`` (and ``role``, when given), or None."""
    return next((f.value for f in facts if f.entity == entity and (role is None or f.role == role)), None)


def parse_targets(text: str) -> tuple[str | None, int | None]:
    """The diploma code and the level aimed at in ``text`` (either may be None; the
    level only when no diploma is aimed at)."""
    facts = find_facts(text)
    target = first_value(facts, DIPLOMA, TARGET)
    level = first_value(facts, LEVEL, TARGET)
    return target, (int(level) if level and target is None else None)
