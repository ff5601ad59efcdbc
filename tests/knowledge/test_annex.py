"""Tests of ``knowledge/idcc2378/annex.csv`` and of its parser ``bot.knowledge.annex_parser``."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from bot.knowledge import annex_parser as ap

REPO_ROOT: Path = Path(__file__).resolve().parents[2]
SEED_PATH: Path = ap.DEFAULT_SEED
CSV_PATH: Path = REPO_ROOT / "knowledge/idcc2378/annex.csv"
CORRECTIONS_PATH: Path = REPO_ROOT / "knowledge/idcc2378/annex_corrections.yml"

SECTORS: frozenset[str] = frozenset(
    {"Logistique / Transport", "Industrie", "BTP", "Environnement / Energie", "Tertiaire"}
)

# Rows checked by hand against the seed:
# (seed_line, sector, sub_sector, metier, certification, rncp, level).
HAND_CHECKED: list[tuple[int, str, str, str, str, str, str]] = [
    # plain rows
    (
        263,
        "Logistique / Transport",
        "Logistique",
        "Préparateur de commandes",
        "TP Préparateur de Commandes en Entrepôt",
        "RNCP34860",
        "niveau 3",
    ),
    (
        270,
        "Logistique / Transport",
        "Logistique",
        "Chef d'équipe",
        "CQP animateur d'équipe en logistique",
        "RNCP25600",
        "sans niveau",
    ),
    (
        591,
        "Environnement / Energie",
        "Energie",
        "Technicien en énergétique",
        "Licence PRO Métiers de l'énergétique, de l'environnement et du génie climatique (fiche nationale)",
        "RNCP30121",
        "niveau 6",
    ),
    (
        715,
        "Tertiaire",
        "Numérique",
        "Architecte en systèmes d'information",
        "Architecte réseaux et cybersécurité (MS)",
        "RNCP32121",
        "niveau 7",
    ),
    # continuation rows right after a DocuSign block
    (
        342,
        "Industrie",
        "Machines",
        "Superviseur / animateur / Responsable d'équipe de production",
        "CQP/CQPM Responsable d'équipe autonome",
        "RNCP28230",
        "sans niveau",
    ),
    (
        512,
        "BTP",
        "Fibre Optique",
        "Chef de chantier",
        "TP Technicien de réseaux de télécommunication",
        "RNCP30999",
        "niveau 4",
    ),
    # one cell holding two codes
    (
        272,
        "Logistique / Transport",
        "Logistique",
        "Responsable logistique",
        "TP Technicien supérieur en méthodes et exploitation logistique",
        "RNCP1901",
        "niveau 5",
    ),
    (
        272,
        "Logistique / Transport",
        "Logistique",
        "Responsable logistique",
        "TP Technicien supérieur en méthodes et exploitation logistique",
        "RNCP17989",
        "niveau 5",
    ),
    # shifted columns
    (
        273,
        "Logistique / Transport",
        "Logistique",
        "Responsable logistique",
        "Master Gestion de production, logistique, achats",
        "RNCP34032",
        "niveau 7",
    ),
    (
        419,
        "Industrie",
        "Ajustage / Montage / Assemblage",
        "Ajusteur / Monteur / Régleur",
        "CQP/CQPM Ajusteur monteur de structures aéronefs",
        "RNCP24895",
        "sans niveau",
    ),
    (
        563,
        "BTP",
        "Electricité",
        "Monteur câbleur / monteur électricien",
        "CQP/CQPM Ajusteur monteur de structures aéronefs",
        "RNCP24895",
        "sans niveau",
    ),
    (
        564,
        "BTP",
        "Electricité",
        "Monteur câbleur / monteur électricien",
        "CQP/CQPM intégrateur câbleur aéronautique",
        "RNCP24884",
        "sans niveau",
    ),
    (
        565,
        "BTP",
        "Electricité",
        "Monteur câbleur / monteur électricien",
        "CAP Préparation réalisation ouvrages électriques",
        "RNCP2436",
        "niveau 3",
    ),
    (
        566,
        "BTP",
        "Electricité",
        "Electricien tertiaire",
        "TP Electricien d'équipement du bâtiment",
        "RNCP31116",
        "niveau 3",
    ),
    (
        598,
        "Tertiaire",
        "Restauration",
        "Responsable restauration",
        "CQP Responsable point de restauration",
        "RNCP31343",
        "sans niveau",
    ),
    (
        644,
        "Tertiaire",
        "Relation clients à distance",
        "Chef de plateau",
        "TP Formateur professionnel d'adultes",
        "RNCP247",
        "niveau 5",
    ),
    (
        651,
        "Tertiaire",
        "Médical",
        "Infirmier",
        "Diplôme d'Etat d'infirmier ou d'infirmière, grade licence",
        "RNCP8940",
        "niveau 6",
    ),
    (689, "Tertiaire", "Numérique", "DATA Analyste / business Analyste", "DATA Analyst", "RNCP34964", "niveau 6"),
    # wrapped cell (shifted too)
    (
        420,
        "Industrie",
        "Ajustage / Montage / Assemblage",
        "Ajusteur / Monteur / Régleur",
        "Opérateur en mécanique générale : option fraiseur, option tourneur, option ajusteur monteur (CTM)",
        "RNCP17159",
        "niveau 3",
    ),
    # generic noise: superscript and spaced code
    (
        441,
        "Industrie",
        "Ajustage / Montage / Assemblage",
        "Chaudronnier",
        "Certificat de Qualification Technique 1er degré Métaux en feuilles, option chaudronnier",
        "RNCP2050",
        "niveau 3",
    ),
    (
        527,
        "BTP",
        "Second Œuvre",
        "Technicien/Monteur installations thermiques",
        "Bac Pro Technicien en installation des systèmes énergétiques et climatiques",
        "RNCP4433",
        "niveau 4",
    ),
]


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    """The committed CSV as a list of dicts."""
    with CSV_PATH.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def seed_text() -> str:
    """The seed text; skips the test when the shared seed is not available."""
    return SEED_PATH.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------
# The committed CSV
# ---------------------------------------------------------------------------


def test_header(rows: list[dict[str, str]]) -> None:
    """The CSV header is exactly the documented one."""
    with CSV_PATH.open(encoding="utf-8", newline="") as handle:
        assert tuple(next(csv.reader(handle))) == ap.CSV_FIELDS


def test_counts(rows: list[dict[str, str]]) -> None:
    """(a) 221 rows, 197 distinct RNCP codes."""
    assert len(rows) == 221
    assert len({row["rncp"] for row in rows}) == 197


def test_codes_levels_and_labels_are_clean(rows: list[dict[str, str]]) -> None:
    """(c) code and level formats, no DocuSign noise, no empty labels."""
    for row in rows:
        assert re.fullmatch(r"RNCP[0-9]+", row["rncp"]), row
        assert row["level"] in ap.LEVELS, row
        assert row["sector"] in SECTORS, row
        for name in ("sector", "sub_sector", "metier", "certification"):
            assert row[name], (name, row)
        for name, value in row.items():
            assert "DS" not in value and "^{" not in value, (name, row)
            assert value == value.strip() and "  " not in value and "\t" not in value, (name, row)


def test_row_ids_and_metier_ids(rows: list[dict[str, str]]) -> None:
    """(d) row ids unique and in seed order; metier ids well formed and one label per id."""
    assert [row["row_id"] for row in rows] == [f"A{i:03d}" for i in range(1, len(rows) + 1)]
    seed_lines = [int(row["seed_line"]) for row in rows]
    assert seed_lines == sorted(seed_lines)
    labels_by_id: dict[str, set[tuple[str, str, str]]] = {}
    for row in rows:
        assert ap.METIER_ID_RE.fullmatch(row["metier_id"]), row
        expected_id = ap.make_metier_id(row["sector"], row["sub_sector"], row["metier"])
        assert row["metier_id"] == expected_id
        labels_by_id.setdefault(row["metier_id"], set()).add((row["sector"], row["sub_sector"], row["metier"]))
    assert all(len(labels) == 1 for labels in labels_by_id.values())


@pytest.mark.parametrize(
    ("label", "expected_ids"),
    [
        ("chef d'équipe", 3),
        ("chef de chantier", 3),
        ("assistant rh", 2),
        ("technicien méthodes", 2),
        ("pilote d'installation des industries de process", 2),
    ],
)
def test_same_label_in_different_sub_sectors(rows: list[dict[str, str]], label: str, expected_ids: int) -> None:
    """(d) one métier label used in several sub-sectors gives one id per sub-sector."""
    ids = {row["metier_id"] for row in rows if row["metier"].lower() == label}
    assert len(ids) == expected_ids
    assert len({metier_id.rsplit("/", 1)[0] for metier_id in ids}) == expected_ids


@pytest.mark.parametrize("expected", HAND_CHECKED, ids=lambda e: f"{e[0]}-{e[5]}")
def test_hand_checked_rows(rows: list[dict[str, str]], expected: tuple[int, str, str, str, str, str, str]) -> None:
    """(e) tricky and plain rows checked by hand against the seed."""
    line, sector, sub_sector, metier, certification, rncp, level = expected
    found = [r for r in rows if int(r["seed_line"]) == line and r["rncp"] == rncp]
    assert len(found) == 1
    row = found[0]
    actual = (row["sector"], row["sub_sector"], row["metier"], row["certification"], row["level"])
    assert actual == (sector, sub_sector, metier, certification, level)


def test_hand_checked_list_is_large_enough() -> None:
    """(e) at least 15 rows are checked by hand."""
    assert len(HAND_CHECKED) >= 15


def test_no_row_for_the_wrapped_line(rows: list[dict[str, str]]) -> None:
    """The second half of the wrapped certification (line 430) gives no row of its own."""
    assert not [r for r in rows if r["seed_line"] == "430"]
    assert not [r for r in rows if r["certification"].startswith("option tourneur")]


def test_correction_column_matches_corrections_file(rows: list[dict[str, str]]) -> None:
    """Corrected rows carry the reason of their seed line's correction; the others none."""
    corrections = ap.load_corrections(CORRECTIONS_PATH)
    for row in rows:
        correction = corrections.get(int(row["seed_line"]))
        assert row["correction"] == (correction.reason if correction else ""), row
    assert sum(1 for row in rows if row["correction"]) == 11


