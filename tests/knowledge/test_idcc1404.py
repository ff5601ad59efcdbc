"""Checks of knowledge/idcc1404: figures of agreement.yml and sources against the KALI snapshot."""

from __future__ import annotations

import datetime as dt
import json
import re
import string
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tools.knowledge_sync.npm import html_to_text, iter_nodes

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "knowledge" / "idcc1404"
FIXTURE = ROOT / "tests" / "fixtures" / "kali" / "KALICONT000005635653_trimmed.json"

# The topics are those of the shared schema (knowledge/schema/definitions.schema.json).
TOPICS = set(
    json.loads(
        (Path(__file__).resolve().parents[2] / "knowledge/schema/definitions.schema.json").read_text(encoding="utf-8")
    )["definitions"]["topic"]["enum"]
)
PUBLICS = {
    "young_16_25_unqualified",
    "jobseeker_over_1_year",
    "social_minima_or_cui",
    "cui",
    "disabled_worker",
    "diploma_course",
    "qualification_requires",
}
CONTRACTS = {"cdi_interimaire", "cdi", "contrat_de_mission", "cdd", "cui_cdi", "cui_cdd", "cdd_sportif"}


def normalize(text: str) -> str:
    """Collapse whitespace runs into single spaces."""
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def agreement() -> dict[str, Any]:
    """knowledge/idcc1404/agreement.yml."""
    return yaml.safe_load((KNOWLEDGE / "agreement.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def rules(agreement: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Rules by id."""
    return {rule["id"]: rule for rule in agreement["rules"]}


@pytest.fixture(scope="module")
def snapshot_articles() -> dict[str, dict[str, Any]]:
    """Articles of the committed KALI snapshot by id."""
    snapshot = json.loads((KNOWLEDGE / "kali_snapshot.json").read_text(encoding="utf-8"))
    return {a["id"]: a for text in snapshot["texts"].values() for a in text["articles"]}


def searchable(article: dict[str, Any]) -> str:
    """The heading (surtitre) and text of a snapshot article, whitespace normalized."""
    return normalize(f"{article.get('surtitre') or ''}\n{article['text']}")


# --------------------------------------------------------------------------- figures


def test_agreement_block(agreement: dict[str, Any]) -> None:
    block = agreement["agreement"]
    assert block["id"] == "idcc1404-proa-2020"
    assert block["idcc"] == 1404
    assert block["signed_on"] == dt.date(2020, 9, 18)
    assert block["in_force_from"] == dt.date(2021, 6, 1)
    assert block["kali"] == {"container_id": "KALICONT000005635653", "text_id": "KALITEXT000043074842"}
    amendments = {a["kali_text_id"]: a for a in block["amendments"]}
    avenant1, avenant7 = amendments["KALITEXT000045372869"], amendments["KALITEXT000051314657"]
    assert (avenant1["signed_on"], avenant1["in_force_from"]) == (dt.date(2021, 11, 26), dt.date(2022, 4, 1))
    assert (avenant7["signed_on"], avenant7["in_force_from"]) == (dt.date(2024, 11, 26), dt.date(2025, 5, 31))
    assert avenant7["extended_by"]["published_on"] == dt.date(2025, 5, 31)
    assert {a["status"] for a in block["amendments"]} <= {"integrated", "content not available"}


def test_duration_figures(rules: dict[str, dict[str, Any]]) -> None:
    assert rules["idcc1404.duration"]["values"] == {"min_months": 6, "max_months": 12}
    ext24 = rules["idcc1404.duration_extension_24"]["values"]
    assert ext24["max_months"] == 24
    assert set(ext24["publics"]) == {"diploma_course", "qualification_requires", "cui", "disabled_worker"}
    ext36 = rules["idcc1404.duration_extension_36"]["values"]
    assert (ext36["max_months"], ext36["publics"]) == (36, ["young_16_25_unqualified"])


def test_training_figures(rules: dict[str, dict[str, Any]]) -> None:
    assert rules["idcc1404.training_share"]["values"] == {"min_percent": 15, "max_percent": 25, "min_hours": 150}
    beyond = rules["idcc1404.training_share_beyond_25"]["values"]
    assert (beyond["example_hours"], beyond["example_months"]) == (900, 18)
    outside = rules["idcc1404.training_outside_working_time"]["values"]
    assert (outside["hours_per_year"], outside["forfait_percent"]) == (30, 2)


def test_tutor_and_funding_figures(rules: dict[str, dict[str, Any]]) -> None:
    tutor = rules["idcc1404.tutor"]["values"]
    assert (tutor["max_alternants"], tutor["max_alternants_if_employer"], tutor["min_experience_years"]) == (3, 2, 2)
    funding = rules["idcc1404.funding"]
    assert (funding["values"]["min_hourly_rate_eur"], funding["values"]["max_hourly_rate_eur"]) == (9.15, 15)
    assert funding["valid_from"] == dt.date(2022, 4, 1)
    before = rules["idcc1404.funding_before_avenant_1"]
    assert before["values"]["max_hourly_rate_eur"] == 13
    assert before["valid_until"] == dt.date(2022, 3, 31)


def test_beneficiaries_and_ceiling(rules: dict[str, dict[str, Any]]) -> None:
    assert set(rules["idcc1404.beneficiaries"]["values"]["eligible_contracts"]) == {"cdi", "cui_cdi"}
    assert rules["idcc1404.ceiling"]["values"]["max_level_excluded"] == 6


def test_extension_exclusions_are_rules(rules: dict[str, dict[str, Any]]) -> None:
    exclusions = {r["source"]["article"] for r in rules.values() if r["topic"] == "extension_exclusion"}
    assert exclusions == {"3", "5", "8"}
    assert len([r for r in rules.values() if r["topic"] == "extension_exclusion"]) == 4


# --------------------------------------------------------------------------- format


def test_rule_format(agreement: dict[str, Any]) -> None:
    ids: set[str] = set()
    for rule in agreement["rules"]:
        required = {
            "id",
            "topic",
            "title",
            "summary",
            "question",
            "asks",
            "closed_asks",
            "values",
            "valid_from",
            "valid_until",
            "source",
        }
        assert required <= set(rule) <= required | {"answer", "adviser_summary"}, rule["id"]
        assert rule["id"].startswith("idcc1404.") and rule["id"] not in ids
        ids.add(rule["id"])
        assert rule["topic"] in TOPICS, rule["id"]
        fields = {name for _, name, _, _ in string.Formatter().parse(rule["summary"]) if name}
        assert fields <= set(rule["values"]), rule["id"]
        rule["summary"].format(**rule["values"])
        start, end = rule["valid_from"], rule["valid_until"]
        assert start is None or isinstance(start, dt.date)
        assert end is None or (isinstance(end, dt.date) and (start is None or start <= end))
        assert rule["source"]["document"] and rule["source"]["article"] and rule["source"]["quote"]
        values = rule["values"]
        assert set(values.get("publics", [])) <= PUBLICS, rule["id"]
        for key in ("eligible_contracts", "excluded_contracts", "pending_contracts"):
            assert set(values.get(key, [])) <= CONTRACTS, rule["id"]


def test_certifications_list(agreement: dict[str, Any]) -> None:
    certifications = {c["id"]: c for c in agreement["certifications"]}
    assert len(certifications) == len(agreement["certifications"])
    for cert in certifications.values():
        assert cert["kind"] in {"CQP", "TFP", "BTS"}
        assert cert["status"] in {"listed", "removed"}
        assert (cert["status"] == "removed") == (cert["listed_until"] is not None)
        assert "rncp" not in {k.lower() for k in cert}
        for other in cert.get("replaced_by", []):
            assert other in certifications
    listed = {c["id"] for c in certifications.values() if c["status"] == "listed"}
    assert "tfp-technicien-superieur-maintenance-materiels-construction-manutention" in listed
    assert "cqp-technicien-maintenance-specialiste-materiels-espaces-verts" in listed
    removed = {c["id"] for c in certifications.values() if c["status"] == "removed"}
    assert {
        "cqp-technicien-maintenance-materiels-construction-manutention-atelier",
        "cqp-technicien-maintenance-materiels-construction-manutention-itinerant",
    } <= removed


# --------------------------------------------------------------------------- sources


def test_every_kali_id_and_quote_is_in_the_snapshot(
    agreement: dict[str, Any], snapshot_articles: dict[str, dict[str, Any]]
) -> None:
    for item in agreement["rules"] + agreement["certifications"]:
        source = item["source"]
        kali_id = source.get("kali_id")
        if kali_id is None:
            continue
        assert kali_id in snapshot_articles, f"{item['id']}: {kali_id} not in kali_snapshot.json"
        assert normalize(source["quote"]) in searchable(snapshot_articles[kali_id]), (
            f"{item['id']}: quote not found in {kali_id}"
        )


def test_vocabulary(agreement: dict[str, Any], snapshot_articles: dict[str, dict[str, Any]]) -> None:
    vocabulary = yaml.safe_load((KNOWLEDGE / "vocabulary.yml").read_text(encoding="utf-8"))
    fixture = json.loads(FIXTURE.read_text(encoding="utf-8"))
    # Articles outside the tracked texts (annexe III of the classification) come from the fixture.
    extra = {
        node["data"]["id"]: {
            "surtitre": node["data"].get("surtitre"),
            "text": html_to_text(node["data"].get("content")),
        }
        for node in iter_nodes(fixture)
        if node.get("type") == "article"
    }
    certification_ids = {c["id"] for c in agreement["certifications"]}
    assert set(vocabulary["metier_details"]) == set(vocabulary["metiers"])
    for metier_id, details in vocabulary["metier_details"].items():
        assert details["proa_list_status"] in {"listed", "removed", "not_in_kali_extract"}
        assert set(details["certifications"]) <= certification_ids, metier_id
        source = details["source"]
        article = snapshot_articles.get(source["kali_id"]) or extra.get(source["kali_id"])
        assert article is not None, metier_id
        assert normalize(source["quote"]) in searchable(article), metier_id
    seen: dict[str, str] = {}
    for metier_id, variants in vocabulary["metiers"].items():
        for variant in variants:
            key = normalize(variant.lower())
            assert key not in seen, f"{variant!r} in {seen.get(key)} and {metier_id}"
            seen[key] = metier_id
    assert seen["mécanicien agricole"] == "technicien-maintenance-materiels-agricoles"
    assert seen["magasinier-vendeur en pièces"] == "vendeur-gestionnaire-pieces-techniques"


class _StringDateLoader(yaml.SafeLoader):
    """SafeLoader keeping dates as strings, as the knowledge loader does before validation."""


_StringDateLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}


@pytest.mark.parametrize(
    ("filename", "schema_name"),
    [
        ("agreement.yml", "rules.schema.json"),
        ("vocabulary.yml", "vocabulary.schema.json"),
    ],
)
def test_files_satisfy_their_schema(filename: str, schema_name: str) -> None:
    schema_dir = ROOT / "knowledge" / "schema"
    schema = json.loads((schema_dir / schema_name).read_text(encoding="utf-8"))
    resolver = jsonschema.RefResolver(base_uri=schema_dir.as_uri() + "/", referrer=schema)
    data = yaml.load((KNOWLEDGE / filename).read_text(encoding="utf-8"), Loader=_StringDateLoader)
    jsonschema.Draft7Validator(schema, resolver=resolver).validate(data)


def test_source_documents_are_known() -> None:
    sources = yaml.safe_load((ROOT / "knowledge" / "sources.yml").read_text(encoding="utf-8"))
    known = {item["id"] for item in sources["documents"]} if isinstance(sources, dict) else set()
    agreement = yaml.safe_load((KNOWLEDGE / "agreement.yml").read_text(encoding="utf-8"))
    used = {item["source"]["document"] for item in agreement["rules"] + agreement["certifications"]}
    assert used <= known, sorted(used - known)
