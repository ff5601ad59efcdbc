"""Tests of ``bot.matching.MetierMatcher`` on the IDCC 2378 (temporary work) branch."""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from bot.knowledge.errors import KnowledgeError
from bot.knowledge.loader import knowledge_dir, load_knowledge, load_knowledge_from
from bot.knowledge.models import Branch
from bot.matching import Candidate, MatchResult, MetierMatcher

IDCC = 2378
CARISTE = "logistique-transport/logistique/magasinier-cariste"
PREPARATEUR = "logistique-transport/logistique/preparateur-de-commandes"
AIDE_SOIGNANT = "tertiaire/medical/aide-soignant"
SOUDEUR = "industrie/ajustage-montage-assemblage/soudeur"
MECANICIEN = "industrie/maintenance/mecanicien"
CHAUFFEUR_PL = "logistique-transport/transport/chauffeur-pl"
ELECTRICIENS = {
    "btp/electricite/electricien-batiment",
    "btp/electricite/electricien-industrie",
    "btp/electricite/electricien-tertiaire",
}


@pytest.fixture(scope="module")
def branch(tmp_path_factory: pytest.TempPathFactory) -> Branch:
    """The IDCC 2378 branch; loaded alone if another branch's folder is being written."""
    try:
        return load_knowledge().branch(IDCC)
    except KnowledgeError:
        source = knowledge_dir()
        target = tmp_path_factory.mktemp("knowledge") / "knowledge"
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("idcc*"))
        shutil.copytree(source / f"idcc{IDCC}", target / f"idcc{IDCC}")
        return load_knowledge_from(target).branch(IDCC)


@pytest.fixture(scope="module")
def matcher(branch: Branch) -> MetierMatcher:
    return MetierMatcher(branch)


def best_id(result: MatchResult) -> str:
    assert result.best is not None, result
    return result.best.metier.id


def ids(result: MatchResult) -> set:
    return {c.metier.id for c in result.candidates}


# ------------------------------------------------------------------------------ found


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Préparateur de commandes", PREPARATEUR),
        ("soudeur", SOUDEUR),
        ("MAGASINIER CARISTE", CARISTE),
        ("Aide-soignant", AIDE_SOIGNANT),
        ("chauffeur PL", CHAUFFEUR_PL),
    ],
)
def test_exact(matcher: MetierMatcher, query: str, expected: str) -> None:
    result = matcher.match(query)
    assert result.status == "matched"
    assert best_id(result) == expected
    assert result.best.score == pytest.approx(100.0)
    assert result.best.reason.startswith("exact")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("préparatrice de commandes", PREPARATEUR),
        ("soudeuse", SOUDEUR),
        ("mécanicienne", MECANICIEN),
        ("aide-soignante", AIDE_SOIGNANT),
        ("magasinière cariste", CARISTE),
        ("chaudronnière", "industrie/ajustage-montage-assemblage/chaudronnier"),
    ],
)
def test_feminine(matcher: MetierMatcher, query: str, expected: str) -> None:
    result = matcher.match(query)
    assert result.status == "matched"
    assert best_id(result) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("préparatrices de commandes", PREPARATEUR),
        ("caristes", CARISTE),
        ("soudeurs", SOUDEUR),
        ("mécaniciennes", MECANICIEN),
        ("aides-soignantes", AIDE_SOIGNANT),
    ],
)
def test_plural(matcher: MetierMatcher, query: str, expected: str) -> None:
    result = matcher.match(query)
    assert result.status == "matched"
    assert best_id(result) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("carriste", CARISTE),
        ("aide-soigant", AIDE_SOIGNANT),
        ("preparatrice de comande", PREPARATEUR),
        ("soudeure", SOUDEUR),
        ("mecanicen", MECANICIEN),
        ("aidesoignante", AIDE_SOIGNANT),  # typed without the hyphen nor a space
    ],
)
def test_typo(matcher: MetierMatcher, query: str, expected: str) -> None:
    result = matcher.match(query)
    assert result.status == "matched"
    assert best_id(result) == expected
    assert "fuzzy" in result.best.reason
    assert result.best.score < 100.0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("chauffeur poids lourd", CHAUFFEUR_PL),
        ("chauffeur pl", CHAUFFEUR_PL),
        ("mecano auto", MECANICIEN),
        ("mécano", MECANICIEN),
    ],
)
def test_abbreviation(matcher: MetierMatcher, query: str, expected: str) -> None:
    result = matcher.match(query)
    assert result.status == "matched"
    assert best_id(result) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # parts of labels joined by "/" ("Agent d'accueil / standardiste",
        # "Commercial / conseiller en vente / vendeur")
        ("standardiste", "tertiaire/hotellerie/agent-d-accueil-standardiste"),
        ("vendeuse", "tertiaire/commerce-vente-grande-distribution/commercial-conseiller-en-vente-vendeur"),
        # OIR métier à enjeux linked to one annex métier
        ("cariste", CARISTE),
    ],
)
def test_synonym(matcher: MetierMatcher, query: str, expected: str) -> None:
    result = matcher.match(query)
    assert result.status == "matched"
    assert best_id(result) == expected


