"""The wording catalogue (bot/wording.py): sections read from their files, checked by the
schema, sentences found by key and filled; the repository's catalogue is valid."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from bot.wording import Catalogue, WordingError, catalogue


@pytest.fixture
def tiny(tmp_path: Path) -> Catalogue:
    (tmp_path / "answers.yml").write_text(
        'chosen: "Vous avez choisi : {title}"\nreasons:\n  too_old: "Trop ancien."\nsteps: ["Un", "Deux"]\n',
        encoding="utf-8",
    )
    return Catalogue.from_folder(tmp_path)


def test_sentences_by_key_with_their_fields(tiny: Catalogue):
    assert set(tiny.sections) == {"answers"}
    assert tiny.text("answers", "chosen", title="CAP") == "Vous avez choisi : CAP"
    assert tiny.text("answers", "reasons.too_old") == "Trop ancien."
    assert tiny.entry("answers", "steps") == ["Un", "Deux"]


@pytest.mark.parametrize(("section", "key"), [("answers", "unknown"), ("widget", "chosen"), ("answers", "steps")])
def test_unknown_keys_and_non_sentences_are_refused(tiny: Catalogue, section: str, key: str):
    with pytest.raises(WordingError):
        tiny.text(section, key)


def test_a_section_off_schema_is_refused(tmp_path: Path):
    (tmp_path / "answers.yml").write_text("chosen: 3\n", encoding="utf-8")
    with pytest.raises(jsonschema.ValidationError):
        Catalogue.from_folder(tmp_path)


def test_the_repository_catalogue_is_valid():
    assert catalogue().sections is not None
