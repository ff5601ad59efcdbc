"""Track the SDLM (IDCC 1404) Pro-A texts in the KALI data of ``@socialgouv/kali-data``.

The npm package ``@socialgouv/kali-data`` ships one JSON tree per collective agreement
container (``data/KALICONT….json``). This module:

- downloads a version of the package from the npm registry (:mod:`tools.knowledge_sync.npm`)
  and extracts only the files needed;
- extracts a normalized snapshot of the tracked texts (the Pro-A agreement of
  18 September 2020 and its avenants n° 1 and n° 7): articles with plain text, footnotes
  and modification links;
- compares two snapshots article by article (matched by KALI ``cid``, since the ``id``
  changes with each new version of an article) and formats the changes for developers;
- refreshes ``knowledge/idcc1404/kali_snapshot.json``.

Command line (offline with ``--from-dir``)::

    python -m tools.knowledge_sync.kali refresh [--write] [--check] [--cache DIR] [--from-dir DIR]
                               [--version VERSION] [--knowledge DIR]

Nothing here touches the network except :func:`fetch_latest` (through :mod:`tools.knowledge_sync.npm`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from bot.knowledge.kali import SNAPSHOT_RELATIVE_PATH, read_snapshot
from bot.knowledge.snapshots import normalize_whitespace
from tools.knowledge_sync import npm, sync
from tools.knowledge_sync.npm import (
    ChangeKind,
    NpmDataError,
    html_footnotes,
    html_to_text,
    iter_nodes,
    text_delta,
)
from tools.knowledge_sync.sync import TrackedPackage

PACKAGE_NAME = "@socialgouv/kali-data"
SNAPSHOT_FORMAT = 1

#: KALI container of the SDLM collective agreement (IDCC 1404).
CONTAINER_ID = "KALICONT000005635653"
#: Texts tracked in the snapshot: the Pro-A agreement and the avenants that changed it.
PROA_TEXT_ID = "KALITEXT000043074842"
AVENANT_1_TEXT_ID = "KALITEXT000045372869"
AVENANT_7_TEXT_ID = "KALITEXT000051314657"
TRACKED_TEXT_IDS: tuple[str, ...] = (PROA_TEXT_ID, AVENANT_1_TEXT_ID, AVENANT_7_TEXT_ID)


#: KALI ``etat`` values meaning that an article or a text no longer applies.
ENDED_ETATS = frozenset({"ABROGE", "ABROGE_DIFF", "PERIME", "DENONCE"})
#: KALI uses this date for "no end date".
OPEN_END_DATE = "2999-01-01"


class KaliError(NpmDataError):
    """Raised when the KALI data cannot be fetched or read."""


# --------------------------------------------------------------------------- fetching


def fetch_latest(
    cache_dir: Path,
    version: str | None = None,
    containers: Iterable[str] = (CONTAINER_ID,),
) -> Path:
    """Fetch ``@socialgouv/kali-data`` (latest, or ``version``) and extract what we need.

    Downloads the tarball into ``cache_dir`` (skipped when the tarball of the requested
    ``version`` is already there), then extracts ``package.json``, ``data/index.json``
    and the container JSON files into ``cache_dir/kali-data-<version>/``.

    Returns the extracted ``data`` directory. The package version is in the
    ``package.json`` next to it: read it with :func:`read_package_version`.
    Raises :class:`KaliError` when the registry cannot be read or the download fails.
    """
    try:
        return npm.fetch_package(PACKAGE_NAME, cache_dir, version, ["index.json"] + [f"{c}.json" for c in containers])
    except KaliError:
        raise
    except NpmDataError as exc:
        raise KaliError(str(exc)) from exc


def load_container(data_dir: Path, container_id: str = CONTAINER_ID) -> dict[str, Any]:
    """Load the JSON tree of one KALI container from a kali-data ``data`` directory."""
    try:
        return npm.load_json(Path(data_dir) / f"{container_id}.json", "a kali-data 'data' directory")
    except NpmDataError as exc:
        raise KaliError(str(exc)) from exc


# --------------------------------------------------------------------------- extraction


def _find_node(root: dict[str, Any], node_id: str) -> dict[str, Any] | None:
    """Return the first node of the tree whose ``data.id`` is ``node_id``."""
    for node in iter_nodes(root):
        if (node.get("data") or {}).get("id") == node_id:
            return node
    return None


def _normalize_link(link: dict[str, Any]) -> dict[str, Any]:
    """Return one ``lstLienModification`` entry with stable snake_case keys."""
    return {
        "link_type": link.get("linkType"),
        "orientation": link.get("linkOrientation"),
        "text_title": link.get("textTitle"),
        "text_cid": link.get("textCid"),
        "article_num": link.get("articleNum"),
        "article_id": link.get("articleId"),
        "date_signature": link.get("dateSignaTexte"),
        "date_publication": link.get("datePubliTexte"),
        "date_debut": link.get("dateDebutCible"),
    }


def _normalize_article(data: dict[str, Any], section_path: list[str]) -> dict[str, Any]:
    """Return the snapshot entry of one KALI article node's ``data``."""
    content = data.get("content")
    notes = html_footnotes(content)
    nota = html_to_text(data.get("nota"))
    if nota:
        notes.append(nota)
    article: dict[str, Any] = {
        "id": data.get("id"),
        "cid": data.get("cid"),
        "num": data.get("num"),
        "etat": data.get("etat"),
        "surtitre": data.get("surtitre"),
        "section_path": section_path,
        "text": html_to_text(content),
        "notes": notes,
        "links": [_normalize_link(link) for link in data.get("lstLienModification") or []],
    }
    # Optional KALI fields, kept only when the data has them.
    for source_key, key in (("dateDebut", "date_debut"), ("dateFin", "date_fin"), ("historique", "historique")):
        if data.get(source_key):
            article[key] = data[source_key]
    return article


