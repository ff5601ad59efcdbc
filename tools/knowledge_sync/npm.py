"""The npm part shared by the SocialGouv data packages (``@socialgouv/kali-data``,
``@socialgouv/legi-data``): download a version's tarball from the npm registry (pooch:
hash checked, cached in a folder outside the repository under the names ``npm pack``
gives), extract only the files needed, write snapshots, turn Légifrance HTML into plain
text and summarise text changes (the runtime reads the snapshots with
:mod:`bot.knowledge.snapshots`).

:mod:`tools.knowledge_sync.kali` and :mod:`tools.knowledge_sync.legi` build on it, one per package.
Nothing here touches the network except :func:`package_dist` and :func:`download_tarball`
(through :func:`fetch_package`), each call with a timeout of :data:`TIMEOUT_S`.
"""

from __future__ import annotations

import base64
import difflib
import json
import os
import re
import shutil
import tarfile
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pooch
import requests

from bot.knowledge.models import Code
from bot.knowledge.snapshots import SnapshotError, normalize_whitespace
from bot.settings import npm_cache_dir

#: Seconds to wait for the registry to connect, and then for each read.
TIMEOUT_S = 60

#: Where the npm tarballs and the files extracted from them are kept (never in the
#: repository: the Code du travail alone is 55 MB). ``PROA_NPM_CACHE`` overrides it.
DEFAULT_CACHE_DIR = npm_cache_dir()


class ChangeKind(Code):
    """What happened to a tracked article (or text) between two snapshots."""

    ADDED = "added"
    MODIFIED = "modified"
    ABROGATED = "abrogated"
    #: No longer in the data (KALI only; in LEGI an article that leaves the code is abrogated).
    REMOVED = "removed"


class NpmDataError(SnapshotError):
    """Raised when a data package cannot be fetched or read."""


# --------------------------------------------------------------------------- fetching


def tarball_name(package: str, version: str) -> str:
    """The file name ``npm pack`` gives to a version of a (scoped) package."""
    return f"{package.lstrip('@').replace('/', '-')}-{version}.tgz"


def extract_dir_name(package: str, version: str) -> str:
    """The cache sub-folder holding the files extracted from one version."""
    return f"{package.rsplit('/', 1)[-1]}-{version}"


def registry_url() -> str:
    """The npm registry: npm's own setting ``npm_config_registry`` when set (a mirror),
    else the public registry."""
    # npm's own variable is lower case; the upper-case one works for npm too.
    configured = os.environ.get("npm_config_registry") or os.environ.get("NPM_CONFIG_REGISTRY")  # noqa: SIM112
    return (configured or "https://registry.npmjs.org/").rstrip("/")


def pooch_hash(integrity: str) -> str:
    """npm's ``dist.integrity`` (``sha512-<base64>``) as pooch's ``known_hash`` (``sha512:<hex>``)."""
    algorithm, _, digest = integrity.partition("-")
    return f"{algorithm}:{base64.b64decode(digest).hex()}"


def package_dist(package: str, version: str | None) -> tuple[str, str, str]:
    """(version, tarball URL, integrity) of ``package`` at ``version``, or of its latest
    release, from the registry."""
    url = f"{registry_url()}/{package}/{version or 'latest'}"
    try:
        response = requests.get(url, timeout=TIMEOUT_S)
        response.raise_for_status()
        info = response.json()
        return str(info["version"]), str(info["dist"]["tarball"]), str(info["dist"]["integrity"])
    except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
        raise NpmDataError(f"could not read {url}: {exc}") from exc


