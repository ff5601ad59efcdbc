"""Tests of tools.knowledge_sync.legi and bot.knowledge.legi (legi-data sync, snapshot diff, citation check) and of the
Code du travail citations of knowledge/law: all offline, on committed fixtures."""

from __future__ import annotations

import copy
import io
import json
import re
import tarfile
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot import cli
from bot.knowledge import legi as legi_snapshot
from bot.knowledge.loader import load_knowledge
from tests.tools.conftest import closed_url
from tools.knowledge_sync import legi, npm

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "legi" / "LEGITEXT000006072050_trimmed.json"
SNAPSHOT = ROOT / "knowledge" / "law" / "legi_snapshot.json"
FIXTURE_NUMS = ("L1251-58-1", "L6324-1", "L6324-3", "L6324-4", "L6324-10", "R6324-1", "D6332-90")


@pytest.fixture(scope="module")
def code() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def snapshot() -> dict[str, Any]:
    return json.loads(SNAPSHOT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def kb():
    return load_knowledge()


def make_data_dir(tmp_path: Path, code_json: dict[str, Any], version: str = "9.9.9") -> Path:
    """Lay out a legi-data package directory (package.json + data/)."""
    package = tmp_path / "package"
    (package / "data").mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({"name": legi_snapshot.PACKAGE_NAME, "version": version}))
    (package / "data" / f"{legi.CODE_ID}.json").write_text(json.dumps(code_json), encoding="utf-8")
    return package / "data"


def article_node(code_json: dict[str, Any], num: str) -> dict[str, Any]:
    return next(n for n in npm.iter_nodes(code_json) if n.get("type") == "article" and n["data"]["num"] == num)


# --------------------------------------------------------------------------- extraction


def test_legi_dates_are_milliseconds_and_2999_is_no_end():
    assert legi.legi_date(1767225600000) == "2026-01-01"
    assert legi.legi_date(1769904000000) == "2026-02-01"
    assert legi.legi_date(32472144000000) is None
    assert legi.legi_date(None) is None


def test_extract_keeps_the_tracked_articles_with_plain_text(code):
    extracted = legi.extract_articles(code)
    nums = [a["num"] for a in extracted["articles"]]
    assert nums == [n for n in legi.TRACKED_ARTICLES if n in FIXTURE_NUMS]
    assert "L6324-2" in extracted["missing"]
    first = next(a for a in extracted["articles"] if a["num"] == "L6324-1")
    assert first["id"] == "LEGIARTI000052437351" and first["etat"] == "VIGUEUR"
    assert first["date_debut"] == "2026-01-01" and first["date_fin"] is None
    # Plain text from the HTML: no tag, no stray space where a link was, paragraphs kept.
    assert "<" not in first["text"] and "l'article L. 6314-1" in first["text"]
    assert first["text"].count("\n") == 1
    assert first["section_path"][-2] == "Chapitre IV : Période de reconversion"


def test_snapshot_is_built_from_legi_data_2_513_0(snapshot):
    assert snapshot["package"] == legi_snapshot.PACKAGE_NAME and snapshot["version"] == "2.513.0"
    assert [a["num"] for a in snapshot["articles"]] == list(legi.TRACKED_ARTICLES)
    assert snapshot["missing_articles"] == []
    for article in snapshot["articles"]:
        assert re.fullmatch(r"LEGIARTI\d{12}", article["id"]) and article["etat"] == "VIGUEUR"
        assert article["text"] and "<" not in article["text"]


# --------------------------------------------------------------------------- diff


def test_diff_reports_added_modified_and_abrogated(code):
    old = legi.build_snapshot(code, "1.0.0")
    assert legi.diff_snapshots(old, old) == []
    newer = copy.deepcopy(code)
    # New version of L6324-4 (new id, new text); L6324-10 abrogated; R6324-1 gone from the code.
    art4 = article_node(newer, "L6324-4")["data"]
    art4["id"] = "LEGIARTI000099999999"
    art4["texteHtml"] = art4["texteHtml"].replace("450 heures", "600 heures")
    article_node(newer, "L6324-10")["data"]["etat"] = "ABROGE"
    for node in npm.iter_nodes(newer):
        node["children"] = [c for c in node.get("children") or [] if (c.get("data") or {}).get("num") != "R6324-1"]
    changes = {c.num: c for c in legi.diff_snapshots(old, legi.build_snapshot(newer, "2.0.0"))}
    assert changes["L6324-4"].kind == "modified"
    assert "id LEGIARTI000052437327 -> LEGIARTI000099999999" in changes["L6324-4"].description
    assert "[450 -> 600] heures" in changes["L6324-4"].description
    assert changes["L6324-10"].kind == "abrogated"
    assert changes["R6324-1"].kind == "abrogated" and changes["R6324-1"].new_id is None
    assert set(changes) == {"L6324-4", "L6324-10", "R6324-1"}
    text = legi.format_changes(changes.values())
    assert "MODIFIED  L6324-4 (id LEGIARTI000052437327 -> LEGIARTI000099999999" in text
    assert "ABROGATED R6324-1" in text
    added = legi.diff_snapshots({"articles": []}, old)
    assert {c.kind for c in added} == {"added"} and len(added) == len(FIXTURE_NUMS)


