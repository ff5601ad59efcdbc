"""Loading ``sources.yml``: the documents the knowledge base cites and the contacts, and
turning a file's ``source`` block into a :class:`~bot.knowledge.models.SourceRef` (every
other file cites its documents by their id in ``sources.yml``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.knowledge.errors import KnowledgeError
from bot.knowledge.files import read_yaml, to_date, validate
from bot.knowledge.source_models import Contact, DocumentKind, SourceDocument, SourceRef


def load_sources(root: Path) -> dict[str, SourceDocument]:
    """Read ``sources.yml`` into documents by id."""
    path = root / "sources.yml"
    data = read_yaml(path)
    validate(data, "sources.schema.json", path, root)
    documents: dict[str, SourceDocument] = {}
    for index, item in enumerate(data["documents"]):
        if item["id"] in documents:
            raise KnowledgeError(path, f"duplicate id: {item['id']}", f"documents.{index}.id")
        documents[item["id"]] = SourceDocument(
            id=item["id"],
            kind=DocumentKind(item["kind"]),
            title=item["title"],
            short_title=item["short_title"],
            url=item["url"],
            checked_on=to_date(item["checked_on"]),
        )
    return documents


def load_contacts(root: Path) -> tuple[Contact, ...]:
    """Read the ``contacts`` of ``sources.yml`` (schema-checked with the documents)."""
    data = read_yaml(root / "sources.yml")
    return tuple(
        Contact(id=item["id"], role=item["role"], name=item["name"], idcc=item["idcc"], url=item["url"])
        for item in data.get("contacts") or []
    )


def source_ref(raw: Mapping[str, Any], sources: Mapping[str, SourceDocument], path: Path, field: str) -> SourceRef:
    document_id = raw["document"]
    if document_id not in sources:
        raise KnowledgeError(path, f"document not in sources.yml: {document_id}", f"{field}.document")
    return SourceRef(
        document=sources[document_id],
        article=str(raw["article"]),
        kali_id=raw.get("kali_id"),
        quote=raw["quote"],
        legi_id=raw.get("legi_id"),
        more_quotes=tuple(raw.get("more_quotes") or ()),
    )
