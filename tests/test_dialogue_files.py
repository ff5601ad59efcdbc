"""Consistency of the dialogue files: domain.yml, data/rules.yml, data/stories.yml,
the generated lookup table, the custom actions and the report checker."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]

#: A legal figure: months, percentages, hours, euros, RNCP codes.
LEGAL_FIGURE = re.compile(r"\d+\s*(?:mois\b|%|heures?\b|h\b|€|euros?\b)|RNCP\s*\d", re.IGNORECASE)


def load(path: str):
    return yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def domain():
    return load("domain.yml")


@pytest.mark.parametrize("path", ["domain.yml", "data/rules.yml", "data/stories.yml", "tests/test_stories.yml"])
def test_no_legal_figure_in_dialogue_files(path):
    text = (ROOT / path).read_text(encoding="utf-8")
    assert not LEGAL_FIGURE.findall(text)


def test_responses_are_french(domain):
    english = re.compile(r"\b(?:the|you|sorry|please|did you mean|yes|rephrase)\b", re.IGNORECASE)
    for name, variants in domain["responses"].items():
        for variant in variants:
            assert not english.search(variant.get("text", "")), name
            for button in variant.get("buttons", []):
                assert not english.search(button["title"]), name


def test_builtin_texts_are_overridden(domain):
    for name in ("utter_ask_rephrase", "utter_default", "utter_restart", "utter_back"):
        assert name in domain["responses"]
    assert "action_default_ask_affirmation" in domain["actions"]


def faq_topics_in_nlu():
    data = load("data/nlu/faq.yml")
    return {item["intent"].split("/", 1)[1] for item in data["nlu"] if item.get("intent", "").startswith("faq/")}


def test_every_faq_topic_has_its_retrieval_response_and_an_answer(domain):
    from bot.compose import faq_topics

    FAQ_TOPICS = faq_topics()

    for topic in faq_topics_in_nlu():
        assert f"utter_faq/{topic}" in domain["responses"], topic
        assert topic in FAQ_TOPICS, topic


def test_every_faq_topic_can_be_confirmed(domain):
    from actions.fallback import AFFIRMABLE_FAQ_TOPICS, AFFIRMABLE_INTENTS

    assert faq_topics_in_nlu() <= AFFIRMABLE_FAQ_TOPICS
    for topic in AFFIRMABLE_FAQ_TOPICS:
        assert f"utter_ask_affirmation_faq_{topic}" in domain["responses"]
    for intent in AFFIRMABLE_INTENTS:
        assert f"utter_ask_affirmation_{intent}" in domain["responses"]


def test_domain_actions_are_the_registered_actions(domain):
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    assert set(domain["actions"]) == set(executor.actions)


def test_form_slots_are_profile_slots(domain):
    from actions.profile_slots import PROFILE_SLOTS

    assert domain["forms"]["profile_form"]["required_slots"] == list(PROFILE_SLOTS)
    for slot in PROFILE_SLOTS:
        assert slot in domain["slots"]


def test_entities_of_the_nlu_data_are_in_the_domain(domain):
    names = {next(iter(e)) if isinstance(e, dict) else e for e in domain["entities"]}
    text = "".join(
        (ROOT / "data/nlu").joinpath(f).read_text(encoding="utf-8")
        for f in ("eligibility.yml", "profile.yml", "certifications.yml", "faq.yml")
    )
    used = set(re.findall(r"\]\((\w+)\)", text)) | set(re.findall(r'"entity": "(\w+)"', text))
    assert used <= names


# --- scripts/check_nlu_report.py -----------------------------------------------------


@pytest.fixture()
def checker():
    import importlib.util

    spec = importlib.util.spec_from_file_location("check", ROOT / "scripts/check_nlu_report.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_reports(folder: Path, intent_f1: float, failed_story: bool) -> None:
    report = {
        "greet": {"precision": 1, "recall": 1, "f1-score": 1.0, "support": 3},
        "accuracy": intent_f1,
        "weighted avg": {"precision": intent_f1, "recall": intent_f1, "f1-score": intent_f1, "support": 3},
    }
    (folder / "intent_report.json").write_text(json.dumps(report), encoding="utf-8")
    (folder / "DIETClassifier_report.json").write_text(json.dumps(report), encoding="utf-8")
    failed = (
        "stories:\n- story: a story (./tests/test_stories.yml)\n  steps:\n  - intent: greet\n"
        if failed_story
        else "# None of the test stories failed - all good!\n"
    )
    (folder / "failed_test_stories.yml").write_text(failed, encoding="utf-8")


def test_report_checker_passes(tmp_path, checker, capsys):
    write_reports(tmp_path, 0.95, failed_story=False)
    assert checker.main(["--results", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "weighted avg F1 0.950" in out and "entities" in out


def test_report_checker_fails_on_low_f1(tmp_path, checker):
    write_reports(tmp_path, 0.85, failed_story=False)
    assert checker.main(["--results", str(tmp_path), "--nlu-only"]) == 1
    assert checker.main(["--results", str(tmp_path), "--core-only"]) == 0


def test_report_checker_fails_on_failed_story(tmp_path, checker):
    write_reports(tmp_path, 0.95, failed_story=True)
    assert checker.main(["--results", str(tmp_path), "--core-only"]) == 1


def test_report_checker_fails_on_missing_reports(tmp_path, checker):
    assert checker.main(["--results", str(tmp_path)]) == 1
