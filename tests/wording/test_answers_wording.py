"""The answers' wording (knowledge/wording/answers.yml, adviser.yml) as bot.compose.french
reads it: the adviser's third person mirrors the person's sentences, every reason code and
every yes/no answer of the rules has its sentence, the word file of the composer is valid."""

from __future__ import annotations

import json
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.compose import french, text_words
from bot.lexicon import read_word_file
from bot.rules import ReasonCode
from bot.wording import section

ROOT = Path(__file__).resolve().parents[2]


def _fields(sentence: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(sentence) if name}


def _mirrors(adviser: Mapping[str, Any], answers: Mapping[str, Any], where: str = "") -> None:
    """Each adviser sentence has its person's sentence, with the same {named} fields."""
    for key, value in adviser.items():
        assert key in answers, f"{where}{key}"
        if isinstance(value, Mapping):
            _mirrors(value, answers[key], f"{where}{key}.")
        else:
            assert _fields(value) == _fields(answers[key]), f"{where}{key}"


def test_the_adviser_wording_mirrors_the_persons_sentences():
    _mirrors(section("adviser"), section("answers"))


def test_every_reason_code_that_carries_its_facts_has_a_sentence():
    worded = {code for code, sentence in french.REASON_TEXTS.items() if sentence is not None}
    assert worded == {code for code in ReasonCode if not code.name.endswith("_RULE")}
    assert set(section("answers")["reasons"]) == {code.value for code in worded}


def _answer_enums(node: Any) -> list[set[str]]:
    """Every ``answer`` enum of the rules' schema (a rule's, a closed ask's)."""
    if isinstance(node, Mapping):
        found = [set(node["answer"]["enum"])] if "enum" in node.get("answer", {}) else []
        return found + [enum for value in node.values() for enum in _answer_enums(value)]
    if isinstance(node, list):
        return [enum for value in node for enum in _answer_enums(value)]
    return []


def test_every_yes_no_answer_of_the_rules_has_its_sentence():
    schema = json.loads((ROOT / "knowledge" / "schema" / "rules.schema.json").read_text(encoding="utf-8"))
    enums = _answer_enums(schema)
    assert len(enums) == 2 and all(enum == set(french.YES_NO) for enum in enums)
    assert french.YES_NO["cela dépend"] == "Cela dépend."


def test_the_composers_word_file_is_valid_and_read():
    assert read_word_file.__wrapped__(text_words.WORD_FILE)
    assert "n°" in text_words.ABBREVIATIONS and text_words.QUOTE_OPEN == "«"


def test_a_list_count_picks_one_or_many():
    assert french.verdict_list(1, "Cariste").startswith("La liste de la branche prévoit 1 certification pour")
    assert "3 certifications pour « Cariste »" in french.verdict_list(3, "Cariste")
