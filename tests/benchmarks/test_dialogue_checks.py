"""The fact checks of benchmarks/bench_dialogue.py, on tiny fixtures (no server), and the
validity of the two case files against the knowledge."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from benchmarks.dialogue_checks import (
    CaseError,
    Reply,
    check_turn,
    has_token,
    judge,
    load_cases,
)

ROOT = Path(__file__).resolve().parents[2]
CARISTE = "logistique-transport/logistique/magasinier-cariste"
ELEC_BAT = "btp/electricite/electricien-batiment"
ELEC_IND = "btp/electricite/electricien-industrie"


def answer(text="", metier=None, rncp=(), buttons=(), verdict="info", topic="certifications", idcc=2378):
    """One REST bot message shaped like the assistant's (docs/DESIGN.md)."""
    custom = {
        "type": "proa_answer",
        "verdict": verdict,
        "topic": topic,
        "branch": {"idcc": idcc, "name": "x"},
        "metier": {"id": metier, "label": "x"} if metier else None,
        "certifications": [{"title": "t", "rncp": code, "level": None, "url": None} for code in rncp],
        "text": text,
        "buttons": [{"title": b, "payload": f'/inform{{"metier_id": "{b}"}}'} for b in buttons],
    }
    return [{"text": text, "custom": custom}]


def reply(*args, **kwargs) -> Reply:
    return Reply.from_messages(answer(*args, **kwargs))


def test_reply_collects_facts_from_text_custom_and_buttons():
    messages = answer("Pour vous : TP Cariste (RNCP 34857).", metier=CARISTE, rncp=["RNCP1852"])
    messages.append(
        {"text": "Lequel ?", "buttons": [{"title": "a", "payload": f'/inform{{"metier_id": "{ELEC_BAT}"}}'}]}
    )
    got = Reply.from_messages(messages)
    assert got.chosen == [CARISTE]
    assert got.codes == {"RNCP34857", "RNCP1852"}
    assert got.offered == [ELEC_BAT]
    assert got.branches == [2378]


def test_cariste_answer_passes_and_foreign_bts_fails():
    expect = {"metier_id": CARISTE, "rncp_only": ["RNCP34857", "RNCP1852", "RNCP310"]}
    assert check_turn(expect, reply("…", metier=CARISTE, rncp=["RNCP34857"])) == []
    failures = check_turn(expect, reply("…", metier=CARISTE, rncp=["RNCP12798"]))
    assert len(failures) == 1 and failures[0].startswith("rncp_only")


def test_metier_any_accepts_a_choice_among_right_metiers_only():
    expect = {"metier_any": [ELEC_BAT, ELEC_IND]}
    assert check_turn(expect, reply(buttons=[ELEC_BAT, ELEC_IND])) == []
    assert check_turn(expect, reply(metier=ELEC_IND)) == []
    assert check_turn(expect, reply(buttons=[ELEC_BAT, CARISTE]))  # a wrong métier offered
    assert check_turn(expect, reply("Je ne connais pas ce métier."))  # nothing at all


def test_metier_id_is_not_satisfied_by_a_choice():
    assert check_turn({"metier_id": ELEC_BAT}, reply(buttons=[ELEC_BAT])) == []
    assert check_turn({"metier_id": ELEC_BAT}, reply(buttons=[ELEC_BAT, ELEC_IND]))


def test_refusal_checks():
    expect = {"no_metier": True, "no_rncp": True}
    assert check_turn(expect, reply("Ce métier n'est pas dans la liste.")) == []
    assert len(check_turn(expect, reply("Voyez le RNCP 1234.", metier=CARISTE))) == 2


def test_tokens_are_whole_words_accent_and_case_insensitive():
    text = (
        "De 150 à 450 heures ; jusqu'à 2 100 heures sur 36 mois ; 9,15 € de l'heure. L'Opérateur de compétences (OPCO)."
    )
    assert has_token(text, "150") and has_token(text, "2100") and has_token(text, "9.15")
    assert has_token(text, "operateur") and has_token(text, "opco")
    assert not has_token(text, "15") and not has_token(text, "100") and not has_token(text, "45")
    assert check_turn({"contains_all": ["150", "450"]}, reply(text)) == []
    assert check_turn({"contains_all": ["150", "1500"]}, reply(text)) == ["contains_all: text lacks ['1500']"]
    assert check_turn({"contains_any": ["accord", "convention"]}, reply(text))
    assert check_turn({"contains_none": ["BTS"]}, reply(text)) == []


