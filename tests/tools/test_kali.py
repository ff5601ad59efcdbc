"""Tests of tools.knowledge_sync.kali: HTML to text, extraction, snapshot diff, refresh (all offline)."""

from __future__ import annotations

import copy
import io
import json
import re
import tarfile
from pathlib import Path
from typing import Any

import pytest

from tools.knowledge_sync import kali, npm
from tools.knowledge_sync.kali import (
    AVENANT_1_TEXT_ID,
    AVENANT_7_TEXT_ID,
    PROA_TEXT_ID,
    TRACKED_TEXT_IDS,
    Change,
    KaliError,
    diff_snapshots,
    extract_texts,
    fetch_latest,
    format_changes,
)
from tools.knowledge_sync.npm import html_footnotes, html_to_text, read_package_version

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "kali"
TRIMMED = FIXTURES / "KALICONT000005635653_trimmed.json"
STATE_3_305_ART3 = FIXTURES / "KALICONT000005635653_3.305.0_art3.json"
SNAPSHOT = ROOT / "knowledge" / "idcc1404" / "kali_snapshot.json"

ART3_CID = "KALIARTI000043074852"
ART3_ID_3_305 = "KALIARTI000043074852"
ART3_ID_NOW = "KALIARTI000051688531"
ANNEX2_ID_NOW = "KALIARTI000051688529"
AVENANT_7_ARTICLE_IDS = {
    "KALIARTI000051314666",  # préambule
    "KALIARTI000051314661",  # art. 1er
    "KALIARTI000051314663",  # art. 2 (changes art. 3 and annex 2 of the Pro-A agreement)
    "KALIARTI000051314664",  # art. 3 (transition)
    "KALIARTI000051314665",  # art. 4 (entry into application)
}


