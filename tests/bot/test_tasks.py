"""Tests of the task descriptions (knowledge/idcc*/tasks.yml) and of the task scorer."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bot.knowledge.loader import knowledge_dir, load_knowledge
from bot.matching import MetierMatcher
from bot.service import Assistant
from bot.understanding.tasks import FIELDS, read_tasks, tasks_path

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant(load_knowledge())


@pytest.fixture(scope="module")
def matcher(assistant: Assistant) -> MetierMatcher:
    return assistant.matcher(2378)


@pytest.mark.parametrize("idcc", [2378, 1404])
def test_every_metier_has_reviewed_tasks(idcc: int) -> None:
    """Every annex métier is described, each entry reviewed, no unknown id."""
    branch = load_knowledge().branch(idcc)
    entries = read_tasks(tasks_path(idcc), knowledge_dir())
    assert set(entries) == {m.id for m in branch.metiers}
    for metier_id, entry in entries.items():
        assert entry["reviewed"] is True, metier_id
        assert set(entry) <= {"reviewed", *FIELDS}
        assert entry["tasks"], metier_id


@pytest.mark.parametrize(
    "text, expected",
    [
        ("je monte des palettes au fenwick dans un entrepôt", "logistique-transport/logistique/magasinier-cariste"),
        ("je fais le ménage des chambres dans un hôtel", "tertiaire/hotellerie/employe-d-etage"),
        ("je coule des dalles en béton sur les chantiers", "btp/gros-oeuvre/macon-finisseur"),
        ("je répare des voitures dans un garage", "industrie/maintenance/mecanicien"),
        ("je pose du carrelage dans les salles de bain", "btp/second-oeuvre/carreleur"),
        ("je fais les fiches de paie", "tertiaire/gestion-administration/gestionnaire-de-paie"),
        ("je découpe la viande", "tertiaire/commerce-vente-grande-distribution/boucher"),
        ("je fabrique des cuves en tôle", "industrie/ajustage-montage-assemblage/chaudronnier"),
        ("je soude à l'électrode enrobée", "industrie/ajustage-montage-assemblage/soudeur"),
        ("je fais l'étanchéité des toitures", "btp/second-oeuvre/etancheur"),
        (
            "je vends des vêtements en magasin",
            "tertiaire/commerce-vente-grande-distribution/commercial-conseiller-en-vente-vendeur",
        ),
        ("j'encadre les femmes de chambre", "tertiaire/hotellerie/gouvernant"),
        ("j'administre les serveurs et les sauvegardes", "tertiaire/numerique/administrateur-systemes-d-information"),
        ("j'encadre les serveurs en salle", "tertiaire/hotellerie/maitre-d-hotel"),
        ("je fais la paie", "tertiaire/gestion-administration/gestionnaire-de-paie"),
    ],
)
def test_job_described_by_its_tasks(matcher: MetierMatcher, text: str, expected: str) -> None:
    result = matcher.match(text)
    assert result.status == "matched", (result.status, [c.metier.id for c in result.candidates])
    assert result.best.metier.id == expected
    assert result.source == "tasks" and result.evidence
    assert result.span_text and all(w in text for w in result.evidence)


@pytest.mark.parametrize(
    "text",
    [
        "je suis astronaute",
        "je conduis un taxi",
        "je fais des pizzas",
        "combien de temps dure une Pro-A ?",
        "qui paie une période de reconversion ?",
        "je suis pilote de ligne chez Air France",
        "je travaille dans une entreprise",
        "bonjour, je voudrais une formation",
        "je pose des tuiles sur les toits",
        "je forme les caristes",
        "qui paie ?",
        "je fais la cuisine",
        # « conduire » and « chantier » are a truck driver's words, but the grue is not his
        "je conduis une grue à tour sur les chantiers",
        "je porte les meubles et les cartons pendant les déménagements",
        # only verbs of the drivers: the ambulance and the sick are no truck driver's
        "je conduis une ambulance et je transporte les malades",
    ],
)
def test_descriptions_that_fit_nothing_are_refused(matcher: MetierMatcher, text: str) -> None:
    assert matcher.match(text).status in ("not_in_list", "empty")


def test_no_refusal_query_of_the_benchmark_gets_a_task_match(matcher: MetierMatcher) -> None:
    """The hard rule: a job not in the annex never gets a far-fetched task match."""
    with (ROOT / "benchmarks" / "data" / "metier_queries.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["expected"] == "NOT_IN_LIST"]
    described = [r["query"] for r in rows if matcher.match(r["query"]).source == "tasks"]
    assert described == []


def test_workplace_picks_among_similar_metiers(matcher: MetierMatcher) -> None:
    assert matcher.match("je suis électricien à l'hôpital").best.metier.id == "btp/electricite/electricien-tertiaire"
    assert matcher.match("je suis électricien dans une usine").best.metier.id == "btp/electricite/electricien-industrie"
    assert matcher.match("je suis électricien").status == "ambiguous"


def test_near_miss_is_a_suggestion(matcher: MetierMatcher) -> None:
    result = matcher.match("carelleurr")
    assert result.status == "suggestion"
    assert [c.metier.id for c in result.candidates] == ["btp/second-oeuvre/carreleur"]
    # a real French job name that is not in the list is refused, not suggested
    assert matcher.match("boulanger").status != "suggestion"


def test_suggestion_answer_offers_buttons(assistant: Assistant) -> None:
    answer = assistant.ask("quelles certifications pour un carelleurr ?")
    assert "Vouliez-vous dire" in answer.text
    assert [b.payload for b in answer.buttons] == ['/inform{"metier_id": "btp/second-oeuvre/carreleur"}']


def test_sdlm_description(assistant: Assistant) -> None:
    result = assistant.matcher(1404).match("je répare des tracteurs et des moissonneuses")
    assert result.status == "matched"
    assert result.best.metier.id == "technicien-maintenance-materiels-agricoles"
    # the SDLM branch expands « mécano » too, and a typo of the machine is forgiven
    typed = assistant.matcher(1404).match("mécano de moissoneuses")
    assert typed.status == "matched" and typed.best.metier.id == "technicien-maintenance-materiels-agricoles"


def test_the_best_metier_must_explain_most_of_the_description(matcher: MetierMatcher) -> None:
    from bot.understanding.tasks import MIN_SHARE

    assert 0.0 < MIN_SHARE < 1.0
    scorer = matcher._tasks
    assert scorer is not None
    assert scorer.rank("je conduis une grue à tour sur les chantiers").status == "refused"
    assert scorer.rank("je conduis un camion toupie pour amener le béton sur les chantiers").status == "matched"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("je suis serveur", "tertiaire/restauration/serveur"),
        ("mes intérimaires sont des caristes", "logistique-transport/logistique/magasinier-cariste"),
        ("je travaille avec les caristes", "logistique-transport/logistique/magasinier-cariste"),
    ],
)
def test_a_title_after_a_being_verb_still_names_the_job(matcher: MetierMatcher, text: str, expected: str) -> None:
    # Only the object of another verb (« j'administre les serveurs ») is no job title.
    result = matcher.match(text)
    assert result.status == "matched" and result.best.metier.id == expected


def test_close_task_candidates_are_narrowed_like_titles(matcher: MetierMatcher) -> None:
    # Both usinage métiers have these tasks; the label « Opérateur usinage CN » names the
    # « commande numérique » of the message, the other does not.
    text = "j'usine des pièces sur un tour à commande numérique"
    scorer = matcher._tasks
    assert scorer is not None and scorer.rank(text).status == "ambiguous"
    result = matcher.match(text)
    assert result.status == "matched" and result.source == "tasks"
    assert result.best.metier.id == "industrie/productique/operateur-usinage-cn"
