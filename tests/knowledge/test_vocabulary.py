"""Tests of ``knowledge/idcc2378/vocabulary.yml``: the job titles people type, per annex métier."""

from __future__ import annotations

import csv
import json
import re
import statistics
import unicodedata
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

REPO_ROOT: Path = Path(__file__).resolve().parents[2]
SCHEMA_DIR: Path = REPO_ROOT / "knowledge/schema"
VOCABULARY_PATH: Path = REPO_ROOT / "knowledge/idcc2378/vocabulary.yml"
ANNEX_PATH: Path = REPO_ROOT / "knowledge/idcc2378/annex.csv"

MIN_VARIANTS: int = 3

# Variants that fit several annex métiers: (variant, minimum number of métiers).
SHARED: list[tuple[str, int]] = [
    ("électricien", 3),
    ("électricienne", 3),
    ("chef d'équipe", 5),
    ("cheffe d'équipe", 5),
    ("chef de chantier", 5),
    ("cheffe de chantier", 5),
    ("assistant RH", 2),
    ("assistante ressources humaines", 2),
    ("technicien méthodes", 2),
    ("pilote d'installation", 2),
    ("développeur web", 2),
    ("webmaster", 2),
    ("développeur", 4),
    ("maçon", 4),
    ("coffreur", 2),
    ("monteur", 6),
    ("régleur", 3),
    ("chauffeur", 5),
    ("routier", 2),
    ("animateur d'équipe", 3),
    ("superviseur", 2),
    ("commercial", 3),
    ("conseiller clientèle", 3),
    ("téléconseiller", 3),
    ("gouvernante", 2),
    ("automaticien", 2),
    ("technicien réseau", 2),
    ("technicien fibre", 2),
    ("agent de production", 2),
    ("chauffagiste", 2),
    ("manipulateur radio", 2),
]

# Variants that designate exactly one annex métier.
UNIQUE: list[tuple[str, str]] = [
    ("cariste", "logistique-transport/logistique/magasinier-cariste"),
    ("conducteur de chariot élévateur", "logistique-transport/logistique/magasinier-cariste"),
    ("caces", "logistique-transport/logistique/magasinier-cariste"),
    ("préparatrice de commandes", "logistique-transport/logistique/preparateur-de-commandes"),
    ("agent de picking", "logistique-transport/logistique/preparateur-de-commandes"),
    ("préparateur de colis", "logistique-transport/logistique/preparateur-de-commandes"),
    ("chauffeur poids lourd", "logistique-transport/transport/chauffeur-pl"),
    ("conducteur PL", "logistique-transport/transport/chauffeur-pl"),
    ("chauffeur super lourd", "logistique-transport/transport/chauffeur-spl"),
    ("chauffeur semi", "logistique-transport/transport/chauffeur-spl"),
    ("chauffeur livreur", "logistique-transport/transport/chauffeur-vl"),
    ("livreur VL", "logistique-transport/transport/chauffeur-vl"),
    ("mécano", "industrie/maintenance/mecanicien"),
    ("soudeur TIG", "industrie/ajustage-montage-assemblage/soudeur"),
    ("soudeuse", "industrie/ajustage-montage-assemblage/soudeur"),
    ("tourneur", "industrie/productique/operateur-usinage-cn"),
    ("opérateur CNC", "industrie/productique/operateur-usinage-cn"),
    ("femme de chambre", "tertiaire/hotellerie/employe-d-etage"),
    ("valet de chambre", "tertiaire/hotellerie/employe-d-etage"),
    ("chef de rang", "tertiaire/restauration/serveur"),
    ("serveuse", "tertiaire/restauration/serveur"),
    ("cuisinière", "tertiaire/restauration/cuisinier"),
    ("commis", "tertiaire/restauration/commis-de-cuisine"),
    ("aide-soignante", "tertiaire/medical/aide-soignant"),
    ("infirmière de bloc", "tertiaire/medical/infirmier"),
    ("IBODE", "tertiaire/medical/infirmier"),
    ("AES", "tertiaire/medical/accompagnant-educatif-et-social"),
    ("réceptionniste", "tertiaire/hotellerie/receptionniste"),
    ("intégrateur web", "tertiaire/numerique/webmaster-developpeur-integrateur-web"),
]

