"""Load ``knowledge/`` into typed objects, validating every file against its schema.

Every problem is reported as a :class:`~bot.knowledge.errors.KnowledgeError` naming the
file and the field. Loading is done once per process (:func:`load_knowledge` is cached).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from bot.knowledge.errors import KnowledgeError
from bot.knowledge.models import (
    Agreement,
    Amendment,
    AmendmentStatus,
    AnnexRow,
    Branch,
    Certification,
    ClosedAsk,
    Contact,
    ContractReadings,
    Diploma,
    DocumentKind,
    KnowledgeBase,
    ListingStatus,
    Metier,
    MetierAEnjeux,
    PriorityPublic,
    Rule,
    SourceDocument,
    SourceRef,
)
from bot.settings import REPO_KNOWLEDGE_DIR, Settings

#: The repository's knowledge folder; ``PROA_KNOWLEDGE_DIR`` overrides it.
DEFAULT_KNOWLEDGE_DIR = REPO_KNOWLEDGE_DIR


class _StringDateLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings, so that JSON Schema sees what was typed."""


_StringDateLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}


def knowledge_dir() -> Path:
    """The knowledge folder in use (``PROA_KNOWLEDGE_DIR`` or the repository's)."""
    return Settings.from_env().knowledge_dir


def read_yaml(path: Path) -> Any:
    """Read a YAML file with dates kept as strings; KnowledgeError if absent or broken."""
    if not path.is_file():
        raise KnowledgeError(path, "fichier introuvable")
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_StringDateLoader)
    except yaml.YAMLError as exc:
        raise KnowledgeError(path, f"YAML illisible ({exc})") from exc


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read a UTF-8 CSV file with a header into dicts; KnowledgeError if absent."""
    if not path.is_file():
        raise KnowledgeError(path, "fichier introuvable")
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
        raise KnowledgeError(path, "schéma introuvable")
    with path.open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


def _to_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def load_sources(root: Path) -> dict[str, SourceDocument]:
    """Read ``sources.yml`` into documents by id."""
    path = root / "sources.yml"
    data = read_yaml(path)
    validate(data, "sources.schema.json", path, root)
    documents: dict[str, SourceDocument] = {}
    for index, item in enumerate(data["documents"]):
        if item["id"] in documents:
            raise KnowledgeError(path, f"identifiant en double : {item['id']}", f"documents.{index}.id")
        documents[item["id"]] = SourceDocument(
            id=item["id"],
            kind=DocumentKind(item["kind"]),
            title=item["title"],
            short_title=item["short_title"],
            url=item["url"],
            checked_on=_to_date(item["checked_on"]),
        )
    return documents


def load_contacts(root: Path) -> tuple[Contact, ...]:
    """Read the ``contacts`` of ``sources.yml`` (schema-checked with the documents)."""
    data = read_yaml(root / "sources.yml")
    return tuple(
        Contact(id=item["id"], role=item["role"], name=item["name"], idcc=item["idcc"], url=item["url"])
        for item in data.get("contacts") or []
    )


def _source_ref(raw: Mapping[str, Any], sources: Mapping[str, SourceDocument], path: Path, field: str) -> SourceRef:
    document_id = raw["document"]
    if document_id not in sources:
        raise KnowledgeError(path, f"document inconnu dans sources.yml : {document_id}", f"{field}.document")
    return SourceRef(
        document=sources[document_id],
        article=str(raw["article"]),
        kali_id=raw.get("kali_id"),
        quote=raw["quote"],
        legi_id=raw.get("legi_id"),
        more_quotes=tuple(raw.get("more_quotes") or ()),
    )


def load_rules(
    path: Path, root: Path, sources: Mapping[str, SourceDocument]
) -> tuple[dict[str, Any] | None, tuple[Rule, ...]]:
    """Read a rules file; returns its raw ``agreement`` block (if any) and its rules."""
    data = read_yaml(path)
    validate(data, "rules.schema.json", path, root)
    rules: list[Rule] = []
    for index, raw in enumerate(data["rules"]):
        field = f"rules.{index}"
        rule = Rule(
            id=raw["id"],
            topic=raw["topic"],
            title=raw["title"],
            summary_template=raw["summary"],
            values=_typed_values(raw["values"]),
            valid_from=_to_date(raw["valid_from"]),
            valid_until=_to_date(raw["valid_until"]),
            source=_source_ref(raw["source"], sources, path, f"{field}.source"),
            question=raw.get("question"),
            asks=tuple(raw.get("asks") or ()),
            answer=raw.get("answer"),
            closed_asks=tuple(ClosedAsk(c["ask"], c["answer"]) for c in raw.get("closed_asks") or ()),
            adviser_template=raw.get("adviser_summary"),
        )
        missing = [name for name in rule.placeholders() if name not in rule.values]
        if missing:
            raise KnowledgeError(path, f"valeurs manquantes pour le résumé : {', '.join(missing)}", f"{field}.summary")
        rules.append(rule)
    return data.get("agreement"), tuple(rules)


def _typed_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Turn ISO date strings in values into dates; leave everything else as typed."""
    typed: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                typed[key] = date.fromisoformat(value)
                continue
            except ValueError:
                pass
        typed[key] = value
    return typed


