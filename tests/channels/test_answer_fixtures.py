"""The renderers' input fixtures (tests/fixtures/render/*.json) are answers as the schema
describes them (docs/answer.schema.json): a renderer is never tested on a shape the
assistant does not send."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

REPO_ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((REPO_ROOT / "docs" / "answer.schema.json").read_text(encoding="utf-8"))
FIXTURES = sorted((REPO_ROOT / "tests" / "fixtures" / "render").glob("*.json"))


def test_there_are_fixtures():
    assert len(FIXTURES) >= 2


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_render_fixture_validates(path: Path):
    payload = json.loads(path.read_text(encoding="utf-8"))
    errors = [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in Draft202012Validator(SCHEMA).iter_errors(payload)
    ]
    assert errors == [], path.name
