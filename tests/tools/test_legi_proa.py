"""The Pro-A Code du travail from the pinned @socialgouv/legi-data 2.263.0
(tools.knowledge_sync.legi_proa, bot.knowledge.legi_proa, knowledge/law/legi_proa_snapshot.json) and the rules of
knowledge/law/proa.yml that quote it: all offline, on the committed files."""

from __future__ import annotations

import io
import json
import re
import shutil
import tarfile
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot import cli
from bot.knowledge import legi as legi_snapshot
from bot.knowledge import legi_proa as proa_snapshot
from bot.knowledge.legi_proa import CheckResult
from bot.knowledge.loader import load_knowledge
from bot.knowledge.snapshots import normalize_whitespace
from tools.knowledge_sync import legi, legi_proa, npm

ROOT = Path(__file__).resolve().parents[2]
PROA_SNAPSHOT = ROOT / "knowledge" / proa_snapshot.SNAPSHOT_RELATIVE_PATH
CURRENT_SNAPSHOT = ROOT / "knowledge" / legi_snapshot.SNAPSHOT_RELATIVE_PATH
PROA_YML = ROOT / "knowledge" / "law" / "proa.yml"
LAST_DAY = date(2025, 12, 31)
#: Rules kept as they were (a caution from a secondary source) or quoting no article.
NOT_CODE = {"law.proa.rncp_active", "law.proa.end"}