def download_tarball(
    package: str, cache_dir: Path, version: str | None, integrity: str | None = None
) -> tuple[Path, str]:
    """Download ``package`` (``version``, or its latest release) into ``cache_dir`` under
    the name ``npm pack`` gives it, checked against ``integrity`` when given, else against
    the registry's; returns (tarball path, package version). A tarball already there with
    the right hash is not downloaded again (pooch)."""
    packed_version, url, published = package_dist(package, version)
    try:
        path = pooch.retrieve(
            url,
            known_hash=pooch_hash(integrity or published),
            fname=tarball_name(package, packed_version),
            path=cache_dir,
            downloader=pooch.HTTPDownloader(timeout=TIMEOUT_S, progressbar=False),
        )
    except (requests.RequestException, ValueError, OSError) as exc:
        raise NpmDataError(f"could not download {url}: {exc}") from exc
    return Path(path), packed_version


def extract_members(tarball: Path, members: Iterable[str], dest: Path) -> None:
    """Extract the named members of ``tarball`` (paths inside ``package/``) under ``dest``."""
    wanted = {f"package/{name}": name for name in members}
    found: set[str] = set()
    try:
        with tarfile.open(tarball, "r:gz") as tar:
            for member in tar:
                if member.name not in wanted or not member.isfile():
                    continue
                fileobj = tar.extractfile(member)
                if fileobj is None:
                    continue
                target = dest / wanted[member.name]
                target.parent.mkdir(parents=True, exist_ok=True)
                with fileobj, open(target, "wb") as out:
                    shutil.copyfileobj(fileobj, out)
                found.add(member.name)
    except (tarfile.TarError, OSError) as exc:
        raise NpmDataError(f"could not read {tarball}: {exc}") from exc
    missing = sorted(set(wanted) - found)
    if missing:
        raise NpmDataError(f"{tarball.name} lacks {', '.join(missing)}")


def fetch_package(package: str, cache_dir: Path, version: str | None, data_files: Iterable[str]) -> Path:
    """Fetch ``package`` (latest, or ``version``) and extract ``package.json`` and the
    ``data/`` files named in ``data_files`` into ``cache_dir/<name>-<version>/``.

    The download is skipped when the tarball of the requested ``version`` is already in
    ``cache_dir``, and extraction when the files are already there. Returns the
    extracted ``data`` directory (its version: :func:`read_package_version`).
    """
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tarball = cache_dir / tarball_name(package, version) if version else None
    if tarball is not None and tarball.is_file():
        packed_version = version or "unknown"
    else:
        tarball, packed_version = download_tarball(package, cache_dir, version)
    dest = cache_dir / extract_dir_name(package, packed_version)
    members = ["package.json"] + [f"data/{name}" for name in data_files]
    if not all((dest / m).is_file() for m in members):
        extract_members(tarball, members, dest)
    return dest / "data"


