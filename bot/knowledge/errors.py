"""The one error the knowledge loader raises, naming the file and the field."""

from __future__ import annotations

from pathlib import Path


class KnowledgeError(Exception):
    """A knowledge file is missing or invalid.

    The message names the file and, when known, the field, so that whoever edits the
    data can fix it without reading a stack trace.
    """

    def __init__(self, path: Path | str, message: str, field: str | None = None):
        self.path = Path(path)
        self.field = field
        self.detail = message
        where = f"{self.path}"
        if field:
            where += f", field '{field}'"
        super().__init__(f"Invalid knowledge file: {where}: {message}")