def _collect_articles(node: dict[str, Any], path: list[str], out: list[dict[str, Any]]) -> None:
    """Append the normalized articles under ``node`` to ``out`` in document order."""
    for child in node.get("children") or []:
        data = child.get("data") or {}
        if child.get("type") == "article":
            out.append(_normalize_article(data, list(path)))
        else:
            _collect_articles(child, [*path, normalize_whitespace(data.get("title") or "")], out)


def extract_texts(container_json: dict[str, Any], text_ids: list[str]) -> dict[str, Any]:
    """Return a normalized snapshot of the given texts of a KALI container.

    The result is ``{"container_id", "container_title", "idcc", "texts"}`` where
    ``texts`` maps each text id found (in the order of ``text_ids``) to its ``id``,
    ``cid``, ``title``, ``etat``, ``modif_date`` and ``articles`` (see
    :func:`_normalize_article`). Text ids absent from the container are listed under
    ``missing_text_ids``.
    """
    root_data = container_json.get("data") or {}
    texts: dict[str, Any] = {}
    missing: list[str] = []
    for text_id in text_ids:
        node = _find_node(container_json, text_id)
        if node is None:
            missing.append(text_id)
            continue
        data = node.get("data") or {}
        articles: list[dict[str, Any]] = []
        _collect_articles(node, [], articles)
        texts[text_id] = {
            "id": data.get("id"),
            "cid": data.get("cid"),
            "title": normalize_whitespace(data.get("title") or ""),
            "etat": data.get("etat"),
            "modif_date": data.get("modifDate"),
            "articles": articles,
        }
    num = root_data.get("num")
    return {
        "container_id": root_data.get("id"),
        "container_title": root_data.get("shortTitle") or root_data.get("title"),
        "idcc": int(str(num)) if str(num or "").isdigit() else num,
        "texts": texts,
        "missing_text_ids": missing,
    }


# --------------------------------------------------------------------------- diff