def read_package_version(data_dir: Path) -> str:
    """Return the version of the package whose ``data`` directory is ``data_dir``.

    Reads ``package.json`` in the parent directory (the layout of the npm tarball);
    returns ``"unknown"`` when it is absent or unreadable.
    """
    package_json = Path(data_dir).parent / "package.json"
    try:
        return str(json.loads(package_json.read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return "unknown"


def load_json(path: Path, what: str) -> dict[str, Any]:
    """Load one JSON data file holding an object; NpmDataError naming ``what`` it should be."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise NpmDataError(f"{path} not found (is {path.parent} {what}?)") from exc
    except (OSError, ValueError) as exc:
        raise NpmDataError(f"could not read {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise NpmDataError(f"{path} does not hold a JSON object")
    return data


# --------------------------------------------------------------------------- snapshots


def write_snapshot(path: Path, snapshot: dict[str, Any]) -> None:
    """Write a snapshot file (UTF-8, indented, stable key order, final newline)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(snapshot, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- HTML to text

_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "tr",
        "table",
        "tbody",
        "thead",
        "center",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "dl",
        "dt",
        "dd",
    }
)
_CELL_TAGS = frozenset({"td", "th"})


class _TextExtractor(HTMLParser):
    """Collect the visible text of Légifrance (KALI / LEGI) article HTML, block by block.

    Each paragraph-like block becomes one line. Table cells of a row are joined with
    `` | ``. A block holding a ``<a name="RENVOI_…">`` anchor is a footnote.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, bool]] = []
        self._parts: list[str] = []
        self._is_note = False
        self._cells_in_row = 0

    def _flush(self) -> None:
        text = normalize_whitespace("".join(self._parts))
        if text:
            self.blocks.append((text, self._is_note))
        self._parts = []
        self._is_note = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _CELL_TAGS:
            if self._cells_in_row:
                self._parts.append(" | ")
            self._cells_in_row += 1
        elif tag == "br":
            # A line break inside a table cell stays in the cell.
            if self._cells_in_row:
                self._parts.append(" ")
            else:
                self._flush()
        elif tag in _BLOCK_TAGS:
            if tag == "tr":
                self._cells_in_row = 0
            self._flush()
        elif tag == "a":
            name = dict(attrs).get("name") or ""
            if name.startswith("RENVOI"):
                self._is_note = True

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS and tag != "br":
            if tag == "tr":
                self._cells_in_row = 0
            self._flush()

    def handle_data(self, data: str) -> None:
        self._parts.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def html_blocks(content: str | None) -> list[tuple[str, bool]]:
    """Return the text blocks of KALI HTML as (text, is_footnote) pairs."""
    if not content:
        return []
    parser = _TextExtractor()
    parser.feed(content)
    parser.close()
    return parser.blocks


def html_to_text(content: str | None) -> str:
    """Return the plain text of KALI article HTML: tags stripped, entities decoded,
    whitespace normalized inside each block, one block (paragraph, line break, table
    row) per line, table cells separated by `` | ``."""
    return "\n".join(text for text, _ in html_blocks(content))


def html_footnotes(content: str | None) -> list[str]:
    """Return the footnotes (``RENVOI`` anchors: extension exclusions and reservations)
    of KALI article HTML, one string per note with its source line appended."""
    notes: list[str] = []
    current: list[str] = []
    for text, is_note in html_blocks(content):
        if is_note:
            if current:
                notes.append(" ".join(current))
            current = [text]
        elif current and text.startswith("(") and not re.match(r"\(\d+\)", text):
            # The "(Arrêté du … - art. 1)" line after a note belongs to it.
            current.append(text)
        elif current:
            notes.append(" ".join(current))
            current = []
    if current:
        notes.append(" ".join(current))
    return notes


# --------------------------------------------------------------------------- text changes


def text_delta(old_text: str, new_text: str, limit: int = 2, width: int = 90) -> str:
    """Summarize a text change as its first deleted (-) and inserted (+) lines."""
    old_lines = [normalize_whitespace(line) for line in old_text.splitlines() if line.strip()]
    new_lines = [normalize_whitespace(line) for line in new_text.splitlines() if line.strip()]
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    pieces: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for line in old_lines[i1:i2]:
            pieces.append('-"' + clip(line, width) + '"')
        for line in new_lines[j1:j2]:
            pieces.append('+"' + clip(line, width) + '"')
    if len(pieces) > limit:
        pieces = [*pieces[:limit], f"(+{len(pieces) - limit} more line(s))"]
    return " ".join(pieces)


def word_delta(old_text: str, new_text: str, limit: int = 3, context: int = 3) -> str:
    """Summarize a text change word by word: ``…context [old → new] context…`` for the
    first ``limit`` changed places (long legal paragraphs change by a few words)."""
    old_words, new_words = old_text.split(), new_text.split()
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    pieces: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        before = " ".join(old_words[max(0, i1 - context) : i1])
        after = " ".join(old_words[i2 : i2 + context])
        pieces.append(f'"…{before} [{" ".join(old_words[i1:i2])} -> {" ".join(new_words[j1:j2])}] {after}…"')
    if len(pieces) > limit:
        pieces = [*pieces[:limit], f"(+{len(pieces) - limit} more change(s))"]
    return " ".join(pieces)


def clip(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` characters with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"


def iter_nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Yield ``node`` and all its descendants, depth first, in document order."""
    yield node
    for child in node.get("children") or []:
        yield from iter_nodes(child)
