"""The structured answer is described once: docs/answer.schema.json (JSON Schema 2020-12).

Real answers of the assistant (``Answer.to_payload()``), with the feedback part that
``actions.common.send_answer`` adds (``bot.feedback.attach_offer``), validate against it;
the renderers' fixtures are checked in tests/channels/test_answer_fixtures.py, and
web/src/generated/answer.ts is generated from it (tests/web/test_types_generated.py).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from bot.compose.parts import PAYLOAD_VERSION
from bot.feedback import attach_offer
from bot.outcomes import answer_record
from bot.profile import Profile
from bot.service import Assistant

REPO_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = REPO_ROOT / "docs" / "answer.schema.json"
TODAY = date(2026, 11, 23)
BEFORE = date(2025, 6, 1)

#: Questions of every kind of answer: eligibility, list, « voir plus », FAQ, rule answers,
#: ask-back, a métier not in the list, an adviser speaking of a worker.
QUESTIONS = [
    ("je suis cariste en CDI, puis-je viser un BTS ?", TODAY),
    ("je suis cariste en CDI, puis-je viser un BTS ?", BEFORE),
    ("je suis en CDI intérimaire, puis-je faire une Pro-A ?", TODAY),
    ("quelles certifications pour un soudeur ?", BEFORE),
    ("quelles certifications pour un soudeur ?", TODAY),
    ("combien de temps dure la formation ?", TODAY),
    ("qui finance la période de reconversion ?", TODAY),
    ("quels profils peuvent avoir une Pro-A allongée ?", TODAY),
    ("qu'est-ce que le CléA ?", TODAY),
    ("puis-je me former ?", TODAY),
    ("je suis astronaute en CDI, puis-je me former ?", TODAY),
    ("mon intérimaire voudrait se former, c'est possible ?", TODAY),
    ("voir plus", TODAY),
]


def load_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def validator() -> Draft202012Validator:
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def errors_of(payload: dict[str, Any]) -> list[str]:
    """Every error, as ``path: message``."""
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in validator().iter_errors(payload)]


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant.default()


def sent(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as ``send_answer`` sends it: with its feedback part, through JSON."""
    attach_offer(payload, answer_record(payload))
    loaded: dict[str, Any] = json.loads(json.dumps(payload))
    return loaded


def test_the_schema_is_a_valid_2020_12_schema():
    Draft202012Validator.check_schema(load_schema())
    assert load_schema()["properties"]["version"]["enum"][-1] == PAYLOAD_VERSION


@pytest.mark.parametrize("question, today", QUESTIONS)
def test_real_answers_validate(assistant, question, today):
    answer = assistant.ask(question, Profile(today=today))
    payload = sent(answer.to_payload())
    assert errors_of(payload) == [], question
    assert payload["feedback"]["answer_id"]


def test_the_kinds_of_answer_are_all_there(assistant):
    """The questions above do give lists, next steps, routes, details and the 2026 change."""
    payloads = [assistant.ask(q, Profile(today=t)).to_payload() for q, t in QUESTIONS]
    assert any(p["list"] for p in payloads)
    assert any(p["more"]["remaining"] for p in payloads)
    assert any(p["next_step"] and p["next_step"]["contacts"] for p in payloads)
    assert any(p["change"] for p in payloads)
    assert any(part["detail"] for p in payloads for part in p["parts"])
    assert any(p["verdict"] == "needs_information" for p in payloads)
    assert any(str(p["topic"]).startswith("faq:") for p in payloads)


def test_answers_with_a_profile_validate(assistant):
    answers = [
        assistant.answer_eligibility(
            Profile(today=TODAY, contract="cdi_interimaire"),
            text="mon intérimaire voudrait se former, c'est possible ?",
        ),
        assistant.answer_eligibility(Profile(today=BEFORE, contract="cdi_interimaire", metier_text="plaquiste")),
        assistant.answer_certifications(Profile(today=TODAY, metier_text="astronaute")),
        assistant.answer_certifications(Profile(idcc=1404, today=TODAY, metier_text="astronaute")),
        assistant.answer_faq("duration", Profile(today=TODAY)),
        assistant.answer_faq("no_such_topic", Profile(today=TODAY)),
    ]
    for answer in answers:
        assert errors_of(sent(answer.to_payload())) == [], answer.verdict_line


def test_the_schema_refuses_what_it_does_not_describe(assistant):
    payload = sent(assistant.ask("quelles certifications pour un soudeur ?", Profile(today=TODAY)).to_payload())
    assert errors_of(payload) == []
    for broken in (
        {**payload, "unknown": 1},
        {**payload, "verdict": "maybe"},
        {**payload, "route": "elsewhere"},
        {k: v for k, v in payload.items() if k != "understood"},
        {**payload, "feedback": {**payload["feedback"], "answer_id": "not an id"}},
        {**payload, "parts": [{**payload["parts"][0], "extra": True}]} if payload["parts"] else {**payload, "parts": 1},
    ):
        assert errors_of(broken), broken
