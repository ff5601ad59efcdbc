"""Fixtures shared by every test folder: the real assistant (needs a trained model:
scripts/train.sh) and the PostgreSQL + Redis services.

The end-to-end tests (tests/e2e/) and the browser test against the real assistant
(tests/web/test_widget_e2e.py) share one action server and one ``rasa run``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.stack import ActionServer, RasaServer, Services, require_model


@pytest.fixture(scope="session")
def action_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ActionServer]:
    """The action server, started once for the session."""
    workdir = tmp_path_factory.mktemp("actions")
    server = ActionServer(log_path=workdir / "actions.log").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def rasa_server(action_server: ActionServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaServer]:
    """``rasa run`` with the REST channel and a SQLite tracker store, started once."""
    require_model()
    server = RasaServer(workdir=tmp_path_factory.mktemp("rasa"), action_url=action_server.url).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def services() -> Iterator[Services]:
    """PostgreSQL + Redis on loopback (scripts/start_services.sh), once for the session.

    Skipped when they cannot be installed or started, except under CI (``CI=true``)
    where that fails the test.
    """
    started = Services.for_tests()
    yield started
    started.stop()