def test_synonyms_of_vocabulary_are_used(matcher: MetierMatcher, branch: Branch) -> None:
    """Every variant of vocabulary.yml leads to (at least) its own métier, except a
    variant that is the annex label of one other métier: that label wins."""
    for metier in branch.metiers:
        for variant in metier.variants:
            result = matcher.match(variant, limit=20)
            if metier.id in ids(result):
                continue
            assert result.status == "matched", (variant, result.status, ids(result))
            winner = result.best
            assert winner is not None and "label" in winner.reason, (variant, winner)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("automaticien, quelles certifs ?", "tertiaire/numerique/automaticien"),
        ("automaticienne", "tertiaire/numerique/automaticien"),
        ("conseiller clientèle", "tertiaire/relation-clients-a-distance/conseiller-clientele"),
    ],
)
def test_annex_label_wins_over_variants_of_other_metiers(matcher: MetierMatcher, query: str, expected: str) -> None:
    result = matcher.match(query)
    assert result.status == "matched" and best_id(result) == expected


def test_two_annex_labels_alike_stay_ambiguous(matcher: MetierMatcher) -> None:
    assert matcher.match("superviseur").status == "ambiguous"


def test_target_diploma_picks_the_metier_whose_list_has_it(matcher: MetierMatcher) -> None:
    kb = load_knowledge()
    result = matcher.match("je suis électricien et je voudrais passer le BP", target=kb.diplomas["bp"])
    assert result.status == "matched" and best_id(result) == "btp/electricite/electricien-batiment"
    assert matcher.match("je suis électricien").status == "ambiguous"


def test_span_points_at_the_words_as_typed(matcher: MetierMatcher) -> None:
    text = "Bonjour, je suis Commis de Cuisine en CDI, je peux viser quoi ?"
    result = matcher.match(text)
    assert result.span_text == "Commis de Cuisine"
    assert matcher.match("data analyst en CDI, quelle certif ?").span_text == "data analyst"


def test_correction_wins_over_what_it_corrects(matcher: MetierMatcher) -> None:
    found = matcher.match_all("soudeur, non pardon, chaudronnier")
    assert best_id(found[-1]) == "industrie/ajustage-montage-assemblage/chaudronnier"
    assert best_id(found[0]) == SOUDEUR


def test_several_jobs_in_one_message(matcher: MetierMatcher) -> None:
    found = matcher.match_all("je suis soudeur et je voudrais devenir chaudronnier")
    assert [best_id(r) for r in found] == ["industrie/ajustage-montage-assemblage/chaudronnier", SOUDEUR]


