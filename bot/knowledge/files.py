"""Reading one knowledge file and checking it against its JSON Schema.

YAML is read with its dates kept as typed (strings), so that a schema sees what was
written; CSV is read into dicts; schemas are read once. Every problem is a
:class:`~bot.knowledge.errors.KnowledgeError` naming the file and the field. The loaders
of each kind of file (:mod:`bot.knowledge.loader` and the ``*_files`` modules) build on
these; other modules that read their own YAML files reuse :func:`validate`.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from bot.knowledge.errors import KnowledgeError


class _StringDateLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings, so that JSON Schema sees what was typed."""


_StringDateLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}


def read_yaml(path: Path) -> Any:
    """Read a YAML file with dates kept as strings; KnowledgeError if absent or broken."""
    if not path.is_file():
        raise KnowledgeError(path, "file not found")
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_StringDateLoader)
    except yaml.YAMLError as exc:
        raise KnowledgeError(path, f"unreadable YAML ({exc})") from exc


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read a UTF-8 CSV file with a header into dicts; KnowledgeError if absent."""
    if not path.is_file():
        raise KnowledgeError(path, "file not found")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def validate(data: Any, schema_name: str, path: Path, root: Path, prefix: str = "") -> None:
    """Validate ``data`` against ``knowledge/schema/<schema_name>``.

    Raises KnowledgeError naming the first invalid field (by its JSON path).
    """
    schema_dir = root / "schema"
    schema = _read_schema(schema_dir / schema_name)
    resolver = jsonschema.RefResolver(base_uri=schema_dir.as_uri() + "/", referrer=schema)
    validator = jsonschema.Draft7Validator(schema, resolver=resolver)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        error = errors[0]
        field = prefix + ".".join(str(part) for part in error.absolute_path)
        raise KnowledgeError(path, error.message, field=field or None)


@cache
def _read_schema(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise KnowledgeError(path, "schema not found")
    with path.open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


def to_date(value: str | None) -> date | None:
    """An ISO date of a knowledge file (``2026-01-01``) as a date; None when not given."""
    return date.fromisoformat(value) if value else None
