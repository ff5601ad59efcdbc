"""The knowledge base loads, every fact has a verifiable source, and errors name file and field."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from bot.knowledge.errors import KnowledgeError
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge_from

REPO = Path(__file__).resolve().parents[2]
SEED_2378 = REPO / "knowledge" / "idcc2378" / "source" / "accord-proa-2021-01-22.txt"
#: The legal context of 2026 as received (shared/reference/legal-context-2026.md), kept
#: unchanged in the repository.
LEGAL_CONTEXT = REPO / "knowledge" / "law" / "source" / "legal-context-2026.md"


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_from(DEFAULT_KNOWLEDGE_DIR)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_branches_and_counts(kb):
    assert set(kb.branches) == {2378, 1404}
    temp = kb.branch(2378)
    assert len(temp.annex) == 221
    assert len({row.certification.rncp for row in temp.annex}) == 197
    assert temp.agreement.opco == "OPCO AKTO"
    assert temp.agreement.in_force_from == date(2021, 5, 12)
    assert len(temp.metiers_a_enjeux) == 24


def test_every_rule_cites_a_known_document_and_fills_its_summary(kb):
    for rule in kb.all_rules():
        assert rule.source.document.id in kb.sources
        summary = rule.summary
        assert "{" not in summary and "}" not in summary, rule.id


def test_rule_figures_of_idcc_2378(kb):
    assert kb.rule("idcc2378.duration").values == {"min_months": 6, "max_months": 12}
    extension = kb.rule("idcc2378.duration_extension").values
    assert extension["max_months"] == 36 and len(extension["publics"]) == 3
    assert kb.rule("idcc2378.training_share").values == {"min_percent": 15, "max_percent": 25, "min_hours": 150}
    assert kb.rule("idcc2378.funding").values["hourly_rate_eur"] == 17
    assert kb.rule("idcc2378.beneficiaries").values["eligible_contracts"] == ["cdi_interimaire"]
    assert "contrat_de_mission" in kb.rule("idcc2378.beneficiaries.mission").values["excluded_contracts"]


def test_law_switch_dates(kb):
    end = kb.rule("law.proa.end")
    assert end.values["last_start_date"] == date(2025, 12, 31)
    assert end.values["replacement_from"] == date(2026, 1, 1)
    assert kb.rule("law.proa.ceiling").values["max_level_excluded"] == 6
    assert kb.rule("law.proa.ceiling").is_valid_on(date(2025, 12, 31))
    assert not kb.rule("law.proa.ceiling").is_valid_on(date(2026, 1, 1))
    assert kb.rule("law.reconversion.training").is_valid_on(date(2026, 1, 1))
    assert not kb.rule("law.reconversion.training").is_valid_on(date(2025, 12, 31))


def test_french_number_formatting(kb):
    assert "9,15 €" in kb.rule("law.reconversion.default_rate").summary
    assert "2\u202f100 heures" in kb.rule("law.reconversion.training").summary


def test_idcc2378_quotes_are_verbatim_in_the_seed(kb):
    """Rules and priority publics quoting the temporary-work agreement quote the seed."""
    seed = _squash(SEED_2378.read_text(encoding="utf-8"))
    cited = [c for c in kb.cited() if c.source.document.id == "idcc2378-proa-2021"]
    assert len(cited) >= 18 and any(c.id.startswith("publics.") for c in cited)
    for item in cited:
        for quote in item.source.quotes:
            assert _squash(quote) in seed, item.id
    assert _squash(kb.branch(2378).enjeux_source.quote) in seed


def test_law_quotes_are_verbatim_in_the_legal_context(kb):
    """Quotes of the secondary source. The Pro-A Code du travail and the transition
    (law.proa.end, art. 11 III as the NOTA gives it) quote legi-data: test_legi_proa.py."""
    reference = _squash(LEGAL_CONTEXT.read_text(encoding="utf-8"))
    quoted = [
        r
        for r in kb.all_rules()
        if r.source.document.id in ("loi-2025-989", "idcc2378-proa-2021-avenant-1", "legal-context-2026")
        and r.id != "law.proa.end"
    ]
    assert len(quoted) >= 4
    for rule in quoted:
        for quote in rule.source.quotes:
            assert _squash(quote) in reference, rule.id


def test_enjeux_without_certification_are_the_expected_ones(kb):
    empty = {m.id for m in kb.branch(2378).metiers_a_enjeux if not m.annex_metier_ids}
    assert empty == {"manutentionnaire", "conducteur-d-engins", "menuisier", "plaquiste", "community-manager"}


def test_diplomas(kb):
    assert kb.diplomas["bts"].level == 5
    assert kb.diplomas["licence"].level == 6
    bts = [c for c in kb.branch(2378).certifications if kb.diplomas["bts"].names(c)]
    assert {c.rncp for c in bts} == {"RNCP12798", "RNCP462", "RNCP474"}


# -- errors name the file and the field ---------------------------------------------------


@pytest.fixture()
def broken_copy(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, target)
    return target


def test_missing_file_is_named(broken_copy: Path):
    (broken_copy / "idcc2378" / "agreement.yml").unlink()
    with pytest.raises(KnowledgeError) as error:
        load_knowledge_from(broken_copy)
    assert "idcc2378/agreement.yml" in str(error.value)
    assert "file not found" in str(error.value)


def test_invalid_field_is_named(broken_copy: Path):
    path = broken_copy / "idcc2378" / "agreement.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("min_hours: 150", "min_hours: cent"), encoding="utf-8")
    with pytest.raises(KnowledgeError) as error:
        load_knowledge_from(broken_copy)
    assert error.value.field and "min_hours" in error.value.field
    assert "agreement.yml" in str(error.value)


def test_invalid_annex_row_is_named(broken_copy: Path):
    path = broken_copy / "idcc2378" / "annex.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("RNCP34860", "RNCP 34860", 1), encoding="utf-8")
    with pytest.raises(KnowledgeError) as error:
        load_knowledge_from(broken_copy)
    assert "annex.csv" in str(error.value) and "rncp" in error.value.field


def test_unknown_source_document_is_named(broken_copy: Path):
    path = broken_copy / "law" / "proa.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("document: code-du-travail-proa", "document: nowhere", 1),
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError) as error:
        load_knowledge_from(broken_copy)
    assert "nowhere" in str(error.value) and error.value.field.endswith("source.document")


def test_summary_placeholder_without_value_is_named(broken_copy: Path):
    path = broken_copy / "idcc2378" / "agreement.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("{min_months} à {max_months}", "{min_months} à {maximum}", 1),
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError) as error:
        load_knowledge_from(broken_copy)
    assert "maximum" in str(error.value)


# -- codes: the str Enums of the models are the schemas' enums --------------------------------


def _schema(name: str) -> dict:
    import json

    return json.loads((DEFAULT_KNOWLEDGE_DIR / "schema" / name).read_text(encoding="utf-8"))


def test_status_enums_are_the_schema_enums():
    from bot.knowledge.models import AmendmentStatus, DocumentKind, ListingStatus

    sources = _schema("sources.schema.json")["properties"]["documents"]["items"]["properties"]
    rules = _schema("rules.schema.json")["properties"]
    amendment = rules["agreement"]["properties"]["amendments"]["items"]["properties"]
    certification = rules["certifications"]["items"]["properties"]
    assert set(sources["kind"]["enum"]) == set(DocumentKind)
    assert set(amendment["status"]["enum"]) == set(AmendmentStatus)
    assert set(certification["status"]["enum"]) == set(ListingStatus)


def test_loaded_statuses_are_enum_members(kb):
    assert all(isinstance(d.kind, type(kb.branch(2378).agreement.document.kind)) for d in kb.sources.values())
    assert kb.branch(2378).agreement.amendments[0].status == "content not available"
    assert {c.status for c in kb.branch(1404).certifications} == {"listed", "removed"}


# -- priority publics and contract readings (on a copy of the tiny fixture) -------------------

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "tiny_knowledge"


@pytest.fixture()
def tiny_copy(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(TINY, target)  # follows the schema/ link: the copy has the real schemas
    return target


def _edit_yaml(path: Path, change) -> None:
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_the_tiny_fixture_loads(tiny_copy: Path):
    kb = load_knowledge_from(tiny_copy)
    assert kb.publics["young_16_25_unqualified"].ruled_out_by_age(26)
    assert not kb.publics["young_16_25_unqualified"].ruled_out_by_age(25)
    assert kb.publics["diploma_course"].shown_by(None, "bts")


def test_a_public_named_by_a_rule_must_be_in_publics_yml(tiny_copy: Path):
    _edit_yaml(
        tiny_copy / "publics.yml",
        lambda d: d.update(publics=[p for p in d["publics"] if p["code"] != "jobseeker_over_1_year"]),
    )
    with pytest.raises(KnowledgeError) as error:
        load_knowledge_from(tiny_copy)
    assert "publics.yml" in str(error.value)
    assert "idcc2378.duration_extension" in str(error.value) and "jobseeker_over_1_year" in str(error.value)


def test_a_public_diploma_must_be_in_diplomas_yml(tiny_copy: Path):
    def change(data):
        data["publics"][-1]["target_diplomas"] = ["bts", "brevet"]

    _edit_yaml(tiny_copy / "publics.yml", change)
    with pytest.raises(KnowledgeError) as error:
        load_knowledge_from(tiny_copy)
    assert "brevet" in str(error.value) and error.value.field.endswith("target_diplomas")


def test_an_age_range_must_be_a_range(tiny_copy: Path):
    _edit_yaml(tiny_copy / "publics.yml", lambda d: d["publics"][0].update(age={"min": 25, "max": 16}))
    with pytest.raises(KnowledgeError) as error:
        load_knowledge_from(tiny_copy)
    assert error.value.field == "publics.0.age"


def test_a_contract_read_twice_is_an_error(tiny_copy: Path):
    _edit_yaml(tiny_copy / "contract_readings.yml", lambda d: d["readings"].append({"said": "cdi", "read_as": "cdd"}))
    with pytest.raises(KnowledgeError) as error:
        load_knowledge_from(tiny_copy)
    assert "contract_readings.yml" in str(error.value) and error.value.field == "readings.2"


def test_an_unknown_contract_in_the_readings_is_named(tiny_copy: Path):
    _edit_yaml(tiny_copy / "contract_readings.yml", lambda d: d["kinds"][0].update(kinds=["cui_cdi", "cui_xyz"]))
    with pytest.raises(KnowledgeError) as error:
        load_knowledge_from(tiny_copy)
    assert "kinds.0.kinds.1" in error.value.field