# ---------------------------------------------------------------------------
# CSV against the seed
# ---------------------------------------------------------------------------


def test_every_seed_code_once(rows: list[dict[str, str]], seed_text: str) -> None:
    """(b) every RNCP mention of the seed is a CSV row, with the same multiplicity."""
    seed_codes = Counter(m.replace(" ", "") for m in re.findall(r"RNCP ?[0-9]+", seed_text))
    assert sum(seed_codes.values()) == 221
    assert Counter(row["rncp"] for row in rows) == seed_codes


def test_seed_line_holds_the_code(rows: list[dict[str, str]], seed_text: str) -> None:
    """(b) each row's code and level are written on its seed line."""
    lines = seed_text.split("\n")
    for row in rows:
        codes = ap.parse_codes(next(c for c in lines[int(row["seed_line"]) - 1].split("\t") if ap.is_code_cell(c)))
        assert (row["rncp"], row["level"]) in codes, row


def test_parser_reproduces_committed_csv(seed_text: str) -> None:
    """(f) the parser run on the seed gives the committed CSV byte for byte."""
    generated = ap.build_csv_text(SEED_PATH, CORRECTIONS_PATH)
    assert generated == CSV_PATH.read_bytes().decode("utf-8")


def test_check_mode(seed_text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """(f) ``--check`` exits 0 on the committed CSV and 1 on a modified copy."""
    args = ["--seed", str(SEED_PATH), "--corrections", str(CORRECTIONS_PATH), "--check"]
    assert ap.main([*args, "--out", str(CSV_PATH)]) == 0
    altered = tmp_path / "annex.csv"
    committed = CSV_PATH.read_text(encoding="utf-8")
    altered.write_text(committed.replace("RNCP4433", "RNCP4434"), encoding="utf-8")
    assert ap.main([*args, "--out", str(altered)]) == 1
    assert ap.main([*args, "--out", str(tmp_path / "missing.csv")]) == 1
    capsys.readouterr()


# ---------------------------------------------------------------------------
# Noise-handling helpers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("line", ["DS", "^{DS}", "AW", "GL", "RW", "AWDS", "LSDS", "  TD  "])
def test_docusign_noise_lines(line: str) -> None:
    """DocuSign initials lines are recognised."""
    assert ap.is_docusign_noise(line)


@pytest.mark.parametrize("line", ["", "BTP", "Industrie", "DS\tx", "Tertiaire\tRestauration", "ANNEXE", "DSA"])
def test_not_docusign_noise(line: str) -> None:
    """Table lines and other text are not DocuSign noise."""
    assert not ap.is_docusign_noise(line)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Qualification Technique 1 ^{er} degré", "Qualification Technique 1er degré"),
        ("  TP   Maçon ", "TP Maçon"),
        ("CQP ^{DS} Commis", "CQP Commis"),
        ("RNCP 4433 (niveau 4)", "RNCP4433 (niveau 4)"),
        ("", ""),
    ],
)
def test_clean_cell(raw: str, clean: str) -> None:
    """Cells lose superscript markup, DocuSign marks, code spaces and extra whitespace."""
    assert ap.clean_cell(raw) == clean


