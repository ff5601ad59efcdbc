"""Validate the action server's answers with a validator built once.

Rasa Open Source 3.6 checks every answer of the action server with
``jsonschema.validate(result, schema)`` (``RemoteAction._validate_action_result``).
That function first checks the *schema itself* against the JSON Schema meta-schema, on
every call: about 50 ms of CPU for Rasa's events schema, paid once or twice per user
message, which was more than half of the server's time per message in
benchmarks/bench_load.py. Here the validator for that schema is built once and reused;
the answer is validated exactly as before (same schema, same best-match error, same
message).

:func:`validate_action_result` replaces Rasa's method (patch ``action_result_validation``
of :mod:`servers.patches`, applied by channels/guarded.py when ``rasa run`` loads the
channels from credentials.yml).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, instead of on every answer
    return cls(schema)


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """Same contract as Rasa's ``RemoteAction._validate_action_result``."""
    error = best_match(_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True