@dataclass(frozen=True)
class Change:
    """One difference between two snapshots, for an article or a whole tracked text.

    ``kind``: see :class:`~bot.knowledge.npm.ChangeKind`. For a change
    of a whole text, ``cid`` is the text id and ``article_num``/``article_label`` are
    ``None``/``"(text)"``. Dates come from the modification link that explains the
    change (the newest ``MODIFIE`` link of the new version, when there is one).
    """

    kind: ChangeKind
    text_id: str
    text_title: str
    article_num: str | None
    article_label: str
    cid: str
    old_id: str | None
    new_id: str | None
    old_etat: str | None
    etat: str | None
    modified_by: str | None
    modified_by_cid: str | None
    date_signature: str | None
    date_publication: str | None
    date_debut: str | None
    date_fin: str | None
    description: str


def _article_label(article: dict[str, Any]) -> str:
    """Return a short label for an article: ``art. 3``, or its section for annexes."""
    num = article.get("num")
    if num:
        return f"art. {num}"
    path = article.get("section_path") or []
    if path:
        last = str(path[-1])
        return last if len(last) <= 60 else last[:57] + "…"
    return "(unnumbered)"


def _is_ended(item: dict[str, Any]) -> bool:
    """True when a snapshot article/text is abrogated (etat or a real end date)."""
    date_fin = item.get("date_fin")
    return item.get("etat") in ENDED_ETATS or bool(date_fin and date_fin < OPEN_END_DATE)


def _link_key(link: dict[str, Any]) -> tuple[Any, ...]:
    """Identify a modification link across versions."""
    return (link.get("link_type"), link.get("text_cid"), link.get("article_id"))


def _explaining_link(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any] | None:
    """Return the link of ``new`` that best explains a change: a new ``MODIFIE`` /
    ``ABROGE`` link first, then any new link, then the newest ``MODIFIE`` link.

    Only links whose target is this article count (orientation ``cible``); the
    ``source`` links of an avenant's articles point to the texts the avenant changes.
    """
    old_keys = {_link_key(link) for link in (old or {}).get("links") or []}
    links = [link for link in new.get("links") or [] if link.get("orientation") != "source"]
    fresh = [link for link in links if _link_key(link) not in old_keys]

    def newest(candidates: list[dict[str, Any]]) -> dict[str, Any] | None:
        if not candidates:
            return None
        return max(candidates, key=lambda link: (link.get("date_signature") or "", link.get("date_debut") or ""))

    for pool in (
        [link for link in fresh if (link.get("link_type") or "").startswith(("MODIFIE", "ABROGE"))],
        fresh,
        [link for link in links if link.get("link_type") == "MODIFIE"],
    ):
        found = newest(pool)
        if found is not None:
            return found
    return None


def _make_change(
    kind: ChangeKind,
    text: dict[str, Any],
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    description: str,
    is_text: bool = False,
) -> Change:
    """Build a :class:`Change` for an article (or a text when ``is_text``)."""
    current = new if new is not None else old
    assert current is not None
    link = _explaining_link(old, new) if new is not None and not is_text else None
    return Change(
        kind=kind,
        text_id=text.get("id") or "",
        text_title=text.get("title") or "",
        article_num=None if is_text else current.get("num"),
        article_label="(text)" if is_text else _article_label(current),
        cid=(current.get("cid") or current.get("id") or "") if not is_text else (text.get("id") or ""),
        old_id=old.get("id") if old is not None else None,
        new_id=new.get("id") if new is not None else None,
        old_etat=old.get("etat") if old is not None else None,
        etat=current.get("etat"),
        modified_by=link.get("text_title") if link else None,
        modified_by_cid=link.get("text_cid") if link else None,
        date_signature=link.get("date_signature") if link else None,
        date_publication=link.get("date_publication") if link else None,
        date_debut=link.get("date_debut") if link else None,
        date_fin=current.get("date_fin"),
        description=description,
    )


