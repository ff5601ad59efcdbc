"""A broken knowledge folder stops the action server at start-up with a clear message.

``PROA_KNOWLEDGE_DIR`` points the action server at a temporary copy of knowledge/ with
one file missing, or one field invalid. The server must exit (non-zero) with the
``KnowledgeError`` message naming the file and the field, and no Python traceback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from bot.knowledge.errors import KnowledgeError
from bot.knowledge.loader import load_knowledge_from
from tests.e2e.stack import REPO, VENV_BIN, free_port, wait_http

KNOWLEDGE = REPO / "knowledge"
START_TIMEOUT = 120.0


def broken_copy(tmp_path: Path, kind: str) -> tuple[Path, str, str | None]:
    """A copy of knowledge/ with one defect; returns it, the file and the field named."""
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root)
    if kind == "missing_file":
        target = root / "idcc2378" / "agreement.yml"
        target.unlink()
        return root, str(target), None
    target = root / "idcc1404" / "agreement.yml"
    text = target.read_text(encoding="utf-8")
    assert "valid_from: 2021-06-01" in text
    target.write_text(text.replace("valid_from: 2021-06-01", "valid_from: le premier juin", 1), encoding="utf-8")
    return root, str(target), "rules.0.valid_from"


@pytest.mark.parametrize("kind", ["missing_file", "invalid_field"])
def test_loader_names_the_file_and_the_field(tmp_path, kind):
    root, path, field = broken_copy(tmp_path, kind)
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge_from(root)
    message = str(raised.value)
    assert path in message
    if field:
        assert field in message


@pytest.mark.e2e
@pytest.mark.parametrize("kind", ["missing_file", "invalid_field"])
def test_action_server_refuses_to_start(tmp_path, kind):
    root, path, field = broken_copy(tmp_path, kind)
    port = free_port()
    started = time.monotonic()
    process = subprocess.Popen(
        [str(VENV_BIN / "rasa"), "run", "actions", "--port", str(port), "--actions", "actions"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PROA_KNOWLEDGE_DIR": str(root)},
    )
    try:
        output, _ = process.communicate(timeout=START_TIMEOUT)
    except subprocess.TimeoutExpired:
        # Still running: it started despite the broken knowledge (or hangs).
        try:
            wait_http(f"http://127.0.0.1:{port}/health", timeout=1)
            reason = "the action server started with a broken knowledge folder"
        except (TimeoutError, RuntimeError):
            reason = f"the action server neither exited nor answered in {START_TIMEOUT:.0f} s"
        process.kill()
        process.communicate(timeout=30)
        pytest.fail(reason)
    text = output.decode("utf-8", errors="replace")

    assert process.returncode != 0, text
    assert path in text, text
    if field:
        assert field in text, text
    assert "Traceback" not in text, text
    assert time.monotonic() - started < START_TIMEOUT
