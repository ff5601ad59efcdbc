"""Issue 12: ``bot.lemmas.RuleLemmas`` gives spaCy's lemma without spaCy, and
``bot.text.spacy_lemma`` uses it only for the default pipeline."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot import text
from bot.lemmas import RuleLemmas
from bot.lemmas import string_hash as text_hash

REPO = Path(__file__).resolve().parents[2]
_WORD = re.compile(r"[^\W\d_]{3,}")


def words_of(*folders: Path) -> set[str]:
    found: set[str] = set()
    for folder in folders:
        for path in folder.rglob("*.yml"):
            found.update(w.lower() for w in _WORD.findall(path.read_text(encoding="utf-8")))
    return found


@pytest.fixture(scope="module")
def nlp() -> Any:
    return text.get_nlp()


@pytest.fixture(scope="module")
def tables(nlp: Any) -> RuleLemmas:
    return RuleLemmas.from_nlp(nlp)


def test_same_lemmas_as_spacy(nlp: Any, tables: RuleLemmas) -> None:
    """Every word of the knowledge, the NLU data and the test sets, as noun and verb."""
    words = words_of(REPO / "knowledge", REPO / "data", REPO / "tests", REPO / "benchmarks" / "data")
    words |= {"suis", "étais", "allons", "chats", "préparatrices", "caristes", "xyzq", "soudeuses"}
    assert len(words) > 3000
    differ = []
    for word in sorted(words):
        for pos in ("NOUN", "VERB"):
            ours = tables.lemma(word, pos).lower() or word
            if ours != text.spacy_lemma(word, nlp, pos):
                differ.append((word, pos, ours, text.spacy_lemma(word, nlp, pos)))
    assert differ == []


def test_string_hash_is_spacys() -> None:
    from spacy.strings import get_string_id

    for word in ("a", "chats", "abcdefgh", "abcdefghi", "préparatrices", "électricien-installateur"):
        assert text_hash(word) == get_string_id(word)


def test_spacy_lemma_reads_the_tables_for_the_default_pipeline(tables: RuleLemmas, monkeypatch: Any) -> None:
    class Tables:
        def handles(self, pos: str) -> bool:
            return True

        def lemma(self, word: str, pos: str) -> str:
            return "from-tables"

    monkeypatch.setattr(text, "_LEMMA_TABLES", Tables())
    assert text.spacy_lemma("soudeuses") == "from-tables"
    assert text.spacy_lemma("soudeuses", text.LazyNlp()) == "from-tables"
    # An explicit pipeline is always asked itself.
    assert text.spacy_lemma("soudeuses", text.get_nlp()) == "soudeuse"
    monkeypatch.setattr(text, "_LEMMA_TABLES", tables)
    assert text.spacy_lemma("chats", text.LazyNlp(), "NOUN") == "chat"


def test_lazy_nlp_loads_on_use_only() -> None:
    lazy = text.LazyNlp()
    with pytest.raises(AttributeError):
        lazy.__getstate__  # noqa: B018 - probed by copy / pickle: must not load spaCy
    assert lazy.vocab is text.get_nlp().vocab
