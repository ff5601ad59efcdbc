"""Loading one branch folder (``knowledge/idccNNNN/``): its agreement and rules
(``agreement.yml``), its annex (``annex.csv``), the words people use for its métiers
(``vocabulary.yml``), the certifications it names one by one and the OIR « métiers à
enjeux » (``metiers_a_enjeux.yml``), with the links between them checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from bot import wording
from bot.knowledge.errors import KnowledgeError
from bot.knowledge.files import read_csv, read_yaml, to_date, validate
from bot.knowledge.metier_models import AnnexRow, Certification, ListingStatus, Metier, MetierAEnjeux
from bot.knowledge.models import Branch
from bot.knowledge.rule_files import load_rules
from bot.knowledge.source_files import source_ref
from bot.knowledge.source_models import Agreement, Amendment, AmendmentStatus, SourceDocument, SourceRef


def _agreement(raw: Mapping[str, Any], sources: Mapping[str, SourceDocument], path: Path) -> Agreement:
    if raw["id"] not in sources:
        raise KnowledgeError(path, f"document not in sources.yml: {raw['id']}", "agreement.id")
    return Agreement(
        id=raw["id"],
        idcc=raw["idcc"],
        branch=raw["branch"],
        title=raw["title"],
        signed_on=date.fromisoformat(raw["signed_on"]),
        in_force_from=date.fromisoformat(raw["in_force_from"]),
        opco=raw["opco"],
        employer=raw.get("employer", "company"),
        amendments=tuple(
            Amendment(
                title=a["title"],
                signed_on=date.fromisoformat(a["signed_on"]),
                kali_text_id=a.get("kali_text_id"),
                status=AmendmentStatus(a["status"]),
            )
            for a in raw["amendments"]
        ),
        annex_version=raw.get("annex_version"),
        document=sources[raw["id"]],
        aliases=tuple(raw.get("aliases") or ()),
    )


def load_annex(path: Path, root: Path, source: SourceRef) -> tuple[AnnexRow, ...]:
    """Read an annex CSV (one row per RNCP mention), each row validated by the schema."""
    rows: list[AnnexRow] = []
    seen: set[str] = set()
    for index, raw in enumerate(read_csv(path), start=2):  # line 1 is the header
        validate(raw, "annex_row.schema.json", path, root, prefix=f"ligne {index}: ")
        if raw["row_id"] in seen:
            raise KnowledgeError(path, f"duplicate row_id: {raw['row_id']}", f"row {index}: row_id")
        seen.add(raw["row_id"])
        certification = Certification(
            title=raw["certification"],
            rncp=raw["rncp"],
            level=raw["level"],
            source=SourceRef(
                document=source.document, article=source.article, kali_id=None, quote=raw["certification"]
            ),
        )
        rows.append(
            AnnexRow(
                row_id=raw["row_id"],
                sector=raw["sector"],
                sub_sector=raw["sub_sector"],
                metier=raw["metier"],
                metier_id=raw["metier_id"],
                certification=certification,
                seed_line=int(raw["seed_line"]),
                correction=raw["correction"],
            )
        )
    return tuple(rows)


def _metiers_from_annex(rows: Iterable[AnnexRow], variants: Mapping[str, list[str]]) -> tuple[Metier, ...]:
    by_id: dict[str, list[AnnexRow]] = {}
    for row in rows:
        by_id.setdefault(row.metier_id, []).append(row)
    metiers = []
    for metier_id, group in by_id.items():
        first = group[0]
        metiers.append(
            Metier(
                id=metier_id,
                label=first.metier,
                sector=first.sector,
                sub_sector=first.sub_sector,
                certifications=tuple(row.certification for row in group),
                variants=tuple(variants.get(metier_id, ())),
            )
        )
    return tuple(metiers)


def load_vocabulary(path: Path, root: Path) -> tuple[dict[str, str], dict[str, list[str]], dict[str, dict[str, Any]]]:
    """Read a vocabulary file: (abbreviations, variants by métier id, métier details).

    An absent file gives empty results.
    """
    if not path.exists():
        return {}, {}, {}
    data = read_yaml(path)
    validate(data, "vocabulary.schema.json", path, root)
    variants = {k: list(v) for k, v in data["metiers"].items()}
    return dict(data.get("abbreviations") or {}), variants, dict(data.get("metier_details") or {})


def load_listed_certifications(
    raw_items: list[dict[str, Any]], sources: Mapping[str, SourceDocument], path: Path
) -> dict[str, Certification]:
    """Certifications named one by one in an agreement file (``certifications:``), by id."""
    result: dict[str, Certification] = {}
    for index, raw in enumerate(raw_items):
        field = f"certifications.{index}"
        if raw["id"] in result:
            raise KnowledgeError(path, f"duplicate id: {raw['id']}", f"{field}.id")
        result[raw["id"]] = Certification(
            title=raw["title"],
            rncp=raw.get("rncp"),
            level=raw.get("level") or wording.text("certifications", "level_not_given"),
            source=source_ref(raw["source"], sources, path, f"{field}.source"),
            status=ListingStatus(raw["status"]),
            kind=raw["kind"],
            listed_from=to_date(raw["listed_from"]),
            listed_until=to_date(raw["listed_until"]),
            note=raw.get("note"),
        )
    return result


def _metiers_from_details(
    details: Mapping[str, dict[str, Any]],
    variants: Mapping[str, list[str]],
    certifications: Mapping[str, Certification],
    branch_name: str,
    sources: Mapping[str, SourceDocument],
    path: Path,
) -> tuple[Metier, ...]:
    metiers = []
    for metier_id, raw in details.items():
        missing = [c for c in raw["certifications"] if c not in certifications]
        if missing:
            raise KnowledgeError(
                path, f"unknown certification: {missing[0]}", f"metier_details.{metier_id}.certifications"
            )
        metiers.append(
            Metier(
                id=metier_id,
                label=raw["label"],
                sector=branch_name,
                sub_sector=raw.get("domain") or raw["label"],
                certifications=tuple(certifications[c] for c in raw["certifications"]),
                variants=tuple(variants.get(metier_id, ())),
                note=raw.get("kali_certification"),
                source=source_ref(raw["source"], sources, path, f"metier_details.{metier_id}.source"),
            )
        )
    return tuple(metiers)


def load_enjeux(
    path: Path, root: Path, sources: Mapping[str, SourceDocument], metier_ids: set[str]
) -> tuple[tuple[MetierAEnjeux, ...], SourceRef | None]:
    """Read the OIR "métiers à enjeux" file, checking its links to annex métiers."""
    if not path.exists():
        return (), None
    data = read_yaml(path)
    validate(data, "metiers_a_enjeux.schema.json", path, root)
    items = []
    for index, raw in enumerate(data["metiers"]):
        for link in raw["annex_metiers"]:
            if link not in metier_ids:
                raise KnowledgeError(path, f"métier not in the annex: {link}", f"metiers.{index}.annex_metiers")
        items.append(
            MetierAEnjeux(
                id=raw["id"],
                label=raw["label"],
                sector=raw["sector"],
                annex_metier_ids=tuple(raw["annex_metiers"]),
                variants=tuple(raw["variants"]),
            )
        )
    return tuple(items), source_ref(data["source"], sources, path, "source")


def load_branch(folder: Path, root: Path, sources: Mapping[str, SourceDocument]) -> Branch:
    """Load one ``knowledge/idccNNNN/`` folder."""
    agreement_path = folder / "agreement.yml"
    raw_agreement, rules = load_rules(agreement_path, root, sources)
    if raw_agreement is None:
        raise KnowledgeError(agreement_path, "no 'agreement' block", "agreement")
    agreement = _agreement(raw_agreement, sources, agreement_path)
    vocabulary_path = folder / "vocabulary.yml"
    abbreviations, variants, details = load_vocabulary(vocabulary_path, root)
    listed = load_listed_certifications(read_yaml(agreement_path).get("certifications") or [], sources, agreement_path)

    annex: tuple[AnnexRow, ...] = ()
    annex_path = folder / "annex.csv"
    if annex_path.exists():
        # The article that sets the annex (« art. 3-3 (annexe) »), as the agreement file says.
        article = str(raw_agreement.get("annex_article") or "Annexe")
        annex_source = SourceRef(document=agreement.document, article=article, kali_id=None, quote=article)
        annex = load_annex(annex_path, root, annex_source)
    metiers = _metiers_from_annex(annex, variants) + _metiers_from_details(
        details, variants, listed, agreement.branch, sources, vocabulary_path
    )
    metier_ids = {m.id for m in metiers}
    unknown = sorted(set(variants) - metier_ids)
    if unknown:
        raise KnowledgeError(
            vocabulary_path,
            f"the vocabulary names a métier that is not in the annex: {unknown[0]}",
            f"metiers.{unknown[0]}",
        )
    enjeux, enjeux_source = load_enjeux(folder / "metiers_a_enjeux.yml", root, sources, metier_ids)
    certifications = tuple(row.certification for row in annex) + tuple(listed.values())
    list_notes = []
    for index, rule_id in enumerate(raw_agreement.get("list_notes") or []):
        found = [r for r in rules if r.id == rule_id]
        if not found:
            raise KnowledgeError(agreement_path, f"unknown rule: {rule_id}", f"agreement.list_notes.{index}")
        list_notes.append(found[0])
    return Branch(
        list_notes=tuple(list_notes),
        agreement=agreement,
        rules=rules,
        metiers=metiers,
        certifications=certifications,
        metiers_a_enjeux=enjeux,
        abbreviations=abbreviations,
        annex=annex,
        enjeux_source=enjeux_source,
    )
