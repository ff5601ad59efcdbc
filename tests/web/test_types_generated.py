"""web/src/generated/answer.ts is the wire type of the structured answer, generated from
docs/answer.schema.json by web/gen-types.mjs (json-schema-to-typescript, run by
scripts/build_web.sh): the committed file is what the schema gives today."""

from __future__ import annotations

from pathlib import Path

from tests.web.conftest import WEB_DIR, assert_generated_up_to_date


def test_generated_wire_type_is_up_to_date(tmp_path: Path):
    assert_generated_up_to_date(
        "gen-types.mjs", "answer.ts", needs="json-schema-to-typescript", source="docs/answer.schema.json", out=tmp_path
    )


def test_the_widget_reads_the_wire_payload_with_the_generated_type():
    messages = (WEB_DIR / "src" / "messages.ts").read_text(encoding="utf-8")
    assert 'from "./generated/answer"' in messages and "Wire.ProaAnswerPayload" in messages
