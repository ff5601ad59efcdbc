"""The adviser / SDLM / regime dev set (benchmarks/data/dialogue_dev_adviser.yml): it
loads, names only real métiers and RNCP codes, covers what it is for, and repeats no
message of the other two sets."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import yaml

from benchmarks.dialogue_checks import load_cases

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "benchmarks" / "data"
CASES = load_cases(DATA / "dialogue_dev_adviser.yml")


def _annex_codes() -> dict[str, set[str]]:
    codes: dict[str, set[str]] = {}
    with (ROOT / "knowledge/idcc2378/annex.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            codes.setdefault(row["metier_id"], set()).add(row["rncp"])
    return codes


def _sdlm_ids() -> set[str]:
    vocabulary = yaml.safe_load((ROOT / "knowledge/idcc1404/vocabulary.yml").read_text(encoding="utf-8"))
    return set(vocabulary["metiers"])


def test_size_and_categories() -> None:
    counts = Counter(case.category for case in CASES)
    assert len(CASES) >= 80
    assert counts["adviser"] >= 30 and counts["sdlm"] >= 20
    assert counts["regime"] >= 10 and counts["faq"] >= 10
    assert any(len(case.turns) > 1 for case in CASES if case.category == "adviser")
    assert any(case.idcc == 1404 for case in CASES) and any(
        case.idcc is None and case.category == "sdlm" for case in CASES
    )


def test_names_only_real_metiers_and_codes() -> None:
    annex, sdlm = _annex_codes(), _sdlm_ids()
    all_codes = set().union(*annex.values())
    for case in CASES:
        # SDLM cases use the ids of knowledge/idcc1404/vocabulary.yml, the others the annex's
        known = sdlm if case.category == "sdlm" else set(annex)
        for turn in case.turns:
            expect = turn.expect
            ids = list(expect.get("metier_any", [])) + list(expect.get("offers_metiers", []))
            ids += [expect["metier_id"]] if "metier_id" in expect else []
            assert all(i in known for i in ids), (case.id, ids)
            for key in ("rncp_all", "rncp_any", "rncp_none", "rncp_only"):
                assert set(expect.get(key, [])) <= all_codes, (case.id, key)
            if "rncp_only" in expect and "metier_any" in expect:
                allowed = set().union(*(annex[i] for i in expect["metier_any"]))
                assert set(expect["rncp_only"]) == allowed, case.id
            if case.category == "sdlm" and ("metier_id" in expect):
                # the KALI text gives no RNCP code for the SDLM list
                assert expect.get("no_rncp") is True, case.id


def test_no_message_of_the_other_sets() -> None:
    generic = {"voir plus", "quelles certifications ?"}
    mine = {t.user.lower() for c in CASES for t in c.turns} - generic
    for name in ("dialogue_dev.yml", "dialogue_heldout.yml"):
        other = {t.user.lower() for c in load_cases(DATA / name) for t in c.turns}
        # only a count: the held-out messages must not be shown to whoever tunes on this set
        assert not mine & other, f"{len(mine & other)} messages shared with {name}"
