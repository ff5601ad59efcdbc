"""Verb forms read from spaCy-like verb tables (bot.understanding.verb_forms), on tiny
tables, and the question reading they change (tense, premise, time phrases)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.lexicon import read_word_file
from bot.understanding.question_reading import PROA, RECONVERSION, read_question
from bot.understanding.verb_forms import build_verb_forms

TODAY = date(2026, 12, 7)

#: The word lists of the repository; the verb tables are a tiny fixture.
WORDS = read_word_file("questions")["verb_forms"]
INDEX = frozenset({"viser", "durer", "arrêter", "manger", "garder"})
EXCEPTIONS = {
    "avait": ("avoir",),
    "avais": ("avoir",),
    "aurait": ("avoir",),
    "fait": ("faire",),
    "était": ("être",),
    "est": ("être",),
    "voulais": ("vouloir",),
}


@pytest.fixture(scope="module")
def verbs():
    return build_verb_forms(WORDS, INDEX, EXCEPTIONS)


@pytest.mark.parametrize(
    "word, lemma",
    [
        ("avait", "avoir"),  # an exception no shorter than its lemma
        ("etait", "etre"),  # accents folded
        ("visait", "viser"),  # a regular verb's stem + ending
        ("durait", "durer"),  # « -rait » of a regular verb is still an imperfect
        ("mangeait", "manger"),  # the « e » after « g »
        ("aurait", None),  # a conditional
        ("fait", None),  # a present shorter than its lemma
        ("anglais", None),  # only looks like one
        ("arrete", None),  # a present
    ],
)
def test_the_imperfect_of_a_word(verbs, word, lemma):
    assert verbs.imperfect(word) == lemma


def test_conjugated_forms_are_verbs_but_not_the_infinitive(verbs):
    assert verbs.conjugated("arrete") == "arreter"
    assert verbs.conjugated("est") == "etre"
    assert verbs.conjugated("viser") is None  # the infinitive itself
    assert verbs.conjugated("cariste") is None


def test_an_imperfect_puts_words_in_the_past_unless_a_hypothesis_or_polite(verbs):
    assert verbs.in_past(["j", "avais", "droit", "a", "la", "proa"])
    assert not verbs.in_past(["si", "c", "etait", "un", "cdd"])
    assert not verbs.in_past(["je", "voulais", "savoir", "si", "je", "peux"])
    assert not verbs.in_past(["il", "fait", "le", "menage"])


def test_the_reader_puts_an_imperfect_question_in_the_past():
    assert read_question("j'avais droit à la pro-a en cdi ?", TODAY).past
    assert read_question("sa formation devait-elle durer 6 mois ?", TODAY).past
    assert not read_question("si c'était un CDD, je pourrais ?", TODAY).past


def test_a_question_after_a_premise_reads_its_own_scheme_and_time():
    reading = read_question(
        "La Pro-A était réservée aux CDI. Un salarié en CDD peut-il aujourd'hui faire une période de reconversion ?",
        TODAY,
    )
    assert reading.scheme == RECONVERSION and not reading.both_schemes and not reading.past
    assert "Pro-A" not in (reading.asked or "")  # the premise's scheme is not searched
    kept = read_question("En 2024, mon salarié était en CDD. Pouvait-il faire une Pro-A ?", TODAY)
    assert kept.scheme == PROA and kept.past


def test_time_phrases_are_not_searched_but_other_words_are():
    reading = read_question("mon salarié aurait eu droit à la Pro-A l'année dernière ?", TODAY)
    assert reading.past
    assert "dernière" not in (reading.asked or "") and "droit" in (reading.asked or "")
