"""Issue 9 end to end through the REST channel: what people type reaches the core.

Each message of the issue is sent to a running assistant (trained model, action server);
the checks are made on the structured answer (métier id, topic, certifications of the
annex), not on wording.
"""

from __future__ import annotations

import uuid

import pytest

from bot.knowledge.loader import load_knowledge
from tests.e2e.talk import joined
from tests.e2e.test_rest_conversation import payloads

pytestmark = pytest.mark.e2e


def _sender(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def kb():
    return load_knowledge()


@pytest.mark.parametrize(
    "text, metier_id",
    [
        ("je suis commis de cuisine, je peux viser quoi ?", "tertiaire/restauration/commis-de-cuisine"),
        ("data analyst en CDI, quelle certif ?", "tertiaire/numerique/data-analyste-business-analyste"),
        (
            "carriste en cdi interimaire, quelles formations pour moi ?",
            "logistique-transport/logistique/magasinier-cariste",
        ),
        ("automaticien, quelles certifs ?", "tertiaire/numerique/automaticien"),
        (
            "je monte des palettes au fenwick dans un entrepôt, quelles formations ?",
            "logistique-transport/logistique/magasinier-cariste",
        ),
        ("je suis électricien et je voudrais passer le BP", "btp/electricite/electricien-batiment"),
    ],
)
def test_the_metier_of_the_issue_is_found(rasa_server, kb, text: str, metier_id: str) -> None:
    messages = rasa_server.say(_sender("metier"), text)
    found = [p for p in payloads(messages) if p.get("metier")]
    assert found, joined(messages)
    assert found[-1]["metier"]["id"] == metier_id, found[-1]["metier"]
    listed = {c.rncp for c in kb.branch(2378).metier(metier_id).certifications if c.rncp}
    codes = {c.get("rncp") for c in found[-1].get("certifications", []) if c.get("rncp")}
    assert codes <= listed


def test_a_job_not_in_the_annex_is_refused_without_certification(rasa_server) -> None:
    messages = rasa_server.say(_sender("refus"), "quels diplômes sont proposés pour un ambulancier ?")
    for payload in payloads(messages):
        assert not payload.get("metier")
        assert not payload.get("certifications")
    assert "ne figure pas" in joined(messages)