def _agreement(raw: Mapping[str, Any], sources: Mapping[str, SourceDocument], path: Path) -> Agreement:
    if raw["id"] not in sources:
        raise KnowledgeError(path, f"document inconnu dans sources.yml : {raw['id']}", "agreement.id")
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
            raise KnowledgeError(path, f"row_id en double : {raw['row_id']}", f"ligne {index}: row_id")
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
            raise KnowledgeError(path, f"identifiant en double : {raw['id']}", f"{field}.id")
        result[raw["id"]] = Certification(
            title=raw["title"],
            rncp=raw.get("rncp"),
            level=raw.get("level") or "niveau non précisé",
            source=_source_ref(raw["source"], sources, path, f"{field}.source"),
            status=ListingStatus(raw["status"]),
            kind=raw["kind"],
            listed_from=_to_date(raw["listed_from"]),
            listed_until=_to_date(raw["listed_until"]),
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
                path, f"certification inconnue : {missing[0]}", f"metier_details.{metier_id}.certifications"
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
                source=_source_ref(raw["source"], sources, path, f"metier_details.{metier_id}.source"),
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
                raise KnowledgeError(path, f"métier absent de l'annexe : {link}", f"metiers.{index}.annex_metiers")
        items.append(
            MetierAEnjeux(
                id=raw["id"],
                label=raw["label"],
                sector=raw["sector"],
                annex_metier_ids=tuple(raw["annex_metiers"]),
                variants=tuple(raw["variants"]),
            )
        )
    return tuple(items), _source_ref(data["source"], sources, path, "source")


def load_diplomas(path: Path, root: Path, sources: Mapping[str, SourceDocument]) -> dict[str, Diploma]:
    """Read ``diplomas.yml``: diploma kinds by code.

    The file's ``source`` (where the levels come from) is for the reader of the data; it
    is checked (its document must exist) but not kept, since no answer cites it.
    """
    data = read_yaml(path)
    validate(data, "diplomas.schema.json", path, root)
    _source_ref(data["source"], sources, path, "source")
    diplomas = {
        raw["code"]: Diploma(
            code=raw["code"],
            label=raw["label"],
            level=raw["level"],
            title_prefixes=tuple(raw["title_prefixes"]),
            licence_grade=raw.get("licence_grade"),
        )
        for raw in data["diplomas"]
    }
    return diplomas


def load_publics(
    path: Path, root: Path, sources: Mapping[str, SourceDocument], diplomas: Mapping[str, Diploma]
) -> dict[str, PriorityPublic]:
    """Read ``publics.yml``: the priority publics by code, their diplomas checked."""
    data = read_yaml(path)
    validate(data, "publics.schema.json", path, root)
    publics: dict[str, PriorityPublic] = {}
    for index, raw in enumerate(data["publics"]):
        field = f"publics.{index}"
        if raw["code"] in publics:
            raise KnowledgeError(path, f"code en double : {raw['code']}", f"{field}.code")
        unknown = [code for code in raw.get("target_diplomas", ()) if code not in diplomas]
        if unknown:
            raise KnowledgeError(path, f"diplôme inconnu de diplomas.yml : {unknown[0]}", f"{field}.target_diplomas")
        age = raw.get("age") or {}
        if age and age["min"] > age["max"]:
            raise KnowledgeError(path, "âge minimum supérieur à l'âge maximum", f"{field}.age")
        publics[raw["code"]] = PriorityPublic(
            code=raw["code"],
            source=_source_ref(raw["source"], sources, path, f"{field}.source"),
            min_age=age.get("min"),
            max_age=age.get("max"),
            contracts=frozenset(raw.get("contracts", ())),
            target_diplomas=frozenset(raw.get("target_diplomas", ())),
        )
    return publics


def load_contract_readings(path: Path, root: Path) -> ContractReadings:
    """Read ``contract_readings.yml`` (each contract read or split once at most)."""
    data = read_yaml(path)
    validate(data, "contract_readings.schema.json", path, root)
    readings: dict[str, str] = {}
    for index, raw in enumerate(data["readings"]):
        if raw["said"] in readings or raw["said"] == raw["read_as"]:
            raise KnowledgeError(path, f"lecture en double ou circulaire : {raw['said']}", f"readings.{index}")
        readings[raw["said"]] = raw["read_as"]
    kinds: dict[str, tuple[str, ...]] = {}
    for index, raw in enumerate(data["kinds"]):
        if raw["contract"] in kinds or raw["contract"] in raw["kinds"]:
            raise KnowledgeError(path, f"contrat en double : {raw['contract']}", f"kinds.{index}")
        kinds[raw["contract"]] = tuple(raw["kinds"])
    return ContractReadings(readings=readings, kinds=kinds)


def load_branch(folder: Path, root: Path, sources: Mapping[str, SourceDocument]) -> Branch:
    """Load one ``knowledge/idccNNNN/`` folder."""
    agreement_path = folder / "agreement.yml"
    raw_agreement, rules = load_rules(agreement_path, root, sources)
    if raw_agreement is None:
        raise KnowledgeError(agreement_path, "bloc « agreement » manquant", "agreement")
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
        raise KnowledgeError(vocabulary_path, f"métier inconnu : {unknown[0]}", f"metiers.{unknown[0]}")
    enjeux, enjeux_source = load_enjeux(folder / "metiers_a_enjeux.yml", root, sources, metier_ids)
    certifications = tuple(row.certification for row in annex) + tuple(listed.values())
    list_notes = []
    for index, rule_id in enumerate(raw_agreement.get("list_notes") or []):
        found = [r for r in rules if r.id == rule_id]
        if not found:
            raise KnowledgeError(agreement_path, f"règle inconnue : {rule_id}", f"agreement.list_notes.{index}")
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


def load_knowledge_from(root: Path) -> KnowledgeBase:
    """Load and check the whole knowledge base under ``root`` (not cached)."""
    root = root.resolve()
    if not root.is_dir():
        raise KnowledgeError(root, "dossier de connaissances introuvable")
    sources = load_sources(root)
    law_rules: list[Rule] = []
    law_dir = root / "law"
    law_files = sorted(law_dir.glob("*.yml"))
    if not law_files:
        raise KnowledgeError(law_dir, "aucun fichier de règles légales")
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
            raise KnowledgeError(root, f"identifiant de règle en double : {rule.id}", "rules.id")
        seen.add(rule.id)


def _check_publics_named(kb: KnowledgeBase, root: Path) -> None:
    """Every priority public a rule names is defined in ``publics.yml``."""
    for rule in kb.all_rules():
        for code in rule.values.get("publics", ()):
            if code not in kb.publics:
                raise KnowledgeError(
                    root / "publics.yml", f"public de la règle {rule.id} absent du fichier : {code}", "publics"
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