def test_verdict_topic_branch_and_asks_metier():
    asked = reply("Quel est votre métier ?", verdict="needs_information", topic="eligibility", idcc=1404)
    assert check_turn({"asks_metier": True, "branch_idcc": 1404, "topic_in": ["eli*"]}, asked) == []
    assert check_turn({"verdict_in": ["eligible"]}, asked)
    assert check_turn({"asks_metier": True}, reply(metier=CARISTE))
    # A plain prompt of a form (no structured answer) asks too, whatever its wording.
    prompt = Reply.from_messages([{"text": "Quel est votre métier ?"}])
    assert check_turn({"asks_metier": True}, prompt) == []
    assert check_turn({"asks_metier": True}, Reply.from_messages([{"text": "Bonjour !"}]))


def test_voir_plus_needs_new_codes_unless_the_list_was_complete(tmp_path):
    cases = load_cases_from_text(
        """
cases:
- id: c1
  category: multi_turn
  turns:
  - {user: soudeur, expect: {rncp_any: [RNCP1]}}
  - {user: voir plus, expect: {rncp_more: [RNCP1, RNCP2, RNCP3]}}
""",
        tmp_path,
    )
    first = reply(rncp=["RNCP1", "RNCP2"])
    assert judge(cases[0], [first, reply(rncp=["RNCP3"])]).passed
    result = judge(cases[0], [first, reply(rncp=["RNCP2"])])
    assert not result.passed and result.failures[0].startswith("turn 2: rncp_more")
    assert not judge(cases[0], [first]).passed  # a missing reply is a failure
    # Everything shown on the first page: « la liste est complète » is right.
    complete = reply(rncp=["RNCP1", "RNCP2", "RNCP3"])
    assert judge(cases[0], [complete, reply("La liste est complète.")]).passed


def test_an_error_fails_the_turn():
    assert check_turn({"no_rncp": True}, Reply(error="timeout")) == ["error: timeout"]


def load_cases_from_text(text: str, folder: Path):
    path = folder / "cases.yml"
    path.write_text(text, encoding="utf-8")
    return load_cases(path)


@pytest.mark.parametrize(
    "text",
    [
        "cases:\n- {id: a, category: nope, turns: [{user: x, expect: {no_rncp: true}}]}\n",
        "cases:\n- {id: a, category: faq, turns: [{user: x, expect: {wording_is: 'Bonjour'}}]}\n",
        "cases:\n- {id: a, category: faq, turns: []}\n",
        (
            "cases:\n- {id: a, category: faq, turns: [{user: x, expect: {no_rncp: true}}]}\n"
            "- {id: a, category: faq, turns: [{user: y, expect: {no_rncp: true}}]}\n"
        ),
    ],
)
def test_bad_case_files_are_rejected(text, tmp_path):
    with pytest.raises(CaseError):
        load_cases_from_text(text, tmp_path)


# --------------------------------------------------------------- the real case files
def _annex():
    rows = list(csv.DictReader((ROOT / "knowledge/idcc2378/annex.csv").open(encoding="utf-8")))
    codes = {}
    for row in rows:
        codes.setdefault(row["metier_id"], set()).add(row["rncp"])
    return codes


def _sdlm_ids():
    vocabulary = yaml.safe_load((ROOT / "knowledge/idcc1404/vocabulary.yml").read_text(encoding="utf-8"))
    return set(vocabulary["metiers"])


@pytest.mark.parametrize("name", ["dialogue_heldout.yml", "dialogue_dev.yml"])
def test_case_files_name_only_real_metiers_and_codes(name):
    cases = load_cases(ROOT / "benchmarks" / "data" / name)
    annex, sdlm = _annex(), _sdlm_ids()
    all_codes = set().union(*annex.values())
    for case in cases:
        known = sdlm if case.idcc == 1404 or "sdlm" in case.turns[0].user.lower() else set(annex)
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


def test_heldout_set_size_coverage_and_independence_from_dev():
    heldout = load_cases(ROOT / "benchmarks/data/dialogue_heldout.yml")
    dev = load_cases(ROOT / "benchmarks/data/dialogue_dev.yml")
    assert len(heldout) >= 200
    categories = {c.category for c in heldout}
    assert {"metier_described", "not_in_annex", "adviser", "sdlm", "regime", "multi_turn"} <= categories
    # Every sub-sector of the annex has at least one métier expected in the held-out set.
    expected = {i for c in heldout for t in c.turns for i in t.expect.get("metier_any", [])}
    sub_sectors = {i.rsplit("/", 1)[0] for i in _annex()}
    assert sub_sectors <= {i.rsplit("/", 1)[0] for i in expected if "/" in i}
    # No dev message repeats a held-out message, except generic follow-ups.
    generic = {"voir plus", "quelles certifications ?"}
    held = {t.user.lower() for c in heldout for t in c.turns} - generic
    assert not held & {t.user.lower() for c in dev for t in c.turns}
    # Every job not in the annex is checked for refusal without an invented certification.
    for case in heldout:
        if case.category == "not_in_annex":
            assert case.turns[0].expect == {"no_metier": True, "no_rncp": True}, case.id