def load_json(path: Path) -> dict[str, Any]:
    """Read a JSON file."""
    return json.loads(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- helpers


def article(
    cid: str,
    id_: str | None = None,
    *,
    num: str | None = "1",
    text: str = "Texte.",
    etat: str = "VIGUEUR",
    links: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Build a snapshot article."""
    return {
        "id": id_ or cid,
        "cid": cid,
        "num": num,
        "etat": etat,
        "surtitre": None,
        "section_path": [],
        "text": text,
        "notes": [],
        "links": links or [],
        **extra,
    }


def snapshot(*articles: dict[str, Any], text_id: str = "KALITEXT1", etat: str = "VIGUEUR_ETEN") -> dict[str, Any]:
    """Build a snapshot holding one text with the given articles."""
    return {
        "texts": {
            text_id: {"id": text_id, "cid": text_id, "title": "Accord test", "etat": etat, "articles": list(articles)}
        }
    }


MODIFIE_LINK = {
    "link_type": "MODIFIE",
    "orientation": "cible",
    "text_title": "Avenant test - art. 2 (VNE)",
    "text_cid": "KALITEXT9",
    "article_num": "2",
    "article_id": "KALIARTI9",
    "date_signature": "2024-11-26",
    "date_publication": "2025-03-12",
    "date_debut": "2025-05-31",
}


# --------------------------------------------------------------------------- HTML to text


def test_html_to_text_blocks_breaks_entities_and_inline_tags() -> None:
    html = (
        '<p align="left">Les formations :<br/>\n– un <em>CQP</em>&nbsp;;<br/>'
        '– un TFP&#160;;</p><p>L&apos;article <a href="/x">L. 6324-1</a>  du   code.</p><p></p>'
    )
    assert html_to_text(html) == "Les formations :\n– un CQP ;\n– un TFP ;\nL'article L. 6324-1 du code."


def test_html_to_text_tables_and_empty_content() -> None:
    html = (
        "<center><table><tr><th>CQP</th><th>Classification</th></tr>"
        "<tr><td>Monteur<br/>\n – option A</td><td>A50</td></tr></table></center>"
    )
    assert html_to_text(html) == "CQP | Classification\nMonteur – option A | A50"
    assert html_to_text("") == ""
    assert html_to_text(None) == ""


def test_html_footnotes_keep_their_source_line() -> None:
    html = (
        '<p>Texte <a href="#RENVOI_X_1"> (1)</a>.</p>'
        '<p><font color="808080"><em><a name="RENVOI_X_1"></a>(1) Termes exclus de '
        "l'extension.<br/>\n(Arrêté du 22 janvier 2021 - art. 1)</em></font></p>"
        '<p><font><em><a name="RENVOI_X_2"></a>(2) Phrase exclue.</em></font></p>'
    )
    assert html_footnotes(html) == [
        "(1) Termes exclus de l'extension. (Arrêté du 22 janvier 2021 - art. 1)",
        "(2) Phrase exclue.",
    ]
    assert html_footnotes("<p>Pas de note.</p>") == []


# --------------------------------------------------------------------------- extraction


@pytest.fixture(scope="module")
def trimmed_snapshot() -> dict[str, Any]:
    """Snapshot extracted from the trimmed real container fixture."""
    return extract_texts(load_json(TRIMMED), [*list(TRACKED_TEXT_IDS), "KALITEXT000000000000"])


def test_extract_texts_keeps_tracked_texts_only(trimmed_snapshot: dict[str, Any]) -> None:
    assert list(trimmed_snapshot["texts"]) == list(TRACKED_TEXT_IDS)
    assert trimmed_snapshot["missing_text_ids"] == ["KALITEXT000000000000"]
    assert trimmed_snapshot["container_id"] == "KALICONT000005635653"
    assert trimmed_snapshot["idcc"] == 1404
    all_ids = {a["id"] for t in trimmed_snapshot["texts"].values() for a in t["articles"]}
    assert "KALIARTI000051688497" not in all_ids  # annexe III of the classification text


def test_extract_texts_article_fields(trimmed_snapshot: dict[str, Any]) -> None:
    proa = trimmed_snapshot["texts"][PROA_TEXT_ID]
    assert proa["title"] == "Accord collectif du 18 septembre 2020 relatif au dispositif « Pro-A »"
    assert proa["etat"] == "VIGUEUR_ETEN"
    art3 = next(a for a in proa["articles"] if a["cid"] == ART3_CID)
    assert art3["id"] == ART3_ID_NOW
    assert art3["num"] == "3"
    assert art3["etat"] == "VIGUEUR"
    assert art3["surtitre"] == "Durée du dispositif"
    assert art3["section_path"] == []
    assert "– un titre à finalité professionnelle (TFP) ;" in art3["text"].splitlines()
    assert "<" not in art3["text"] and "  " not in art3["text"]
    assert len(art3["notes"]) == 2
    assert art3["notes"][0].startswith("(1) Les termes « Une qualification reconnue")
    assert art3["notes"][1].endswith("(Arrêté du 22 janvier 2021 - art. 1)")
    modifie = art3["links"][0]
    assert modifie == {
        "link_type": "MODIFIE",
        "orientation": "cible",
        "text_title": "Création de titres à finalité professionnelle - art. 2 (VNE)",
        "text_cid": AVENANT_7_TEXT_ID,
        "article_num": "2",
        "article_id": "KALIARTI000051314663",
        "date_signature": "2024-11-26",
        "date_publication": "2025-03-12",
        "date_debut": "2025-05-31",
    }
    annex2 = next(a for a in proa["articles"] if a["id"] == ANNEX2_ID_NOW)
    assert annex2["num"] is None
    assert annex2["section_path"][0] == "Annexes"
    assert annex2["section_path"][1].startswith("Annexe 2 Liste des certifications")
    assert "https://www.legifrance.gouv.fr/download/file/pdf/boc_20200045_0000_0014.pdf/BOCC" in annex2["text"]


# --------------------------------------------------------------------------- diff


def test_diff_identical_snapshots_is_empty() -> None:
    snap = snapshot(article("C1"), article("C2", num="2"))
    assert diff_snapshots(snap, copy.deepcopy(snap)) == []


def test_diff_matches_articles_by_cid_when_id_changes() -> None:
    old = snapshot(article("C1", "C1", text="Entre 6 et 12 mois."))
    new = snapshot(article("C1", "NEWID", text="Entre 6 et 12 mois.", links=[MODIFIE_LINK]))
    changes = diff_snapshots(old, new)
    assert len(changes) == 1
    change = changes[0]
    assert isinstance(change, Change)
    assert (change.kind, change.cid, change.old_id, change.new_id) == ("modified", "C1", "C1", "NEWID")
    assert change.modified_by_cid == "KALITEXT9"
    assert (change.date_signature, change.date_publication, change.date_debut) == (
        "2024-11-26",
        "2025-03-12",
        "2025-05-31",
    )
    assert "id C1 -> NEWID" in change.description


def test_diff_text_change_with_same_id_is_modified() -> None:
    old = snapshot(article("C1", text="Ligne A.\nLigne B."))
    new = snapshot(article("C1", text="Ligne A.\nLigne C."))
    (change,) = diff_snapshots(old, new)
    assert change.kind == "modified"
    assert change.old_id == change.new_id == "C1"
    assert '-"Ligne B."' in change.description and '+"Ligne C."' in change.description


def test_diff_whitespace_only_change_is_ignored() -> None:
    old = snapshot(article("C1", text="Ligne  A."))
    new = snapshot(article("C1", text="Ligne A."))
    assert diff_snapshots(old, new) == []


def test_diff_added_and_removed_by_cid() -> None:
    old = snapshot(article("C1"), article("C2", num="2"))
    new = snapshot(article("C1"), article("C3", num="3"))
    kinds = {(c.kind, c.cid) for c in diff_snapshots(old, new)}
    assert kinds == {("added", "C3"), ("removed", "C2")}


def test_diff_abrogated_by_etat_or_end_date() -> None:
    old = snapshot(article("C1"), article("C2", num="2"))
    new = snapshot(article("C1", etat="ABROGE"), article("C2", num="2", date_fin="2025-12-31"))
    changes = diff_snapshots(old, new)
    assert [(c.kind, c.cid) for c in changes] == [("abrogated", "C1"), ("abrogated", "C2")]
    assert changes[0].old_etat == "VIGUEUR" and changes[0].etat == "ABROGE"
    assert changes[1].date_fin == "2025-12-31"
    # KALI's "no end" date is not an abrogation.
    open_end = snapshot(article("C1"), article("C2", num="2", date_fin="2999-01-01"))
    assert [c.kind for c in diff_snapshots(old, open_end)] == ["modified"]


def test_diff_text_level_changes() -> None:
    old = snapshot(article("C1"))
    assert [(c.kind, c.article_label) for c in diff_snapshots({"texts": {}}, old)] == [
        ("added", "(text)"),
        ("added", "art. 1"),
    ]
    assert [(c.kind, c.article_label) for c in diff_snapshots(old, {"texts": {}})] == [
        ("removed", "(text)"),
        ("removed", "art. 1"),
    ]
    extended = snapshot(article("C1"), etat="VIGUEUR_NON_ETEN")
    (change,) = diff_snapshots(extended, old)
    assert (change.kind, change.article_label, change.cid) == ("modified", "(text)", "KALITEXT1")


def test_format_changes_one_line_per_change_with_ids_and_dates() -> None:
    old = snapshot(article("C1", "C1"), article("C2", num="2"))
    new = snapshot(article("C1", "NEWID", links=[MODIFIE_LINK]), article("C3", num=None))
    text = format_changes(diff_snapshots(old, new))
    lines = text.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("MODIFIED  KALITEXT1 art. 1 (cid C1, id C1 -> NEWID")
    assert "signed 2024-11-26, published 2025-03-12, in force 2025-05-31" in lines[0]
    assert lines[1].startswith("ADDED     KALITEXT1 (unnumbered) (cid C3")
    assert lines[2].startswith("REMOVED   KALITEXT1 art. 2 (cid C2")
    assert format_changes([]) == "No change in the tracked KALI texts."


# --------------------------------------------------------------------------- committed snapshot


@pytest.fixture(scope="module")
def committed() -> dict[str, Any]:
    """The committed knowledge/idcc1404/kali_snapshot.json."""
    return load_json(SNAPSHOT)


def test_committed_snapshot_holds_the_tracked_texts(committed: dict[str, Any]) -> None:
    assert committed["package"] == "@socialgouv/kali-data"
    assert re.fullmatch(r"\d+\.\d+\.\d+", committed["version"])  # 3.449.0 when written
    assert committed["container_id"] == "KALICONT000005635653"
    assert list(committed["texts"]) == [PROA_TEXT_ID, AVENANT_1_TEXT_ID, AVENANT_7_TEXT_ID]
    assert committed["texts"][AVENANT_7_TEXT_ID]["title"].startswith("Avenant n° 7 du 26 novembre 2024")
    avenant7_ids = {a["id"] for a in committed["texts"][AVENANT_7_TEXT_ID]["articles"]}
    assert avenant7_ids == AVENANT_7_ARTICLE_IDS
    proa_ids = {a["cid"]: a["id"] for a in committed["texts"][PROA_TEXT_ID]["articles"]}
    assert proa_ids[ART3_CID] == ART3_ID_NOW
    assert proa_ids["KALIARTI000043074865"] == ANNEX2_ID_NOW
    assert proa_ids["KALIARTI000043074855"] == "KALIARTI000045399019"  # art. 6 after avenant n° 1


def test_diff_from_3_305_0_state_reports_article_3_modified(committed: dict[str, Any]) -> None:
    old = extract_texts(load_json(STATE_3_305_ART3), list(TRACKED_TEXT_IDS))
    old_art3 = old["texts"][PROA_TEXT_ID]["articles"][0]
    assert (old_art3["id"], old_art3["cid"]) == (ART3_ID_3_305, ART3_CID)
    changes = diff_snapshots(old, committed)
    art3 = [c for c in changes if c.cid == ART3_CID]
    assert len(art3) == 1
    change = art3[0]
    assert change.kind == "modified"
    assert change.article_num == "3"
    assert (change.old_id, change.new_id) == (ART3_ID_3_305, ART3_ID_NOW)
    assert change.modified_by_cid == AVENANT_7_TEXT_ID
    assert (change.date_signature, change.date_publication, change.date_debut) == (
        "2024-11-26",
        "2025-03-12",
        "2025-05-31",
    )
    assert '+"– un titre à finalité professionnelle (TFP) ;"' in change.description
    line = next(text for text in format_changes(changes).splitlines() if ART3_CID in text)
    assert f"id {ART3_ID_3_305} -> {ART3_ID_NOW}" in line
    # Articles absent from the trimmed fixture show up as added, never as removed.
    assert not [c for c in changes if c.kind == "removed"]


# --------------------------------------------------------------------------- refresh / CLI


def make_data_dir(tmp_path: Path, container: Path, version: str = "9.9.9") -> Path:
    """Lay out a kali-data package directory (package.json + data/) from a fixture."""
    package = tmp_path / "package"
    (package / "data").mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({"name": kali.PACKAGE_NAME, "version": version}))
    (package / "data" / "KALICONT000005635653.json").write_bytes(container.read_bytes())
    return package / "data"


def test_refresh_from_dir_writes_then_reports_nothing(tmp_path: Path) -> None:
    data_dir = make_data_dir(tmp_path, TRIMMED)
    knowledge = tmp_path / "knowledge"
    out = io.StringIO()
    changes = kali.refresh(knowledge, tmp_path / "cache", write=True, from_dir=data_dir, stream=out)
    assert {c.kind for c in changes} == {"added"}
    written = load_json(knowledge / "idcc1404" / "kali_snapshot.json")
    assert written["version"] == "9.9.9"
    assert list(written["texts"]) == list(TRACKED_TEXT_IDS)
    out = io.StringIO()
    assert kali.refresh(knowledge, tmp_path / "cache", write=False, from_dir=data_dir, stream=out) == []
    assert "No change in the tracked KALI texts." in out.getvalue()
    assert not (tmp_path / "cache").exists()  # no npm, no cache


def test_main_check_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = make_data_dir(tmp_path, STATE_3_305_ART3, version="3.305.0")
    knowledge = tmp_path / "knowledge"
    args = ["refresh", "--from-dir", str(data_dir), "--knowledge", str(knowledge)]
    assert kali.main([*args, "--write"]) == 0
    assert kali.main([*args, "--check"]) == 0
    newer = make_data_dir(tmp_path / "newer", TRIMMED, version="3.449.0")
    newer_args = ["refresh", "--from-dir", str(newer), "--knowledge", str(knowledge)]
    assert kali.main([*newer_args, "--check"]) == 1
    output = capsys.readouterr().out
    assert "3.305.0 (snapshot) -> 3.449.0" in output
    assert f"MODIFIED  {PROA_TEXT_ID} art. 3 (cid {ART3_CID}, id {ART3_ID_3_305} -> {ART3_ID_NOW}" in output
    assert kali.main(["refresh", "--from-dir", str(tmp_path / "nowhere"), "--knowledge", str(knowledge)]) == 2
    assert "error:" in capsys.readouterr().err


# --------------------------------------------------------------------------- fetching (a local registry: tests/tools/conftest.py)


PACKAGE = kali.PACKAGE_NAME


def make_tarball(path: Path, version: str) -> None:
    """Write a small npm-like tarball holding package.json and the container fixture."""
    with tarfile.open(path, "w:gz") as tar:
        for name, data in (
            ("package/package.json", json.dumps({"version": version}).encode()),
            ("package/data/index.json", b"[]"),
            ("package/data/KALICONT000005635653.json", TRIMMED.read_bytes()),
            ("package/data/KALICONT000000000001.json", b"{}"),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def tarball_bytes(tmp_path: Path, version: str) -> bytes:
    path = tmp_path / f"built-{version}.tgz"
    make_tarball(path, version)
    return path.read_bytes()


def test_fetch_latest_downloads_the_latest_release_and_extracts_needed_files(tmp_path: Path, registry: Any) -> None:
    registry.publish(PACKAGE, "3.500.0", tarball_bytes(tmp_path, "3.500.0"))
    cache = tmp_path / "cache"
    data_dir = fetch_latest(cache)
    assert registry.requests == [f"/{PACKAGE}/latest", f"/-/tarballs/{PACKAGE}/3.500.0.tgz"]
    assert (cache / "socialgouv-kali-data-3.500.0.tgz").is_file()  # npm pack's name
    assert data_dir == cache / "kali-data-3.500.0" / "data"
    assert sorted(p.name for p in data_dir.iterdir()) == ["KALICONT000005635653.json", "index.json"]
    assert read_package_version(data_dir) == "3.500.0"
    # The latest release already in the cache is not downloaded again.
    assert fetch_latest(cache) == data_dir
    assert registry.requests[2:] == [f"/{PACKAGE}/latest"]


def test_fetch_latest_reuses_a_cached_tarball_without_the_registry(tmp_path: Path, no_registry: None) -> None:
    make_tarball(tmp_path / "socialgouv-kali-data-3.449.0.tgz", "3.449.0")
    data_dir = fetch_latest(tmp_path, "3.449.0")
    assert kali.load_container(data_dir)["data"]["id"] == "KALICONT000005635653"


def test_fetch_latest_clear_errors(tmp_path: Path, registry: Any) -> None:
    with pytest.raises(KaliError, match=r"could not read .*/@socialgouv/kali-data/0\.0\.0: 404"):
        fetch_latest(tmp_path, "0.0.0")
    # A download that is not the published tarball is refused and not kept.
    registry.publish(PACKAGE, "3.501.0", tarball_bytes(tmp_path, "3.501.0"))
    registry.announced[(PACKAGE, "3.501.0")] = "sha512-" + "A" * 86 + "=="
    with pytest.raises(KaliError, match="does not match the known hash"):
        fetch_latest(tmp_path / "cache", "3.501.0")
    assert not (tmp_path / "cache" / "socialgouv-kali-data-3.501.0.tgz").exists()


def test_every_registry_call_has_a_timeout(
    tmp_path: Path, silent_registry: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(npm, "TIMEOUT_S", 0.5)
    with pytest.raises(KaliError, match="timed out"):
        fetch_latest(tmp_path)
