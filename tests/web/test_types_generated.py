"""web/src/generated/answer.ts is the wire type of the structured answer, generated from
docs/answer.schema.json by web/gen-types.mjs (json-schema-to-typescript, run by
scripts/build_web.sh): the committed file is what the schema gives today."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.web.conftest import REPO_ROOT, WEB_DIR, skip_unless_ci

GENERATED = WEB_DIR / "src" / "generated" / "answer.ts"
GENERATOR = WEB_DIR / "node_modules" / "json-schema-to-typescript"


def test_generated_wire_type_is_up_to_date(tmp_path: Path):
    if shutil.which("npm") is None or shutil.which("node") is None:
        skip_unless_ci("npm is missing: web/src/generated/answer.ts cannot be regenerated")
    if not GENERATOR.is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=WEB_DIR, check=True, timeout=600
        )
    # --out: into a temporary folder, never over the committed file.
    result = subprocess.run(
        ["node", "gen-types.mjs", "--out", str(tmp_path)], cwd=WEB_DIR, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    fresh = (tmp_path / "answer.ts").read_text(encoding="utf-8")
    assert GENERATED.is_file(), "run scripts/build_web.sh and commit web/src/generated/answer.ts"
    assert GENERATED.read_text(encoding="utf-8") == fresh, (
        f"{GENERATED.relative_to(REPO_ROOT)} is out of date with docs/answer.schema.json: "
        "run scripts/build_web.sh and commit it"
    )


def test_the_widget_reads_the_wire_payload_with_the_generated_type():
    messages = (WEB_DIR / "src" / "messages.ts").read_text(encoding="utf-8")
    assert 'from "./generated/answer"' in messages and "Wire.ProaAnswerPayload" in messages
