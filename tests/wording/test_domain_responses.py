"""domain.yml's responses are a build product of the wording catalogue
(tools/domain_responses: template.yml + knowledge/wording/responses.yml): the committed
file is what the generator gives today, and every sentence of responses.yml is used."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.wording import Catalogue, section
from tools.domain_responses import (
    DOMAIN_FILE,
    TEMPLATE_FILE,
    TemplateError,
    build_domain,
    expected_domain,
    references,
)


def test_the_committed_domain_is_up_to_date():
    assert DOMAIN_FILE.read_text(encoding="utf-8") == expected_domain(), (
        "domain.yml is out of date with knowledge/wording/responses.yml or tools/domain_responses/template.yml: "
        "run `python -m tools.domain_responses` and commit it"
    )


def leaf_keys(group: Mapping[str, Any], prefix: str = "") -> Iterator[str]:
    for key, value in group.items():
        if isinstance(value, Mapping):
            yield from leaf_keys(value, f"{prefix}{key}.")
        else:
            yield prefix + key


def test_every_sentence_of_the_responses_section_is_used():
    template = TEMPLATE_FILE.read_text(encoding="utf-8")
    used = {key for _, name, key in references(template) if name == "responses"}
    assert set(leaf_keys(section("responses"))) == used


def test_the_template_holds_no_sentence():
    with pytest.raises(TemplateError, match="line 2"):
        list(references("responses:\n  - text: Bonjour à vous\n"))


@pytest.fixture
def tiny(tmp_path: Path) -> Catalogue:
    (tmp_path / "responses.yml").write_text(
        'hello: "Bonjour !"\nhelp: |-\n  Deux lignes :\n  - la seconde\nyes_title: "Oui"\n', encoding="utf-8"
    )
    return Catalogue.from_folder(tmp_path)


def test_the_block_is_filled_and_replaced_with_its_anchors_and_payloads(tiny: Catalogue):
    domain = 'version: "3.1"\n\nresponses:\n  utter_old:\n    - text: "old"\n\nactions:\n  - action_x\n'
    template = (
        "# the template's own header\n"
        "responses:\n"
        "  utter_hello:\n"
        "    - text: responses:hello\n"
        "      buttons: &yes\n"
        "        - title: responses:yes_title\n"
        "          payload: '/affirm{{\"x\": 1}}'\n"
        "  utter_help:\n"
        "    - text: responses:help\n"
        "      buttons: *yes\n"
    )
    built = build_domain(domain, template, tiny)
    assert built.startswith('version: "3.1"\n\nresponses:\n  utter_hello:\n    - text: "Bonjour !"\n')
    assert "    - text: |-\n        Deux lignes :\n        - la seconde\n" in built
    assert built.endswith("      buttons: *yes\n\nactions:\n  - action_x\n")
    data = yaml.safe_load(built)
    assert data["actions"] == ["action_x"]
    assert data["responses"]["utter_help"] == [
        {"text": "Deux lignes :\n- la seconde", "buttons": [{"title": "Oui", "payload": '/affirm{{"x": 1}}'}]}
    ]


def test_a_reference_to_no_sentence_is_refused(tiny: Catalogue):
    with pytest.raises(KeyError):
        build_domain("responses:\n", "responses:\n  utter_x:\n    - text: responses:missing\n", tiny)