def test_normalize_rncp() -> None:
    """``RNCP 4433`` loses its space; other text is left alone."""
    assert ap.normalize_rncp("RNCP 4433 (niveau 4)") == "RNCP4433 (niveau 4)"
    assert ap.normalize_rncp("RNCP17989") == "RNCP17989"
    assert ap.normalize_rncp("au RNCP et") == "au RNCP et"


@pytest.mark.parametrize(
    ("cell", "codes"),
    [
        ("RNCP34860 (niveau 3)", [("RNCP34860", "niveau 3")]),
        ("RNCP25600 (sans niveau)", [("RNCP25600", "sans niveau")]),
        ("RNCP 4433 (niveau 4)", [("RNCP4433", "niveau 4")]),
        (
            "RNCP1901 (niveau 5) RNCP17989 (niveau 5)",
            [("RNCP1901", "niveau 5"), ("RNCP17989", "niveau 5")],
        ),
    ],
)
def test_parse_codes(cell: str, codes: list[tuple[str, str]]) -> None:
    """Code cells give one (code, level) pair per code."""
    assert ap.is_code_cell(cell)
    assert ap.parse_codes(cell) == codes


@pytest.mark.parametrize("cell", ["", "TP Maçon", "RNCP12 (niveau 9)", "RNCP12", "RNCP12 (niveau 3) x"])
def test_parse_codes_rejects(cell: str) -> None:
    """Anything but codes with a valid level is not a code cell."""
    assert not ap.is_code_cell(cell)
    with pytest.raises(ValueError):
        ap.parse_codes(cell)