@pytest.fixture(scope="module")
def snapshot() -> dict[str, Any]:
    return json.loads(PROA_SNAPSHOT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def current() -> dict[str, Any]:
    return json.loads(CURRENT_SNAPSHOT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def kb():
    return load_knowledge()


@pytest.fixture(scope="module")
def raw_rules() -> list[dict[str, Any]]:
    return yaml.safe_load(PROA_YML.read_text(encoding="utf-8"))["rules"]


# --------------------------------------------------------------------------- the snapshot


def test_the_snapshot_is_the_pinned_release(snapshot):
    assert (
        snapshot["package"] == "@socialgouv/legi-data"
        and snapshot["version"] == proa_snapshot.PROA_VERSION == "2.263.0"
    )
    assert snapshot["pinned"] is True and snapshot["integrity"] == legi_proa.PROA_INTEGRITY
    assert snapshot["in_force_until"] == LAST_DAY.isoformat()
    assert snapshot["code_id"] == legi.CODE_ID and snapshot["code_date"] == "2023-05-26"
    assert snapshot["missing_articles"] == []
    assert [a["num"] for a in snapshot["articles"]] == list(legi_proa.PROA_ARTICLES)
    for article in snapshot["articles"]:
        assert article["etat"] == "VIGUEUR" and article["text"] and re.fullmatch(r"LEGIARTI\d{12}", article["id"])


def test_the_snapshot_holds_the_pro_a_articles(snapshot):
    nums = {a["num"] for a in snapshot["articles"]}
    required = {f"L6324-{n}" for n in range(1, 11)} | {"D6324-1", "D6324-1-1", "D6324-2", "L6332-14"}
    assert required | {"D6332-89", "D6332-90", "D6332-91"} <= nums
    by_num = {a["num"]: a for a in snapshot["articles"]}
    assert "grade de la licence" in by_num["D6324-1-1"]["text"]
    assert "9,15 euros par heure" in by_num["D6332-90"]["text"]


def test_the_header_says_which_version_was_in_force_on_31_december_2025(snapshot):
    check = snapshot["check"]
    assert check["references"][0] == "knowledge/law/legi_snapshot.json (legi-data 2.513.0)"
    assert [c["num"] for c in check["articles"]] == list(legi_proa.PROA_ARTICLES)
    results = {c["num"]: c["result"] for c in check["articles"]}
    assert {n for n, r in results.items() if r == CheckResult.DIFFERS} == {"L6332-14"}
    assert {n for n, r in results.items() if r == CheckResult.NOT_IN_REFERENCE} == {"D6324-1-1"}
    assert {n for n, r in results.items() if r == CheckResult.SAME_BY_NOTA} == {f"L6324-{n}" for n in (4, 5, 6, 9, 10)}
    for entry in check["articles"]:
        if entry["result"] in (CheckResult.SAME, CheckResult.SAME_BY_NOTA):
            assert entry["in_force_on_last_day"] == entry["id"], entry
    l6332 = next(c for c in check["articles"] if c["num"] == "L6332-14")
    assert l6332["ends"] == "2023-12-29" and l6332["in_force_on_last_day"] == "LEGIARTI000051221005"
    assert check["summary"][CheckResult.DIFFERS] == ["L6332-14"]


def test_the_check_against_legi_snapshot_json_is_reproducible_offline(snapshot, current):
    """Every article that legi_snapshot.json (2.513.0) tracks gets the same result again."""
    label = snapshot["check"]["references"][0]
    again = {c["id"]: c for c in legi_proa.check_versions(snapshot["articles"], [(label, current)])}
    checked = [c for c in snapshot["check"]["articles"] if c["reference"] == label]
    assert {c["num"] for c in checked} >= {f"L6324-{n}" for n in range(1, 11)} | {"D6324-1", "D6324-2", "D6332-89"}
    for entry in checked:
        assert again[entry["id"]] == entry


def test_the_version_check_classifies_same_nota_differs_and_absent():
    """A small history: kept, ended by LEGI but deferred by the NOTA, replaced, unknown."""

    def article(num, id_, start, end=None, versions=(), nota=None):
        return {
            "num": num,
            "id": id_,
            "etat": "VIGUEUR",
            "date_debut": start,
            "date_fin": end,
            "nota": nota,
            "versions": [dict(zip(("id", "etat", "date_debut", "date_fin"), v, strict=True)) for v in versions],
        }

    reference = {
        "articles": [
            article("L1", "A1", "2019-08-23"),
            article(
                "L2",
                "B2",
                "2025-10-26",
                nota="ces dispositions entrent en vigueur le 1 er janvier 2026.",
                versions=[("B1", "MODIFIE", "2019-08-23", "2025-10-26")],
            ),
            article(
                "L3",
                "C3",
                "2026-01-01",
                versions=[("C1", "MODIFIE", "2019-08-23", "2023-12-29"), ("C2", "MODIFIE", "2023-12-29", "2026-01-01")],
            ),
            article("R4", "D2", "2026-02-01", versions=[("D1", "MODIFIE", "2020-03-18", "2026-02-01")]),
        ]
    }
    pinned = [
        {"num": "L1", "id": "A1"},
        {"num": "L2", "id": "B1"},
        {"num": "L3", "id": "C1"},
        {"num": "D4", "id": "D1"},
        {"num": "D5", "id": "E1"},
    ]
    results = {c["num"]: c for c in legi_proa.check_versions(pinned, [("ref", reference)])}
    assert results["L1"]["result"] == CheckResult.SAME
    assert results["L2"]["result"] == CheckResult.SAME_BY_NOTA and "2026-01-01" in results["L2"]["note"]
    assert results["L3"]["result"] == CheckResult.DIFFERS and results["L3"]["in_force_on_last_day"] == "C2"
    assert results["D4"]["result"] == CheckResult.SAME and results["D4"]["reference_num"] == "R4"
    assert "renumbered R4" in results["D4"]["note"]
    assert results["D5"]["result"] == CheckResult.NOT_IN_REFERENCE and results["D5"]["reference"] is None


def test_the_snapshot_is_built_by_the_extraction_of_legi(snapshot):
    """The articles are what tools.knowledge_sync.legi extracts (same fields, same text rules)."""
    for article in snapshot["articles"]:
        assert set(article) == {
            "num",
            "id",
            "cid",
            "etat",
            "date_debut",
            "date_fin",
            "section_path",
            "text",
            "nota",
            "versions",
        }
    l6324_1 = next(a for a in snapshot["articles"] if a["num"] == "L6324-1")
    # From the HTML: no stray space before the full stop where a link was.
    assert "l'article L. 6313-5." in l6324_1["text"]


# --------------------------------------------------------------------------- fetching


def _tarball(path: Path, code_json: dict[str, Any], version: str) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in (
            ("package/package.json", json.dumps({"version": version}).encode()),
            (f"package/data/{legi.CODE_ID}.json", json.dumps(code_json).encode()),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_the_pinned_tarball_is_checked_before_it_is_read(tmp_path, monkeypatch, no_registry):
    tarball = tmp_path / npm.tarball_name(legi_snapshot.PACKAGE_NAME, proa_snapshot.PROA_VERSION)
    _tarball(tarball, {"type": "code", "data": {"id": legi.CODE_ID}, "children": []}, proa_snapshot.PROA_VERSION)
    with pytest.raises(legi.LegiError, match="integrity"):
        legi_proa.fetch_pinned(tmp_path)
    assert not (tmp_path / f"legi-data-{proa_snapshot.PROA_VERSION}").exists()
    monkeypatch.setattr(legi_proa, "PROA_INTEGRITY", legi_proa.integrity_of(tarball))
    data_dir = legi_proa.fetch_pinned(tmp_path)
    assert npm.read_package_version(data_dir) == proa_snapshot.PROA_VERSION


def test_the_pinned_release_is_downloaded_against_the_pinned_integrity(tmp_path, monkeypatch, registry):
    built = tmp_path / "built.tgz"
    _tarball(built, {"type": "code", "data": {"id": legi.CODE_ID}, "children": []}, proa_snapshot.PROA_VERSION)
    registry.publish(legi_snapshot.PACKAGE_NAME, proa_snapshot.PROA_VERSION, built.read_bytes())
    # The registry's tarball is not the pinned one: refused, whatever the registry says.
    with pytest.raises(legi.LegiError, match="does not match the known hash"):
        legi_proa.fetch_pinned(tmp_path / "cache")
    monkeypatch.setattr(legi_proa, "PROA_INTEGRITY", legi_proa.integrity_of(built))
    data_dir = legi_proa.fetch_pinned(tmp_path / "cache")
    assert npm.read_package_version(data_dir) == proa_snapshot.PROA_VERSION
    assert registry.requests[-1] == f"/-/tarballs/{legi_snapshot.PACKAGE_NAME}/{proa_snapshot.PROA_VERSION}.tgz"


def test_another_release_is_refused(tmp_path, snapshot):
    data = tmp_path / "package" / "data"
    data.mkdir(parents=True)
    (tmp_path / "package" / "package.json").write_text(json.dumps({"version": "2.513.0"}))
    with pytest.raises(legi.LegiError, match=r"not the pinned 2\.263\.0"):
        legi_proa.build_from(ROOT / "knowledge", tmp_path, from_dir=data)


_CACHED = npm.DEFAULT_CACHE_DIR / f"legi-data-{proa_snapshot.PROA_VERSION}" / "data"
_CACHED_REFERENCE = npm.DEFAULT_CACHE_DIR / "legi-data-2.513.0" / "data"


@pytest.mark.skipif(
    not (_CACHED / f"{legi.CODE_ID}.json").is_file() or not (_CACHED_REFERENCE / f"{legi.CODE_ID}.json").is_file(),
    reason="the pinned release and 2.513.0 are not in the npm cache (python -m tools.knowledge_sync.legi_proa verify fetches them)",
)
def test_the_committed_snapshot_is_rebuilt_identically(snapshot):
    rebuilt = legi_proa.build_from(
        ROOT / "knowledge", npm.DEFAULT_CACHE_DIR, from_dir=_CACHED, reference_from_dir=_CACHED_REFERENCE
    )
    assert legi_proa.compare(snapshot, rebuilt) == []


# --------------------------------------------------------------------------- the rules


def test_every_pro_a_quote_is_verbatim_in_the_pinned_release(kb, snapshot):
    report = proa_snapshot.check_citations(kb.all_rules(), snapshot)
    assert report.problems == ()
    assert report.verbatim >= 28


def test_every_pro_a_rule_of_the_code_cites_its_2025_version(kb, raw_rules, snapshot):
    by_id = legi_snapshot.articles_by_id(snapshot)
    cited = set()
    for item in raw_rules:
        rule = kb.rule(item["id"])
        if rule.id in NOT_CODE:
            continue
        assert proa_snapshot.is_proa_rule(rule), rule.id
        assert rule.source.legi_id in by_id, rule.id
        assert rule.valid_until == LAST_DAY, rule.id
        assert rule.source.url == f"https://www.legifrance.gouv.fr/codes/article_lc/{rule.source.legi_id}"
        cited.add(by_id[rule.source.legi_id]["num"])
    must = {"L6324-1", "L6324-2", "L6324-3", "L6324-4", "L6324-5", "L6324-6", "L6324-7", "L6324-8", "L6324-9"}
    assert must | {"D6324-1", "D6324-1-1", "D6324-2", "D6332-89", "D6332-90", "D6332-91"} <= cited
    assert "L6332-14" not in cited  # amended in 2023 and 2025: not the text of 2025


def test_the_pro_a_quotes_are_french(kb):
    for rule in kb.all_rules():
        if proa_snapshot.is_proa_rule(rule):
            for quote in rule.source.quotes:
                assert not re.search(r"\b(the|employees|who|can|Beneficiaries|Ceiling)\b", quote), rule.id


def test_the_rule_ids_the_code_reads_are_kept(kb):
    for rule_id in ("beneficiaries", "work_study_cdi", "ceiling", "list", "rncp_active", "end"):
        kb.rule(f"law.proa.{rule_id}")
    assert kb.rule("law.proa.ceiling").values == {"max_level_excluded": 6, "ceiling": "grade_licence"}
    assert kb.rule("law.proa.ceiling").source.article == "D6324-1-1"
    beneficiaries = kb.rule("law.proa.beneficiaries").values
    assert beneficiaries["eligible_contracts"] == ["cdi", "cdi_interimaire", "cui_cdi", "cdd_sportif"]
    assert kb.rule("law.proa.work_study_cdi").values["to_confirm_contracts"] == [
        "apprentissage_cdi",
        "professionnalisation_cdi",
    ]


def test_the_rncp_caution_is_kept_as_it_was(kb):
    caution = kb.rule("law.proa.rncp_active")
    assert caution.source.document.id == "legal-context-2026" and caution.values == {"caution": True}
    assert caution.source.legi_id is None and caution.source.article == "section 4"
    assert caution.summary.startswith("Prudence : vérifiez que la fiche RNCP de la certification est toujours active")
    assert caution.valid_until == LAST_DAY


@pytest.mark.parametrize(
    "rule_id, change, expected",
    [
        (
            "law.proa.training_share",
            lambda r: replace(r, source=replace(r.source, quote=r.source.quote.replace("25 %", "30 %"))),
            "quote not found verbatim in L6325-13",
        ),
        (
            "law.proa.beneficiaries",
            lambda r: replace(r, source=replace(r.source, legi_id="LEGIARTI000052437351")),
            "not in the Pro-A snapshot",
        ),
        ("law.proa.beneficiaries", lambda r: replace(r, valid_until=date(2026, 6, 30)), "valid_until 2026-06-30"),
        (
            "law.proa.beneficiaries",
            lambda r: replace(r, source=replace(r.source, article="L6324-10")),
            "is not L6324-1",
        ),
        ("law.proa.beneficiaries", lambda r: replace(r, source=replace(r.source, legi_id=None)), "gives no legi_id"),
        (
            "law.proa.funding_teaching",
            lambda r: replace(
                r,
                source=replace(
                    r.source,
                    article="L6332-14",
                    legi_id="LEGIARTI000038951599",
                    quote="Les frais pédagogiques et les frais annexes d'une action de reconversion",
                    more_quotes=(),
                ),
            ),
            "not the version in force on 2025-12-31",
        ),
    ],
)
def test_the_pro_a_check_catches_a_wrong_quote_id_date_number_or_version(kb, snapshot, rule_id, change, expected):
    problems = proa_snapshot.check_citations([change(kb.rule(rule_id))], snapshot).problems
    assert problems and expected in problems[0], problems


def test_the_pro_a_check_leaves_the_other_rules_to_the_2026_snapshot(kb, snapshot):
    others = [r for r in kb.all_rules() if not proa_snapshot.is_proa_rule(r)]
    assert proa_snapshot.check_citations(others, snapshot).verbatim == 0


# --------------------------------------------------------------------------- the transition


def test_the_transition_is_said_by_the_date_the_avenant_was_concluded(kb):
    end = kb.rule("law.proa.end")
    assert "conclu avant le 1er janvier 2026" in end.summary
    assert "même si la formation commence après cette date" in end.summary
    assert "ne peut plus commencer" not in end.summary and "commencée" not in end.summary
    assert end.values == {"last_start_date": date(2025, 12, 31), "replacement_from": date(2026, 1, 1)}
    assert end.source.document.id == "loi-2025-989" and end.source.article.startswith("11, III")


def test_the_transition_quotes_the_text_as_legifrance_notes_it(kb, current):
    """Loi n° 2025-989 art. 11 III (NOTA of L6324-1) and décret n° 2026-39 art. 4 (NOTA of R6324-1)."""
    notas = {a["num"]: normalize_whitespace(a.get("nota") or "") for a in current["articles"]}
    quotes = kb.rule("law.proa.end").source.quotes
    assert normalize_whitespace(quotes[0]) in notas["L6324-1"]
    assert "a été conclu avant le 1 er janvier 2026" in quotes[0]
    assert normalize_whitespace(quotes[1]) in notas["R6324-1"]


def test_no_pro_a_text_says_the_transition_by_the_start():
    for path in (ROOT / "knowledge").rglob("*.yml"):
        assert "ne peut plus commencer" not in path.read_text(encoding="utf-8"), path


# --------------------------------------------------------------------------- questions


def test_every_new_or_changed_rule_says_its_question_and_how_people_ask_it(raw_rules):
    seen: dict[str, str] = {}
    for item in raw_rules:
        if item["id"] == "law.proa.rncp_active" and "question" not in item:
            continue  # the caution is kept as it was (the rule routing may give it its question)
        assert 5 <= len(item["question"]) <= 160 and item["question"].endswith("?"), item["id"]
        assert 6 <= len(item["asks"]) <= 12, item["id"]
        for ask in item["asks"]:
            key = ask.casefold()
            assert key not in seen, f"{item['id']} and {seen.get(key)} share the ask {ask!r}"
            seen[key] = item["id"]


def test_the_pro_a_summaries_are_in_the_past(raw_rules):
    for item in raw_rules:
        if item["id"] in NOT_CODE:
            continue
        assert not re.search(r"\bLa Pro-A (est|permet|concerne)\b", item["summary"]), item["id"]


# --------------------------------------------------------------------------- bot knowledge validate


def test_validate_checks_the_pro_a_quotes(capsys):
    assert cli.main(["knowledge", "validate"]) == 0
    out = capsys.readouterr().out
    assert "citations checked word for word in knowledge/law/legi_proa_snapshot.json" in out
    assert "@socialgouv/legi-data 2.263.0" in out


def test_validate_fails_on_a_pro_a_quote_that_is_not_in_the_pinned_release(tmp_path, capsys, monkeypatch):
    from bot.knowledge.loader import _cached

    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    law = knowledge / "law" / "proa.yml"
    text = law.read_text(encoding="utf-8")
    assert "sans être inférieure à cent cinquante heures" in text
    law.write_text(
        text.replace("sans être inférieure à cent cinquante heures", "sans être inférieure à deux cents heures"),
        encoding="utf-8",
    )
    monkeypatch.setenv("PROA_KNOWLEDGE_DIR", str(knowledge))
    _cached.cache_clear()
    try:
        assert cli.main(["knowledge", "validate"]) == 2
        err = capsys.readouterr().err
        assert "Labour code (Pro-A): law.proa.training_share: quote not found verbatim in L6325-13" in err
    finally:
        _cached.cache_clear()


def test_refresh_verifies_the_pinned_release_and_never_writes_it(tmp_path, capsys, monkeypatch):
    calls = []

    def fake_verify(root, cache_dir, **kwargs):
        calls.append(kwargs)
        return legi_proa.VerifyResult(differences=("article L6324-1 differs",), written=False)

    monkeypatch.setattr(legi_proa, "verify", fake_verify)
    assert cli.main(["knowledge", "refresh", "--package", "proa", "--cache", str(tmp_path)]) == 2
    assert calls == [{}]  # no write
    assert "n'est plus celui de legi-data 2.263.0" in capsys.readouterr().err
