"""Load ``knowledge/`` into typed objects, validating every file against its schema.

Every problem is reported as a :class:`~bot.knowledge.errors.KnowledgeError` naming the
file and the field. Loading is done once per process (:func:`load_knowledge` is cached).

Each kind of file has its own module: reading and schema checks in
:mod:`bot.knowledge.files`, ``sources.yml`` in :mod:`bot.knowledge.source_files`, rules
files in :mod:`bot.knowledge.rule_files`, a branch folder in
:mod:`bot.knowledge.branch_files`, diplomas, publics and contract readings in
:mod:`bot.knowledge.profile_files`. This module puts the whole base together, checks what
spans files, caches it, and re-exports the loaders so that ``from bot.knowledge.loader
import X`` keeps working.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from bot.knowledge.branch_files import load_annex, load_branch, load_enjeux, load_listed_certifications, load_vocabulary
from bot.knowledge.errors import KnowledgeError
from bot.knowledge.files import read_csv, read_yaml, validate
from bot.knowledge.models import Branch, KnowledgeBase, Rule
from bot.knowledge.profile_files import load_contract_readings, load_diplomas, load_publics
from bot.knowledge.rule_files import load_rules
from bot.knowledge.source_files import load_contacts, load_sources
from bot.settings import REPO_KNOWLEDGE_DIR, Settings

__all__ = [
    "DEFAULT_KNOWLEDGE_DIR",
    "knowledge_dir",
    "load_annex",
    "load_branch",
    "load_contacts",
    "load_contract_readings",
    "load_diplomas",
    "load_enjeux",
    "load_knowledge",
    "load_knowledge_from",
    "load_listed_certifications",
    "load_publics",
    "load_rules",
    "load_sources",
    "load_vocabulary",
    "read_csv",
    "read_yaml",
    "remember_knowledge",
    "validate",
]

#: The repository's knowledge folder; ``PROA_KNOWLEDGE_DIR`` overrides it.
DEFAULT_KNOWLEDGE_DIR = REPO_KNOWLEDGE_DIR


def knowledge_dir() -> Path:
    """The knowledge folder in use (``PROA_KNOWLEDGE_DIR`` or the repository's)."""
    return Settings.from_env().knowledge_dir


def load_knowledge_from(root: Path) -> KnowledgeBase:
    """Load and check the whole knowledge base under ``root`` (not cached)."""
    root = root.resolve()
    if not root.is_dir():
        raise KnowledgeError(root, "knowledge folder not found")
    sources = load_sources(root)
    law_rules: list[Rule] = []
    law_dir = root / "law"
    law_files = sorted(law_dir.glob("*.yml"))
    if not law_files:
        raise KnowledgeError(law_dir, "no file of legal rules")
    for path in law_files:
        _, rules = load_rules(path, root, sources)
        law_rules.extend(rules)
    branches: dict[int, Branch] = {}
    for folder in sorted(root.glob("idcc*")):
        if folder.is_dir():
            branch = load_branch(folder, root, sources)
            branches[branch.idcc] = branch
    diplomas = load_diplomas(root / "diplomas.yml", root, sources)
    publics = load_publics(root / "publics.yml", root, sources, diplomas)
    kb = KnowledgeBase(
        sources=sources,
        branches=branches,
        law_rules=tuple(law_rules),
        diplomas=diplomas,
        publics=publics,
        contract_readings=load_contract_readings(root / "contract_readings.yml", root),
        contacts=load_contacts(root),
    )
    _check_unique_rule_ids(kb, root)
    _check_publics_named(kb, root)
    return kb


def _check_unique_rule_ids(kb: KnowledgeBase, root: Path) -> None:
    """Rule ids are unique over every file (answers and tests name rules by id)."""
    seen: set[str] = set()
    for rule in kb.all_rules():
        if rule.id in seen:
            raise KnowledgeError(root, f"duplicate rule id: {rule.id}", "rules.id")
        seen.add(rule.id)


def _check_publics_named(kb: KnowledgeBase, root: Path) -> None:
    """Every priority public a rule names is defined in ``publics.yml``."""
    for rule in kb.all_rules():
        for code in rule.values.get("publics", ()):
            if code not in kb.publics:
                raise KnowledgeError(
                    root / "publics.yml", f"public {code} of rule {rule.id} is not in this file", "publics"
                )


@lru_cache(maxsize=4)
def _cached(root: str) -> KnowledgeBase:
    return load_knowledge_from(Path(root))


#: Knowledge bases read from the index cache (bot/index_cache.py), by folder.
_REMEMBERED: dict[str, KnowledgeBase] = {}


def remember_knowledge(root: str, kb: KnowledgeBase) -> None:
    """Make :func:`load_knowledge` of ``root`` return ``kb`` (loaded from the index
    cache, whose key covers every file of the folder) instead of reading it again."""
    _REMEMBERED[root] = kb


def load_knowledge(root: Path | None = None) -> KnowledgeBase:
    """The knowledge base (cached per folder): ``root`` or :func:`knowledge_dir`."""
    key = str(root or knowledge_dir())
    remembered = _REMEMBERED.get(key)
    return remembered if remembered is not None else _cached(key)