def test_slugs() -> None:
    """Slugs are ASCII, lower case, ``-`` separated; ligatures are spelled out."""
    assert ap.slugify("Chef d'équipe gros œuvre") == "chef-d-equipe-gros-oeuvre"
    assert ap.slugify("Gros Œuvre") == "gros-oeuvre"
    web = "Web designer/ webmaster / web concepteur"
    assert ap.slugify(web) == "web-designer-webmaster-web-concepteur"
    assert (
        ap.make_metier_id("Logistique / Transport", "Logistique", "Préparateur de commandes")
        == "logistique-transport/logistique/preparateur-de-commandes"
    )


def test_normalize_group_label() -> None:
    """Sector and sub-sector labels get one space each side of ``/``."""
    assert ap.normalize_group_label("Environnement/Energie") == "Environnement / Energie"
    banque = "Banque / Finance / Assurance"
    assert ap.normalize_group_label(banque) == banque


# ---------------------------------------------------------------------------
# Parser on small synthetic seeds
# ---------------------------------------------------------------------------

TITLE = "ANNEXE – LISTE DES CERTIFICATIONS ELIGIBLES A LA PRO-A"
HEADER = "Secteur\tSous-filière\tMétier identifié\tDiplôme\tCode RNCP"


def _seed(*table_lines: str) -> str:
    """A tiny seed: preamble, annex title, header, then the given table lines."""
    return "\n".join(["Préambule : RNCP sans code.", TITLE, "", HEADER, *table_lines, ""])


def test_parse_small_seed_with_noise_and_continuations() -> None:
    """Continuation cells are inherited, noise dropped, two codes split, spaces removed."""
    text = _seed(
        "Industrie\tMachines\tSoudeur\tTP Soudeur\tRNCP9467 (niveau 3)",
        "",
        "^{DS}",
        "AW",
        "AWDS",
        "\t\t\tCAP 1 ^{er} essai\tRNCP 1 (niveau 3) RNCP2 (sans niveau)",
        "\tMaintenance\tMécanicien\tBAC PRO Maintenance\tRNCP3 (niveau 4)",
    )
    rows = ap.parse_annex(text, {})
    summary = [(r.row_id, r.sub_sector, r.metier, r.certification, r.rncp, r.level, r.seed_line) for r in rows]
    assert summary == [
        ("A001", "Machines", "Soudeur", "TP Soudeur", "RNCP9467", "niveau 3", 5),
        ("A002", "Machines", "Soudeur", "CAP 1er essai", "RNCP1", "niveau 3", 10),
        ("A003", "Machines", "Soudeur", "CAP 1er essai", "RNCP2", "sans niveau", 10),
        ("A004", "Maintenance", "Mécanicien", "BAC PRO Maintenance", "RNCP3", "niveau 4", 11),
    ]
    assert all(r.sector == "Industrie" and r.correction == "" for r in rows)


