"""The credentials files and Rasa 3.6's ``${VAR}`` expansion in them."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.core.channels.botframework import BotFrameworkInput
from rasa.core.run import create_http_input_channels
from rasa.shared.exceptions import RasaException

REPO_ROOT = Path(__file__).resolve().parents[2]
ADVISERS_VARIABLES = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "MS_APP_ID", "MS_APP_PASSWORD")


@pytest.fixture
def no_network_keys(monkeypatch):
    # BotFrameworkInput fetches Microsoft's signing keys when it is created.
    monkeypatch.setattr(BotFrameworkInput, "_update_cached_jwk_keys", lambda self: None)


@pytest.fixture
def clean_env(monkeypatch):
    for name in (*ADVISERS_VARIABLES, "MS_TENANT_ID", "SLACK_CHANNEL"):
        monkeypatch.delenv(name, raising=False)


def test_default_credentials_need_no_secret(clean_env):
    channels = create_http_input_channels(None, str(REPO_ROOT / "credentials.yml"))
    assert [c.name() for c in channels] == ["rest", "socketio"]
    # The guarded channels (French busy message, input checks, working persistence),
    # not Rasa's built-in ones.
    assert [type(c).__name__ for c in channels] == ["GuardedRestInput", "GuardedSocketIOInput"]
    assert channels[1].session_persistence is True


def test_advisers_credentials_read_secrets_from_the_environment(clean_env, monkeypatch, no_network_keys):
    for name in ADVISERS_VARIABLES:
        monkeypatch.setenv(name, f"value-of-{name}")

    channels = create_http_input_channels(None, str(REPO_ROOT / "credentials.advisers.yml"))

    by_name = {c.name(): c for c in channels}
    assert list(by_name) == ["rest", "socketio", "slack", "botframework"]
    slack = by_name["slack"]
    assert slack.slack_token == "value-of-SLACK_BOT_TOKEN"
    assert slack.slack_signing_secret == "value-of-SLACK_SIGNING_SECRET"
    assert slack.slack_channel is None
    assert slack.use_threads is True
    assert by_name["botframework"].app_id == "value-of-MS_APP_ID"
    assert by_name["botframework"].app_password == "value-of-MS_APP_PASSWORD"
    assert by_name["socketio"].session_persistence is True


@pytest.mark.parametrize("missing", ADVISERS_VARIABLES)
def test_an_unset_variable_stops_the_start_even_for_another_connector(clean_env, monkeypatch, no_network_keys, missing):
    for name in ADVISERS_VARIABLES:
        if name != missing:
            monkeypatch.setenv(name, "set")

    with pytest.raises(RasaException, match=missing):
        # Even when only the REST connector is asked for: the whole file is expanded.
        create_http_input_channels("rest", str(REPO_ROOT / "credentials.advisers.yml"))


def test_only_unquoted_values_are_expanded(clean_env, monkeypatch, tmp_path):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-real")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
    credentials = tmp_path / "credentials.yml"
    credentials.write_text(
        'slack:\n  slack_token: "${SLACK_BOT_TOKEN}"\n  slack_signing_secret: ${SLACK_SIGNING_SECRET}\n',
        encoding="utf-8",
    )

    [slack] = create_http_input_channels(None, str(credentials))

    assert slack.slack_token == "${SLACK_BOT_TOKEN}"  # quoted: kept as written
    assert slack.slack_signing_secret == "secret"


@pytest.mark.parametrize("name", ["credentials.yml", "credentials.advisers.yml"])
def test_the_guarded_channels_come_first(name):
    # channels.guarded applies the patches of rasa run (servers/patches.py) when Rasa
    # loads it: the Teams and Slack channels no longer import it themselves.
    import yaml

    first = next(iter(yaml.safe_load((REPO_ROOT / name).read_text(encoding="utf-8"))))
    assert first.startswith("channels.guarded.")