def test_enjeux_is_set_for_an_oir_metier_with_annex_metiers(matcher: MetierMatcher) -> None:
    result = matcher.match("cariste")
    assert result.enjeux is not None and result.enjeux.id == "cariste"
    assert matcher.match("magasinier cariste").enjeux is None


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("je suis cariste", CARISTE),
        ("Je travaille comme préparatrice de commandes depuis 5 ans", PREPARATEUR),
        ("en tant que soudeur intérimaire", SOUDEUR),
        ("Intérimaire en CDI, je suis aide-soignante en EHPAD. Puis-je viser un BTS ?", AIDE_SOIGNANT),
        ("Bonjour, je suis cariste et je voudrais devenir soudeur", CARISTE),
        ("je suis mécanicien auto chez Norauto", MECANICIEN),
    ],
)
def test_extra_words_around_the_job(matcher: MetierMatcher, message: str, expected: str) -> None:
    result = matcher.match(message)
    assert result.status == "matched"
    assert best_id(result) == expected
    assert result.query == message


# -------------------------------------------------------------------------- ambiguous


def test_electricien_is_ambiguous_between_three_metiers(matcher: MetierMatcher) -> None:
    result = matcher.match("électricien")
    assert result.status == "ambiguous"
    assert len(result.candidates) == 3
    assert ids(result) == ELECTRICIENS
    assert result.enjeux is not None and result.enjeux.id == "electricien"


@pytest.mark.parametrize("query", ["électricienne", "electriciens", "je suis électricien"])
def test_electricien_forms_are_ambiguous_too(matcher: MetierMatcher, query: str) -> None:
    result = matcher.match(query)
    assert result.status == "ambiguous"
    assert ids(result) == ELECTRICIENS


@pytest.mark.parametrize("query", ["chef d'équipe", "chef de chantier"])
def test_shared_labels_are_ambiguous(matcher: MetierMatcher, branch: Branch, query: str) -> None:
    result = matcher.match(query, limit=10)
    assert result.status == "ambiguous"
    label = query.replace("é", "e")
    sharing = {m.id for m in branch.metiers if m.label.lower().replace("é", "e").startswith(label)}
    assert ids(result) == sharing
    assert len(sharing) >= 3


def test_a_sector_word_narrows_an_ambiguous_match(matcher: MetierMatcher) -> None:
    result = matcher.match("chef d'équipe BTP", limit=10)
    assert result.status == "ambiguous"
    assert ids(result) and all(i.startswith("btp/") for i in ids(result))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("je suis électricien dans le bâtiment", "btp/electricite/electricien-batiment"),
        ("électricien sur les chantiers", "btp/electricite/electricien-batiment"),
        ("électricien en usine", "btp/electricite/electricien-industrie"),
        ("je suis électricienne dans l'industrie", "btp/electricite/electricien-industrie"),
        ("électricien dans des bureaux", "btp/electricite/electricien-tertiaire"),
        ("électricien à l'hôpital", "btp/electricite/electricien-tertiaire"),
        ("chef d'équipe dans un entrepôt", "logistique-transport/logistique/chef-d-equipe"),
        ("chef d'équipe sur les routes", "btp/travaux-publics/chef-d-equipe-tp"),
    ],
)
def test_a_workplace_word_picks_the_metier_of_a_shared_title(matcher: MetierMatcher, query: str, expected: str) -> None:
    result = matcher.match(query, limit=10)
    assert result.status == "matched", result
    assert best_id(result) == expected


def test_a_sector_shared_by_every_candidate_does_not_pick_one_of_its_sub_sectors(matcher: MetierMatcher) -> None:
    # « dans le BTP » keeps every BTP chef d'équipe (gros œuvre, second œuvre, TP…).
    result = matcher.match("chef d'équipe dans le BTP", limit=10)
    assert result.status == "ambiguous"
    assert len(ids(result)) >= 3 and all(i.startswith("btp/") for i in ids(result))


def test_a_place_no_candidate_has_leaves_the_choice(matcher: MetierMatcher) -> None:
    result = matcher.match("chef d'équipe en usine", limit=10)
    assert result.status == "ambiguous"


def test_context_words_are_valid_reviewed_data() -> None:
    from bot.understanding.context_words import load_context_words

    contexts = load_context_words()
    assert {"batiment", "industrie", "tertiaire", "hotellerie", "restauration"} <= {c.id for c in contexts}
    assert all(c.words and c.labels for c in contexts)


