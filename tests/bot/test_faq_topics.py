"""knowledge/faq_topics.yml is the one home of the FAQ topics: the parser, the fallback,
the answers, the NLU data and the domain agree with it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from actions.fallback import AFFIRMABLE_FAQ_TOPICS
from bot.compose import faq_topics
from bot.knowledge.loader import load_knowledge
from bot.profile import Profile
from bot.understanding.faq_topics import default_faq_topics, load_faq_topics
from bot.understanding.parse import parse_question

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = {
    "beneficiaries",
    "training_share",
    "duration",
    "funding",
    "procedure",
    "pay",
    "forms",
    "cpf",
    "certifications",
    "tutor",
    "vae",
    "clea",
    "periode_reconversion",
}


def test_file_is_valid_and_covers_the_required_topics() -> None:
    assert set(load_faq_topics().ids) >= REQUIRED


def test_derived_lists_agree() -> None:
    topics = default_faq_topics()
    assert set(faq_topics()) == set(topics.ids)
    assert topics.affirmable == AFFIRMABLE_FAQ_TOPICS


def test_nlu_data_and_domain_have_every_topic() -> None:
    nlu = yaml.safe_load((ROOT / "data" / "nlu" / "faq.yml").read_text(encoding="utf-8"))["nlu"]
    intents = {b["intent"].split("/", 1)[1] for b in nlu if str(b.get("intent", "")).startswith("faq/")}
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    responses = domain["responses"]
    ids = set(default_faq_topics().ids)
    assert intents == ids
    assert {f"utter_faq/{t}" for t in ids} <= set(responses)
    assert {f"utter_ask_affirmation_faq_{t}" for t in default_faq_topics().affirmable} <= set(responses)


@pytest.mark.parametrize(
    "text, topic",
    [
        ("qui paie une période de reconversion ?", "funding"),
        ("combien de temps dure la période de reconversion ?", "duration"),
        ("suis-je payé pendant la période de reconversion ?", "pay"),
        ("une période de reconversion dans une autre entreprise, c'est possible ?", "forms"),
        ("le CPF est utilisé pour une période de reconversion ?", "cpf"),
        ("qui peut demander une période de reconversion ?", "beneficiaries"),
        ("quel délai pour l'OPCO en période de reconversion ?", "procedure"),
        ("c'est quoi la période de reconversion ?", "periode_reconversion"),
        ("qui paie la pro-a ?", "funding"),
        ("je peux utiliser mon CPF pour une période de reconversion ?", "cpf"),
        ("puis-je être payé pendant la période de reconversion ?", "pay"),
        ("combien de temps dure une pro-a ?", "duration"),
        # delays of the procedure (R6324-1 to R6324-5), not funding although the OPCO is named
        ("en combien de jours l'OPCO se prononce sur la prise en charge ?", "procedure"),
        ("si la période de reconversion s'arrête avant la fin, faut-il prévenir l'OPCO ?", "procedure"),
        ("un accord de branche peut-il prévoir plus de 450 heures ?", "training_share"),
        # changes of the branch list (avenants n° 1 and n° 7 of the SDLM)
        ("qu'a changé l'avenant n° 7 dans la liste ?", "certification_list_source"),
        ("le CQP itinérant est-il toujours dans la liste ?", "certification_list_source"),
        # a dated avenant is still a question about the procedure or the person
        ("mon avenant du 7 mars 2025 doit être déposé où ?", "procedure"),
    ],
)
def test_bot_ask_reaches_the_topic_for_both_regimes(text: str, topic: str) -> None:
    parsed = parse_question(text, load_knowledge(), Profile())
    assert (parsed.kind, parsed.faq_topic) == ("faq", topic)


@pytest.mark.parametrize(
    "text, kind",
    [
        ("je suis cariste en CDI, puis-je viser un BTS ?", "eligibility"),
        ("puis-je faire une pro-a en CDD ?", "eligibility"),
        ("quelles formations pour un soudeur ?", "certifications"),
    ],
)
def test_questions_about_the_person_stay_questions_about_the_person(text: str, kind: str) -> None:
    assert parse_question(text, load_knowledge(), Profile()).kind == kind
