"""Rasa SDK custom actions: thin adapters over the domain core :mod:`bot`.

The action server (``rasa run actions``) imports this package and registers every
``Action`` subclass of its modules. At import, the knowledge is loaded and validated:
a missing or invalid file stops the server with a message naming the file and the
field (no traceback). Then the métier matchers are built (spaCy is loaded), before the
server listens, unless ``PROA_WARMUP=0``: warming up in the background made the first
conversations wait, or time out, while spaCy loaded.
"""

import sys

from servers.http_guard import protect_action_server_apps
from servers.patches import apply_action_server

# Refuse malformed request framing before rasa-sdk's Sanic server reads a body
# (Content-Length: -1 hangs Sanic 21.12; a space before a header's colon smuggled a
# second request): the action server's patches (servers/patches.py). Then bound the
# body also after decompression, and answer errors with their status and without
# echoing the request (servers/http_guard.py, through rasa-sdk's plugin hook).
apply_action_server()
protect_action_server_apps()

from actions.answering import (  # noqa: F401, E402 - after the guard is installed
    ActionAnswerEligibility,
    ActionAnswerFaq,
    ActionListCertifications,
    ActionResolveMetier,
    ActionShowMore,
)
from actions.common import warm_up  # noqa: E402
from actions.fallback import ActionDefaultAskAffirmation  # noqa: F401, E402
from actions.forms import ValidateProfileForm  # noqa: F401, E402
from actions.metrics import install as install_metrics  # noqa: E402
from bot.knowledge.errors import KnowledgeError  # noqa: E402
from bot.knowledge.loader import load_knowledge  # noqa: E402
from bot.settings import Settings  # noqa: E402

# GET /metrics for Prometheus (loopback only by default), through rasa-sdk's plugin hook:
# actions/metrics.py.
install_metrics()

try:
    load_knowledge()
except KnowledgeError as error:
    # SystemExit is not caught by the SDK's package import, so the server stops here
    # with this message only.
    print(f"The action server cannot start. {error}", file=sys.stderr)
    raise SystemExit(2) from None

if Settings.from_env().warmup:
    warm_up()