def test_context_words_file_is_checked_by_its_schema(tmp_path) -> None:
    from bot.understanding.context_words import load_context_words

    shutil.copytree(knowledge_dir() / "schema", tmp_path / "schema")
    (tmp_path / "context_words.yml").write_text(
        "contexts:\n  - id: bâtiment\n    reviewed: true\n    labels: []\n    words: [x]\n", encoding="utf-8"
    )
    with pytest.raises(KnowledgeError):
        load_context_words(tmp_path)


def test_limit_caps_the_candidates(matcher: MetierMatcher) -> None:
    assert len(matcher.match("chef de chantier", limit=2).candidates) == 2
    assert len(matcher.match("chef de chantier", limit=10).candidates) >= 3


# ------------------------------------------------------------------------ not matched


@pytest.mark.parametrize(
    ("query", "enjeux_id"),
    [
        ("plaquiste", "plaquiste"),
        ("je suis plaquiste intérimaire", "plaquiste"),
        ("menuisier", "menuisier"),
        ("menuisière", "menuisier"),
        ("conducteur d'engins", "conducteur-d-engins"),
        ("manutentionnaire", "manutentionnaire"),
        ("community manager", "community-manager"),
    ],
)
def test_enjeux_without_certification(matcher: MetierMatcher, query: str, enjeux_id: str) -> None:
    result = matcher.match(query)
    assert result.status == "enjeux_without_certification"
    assert result.enjeux is not None and result.enjeux.id == enjeux_id
    assert result.enjeux.annex_metier_ids == ()
    assert result.candidates == () and result.best is None


@pytest.mark.parametrize(
    "query",
    [
        "coiffeuse",
        "boulanger",
        "agent de sécurité",
        "professeur",
        "caviste",  # one letter from "cariste" but a real word
        "préparateur en pharmacie",
        "puéricultrice",
        "pilote de ligne",
    ],
)
def test_jobs_not_in_the_list(matcher: MetierMatcher, query: str) -> None:
    result = matcher.match(query)
    assert result.status == "not_in_list", (query, [c.metier.id for c in result.candidates])
    assert result.candidates == () and result.enjeux is None


@pytest.mark.parametrize("query", ["technicien", "agent", "opérateur", "chef", "responsable", "conducteur"])
def test_generic_words_alone_do_not_decide(matcher: MetierMatcher, query: str) -> None:
    assert matcher.match(query).status == "not_in_list"


@pytest.mark.parametrize("query", ["", "   ", "\n\t ", "😀👍🎉", "?!…", "je suis intérimaire"])
def test_empty_input(matcher: MetierMatcher, query: str) -> None:
    result = matcher.match(query)
    assert result.status == "empty"
    assert result.candidates == () and result.best is None


# ---------------------------------------------------------------------- robustness


def test_very_long_input_is_bounded(matcher: MetierMatcher) -> None:
    # How long these take is a figure of benchmarks/bench_long_input.py, not a test.
    message = "je suis cariste " + "x" * 10_000
    result = matcher.match(message)
    assert best_id(result) == CARISTE
    result = matcher.match("soudeur " * 1250)
    assert best_id(result) == SOUDEUR


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("<b>cariste</b>", "matched"),
        ("<script>alert('soudeur')</script>", "matched"),
        ("<script>alert(1)</script>", "not_in_list"),
        ("<img src=x onerror=alert(1)>", "not_in_list"),
    ],
)
def test_html_is_just_text(matcher: MetierMatcher, query: str, status: str) -> None:
    result = matcher.match(query)
    assert result.status == status
    assert result.query == query


def test_results_are_immutable_and_typed(matcher: MetierMatcher) -> None:
    result = matcher.match("soudeuse")
    assert isinstance(result.best, Candidate)
    assert result.best.matched_variant
    assert 0.0 < result.best.score <= 100.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.status = "empty"  # type: ignore[misc]


def test_matcher_accepts_an_injected_pipeline(branch: Branch) -> None:
    from bot.text import get_nlp

    other = MetierMatcher(branch, nlp=get_nlp())
    assert best_id(other.match("préparatrices de commande")) == PREPARATEUR


