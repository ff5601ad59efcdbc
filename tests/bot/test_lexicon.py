"""The French word lists are data (knowledge/lexicon/fr.yml) validated by their schema."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from bot import matching, text
from bot.lexicon import load_lexicon


def test_the_lexicon_is_valid_and_read_by_the_matcher_and_the_text_helpers() -> None:
    lexicon = load_lexicon()
    assert "de" in lexicon["stop_words"] and "technicien" in lexicon["generic_words"]
    assert lexicon["stop_words"] == matching.STOP_WORDS
    assert lexicon["generic_words"] == matching.GENERIC_WORDS
    assert lexicon["edge_words"] == text._EDGE_WORDS


def test_a_broken_lexicon_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "fr.yml"
    broken.write_text("stop_words: [de, De]\n", encoding="utf-8")
    with pytest.raises(jsonschema.ValidationError):
        load_lexicon.__wrapped__(broken)


#: The word files read through bot.lexicon.read_word_file, each with its own schema.
WORD_FILES = (
    "job_statements",
    "job_framing",
    "task_words",
    "annex_seed",
    "question_cues",
    "questions",
    "letters",
    "warm_up",
    "profile_words",
    "dates",
)


@pytest.mark.parametrize("name", WORD_FILES)
def test_every_word_file_is_valid_against_its_schema(name: str) -> None:
    from bot.lexicon import read_word_file

    assert read_word_file.__wrapped__(name)


def test_a_knowledge_folder_may_carry_its_own_word_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PROA_KNOWLEDGE_DIR is honoured: its copy of a word file is read, checked by its own
    schema; a folder without one falls back to the repository's."""
    from bot.lexicon import LEXICON_FILE, lexicon_file, read_word_file

    repository = LEXICON_FILE.parents[1]
    (tmp_path / "lexicon").mkdir()
    (tmp_path / "schema").mkdir()
    schema = (repository / "schema" / "annex_seed.schema.json").read_text(encoding="utf-8")
    (tmp_path / "schema" / "annex_seed.schema.json").write_text(schema, encoding="utf-8")
    monkeypatch.setenv("PROA_KNOWLEDGE_DIR", str(tmp_path))
    assert lexicon_file("annex_seed") == repository / "lexicon" / "annex_seed.yml"
    (tmp_path / "lexicon" / "annex_seed.yml").write_text("title: 42\n", encoding="utf-8")
    assert lexicon_file("annex_seed") == tmp_path / "lexicon" / "annex_seed.yml"
    with pytest.raises(jsonschema.ValidationError):
        read_word_file.__wrapped__("annex_seed")