def _diff_article(text: dict[str, Any], old: dict[str, Any], new: dict[str, Any]) -> Change | None:
    """Compare two versions of the same article (same cid); None when unchanged."""
    if _is_ended(new) and not _is_ended(old):
        detail = f"etat {old.get('etat')} -> {new.get('etat')}"
        if new.get("date_fin"):
            detail += f", date_fin {new.get('date_fin')}"
        return _make_change(ChangeKind.ABROGATED, text, old, new, detail)
    parts: list[str] = []
    if old.get("id") != new.get("id"):
        parts.append(f"id {old.get('id')} -> {new.get('id')}")
    if old.get("etat") != new.get("etat"):
        parts.append(f"etat {old.get('etat')} -> {new.get('etat')}")
    old_text, new_text = old.get("text") or "", new.get("text") or ""
    if normalize_whitespace(old_text) != normalize_whitespace(new_text):
        parts.append("text " + text_delta(old_text, new_text))
    if (old.get("notes") or []) != (new.get("notes") or []):
        parts.append("notes changed")
    old_links = {_link_key(link) for link in old.get("links") or []}
    new_links = {_link_key(link) for link in new.get("links") or []}
    if old_links != new_links:
        added = [link for link in new.get("links") or [] if _link_key(link) not in old_links]
        removed = [link for link in old.get("links") or [] if _link_key(link) not in new_links]
        link_parts = [f"+{link.get('link_type')} {link.get('text_title')}" for link in added]
        link_parts += [f"-{link.get('link_type')} {link.get('text_title')}" for link in removed]
        parts.append("links " + "; ".join(link_parts))
    for key in ("num", "surtitre", "section_path", "date_fin"):
        if old.get(key) != new.get(key):
            parts.append(f"{key} {old.get(key)!r} -> {new.get(key)!r}")
    if not parts:
        return None
    return _make_change(ChangeKind.MODIFIED, text, old, new, "; ".join(parts))


