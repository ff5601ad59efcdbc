"""Issue 14, finding 2: scripts/run.sh starts everything on loopback, with Rasa's HTTP
API off unless a token or a JWT secret is set (commands printed by ``PROA_RUN_DRY=1``)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROA_KEYS = ("PROA_HOST", "PROA_AUTH_TOKEN", "PROA_JWT_SECRET", "PROA_JWT_METHOD", "PROA_RASA_PORT", "PROA_WEB_PORT")


def commands(**settings: str) -> list[str]:
    # Without the dry-run switch the script would install, train and start everything.
    assert "PROA_RUN_DRY" in (REPO / "scripts/run.sh").read_text(encoding="utf-8"), "run.sh has no dry run"
    env: dict[str, str] = {key: value for key, value in os.environ.items() if key not in PROA_KEYS}
    env.update(settings, PROA_RUN_DRY="1")
    result = subprocess.run(["bash", str(REPO / "scripts/run.sh")], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3, lines
    return lines


def test_loopback_and_no_api_by_default():
    actions, rasa, web = commands()
    assert "SANIC_HOST=127.0.0.1" in actions  # rasa-sdk reads it (default 0.0.0.0)
    assert "--interface 127.0.0.1" in rasa
    assert "PROA_WEB_HOST=127.0.0.1" in web
    assert "--enable-api" not in rasa


def test_api_only_with_a_token_or_jwt():
    rasa = commands(PROA_AUTH_TOKEN="s3cret")[1]
    assert "--enable-api" in rasa and "--auth-token s3cret" in rasa
    rasa = commands(PROA_JWT_SECRET="k3y")[1]
    assert rasa.count("--enable-api") == 1 and "--jwt-secret k3y --jwt-method HS256" in rasa


def test_host_setting_applies_to_all_three():
    actions, rasa, web = commands(PROA_HOST="10.0.0.5")
    assert "SANIC_HOST=10.0.0.5" in actions and "--interface 10.0.0.5" in rasa and "PROA_WEB_HOST=10.0.0.5" in web


def test_files_are_private():
    text = (REPO / "scripts/run.sh").read_text(encoding="utf-8")
    assert "\numask 077\n" in text
