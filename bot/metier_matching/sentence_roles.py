"""Whether the job words of a message are the person's job or the object of a verb.

A title in a message does not always name the person's job: « j'administre les
serveurs », « j'encadre une équipe de maçons » name who or what is worked on, and « je
conseille les clients » uses a title word as a verb. « je suis un serveur », « ils sont
des caristes » do name the job. These checks read the words around the title; the words
themselves (pronouns, being verbs, determiners…) are data, in
``knowledge/lexicon/job_statements.yml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from bot.lexicon import read_word_file

#: The word file of :func:`statement_words` (``knowledge/lexicon/<name>.yml``).
WORD_FILE = "job_statements"


@dataclass(frozen=True)
class StatementWords:
    """The word lists of ``job_statements.yml`` (see the file for what each one is)."""

    subjects: frozenset[str]
    reflexives: frozenset[str]
    being_verbs: frozenset[str]
    object_determiners: frozenset[str]
    #: Any determiner (a collective noun or a first object noun may follow one).
    determiners: frozenset[str]
    object_qualifiers: frozenset[str]
    collectives: frozenset[str]
    collective_links: frozenset[str]
    not_verb_subjects: frozenset[str]
    #: Endings of trade nouns, as :meth:`str.endswith` takes them.
    trade_noun_endings: tuple[str, ...]


@cache
def statement_words() -> StatementWords:
    """The words of ``job_statements.yml``, validated by its schema (read once)."""
    data = read_word_file(WORD_FILE)
    words = {name: frozenset(data[name]) for name in data}
    return StatementWords(
        subjects=words["subjects"],
        reflexives=words["reflexives"],
        being_verbs=words["being_verbs"],
        object_determiners=words["object_determiners"],
        determiners=words["object_determiners"] | words["other_determiners"],
        object_qualifiers=words["object_qualifiers"],
        collectives=words["collectives"],
        collective_links=words["collective_links"],
        not_verb_subjects=words["not_verb_subjects"],
        trade_noun_endings=tuple(data["trade_noun_endings"]),
    )


def object_of_a_verb(words: Sequence[str], positions: Sequence[int]) -> bool:
    """True when the job words at ``positions`` are the object of a verb whose subject
    precedes it (« j'administre les serveurs », « j'encadre une équipe de maçons », « je
    forme les nouveaux téléconseillers », « j'organise les tournées des chauffeurs »): the
    title names who or what is worked on, not the person's job."""
    if not positions:
        return False
    lists = statement_words()
    index = min(positions) - 1
    while index >= 0 and words[index] in lists.object_qualifiers:
        index -= 1
    if index >= 2 and words[index] in lists.collective_links and words[index - 1] in lists.collectives:
        index -= 2  # the determiner of « une équipe de »
        if words[index] not in lists.determiners:
            return False
    elif index < 0 or words[index] not in lists.object_determiners:
        return False
    verb = index - 1
    if verb >= 2 and words[verb - 1] in lists.determiners and words[verb - 2] not in lists.subjects:
        verb -= 2  # a first object: « organise les tournées des chauffeurs »
    if (
        verb < 1
        or words[verb] in lists.being_verbs
        or words[verb] in lists.subjects
        or words[verb] in lists.determiners
    ):
        return False
    before = verb - 1
    if words[before] in lists.reflexives and before >= 1 and words[before - 1] in lists.subjects:
        return True
    return words[before] in lists.subjects


def verb_after_its_subject(words: Sequence[str], positions: Sequence[int]) -> bool:
    """True when the first job word follows a subject pronoun directly (« je conseille
    les clients », « je forme »): it is a verb there, not a job title (« je suis
    conseiller » has its being verb in between)."""
    if not positions:
        return False
    lists = statement_words()
    first = min(positions)
    if first < 1 or words[first] in lists.being_verbs:
        return False
    before = first - 1
    if words[before] in lists.reflexives and before >= 1 and words[before - 1] in lists.subjects:
        return True
    return words[before] in lists.subjects and words[before] not in lists.not_verb_subjects