def diff_snapshots(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Compare two snapshots made by :func:`extract_texts` (or read from the snapshot file).

    Articles are matched by ``cid`` within the tracked texts (a new version of an
    article gets a new ``id`` but keeps its ``cid``). An article is ``modified`` when its
    id, etat, text, notes or links changed; ``abrogated`` when its etat becomes ABROGE
    (or PERIME, DENONCE) or it gets an end date; ``added``/``removed`` when its cid
    appears/disappears. Text-level changes (a tracked text appearing, disappearing or
    changing etat/title) are reported with ``article_label == "(text)"``.
    """
    old_texts: dict[str, Any] = (old or {}).get("texts") or {}
    new_texts: dict[str, Any] = (new or {}).get("texts") or {}
    changes: list[Change] = []
    text_ids = list(new_texts) + [t for t in old_texts if t not in new_texts]
    for text_id in text_ids:
        old_text, new_text = old_texts.get(text_id), new_texts.get(text_id)
        text = new_text or old_text
        assert text is not None
        if old_text is None:
            changes.append(_make_change(ChangeKind.ADDED, text, None, text, "tracked text appeared", True))
        elif new_text is None:
            changes.append(_make_change(ChangeKind.REMOVED, text, text, None, "tracked text disappeared", True))
        else:
            if _is_ended(new_text) and not _is_ended(old_text):
                changes.append(
                    _make_change(
                        ChangeKind.ABROGATED,
                        text,
                        old_text,
                        new_text,
                        f"text etat {old_text.get('etat')} -> {new_text.get('etat')}",
                        True,
                    )
                )
            else:
                parts = [
                    f"{key} {old_text.get(key)!r} -> {new_text.get(key)!r}"
                    for key in ("etat", "title")
                    if old_text.get(key) != new_text.get(key)
                ]
                if parts:
                    changes.append(_make_change(ChangeKind.MODIFIED, text, old_text, new_text, "; ".join(parts), True))
        old_articles = {a["cid"]: a for a in (old_text or {}).get("articles") or []}
        new_articles = {a["cid"]: a for a in (new_text or {}).get("articles") or []}
        for cid, article in new_articles.items():
            before = old_articles.get(cid)
            if before is None:
                changes.append(_make_change(ChangeKind.ADDED, text, None, article, "new article"))
            else:
                change = _diff_article(text, before, article)
                if change is not None:
                    changes.append(change)
        for cid, article in old_articles.items():
            if cid not in new_articles:
                changes.append(_make_change(ChangeKind.REMOVED, text, article, None, "article no longer in the data"))
    return changes


def format_changes(changes: Sequence[Change]) -> str:
    """Format changes for developers, one line per change (English, ids and dates)."""
    if not changes:
        return "No change in the tracked KALI texts."
    lines: list[str] = []
    for change in changes:
        ids = change.new_id or change.old_id or ""
        if change.old_id and change.new_id and change.old_id != change.new_id:
            ids = f"{change.old_id} -> {change.new_id}"
        line = (
            f"{change.kind.upper():<9} {change.text_id} {change.article_label} "
            f"(cid {change.cid}, id {ids}, etat {change.etat})"
        )
        if change.modified_by:
            dates = ", ".join(
                f"{label} {value}"
                for label, value in (
                    ("signed", change.date_signature),
                    ("published", change.date_publication),
                    ("in force", change.date_debut),
                )
                if value and value != OPEN_END_DATE
            )
            line += f' by "{change.modified_by}" ({change.modified_by_cid}'
            line += f"; {dates})" if dates else ")"
        line += f": {change.description}"
        lines.append(line)
    return "\n".join(lines)


# --------------------------------------------------------------------------- refresh


def build_snapshot(
    container_json: dict[str, Any], version: str, text_ids: Iterable[str] = TRACKED_TEXT_IDS
) -> dict[str, Any]:
    """Return the snapshot file content for ``container_json`` (kali-data ``version``)."""
    extracted = extract_texts(container_json, list(text_ids))
    return {
        "format": SNAPSHOT_FORMAT,
        "package": PACKAGE_NAME,
        "version": version,
        "generated_by": "python -m tools.knowledge_sync.kali refresh --write",
        **extracted,
    }


def _missing_texts(snapshot: dict[str, Any]) -> list[str]:
    return [f"tracked text {text_id} not found in {CONTAINER_ID}" for text_id in snapshot.get("missing_text_ids") or []]


#: The KALI snapshot, for :mod:`tools.knowledge_sync.sync`.
TRACKED = TrackedPackage[Change](
    package=PACKAGE_NAME,
    snapshot_path=SNAPSHOT_RELATIVE_PATH,
    fetch=fetch_latest,
    build=lambda data_dir, version: build_snapshot(load_container(data_dir), version),
    read=read_snapshot,
    diff=diff_snapshots,
    format=format_changes,
    count=lambda snapshot: (len(snapshot["texts"]), "tracked text(s)"),
    missing=_missing_texts,
    review="knowledge/idcc1404/agreement.yml (kali_id and quotes of the rules whose articles changed)",
)


def refresh(
    root: Path,
    cache_dir: Path,
    write: bool,
    *,
    from_dir: Path | None = None,
    version: str | None = None,
    stream: TextIO | None = None,
) -> list[Change]:
    """Compare the latest KALI data with ``<root>/idcc1404/kali_snapshot.json`` (``root``: a
    knowledge folder), print the changes and return them; with ``write``, rewrite the
    snapshot (see :func:`tools.knowledge_sync.sync.refresh`)."""
    return sync.refresh(TRACKED, root, cache_dir, write, from_dir=from_dir, version=version, stream=stream)


def main(argv: list[str] | None = None) -> int:
    """``python -m tools.knowledge_sync.kali refresh [options]``: 0 on success, 1 with
    ``--check`` when changes were found, 2 on error."""
    return sync.main(
        TRACKED,
        argv,
        prog="python -m tools.knowledge_sync.kali",
        description="Track the IDCC 1404 Pro-A texts in kali-data.",
    )


if __name__ == "__main__":
    sys.exit(main())