def test_every_oir_label_and_variant_sets_its_enjeux(matcher: MetierMatcher, branch: Branch) -> None:
    for enjeux in branch.metiers_a_enjeux:
        for text in (enjeux.label, *enjeux.variants):
            result = matcher.match(text, limit=20)
            assert result.enjeux is not None, (text, result.status)
            if not enjeux.annex_metier_ids:
                assert result.status == "enjeux_without_certification", text
            else:
                assert set(enjeux.annex_metier_ids) <= ids(result), text


@pytest.mark.parametrize(
    "text",
    ["06 12 34 56 78", "+33 6 12 34 56 78", "75011", "34", "jean.serveur@exemple.fr", "www.serveur.fr"],
)
def test_numbers_phones_and_addresses_are_never_job_words(matcher: MetierMatcher, text: str) -> None:
    assert matcher.match(text).status == "empty"
    assert matcher.match_all(f"mon contact : {text}") == []


# ------------------------------------------------------- verbs, objects and neighbours


@pytest.mark.parametrize(
    ("text", "not_expected"),
    [
        # a verb right after its subject is no title (« conseille » is not « conseiller »)
        ("je conseille les clients et j'encaisse dans un magasin de chaussures", "conseiller-clientele"),
        # the people worked with are no title: a group, qualified, or after a first object
        ("j'encadre une équipe de maçons sur un chantier de gros œuvre", "macon-traditionnel"),
        ("je forme les nouveaux téléconseillers du plateau", "conseiller-clientele"),
        ("j'organise les tournées des chauffeurs et j'affrète des camions", "chauffeur-vl"),
        # an infinitive is no typo of a job noun (« livrer » is not « livreur »)
        ("je conduis un porteur 19 tonnes avec hayon pour livrer les magasins", "chauffeur-vl"),
    ],
)
def test_what_is_done_and_who_with_are_no_titles(matcher: MetierMatcher, text: str, not_expected: str) -> None:
    for result in matcher.match_all(text):
        assert result.source == "tasks" or not_expected not in {m.rsplit("/", 1)[-1] for m in ids(result)}, text


def test_a_description_after_a_verb_still_finds_the_job(matcher: MetierMatcher) -> None:
    assert best_id(matcher.match("je conduis un porteur 19 tonnes avec hayon pour livrer les magasins")) == CHAUFFEUR_PL
    result = matcher.match("je conseille les clients et j'encaisse dans un magasin de chaussures")
    assert best_id(result) == "tertiaire/commerce-vente-grande-distribution/commercial-conseiller-en-vente-vendeur"


def test_a_label_naming_the_place_wins_over_the_exact_label(matcher: MetierMatcher) -> None:
    # « Gouvernant » is typed exactly, but « clinique » is the « établissement de santé »
    # the other label names.
    assert (
        best_id(matcher.match("gouvernante dans une clinique"))
        == "tertiaire/hotellerie/gouvernant-etablissement-de-sante"
    )
    assert best_id(matcher.match("gouvernante")) == "tertiaire/hotellerie/gouvernant"
    # a sector word alone does not beat the exact label
    assert best_id(matcher.match("automaticien dans une usine")) == "tertiaire/numerique/automaticien"


def test_an_ambiguous_span_keeps_the_words_that_narrowed_it(matcher: MetierMatcher) -> None:
    result = matcher.match("je suis maçon dans les travaux publics")
    assert result.status == "ambiguous"
    assert ids(result) == {"btp/travaux-publics/macon-tp", "btp/travaux-publics/macon-vrd"}
    assert result.span_text == "maçon dans les travaux publics"
    # the span alone, matched again (as the actions do with the entity), gives the same choice
    assert ids(matcher.match(result.span_text)) == ids(result)


def test_an_unknown_trade_beside_a_title_is_another_trade(matcher: MetierMatcher) -> None:
    assert matcher.match("je suis carrossier peintre").status == "not_in_list"
    assert best_id(matcher.match("je suis peintre en bâtiment")) == "btp/second-oeuvre/peintre"
    assert best_id(matcher.match("boucher charcutier")) == "tertiaire/commerce-vente-grande-distribution/boucher"