# Jobs that must not appear anywhere in a variant (as whole words): OIR jobs outside the
# annex (handled by metiers_a_enjeux.yml) and jobs merely close to an annex métier.
FORBIDDEN_WORDS: list[str] = [
    "plaquiste",
    "menuisier",
    "conducteur d'engins",
    "community manager",
    "coiffeuse",
    "coiffeur",
    "boulanger",
    "manutentionnaire",
    "plongeur",
    "agent de service hospitalier",
    "ASH",
    "AESH",
    "aide à domicile",
]

# Words too ambiguous to be a variant on their own.
FORBIDDEN_EXACT: list[str] = [
    "pilote de ligne",
    "pilote de lignes",
    "préparateur",
    "préparatrice",
    "secrétaire",
    "architecte",
    "puéricultrice",
    "charcutier",
    "conducteur",
    "opérateur",
    "technicien",
    "assistant",
    "responsable",
    "fraiseuse",
    "plieuse",
]

# Abbreviation keys must never be ordinary French words (they are expanded everywhere).
NOT_ABBREVIATIONS: frozenset[str] = frozenset(
    {"si", "as", "ce", "tp", "semi", "info", "elec", "prepa", "chef", "a", "de", "le", "la"}
)


def fold(text: str) -> str:
    """Lower case, accents and ligatures folded, ``-`` and ``'`` as spaces, one space."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae").replace("’", "'")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[-']", " ", text)
    return " ".join(text.split())


@pytest.fixture(scope="module")
def vocabulary() -> dict[str, Any]:
    """The vocabulary file, loaded with ``yaml.safe_load``."""
    with VOCABULARY_PATH.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def metiers(vocabulary: dict[str, Any]) -> dict[str, list[str]]:
    """metier_id -> variants."""
    return vocabulary["metiers"]


@pytest.fixture(scope="module")
def abbreviations(vocabulary: dict[str, Any]) -> dict[str, str]:
    """Abbreviation -> expansion."""
    return vocabulary.get("abbreviations") or {}


@pytest.fixture(scope="module")
def annex_ids() -> set[str]:
    """The distinct metier_id values of the annex."""
    with ANNEX_PATH.open(encoding="utf-8", newline="") as handle:
        return {row["metier_id"] for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def ids_by_variant(metiers: dict[str, list[str]]) -> dict[str, set[str]]:
    """Folded variant -> ids of the métiers listing it."""
    index: dict[str, set[str]] = {}
    for metier_id, variants in metiers.items():
        for variant in variants:
            index.setdefault(fold(variant), set()).add(metier_id)
    return index


def test_validates_against_schema(vocabulary: dict[str, Any]) -> None:
    """The file satisfies knowledge/schema/vocabulary.schema.json."""
    schema = json.loads((SCHEMA_DIR / "vocabulary.schema.json").read_text(encoding="utf-8"))
    resolver = jsonschema.RefResolver(base_uri=SCHEMA_DIR.as_uri() + "/", referrer=schema)
    jsonschema.Draft7Validator(schema, resolver=resolver).validate(vocabulary)


def test_annex_has_123_metiers(annex_ids: set[str]) -> None:
    """The annex this file covers has 123 métiers."""
    assert len(annex_ids) == 123


def test_keys_are_exactly_the_annex_ids(metiers: dict[str, list[str]], annex_ids: set[str]) -> None:
    """Every annex métier has an entry, and every entry is an annex métier."""
    assert set(metiers) - annex_ids == set(), "keys that are not annex metier_ids"
    assert annex_ids - set(metiers) == set(), "annex metier_ids without variants"


def test_enough_variants(metiers: dict[str, list[str]]) -> None:
    """Every métier has at least three variants."""
    short = {k: len(v) for k, v in metiers.items() if len(v) < MIN_VARIANTS}
    assert short == {}


def test_variants_are_clean_and_not_duplicated(metiers: dict[str, list[str]]) -> None:
    """No empty or padded variant; no duplicate within a métier, even after folding."""
    for metier_id, variants in metiers.items():
        for variant in variants:
            assert isinstance(variant, str), (metier_id, variant)
            assert variant.strip(), (metier_id, variant)
            assert variant == variant.strip() and "  " not in variant, (metier_id, variant)
            assert not any(c in variant for c in "/#:;,()"), (metier_id, variant)
        folded = [fold(v) for v in variants]
        duplicates = sorted({f for f in folded if folded.count(f) > 1})
        assert duplicates == [], (metier_id, duplicates)


def test_abbreviation_keys(abbreviations: dict[str, str]) -> None:
    """Abbreviation keys are single lower-case ASCII words, never ordinary French words."""
    assert abbreviations, "no abbreviations"
    for key, expansion in abbreviations.items():
        assert isinstance(key, str) and re.fullmatch(r"[a-z]+", key), key
        assert key not in NOT_ABBREVIATIONS, key
        assert isinstance(expansion, str) and expansion.strip(), key
        assert expansion == fold(expansion), (key, expansion)
        assert not set(expansion.split()) & set(abbreviations), (key, expansion)


@pytest.mark.parametrize(
    ("key", "expansion"),
    [
        ("pl", "poids lourd"),
        ("spl", "super poids lourd"),
        ("vl", "vehicule leger"),
        ("mecano", "mecanicien"),
    ],
)
def test_required_abbreviations(abbreviations: dict[str, str], key: str, expansion: str) -> None:
    """The abbreviations of the design are there."""
    assert abbreviations.get(key) == expansion


def test_abbreviated_variants_are_also_written_expanded(
    metiers: dict[str, list[str]], abbreviations: dict[str, str]
) -> None:
    """A variant using an abbreviation is also listed expanded, under the same métier."""
    for metier_id, variants in metiers.items():
        folded = {fold(v) for v in variants}
        for variant in folded:
            words = variant.split()
            if not any(w in abbreviations for w in words):
                continue
            expanded = " ".join(abbreviations.get(w, w) for w in words)
            assert expanded in folded, (metier_id, variant, expanded)


@pytest.mark.parametrize(("variant", "min_ids"), SHARED, ids=[s[0] for s in SHARED])
def test_shared_variants(ids_by_variant: dict[str, set[str]], variant: str, min_ids: int) -> None:
    """A variant that fits several métiers is listed under each of them."""
    assert len(ids_by_variant.get(fold(variant), set())) >= min_ids, variant


@pytest.mark.parametrize(("variant", "metier_id"), UNIQUE, ids=[u[0] for u in UNIQUE])
def test_unique_variants(ids_by_variant: dict[str, set[str]], variant: str, metier_id: str) -> None:
    """A variant that designates one métier is listed under that one only."""
    assert ids_by_variant.get(fold(variant)) == {metier_id}, variant


def test_shared_electricien_is_the_three_electriciens(ids_by_variant: dict[str, set[str]]) -> None:
    """ "électricien" is exactly électricien bâtiment / industrie / tertiaire."""
    assert ids_by_variant[fold("électricien")] == {
        "btp/electricite/electricien-batiment",
        "btp/electricite/electricien-industrie",
        "btp/electricite/electricien-tertiaire",
    }


def test_same_label_metiers_share_all_variants(metiers: dict[str, list[str]]) -> None:
    """Métiers with the same label and certifications in two sub-sectors list the same variants."""
    pairs = [
        (
            "tertiaire/gestion-administration/assistant-rh",
            "tertiaire/secretariat-bureautique/assistant-rh",
        ),
        (
            "industrie/ajustage-montage-assemblage/pilote-d-installation-des-industries-de-process",
            "industrie/maintenance/pilote-d-installation-des-industries-de-process",
        ),
    ]
    for first, second in pairs:
        assert {fold(v) for v in metiers[first]} == {fold(v) for v in metiers[second]}


@pytest.mark.parametrize("word", FORBIDDEN_WORDS)
def test_forbidden_words(metiers: dict[str, list[str]], word: str) -> None:
    """Jobs outside the annex, or merely close to an annex métier, are never variants."""
    pattern = re.compile(rf"(^| ){re.escape(fold(word))}s?( |$)")
    hits = [(k, v) for k, vs in metiers.items() for v in vs if pattern.search(fold(v))]
    assert hits == []


@pytest.mark.parametrize("word", FORBIDDEN_EXACT)
def test_forbidden_exact(ids_by_variant: dict[str, set[str]], word: str) -> None:
    """Too ambiguous on their own to be a variant."""
    assert fold(word) not in ids_by_variant


def test_sizes(metiers: dict[str, list[str]]) -> None:
    """Sanity figures: common intérim jobs get many variants, the median is 5 or more."""
    counts = [len(v) for v in metiers.values()]
    assert statistics.median(counts) >= 5
    for metier_id in (
        "logistique-transport/logistique/magasinier-cariste",
        "logistique-transport/logistique/preparateur-de-commandes",
        "logistique-transport/transport/chauffeur-pl",
        "industrie/ajustage-montage-assemblage/soudeur",
        "tertiaire/medical/aide-soignant",
        "tertiaire/restauration/serveur",
    ):
        assert len(metiers[metier_id]) >= 12, metier_id