def test_shifted_line_needs_a_correction() -> None:
    """A line outside the standard layout is an error until a correction covers it."""
    lines = (
        "Industrie\tMachines\tSoudeur\tTP Soudeur\tRNCP9467 (niveau 3)",
        "\tMaster Soudure\t\tRNCP5 (niveau 7)\t",
    )
    with pytest.raises(ap.AnnexParseError, match="line 6"):
        ap.parse_annex(_seed(*lines), {})
    corrections = ap.parse_corrections({"corrections": {6: {"certification": "Master Soudure", "reason": "Shifted."}}})
    rows = ap.parse_annex(_seed(*lines), corrections)
    assert (rows[1].metier, rows[1].certification, rows[1].correction) == (
        "Soudeur",
        "Master Soudure",
        "Shifted.",
    )


def test_wrapped_cell_merged_by_correction() -> None:
    """A wrapped cell is joined through a correction and a ``merged_into`` entry."""
    lines = (
        "Industrie\tMachines\tSoudeur\tTP Soudeur : option A,\tRNCP9467 (niveau 3)",
        "DS",
        "\t\t\toption B\t",
    )
    corrections = ap.parse_corrections(
        {
            "corrections": {
                5: {
                    "sector": "Industrie",
                    "sub_sector": "Machines",
                    "metier": "Soudeur",
                    "certification": "TP Soudeur : option A, option B",
                    "reason": "Wrapped.",
                },
                7: {"merged_into": 5, "reason": "End of line 5."},
            }
        }
    )
    rows = ap.parse_annex(_seed(*lines), corrections)
    summary = [(r.certification, r.seed_line) for r in rows]
    assert summary == [("TP Soudeur : option A, option B", 5)]
    with pytest.raises(ap.AnnexParseError, match="line 7"):
        ap.parse_annex(_seed(*lines), {})


def test_correction_cannot_invent_text() -> None:
    """A correction must re-split the line's own text, not rewrite it."""
    lines = ("Industrie\tMachines\tSoudeur\tTP Soudeur\tRNCP9467 (niveau 3)",)
    corrections = ap.parse_corrections(
        {
            "corrections": {
                5: {
                    "sector": "Industrie",
                    "sub_sector": "Machines",
                    "metier": "Soudeur",
                    "certification": "TP Soudeur expert",
                    "reason": "Bad.",
                }
            }
        }
    )
    with pytest.raises(ap.AnnexParseError, match="re-split"):
        ap.parse_annex(_seed(*lines), corrections)


def test_unused_or_invalid_corrections_are_rejected() -> None:
    """Corrections for non-table lines, or without a reason, are errors."""
    lines = ("Industrie\tMachines\tSoudeur\tTP Soudeur\tRNCP9467 (niveau 3)",)
    unused = ap.parse_corrections({"corrections": {99: {"metier": "X", "reason": "Stale."}}})
    with pytest.raises(ap.AnnexParseError, match="not table lines"):
        ap.parse_annex(_seed(*lines), unused)
    with pytest.raises(ap.AnnexParseError, match="reason"):
        ap.parse_corrections({"corrections": {5: {"metier": "X"}}})
    with pytest.raises(ap.AnnexParseError, match="unknown keys"):
        ap.parse_corrections({"corrections": {5: {"rncp": "RNCP1", "reason": "No."}}})


def test_lost_code_mention_is_detected() -> None:
    """An RNCP mention that does not become a row makes the parse fail."""
    lines = ("Industrie\tMachines\tSoudeur\tTP Soudeur (ex RNCP12)\tRNCP9467 (niveau 3)",)
    with pytest.raises(ap.AnnexParseError, match="RNCP mentions"):
        ap.parse_annex(_seed(*lines), {})
