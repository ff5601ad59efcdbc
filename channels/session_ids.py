"""Conversation ids issued and signed by the server for the socket.io channel.

A web chat session id is ``<conversation id>-<signature>``: 32 random hex characters
(the conversation id Rasa stores, the tracker's ``sender_id``) and an HMAC-SHA256 of
them with a server secret, joined by a hyphen (the widget keeps ids matching
``[A-Za-z0-9_-]{8,128}``). The server issues it in ``session_confirm``; the widget
keeps it (localStorage) and sends it back to resume the conversation after a reload.
A client cannot choose an id, nor take over a conversation from its conversation id
(seen in the database, the logs of an operator, the HTTP API): without the signature,
which only the browser that got it holds, it is given a new conversation.

The secret is ``PROA_SESSION_SECRET`` when set, else read from the file
``PROA_SESSION_SECRET_FILE`` (default ``.proa_session_secret`` in the working folder),
created at first start with 32 random bytes, mode 0600. Several Rasa instances must
share it (same file or same variable).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Mapping

from bot.settings import Settings

_TOKEN = re.compile(r"^([0-9a-f]{32})-([0-9a-f]{32})$")


def load_secret(env: Mapping[str, str] | None = None) -> bytes:
    """The signing secret (see the module docstring); creates the file when missing."""
    settings = Settings.from_env(env)
    if settings.session_secret:
        return settings.session_secret.encode("utf-8")
    path = settings.session_secret_file
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        secret = path.read_bytes().strip()
        if len(secret) < 32:
            raise ValueError(f"{path}: the session secret is too short (32 characters at least)") from None
        return secret
    secret = secrets.token_hex(32).encode("ascii")
    with os.fdopen(fd, "wb") as handle:
        handle.write(secret + b"\n")
    return secret


class SessionSigner:
    """Issues and checks signed socket.io session ids."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _signature(self, conversation_id: str) -> str:
        return hmac.new(self._secret, conversation_id.encode("ascii"), hashlib.sha256).hexdigest()[:32]

    def issue(self) -> str:
        """A new session id ``<conversation id>-<signature>``."""
        conversation_id = secrets.token_hex(16)
        return f"{conversation_id}-{self._signature(conversation_id)}"

    def conversation_id(self, session_id: object) -> str | None:
        """The conversation id of a genuine session id, None for anything else."""
        if not isinstance(session_id, str):
            return None
        match = _TOKEN.match(session_id)
        if not match or not hmac.compare_digest(match[2], self._signature(match[1])):
            return None
        return match[1]
