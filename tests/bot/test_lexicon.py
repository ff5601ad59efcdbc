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