# --------------------------------------------------------------------------- refresh / CLI


def test_refresh_from_dir_writes_then_reports_nothing(tmp_path, code):
    data_dir = make_data_dir(tmp_path, code)
    knowledge = tmp_path / "knowledge"
    out = io.StringIO()
    changes = legi.refresh(knowledge, tmp_path / "cache", write=True, from_dir=data_dir, stream=out)
    assert {c.kind for c in changes} == {"added"}
    written = json.loads((knowledge / "law" / "legi_snapshot.json").read_text(encoding="utf-8"))
    assert written["version"] == "9.9.9"
    assert "WARNING   tracked article L6324-2 not found" in out.getvalue()
    out = io.StringIO()
    assert legi.refresh(knowledge, tmp_path / "cache", write=False, from_dir=data_dir, stream=out) == []
    assert "No change in the tracked Code du travail articles." in out.getvalue()
    assert not (tmp_path / "cache").exists()  # no npm, no cache


def test_main_check_and_errors(tmp_path, code, capsys):
    knowledge = tmp_path / "knowledge"
    data_dir = make_data_dir(tmp_path / "old", code, "1.0.0")
    args = ["refresh", "--from-dir", str(data_dir), "--knowledge", str(knowledge)]
    assert legi.main([*args, "--write"]) == 0
    assert legi.main([*args, "--check"]) == 0
    newer = copy.deepcopy(code)
    article_node(newer, "L6324-1")["data"]["id"] = "LEGIARTI000099999998"
    newer_dir = make_data_dir(tmp_path / "new", newer, "2.0.0")
    assert legi.main(["refresh", "--from-dir", str(newer_dir), "--knowledge", str(knowledge), "--check"]) == 1
    assert "1.0.0 (snapshot) -> 2.0.0" in capsys.readouterr().out
    assert legi.main(["refresh", "--from-dir", str(tmp_path / "nowhere"), "--knowledge", str(knowledge)]) == 2
    assert "error:" in capsys.readouterr().err


def test_bot_knowledge_refresh_covers_both_packages(tmp_path, code, capsys):
    kali_fixture = ROOT / "tests" / "fixtures" / "kali" / "KALICONT000005635653_trimmed.json"
    kali_dir = tmp_path / "kali" / "package" / "data"
    kali_dir.mkdir(parents=True)
    (kali_dir.parent / "package.json").write_text(json.dumps({"version": "3.449.0"}))
    (kali_dir / "KALICONT000005635653.json").write_bytes(kali_fixture.read_bytes())
    legi_dir = make_data_dir(tmp_path / "legi", code, "2.513.0")
    knowledge = tmp_path / "knowledge"
    argv = [
        "knowledge",
        "refresh",
        "--from-dir",
        str(kali_dir),
        "--legi-from-dir",
        str(legi_dir),
        "--knowledge",
        str(knowledge),
        "--cache",
        str(tmp_path / "cache"),
        "--write",
    ]
    assert cli.main(argv) == 0
    output = capsys.readouterr().out
    assert "@socialgouv/kali-data none (snapshot) -> 3.449.0" in output
    assert "@socialgouv/legi-data none (snapshot) -> 2.513.0" in output
    assert (knowledge / "idcc1404" / "kali_snapshot.json").is_file()
    assert (knowledge / "law" / "legi_snapshot.json").is_file()
    assert cli.main([*argv[:-1], "--package", "legi"]) == 0
    assert "No change in the tracked Code du travail articles." in capsys.readouterr().out


