"""The cached validation of action server answers behaves like Rasa's own."""

from __future__ import annotations

import jsonschema
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from channels.action_validation import validate_action_result


def rasa_check(result) -> None:
    """What Rasa 3.6's ``_validate_action_result`` runs (the schema checked each time)."""
    jsonschema.validate(result, RemoteAction.action_response_format_spec())


VALID = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "metier", "value": "cariste"}], "responses": [{"text": "Bonjour"}]},
    {"events": [{"event": "active_loop", "name": None}], "responses": [{"custom": {"type": "proa_answer"}}]},
]
INVALID = [
    {"events": "not a list", "responses": []},
    {"events": [{"event": "slot", "name": 3}], "responses": []},
    {"events": [], "responses": ["text instead of an object"]},
]


@pytest.fixture
def action() -> RemoteAction:
    return RemoteAction("action_answer_eligibility", EndpointConfig("http://localhost:5055/webhook"))


@pytest.mark.parametrize("result", VALID)
def test_valid_answers_pass_like_with_rasa(action, result):
    rasa_check(result)
    assert validate_action_result(action, result) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_answers_fail_with_rasa_s_error(action, result):
    with pytest.raises(ValidationError) as rasa_error:
        rasa_check(result)
    with pytest.raises(ValidationError) as ours:
        validate_action_result(action, result)
    assert ours.value.message.startswith(rasa_error.value.message + ". ")
    assert list(ours.value.path) == list(rasa_error.value.path)
    assert "Failed to validate Action server response" in ours.value.message


def test_the_channels_install_it(action):
    import channels.guarded  # noqa: F401  (applies the patches at import)
    from servers import patches

    # Rasa's method is the patch's wrapper, which calls this validator.
    assert RemoteAction._validate_action_result is patches._validate_action_result
    assert patches._current_hooks().validate_action_result is validate_action_result
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result(INVALID[0])
