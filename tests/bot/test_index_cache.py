"""Issue 12: the index cache of ``bot ask`` (bot/index_cache.py): built once, read back
with the same answers, rebuilt when its key is stale or its file broken, written
atomically, and a cold ``bot ask`` from it does not load spaCy for a job title."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot import index_cache
from bot.knowledge.loader import knowledge_dir
from bot.service import Assistant

REPO = Path(__file__).resolve().parents[2]
QUESTIONS = [
    "je suis cariste en CDI",
    "électricien",
    "soudeuse en CDI intérimaire, puis-je viser un BTS ?",
    "je suis caristte",
]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PROA_INDEX_CACHE", str(folder))
    return folder


@pytest.fixture(scope="module")
def knowledge_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("kb") / "knowledge"
    shutil.copytree(knowledge_dir(), copy)
    return copy


def builds(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []
    real = index_cache.build
    monkeypatch.setattr(index_cache, "build", lambda root: calls.append(root) or real(root))
    return calls


def test_built_once_then_read_with_the_same_answers(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = builds(monkeypatch)
    kb, matchers, _ = index_cache.load()
    assert len(calls) == 1 and sorted(matchers) == sorted(kb.branches)
    (written,) = cache.glob("assistant-*.pickle")
    assert written.stat().st_mode & 0o777 == 0o600 and cache.stat().st_mode & 0o777 == 0o700
    assert not list(cache.glob(".tmp-*"))
    again, again_matchers, _ = index_cache.load()
    assert len(calls) == 1  # read, not rebuilt
    fresh = Assistant(kb)  # matchers built now, in this process
    cached = Assistant(again, again_matchers)
    for question in QUESTIONS:
        assert cached.ask(question).text == fresh.ask(question).text


def test_stale_key_is_rebuilt(cache: Path, knowledge_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = builds(monkeypatch)
    index_cache.load(knowledge_copy)
    first = index_cache.cache_path(knowledge_copy)
    assert first.exists() and len(calls) == 1
    vocabulary = knowledge_copy / "idcc2378" / "vocabulary.yml"
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    second = index_cache.cache_path(knowledge_copy)
    assert second != first
    index_cache.load(knowledge_copy)
    assert len(calls) == 2 and second.exists()
    index_cache.load(knowledge_copy)
    assert len(calls) == 2


def test_key_covers_the_code(tmp_path: Path, knowledge_copy: Path) -> None:
    sources = tmp_path / "bot"
    shutil.copytree(REPO / "bot", sources, ignore=shutil.ignore_patterns("__pycache__"))
    before = index_cache.cache_key(knowledge_copy, sources)
    (sources / "matching.py").write_text(
        (sources / "matching.py").read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8"
    )
    assert index_cache.cache_key(knowledge_copy, sources) != before


def test_key_covers_the_word_files_a_folder_falls_back_on(
    tmp_path: Path, knowledge_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A knowledge folder without word files is read with the repository's (bot.lexicon):
    a change there changes the key too."""
    lexicon = tmp_path / "lexicon"
    shutil.copytree(REPO / "knowledge" / "lexicon", lexicon)
    monkeypatch.setattr(index_cache, "LEXICON_FILE", lexicon / "fr.yml")
    before = index_cache.cache_key(knowledge_copy)
    (lexicon / "letters.yml").write_text("# changed\n", encoding="utf-8")
    assert index_cache.cache_key(knowledge_copy) != before


def test_broken_file_is_rebuilt(cache: Path, knowledge_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = index_cache.cache_path(knowledge_copy)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a pickle")
    calls = builds(monkeypatch)
    kb, _, _ = index_cache.load(knowledge_copy)
    assert len(calls) == 1 and index_cache.read(path) is not None and kb.branches


def test_failed_write_leaves_no_file(cache: Path, knowledge_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    payload = index_cache.build(knowledge_copy)

    def refuse(*_: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError):
        index_cache.write(cache / "assistant-x.pickle", payload)
    assert list(cache.iterdir()) == []


def test_cold_ask_from_the_cache_does_not_load_spacy(cache: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PROA_INDEX_CACHE": str(cache)}
    probe = (
        "import sys\n"
        "from bot.cli import main\n"
        "main(['ask', 'je suis cariste en CDI'])\n"
        "print('SPACY' if 'spacy' in sys.modules else 'NO SPACY')\n"
    )
    first = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=600, check=True
    )
    second = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=600, check=True
    )
    assert first.stdout.splitlines()[-1] == "SPACY"  # built: spaCy was needed
    assert second.stdout.splitlines()[-1] == "NO SPACY"
    assert first.stdout.splitlines()[:-1] == second.stdout.splitlines()[:-1]


def test_main_if_missing_builds_only_when_there_is_no_valid_cache(
    cache: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """scripts/train.sh runs ``python -m bot.index_cache --if-missing`` at every install."""
    calls = builds(monkeypatch)
    assert index_cache.main(["--if-missing"]) == 0 and len(calls) == 1
    assert index_cache.main(["--if-missing"]) == 0 and len(calls) == 1  # valid: kept
    (written,) = cache.glob("assistant-*.pickle")
    written.write_bytes(b"not a pickle")
    assert index_cache.main(["--if-missing"]) == 0 and len(calls) == 2  # unreadable: rebuilt
    assert index_cache.main([]) == 0 and len(calls) == 3  # without the flag: always
    assert "KiB" in capsys.readouterr().out