def make_tarball(path: Path, code_json: dict[str, Any], version: str) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in (
            ("package/package.json", json.dumps({"version": version}).encode()),
            (f"package/data/{legi.CODE_ID}.json", json.dumps(code_json).encode()),
            ("package/data/LEGITEXT000006073189.json", b"{}"),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_fetch_downloads_into_the_cache_and_extracts_only_the_code(tmp_path, code, registry, monkeypatch):
    built = tmp_path / "built.tgz"
    make_tarball(built, code, "2.600.0")
    registry.publish(legi_snapshot.PACKAGE_NAME, "2.600.0", built.read_bytes())
    data_dir = legi.fetch_latest(tmp_path)
    assert registry.requests[0] == f"/{legi_snapshot.PACKAGE_NAME}/latest"
    assert data_dir == tmp_path / "legi-data-2.600.0" / "data"
    assert [p.name for p in data_dir.iterdir()] == [f"{legi.CODE_ID}.json"]
    assert npm.read_package_version(data_dir) == "2.600.0"
    # A cached tarball of the asked version is reused without the registry.
    closed = closed_url()
    monkeypatch.setenv("npm_config_registry", closed)
    assert legi.fetch_latest(tmp_path, "2.600.0") == data_dir
    with pytest.raises(legi.LegiError, match=f"could not read {re.escape(closed)}/"):
        legi.fetch_latest(tmp_path / "empty")


def test_the_default_cache_is_outside_the_repository():
    assert ROOT not in npm.DEFAULT_CACHE_DIR.resolve().parents


# --------------------------------------------------------------------------- citations


def test_every_legiarti_quote_of_the_knowledge_is_verbatim_in_the_snapshot(kb, snapshot):
    # The Pro-A rules quote the pinned Pro-A release instead (tests/knowledge/test_legi_proa.py).
    from bot.knowledge import legi_proa

    report = legi_snapshot.check_citations([r for r in kb.all_rules() if not legi_proa.is_proa_rule(r)], snapshot)
    assert report.problems == ()
    assert report.verbatim >= 30


def test_every_periode_de_reconversion_rule_cites_the_code_or_says_to_confirm(kb):
    raw = yaml.safe_load((ROOT / "knowledge" / "law" / "periode_reconversion.yml").read_text(encoding="utf-8"))
    for item in raw["rules"]:
        rule = kb.rule(item["id"])
        if rule.source.legi_id is None:
            assert rule.values.get("verified") is False and "à confirmer auprès de votre OPCO" in rule.summary, rule.id
        else:
            assert rule.source.document.id == "code-du-travail", rule.id


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda r: replace(r, source=replace(r.source, quote=r.source.quote.replace("150", "200"))), "quote not found"),
        (lambda r: replace(r, source=replace(r.source, more_quotes=("2 400 heures de formation",))), "quote not found"),
        (lambda r: replace(r, valid_from=date(2025, 1, 1)), "is not a start date"),
        (lambda r: replace(r, source=replace(r.source, article="L6324-5")), "is not L6324-4"),
        (lambda r: replace(r, source=replace(r.source, legi_id="LEGIARTI000000000001")), "not in the legi snapshot"),
    ],
)
def test_the_citation_check_catches_a_wrong_quote_date_number_or_id(kb, snapshot, change, expected):
    broken = change(kb.rule("law.reconversion.training"))
    problems = legi_snapshot.check_citations([broken], snapshot).problems
    assert problems and expected in problems[0]


def test_a_pro_a_rule_links_the_version_in_force_until_2025(kb, snapshot):
    rule = kb.rule("law.proa.beneficiaries")
    assert rule.source.url == "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000038951696"
    longer = replace(rule, valid_until=date(2026, 6, 30))
    assert "valid_until" in legi_snapshot.check_citations([longer], snapshot).problems[0]


def test_nota_entry_into_force_is_an_allowed_start(snapshot):
    art4 = next(a for a in snapshot["articles"] if a["num"] == "L6324-4")
    assert legi_snapshot.allowed_starts(art4) == {"2025-10-26", "2026-01-01"}


def test_validate_command_checks_the_code_du_travail_quotes(capsys):
    assert cli.main(["knowledge", "validate"]) == 0
    out = capsys.readouterr().out
    assert "citations checked word for word" in out and "agreements (KALI)" in out


def test_validate_fails_on_a_quote_that_is_not_in_the_snapshot(tmp_path, capsys, monkeypatch):
    import shutil

    from bot.knowledge.loader import _cached

    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    law = knowledge / "law" / "periode_reconversion.yml"
    law.write_text(
        law.read_text(encoding="utf-8").replace("entre 150 heures et 450 heures", "entre 150 heures et 500 heures"),
        encoding="utf-8",
    )
    monkeypatch.setenv("PROA_KNOWLEDGE_DIR", str(knowledge))
    _cached.cache_clear()
    try:
        assert cli.main(["knowledge", "validate"]) == 2
        assert "law.reconversion.training: quote not found verbatim in L6324-4" in capsys.readouterr().err
    finally:
        _cached.cache_clear()


def test_kali_citations_of_the_knowledge_are_verbatim(kb):
    from bot.knowledge import kali

    checked, problems = kali.check_citations(
        kb.cited(), kali.read_snapshot(ROOT / "knowledge" / kali.SNAPSHOT_RELATIVE_PATH)
    )
    assert problems == [] and checked >= 25


# --------------------------------------------------------------------------- deep links


def test_every_source_has_a_deep_link_and_a_check_date(kb):
    for rule in kb.all_rules():
        source = rule.source
        assert source.checked_on is not None, rule.id
        if source.legi_id:
            assert source.url == f"https://www.legifrance.gouv.fr/codes/article_lc/{source.legi_id}"
        elif source.kali_id:
            assert source.url == f"https://www.legifrance.gouv.fr/conv_coll/article/{source.kali_id}"
    assert kb.rule("law.reconversion.default_rate").source.url.endswith("LEGIARTI000053428315")


def test_readme_lists_the_code_du_travail_with_package_and_version(snapshot):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`{snapshot['package']}` {snapshot['version']}" in readme
