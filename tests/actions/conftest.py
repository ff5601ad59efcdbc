"""Fixtures for the action tests: one real assistant for the whole session."""

from __future__ import annotations

import os

import pytest

# The action server warms the core up in a thread at import; tests load it themselves.
os.environ.setdefault("PROA_WARMUP", "0")


@pytest.fixture(scope="session")
def real_assistant():
    from bot.service import Assistant

    return Assistant.default()


@pytest.fixture(autouse=True)
def _reset_assistant(real_assistant):
    from actions import common

    common.set_assistant(real_assistant)
    yield
    common.set_assistant(real_assistant)
