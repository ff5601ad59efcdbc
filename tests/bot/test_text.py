"""Tests of ``bot.text``: normalisation, abbreviations, lemmas and framing removal."""

from __future__ import annotations

import pytest

from bot import text
from bot.text import (
    AbbreviationTable,
    expand_abbreviations,
    fold_accents,
    fold_feminine,
    job_segments,
    lemma,
    normalize,
    strip_framing,
    tokenize,
    truncate,
)

# ------------------------------------------------------------------------- normalising


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Électricienne", "electricienne"),
        ("MAÇON", "macon"),
        ("Chef d’équipe gros œuvre", "chef d equipe gros oeuvre"),
        ("chef d'équipe", "chef d equipe"),
        ("aide-soignante", "aide soignante"),
        ("aide‑soignante", "aide soignante"),  # non-breaking hyphen
        ("Chauffeur (PL, SPL, …)", "chauffeur pl spl"),
        ("Web designer/ webmaster", "web designer webmaster"),
        ("  cariste !!! 😀  ", "cariste"),
        ("<b>soudeur</b>", "b soudeur b"),
        ("", ""),
        ("👍🙂", ""),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_fold_accents_keeps_ascii_and_expands_ligatures() -> None:
    assert fold_accents("plain ascii") == "plain ascii"
    assert fold_accents("Œuvre cæcum ß") == "OEuvre caecum ss"
    assert fold_accents("îlot ù ÿ ñ") == "ilot u y n"


def test_tokenize_splits_on_apostrophes_and_hyphens() -> None:
    assert tokenize("Maître d'hôtel — électro-mécanicien") == ["maitre", "d", "hotel", "electro", "mecanicien"]


def test_truncate_cuts_at_a_word_boundary() -> None:
    long_text = "mot " * 500
    cut = truncate(long_text, 100)
    assert len(cut) <= 100
    assert not cut.endswith("mo")
    assert truncate("court", 100) == "court"


# ---------------------------------------------------------------------- abbreviations


def test_expand_abbreviations_is_word_level() -> None:
    abbreviations = {"pl": "poids lourd", "mecano": "mécanicien", "CN": "commande numérique"}
    assert expand_abbreviations(["chauffeur", "pl"], abbreviations) == ["chauffeur", "poids", "lourd"]
    assert expand_abbreviations(["mecano", "auto"], abbreviations) == ["mecanicien", "auto"]
    assert expand_abbreviations(["operateur", "cn"], abbreviations) == ["operateur", "commande", "numerique"]
    # never inside a word
    assert expand_abbreviations(["plaquiste", "plus"], abbreviations) == ["plaquiste", "plus"]


def test_abbreviation_table_normalises_keys_and_values() -> None:
    table = AbbreviationTable({"RH": "Ressources humaines", "two words": "ignored"})
    assert dict(table) == {"rh": ("ressources", "humaines")}
    assert table.expand(["assistant", "rh"]) == ["assistant", "ressources", "humaines"]


# ----------------------------------------------------------------------------- lemmas


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("soudeuse", "soudeur"),
        ("preparatrice", "preparateur"),
        ("mecanicienne", "mecanicien"),
        ("infirmiere", "infirmier"),
        ("chaudronniere", "chaudronnier"),
        ("bouchere", "boucher"),
        ("maconne", "macon"),
        ("gouvernante", "gouvernant"),
        ("employee", "employe"),
        ("educative", "educatif"),
        ("soudeur", "soudeur"),
        ("mere", "mere"),  # too short to fold
    ],
)
def test_fold_feminine(word: str, expected: str) -> None:
    assert fold_feminine(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("preparatrices", "preparateur"),
        ("mecaniciennes", "mecanicien"),  # spaCy stops at "mecanicienne": the fold finishes
        ("soudeuses", "soudeur"),
        ("caristes", "cariste"),
        ("reseaux", "reseau"),
        ("commandes", "commande"),
        ("electriciennes", "electricien"),
        ("techniciennes", "technicien"),
        ("chauffeurs", "chauffeur"),
        ("de", "de"),
        ("3d", "3d"),
    ],
)
def test_lemma_folds_plural_and_feminine(word: str, expected: str) -> None:
    assert lemma(word) == expected


def test_spacy_is_loaded_once_and_shared() -> None:
    """One pipeline per process: the core's and Rasa's (bot.spacy_pipeline)."""
    from bot.spacy_pipeline import shared_pipeline

    nlp = text.get_nlp()
    assert text.get_nlp() is nlp is shared_pipeline()
    assert nlp.pipe_names == ["tok2vec", "morphologizer", "attribute_ruler", "lemmatizer"]


def test_lemma_is_cached() -> None:
    lemma("tuyauteuses")
    before = lemma.cache_info().hits
    lemma("tuyauteuses")
    assert lemma.cache_info().hits == before + 1


# ---------------------------------------------------------------------------- framing


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("je suis cariste", "cariste"),
        ("Je travaille comme préparatrice de commandes depuis 5 ans", "preparatrice de commandes"),
        ("en tant que soudeur", "soudeur"),
        ("En tant qu'opératrice de production", "operatrice de production"),
        ("intérimaire, aide-soignante en CDI", "aide soignante"),
        ("Bonjour ! Je suis chauffeur PL en CDI intérimaire", "chauffeur pl"),
        ("mon métier : technicien de maintenance", "technicien de maintenance"),
        ("chef de poste", "chef de poste"),
        ("formateur métier", "formateur metier"),
    ],
)
def test_strip_framing(message: str, expected: str) -> None:
    assert strip_framing(message) == expected


def test_segments_mark_wishes_and_questions() -> None:
    segments = job_segments("Je suis cariste, puis-je viser un BTS ?")
    assert [(s.text, s.wish) for s in segments] == [("cariste", False), ("bts", True)]
    segments = job_segments("je suis préparateur et je voudrais devenir chef d'équipe")
    assert segments[0].text == "preparateur" and not segments[0].wish
    assert segments[-1].text == "chef d equipe" and segments[-1].wish


def test_segments_cut_at_context_words() -> None:
    segments = job_segments("Je suis soudeuse chez Renault depuis 2019")
    assert [s.text for s in segments] == ["soudeuse", "renault"]


@pytest.mark.parametrize("message", ["", "   ", "\n\t", "😀👍", "je suis intérimaire", "depuis 5 ans"])
def test_segments_of_messages_without_a_job_are_empty(message: str) -> None:
    assert job_segments(message) == []


def test_long_input_is_bounded() -> None:
    message = "je suis cariste " + "blabla " * 2000 + "et soudeur"
    # How long this takes is a figure of benchmarks/bench_long_input.py, not a test.
    segments = job_segments(message)
    assert len(segments) <= text.MAX_SEGMENTS
    assert all(len(s.words) <= text.MAX_SEGMENT_WORDS for s in segments)
    assert segments[0].words[0] == "cariste"
    assert sum(len(" ".join(s.words)) for s in segments) <= text.MAX_INPUT_CHARS
