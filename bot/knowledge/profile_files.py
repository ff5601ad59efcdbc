"""Loading the files that describe a person's situation as the rules read it: the kinds
of diploma (``diplomas.yml``), the priority publics (``publics.yml``) and how a contract
the rules do not name is read (``contract_readings.yml``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from bot.knowledge.errors import KnowledgeError
from bot.knowledge.files import read_yaml, validate
from bot.knowledge.metier_models import Diploma
from bot.knowledge.models import ContractReadings, PriorityPublic
from bot.knowledge.source_files import source_ref
from bot.knowledge.source_models import SourceDocument


def load_diplomas(path: Path, root: Path, sources: Mapping[str, SourceDocument]) -> dict[str, Diploma]:
    """Read ``diplomas.yml``: diploma kinds by code.

    The file's ``source`` (where the levels come from) is for the reader of the data; it
    is checked (its document must exist) but not kept, since no answer cites it.
    """
    data = read_yaml(path)
    validate(data, "diplomas.schema.json", path, root)
    source_ref(data["source"], sources, path, "source")
    diplomas = {
        raw["code"]: Diploma(
            code=raw["code"],
            label=raw["label"],
            level=raw["level"],
            title_prefixes=tuple(raw["title_prefixes"]),
            licence_grade=raw.get("licence_grade"),
            plural=raw.get("plural"),
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
            raise KnowledgeError(path, f"duplicate code: {raw['code']}", f"{field}.code")
        unknown = [code for code in raw.get("target_diplomas", ()) if code not in diplomas]
        if unknown:
            raise KnowledgeError(path, f"diploma not in diplomas.yml: {unknown[0]}", f"{field}.target_diplomas")
        age = raw.get("age") or {}
        if age and age["min"] > age["max"]:
            raise KnowledgeError(path, "minimum age above the maximum age", f"{field}.age")
        publics[raw["code"]] = PriorityPublic(
            code=raw["code"],
            source=source_ref(raw["source"], sources, path, f"{field}.source"),
            min_age=age.get("min"),
            max_age=age.get("max"),
            contracts=frozenset(raw.get("contracts", ())),
            target_diplomas=frozenset(raw.get("target_diplomas", ())),
            words=tuple(raw.get("words", ())),
        )
    return publics


def load_contract_readings(path: Path, root: Path) -> ContractReadings:
    """Read ``contract_readings.yml`` (each contract read or split once at most)."""
    data = read_yaml(path)
    validate(data, "contract_readings.schema.json", path, root)
    readings: dict[str, str] = {}
    for index, raw in enumerate(data["readings"]):
        if raw["said"] in readings or raw["said"] == raw["read_as"]:
            raise KnowledgeError(path, f"reading given twice or circular: {raw['said']}", f"readings.{index}")
        readings[raw["said"]] = raw["read_as"]
    kinds: dict[str, tuple[str, ...]] = {}
    for index, raw in enumerate(data["kinds"]):
        if raw["contract"] in kinds or raw["contract"] in raw["kinds"]:
            raise KnowledgeError(path, f"duplicate contract: {raw['contract']}", f"kinds.{index}")
        kinds[raw["contract"]] = tuple(raw["kinds"])
    return ContractReadings(readings=readings, kinds=kinds)
