"""Parse the annex of the IDCC 2378 Pro-A agreement into ``knowledge/idcc2378/annex.csv``.

The seed is the text extracted from the signed PDF of the agreement. From the line
"ANNEXE – LISTE DES CERTIFICATIONS ELIGIBLES ..." to the end it holds a tab-separated table
(Secteur, Sous-filière, Métier identifié, Diplôme, Code RNCP) where empty leading cells mean
"same as the row above".

Generic extraction noise is handled here in code:

* DocuSign initials blocks between pages (``DS``, ``^{DS}``, ``AW``, ``AWDS`` ...) are dropped;
* superscripts are joined (``1 ^{er} degré`` -> ``1er degré``);
* RNCP codes lose their inner space (``RNCP 4433`` -> ``RNCP4433``);
* a code cell holding several codes gives one row per code;
* whitespace is collapsed, and ``/`` in sector and sub-sector labels gets one space each side.

Row-specific fixes (shifted columns, wrapped cells) are data, read from
``knowledge/idcc2378/annex_corrections.yml`` and keyed by seed line number. A correction
only moves the text of its line (and of the lines merged into it) between columns: the
parser checks that no text is invented or lost. Any line that does not fit the standard
layout and has no correction is an error.
layout and has no correction is an error.

The cleaning of cells is in :mod:`bot.knowledge.annex_cells`, the reading of the
corrections in :mod:`bot.knowledge.annex_corrections`; this module walks the table,
writes the CSV and holds the command line, and re-exports the names of both. The French
text it looks for in the seed (the annex title, the header, the levels) is data:
``knowledge/lexicon/annex_seed.yml``.

Usage (from the repository root)::

    python -m bot.knowledge.annex_parser [--seed PATH] [--out PATH] [--corrections PATH] [--check]
"""

from __future__ import annotations

import argparse
import csv
import difflib
import io
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.knowledge.annex_cells import (
    CODE_COLUMN,
    LABEL_FIELDS,
    LEVELS,
    METIER_ID_RE,
    RNCP_MENTION_RE,
    AnnexParseError,
    SeedLine,
    clean_cell,
    count_rncp_mentions,
    is_code_cell,
    is_docusign_noise,
    make_metier_id,
    normalize_group_label,
    normalize_rncp,
    parse_codes,
    slugify,
)
from bot.knowledge.annex_corrections import CORRECTION_KEYS, Correction, load_corrections, parse_corrections
from bot.knowledge.models import AnnexEntry
from bot.lexicon import read_word_file

__all__ = [
    "ANNEX_TITLE",
    "CODE_COLUMN",
    "CORRECTION_KEYS",
    "CSV_FIELDS",
    "DEFAULT_CORRECTIONS",
    "DEFAULT_OUT",
    "DEFAULT_SEED",
    "HEADER_FIRST_CELL",
    "LABEL_FIELDS",
    "LEVELS",
    "METIER_ID_RE",
    "REPO_ROOT",
    "RNCP_MENTION_RE",
    "AnnexCsvRow",
    "AnnexParseError",
    "Correction",
    "SeedLine",
    "build_arg_parser",
    "build_csv_text",
    "clean_cell",
    "count_rncp_mentions",
    "is_code_cell",
    "is_docusign_noise",
    "load_corrections",
    "main",
    "make_metier_id",
    "normalize_group_label",
    "normalize_rncp",
    "parse_annex",
    "parse_codes",
    "parse_corrections",
    "read_table_lines",
    "render_csv",
    "slugify",
    "summarize",
]

REPO_ROOT: Path = Path(__file__).resolve().parents[2]
#: The seed as received (shared/seeds/000_1047204bcd869f8f.txt), kept unchanged in the
#: repository so that the annex can be rebuilt and checked on any machine.
DEFAULT_SEED: Path = REPO_ROOT / "knowledge" / "idcc2378" / "source" / "accord-proa-2021-01-22.txt"
DEFAULT_OUT: Path = REPO_ROOT / "knowledge" / "idcc2378" / "annex.csv"
DEFAULT_CORRECTIONS: Path = REPO_ROOT / "knowledge" / "idcc2378" / "annex_corrections.yml"

#: The start of the line that opens the annex, and the first cell of its table's header
#: (``lexicon/annex_seed.yml``).
ANNEX_TITLE: str = read_word_file("annex_seed")["title"]
HEADER_FIRST_CELL: str = read_word_file("annex_seed")["header_first_cell"]

CSV_FIELDS: tuple[str, ...] = (
    "row_id",
    "sector",
    "sub_sector",
    "metier",
    "metier_id",
    "certification",
    "rncp",
    "level",
    "seed_line",
    "correction",
)


@dataclass(frozen=True)
class AnnexCsvRow(AnnexEntry):
    """One row of ``annex.csv`` as this parser writes it: one RNCP mention of the annex,
    every field a plain value.

    The first stage of the annex: the loader reads the CSV back into
    :class:`bot.knowledge.models.AnnexRow`, whose certification is a typed object.
    """

    certification: str
    rncp: str
    level: str

    def as_csv_record(self) -> list[str]:
        """Return the row's values in ``CSV_FIELDS`` order, as strings."""
        return [str(getattr(self, name)) for name in CSV_FIELDS]


# ---------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------


def read_table_lines(seed_text: str) -> tuple[list[SeedLine], str]:
    """Return the annex table lines (noise and blank lines dropped) and the raw annex text.

    Line numbers are 1-based line numbers of the whole seed.
    """
    lines = seed_text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.startswith(ANNEX_TITLE)), None)
    if start is None:
        raise AnnexParseError(f"annex title {ANNEX_TITLE!r} not found in the seed")
    header_seen = False
    table: list[SeedLine] = []
    for index in range(start + 1, len(lines)):
        number = index + 1
        line = lines[index].rstrip("\r")
        if not line.strip() or is_docusign_noise(line):
            continue
        if not header_seen:
            if not line.startswith(HEADER_FIRST_CELL + "\t"):
                raise AnnexParseError(f"line {number}: expected the table header")
            header_seen = True
            continue
        if "\t" not in line:
            raise AnnexParseError(f"line {number}: unexpected line outside the table: {line!r}")
        table.append(SeedLine(number=number, cells=tuple(clean_cell(c) for c in line.split("\t"))))
    if not header_seen:
        raise AnnexParseError("annex table header not found")
    return table, "\n".join(lines[start:])


def _standard_labels(line: SeedLine) -> dict[str, str]:
    """Label fields of a line in the standard layout; raise if the layout is not standard."""
    code_index = line.code_index
    if code_index is None:
        raise AnnexParseError(f"line {line.number}: no RNCP code cell; add a correction (e.g. merged_into)")
    trailing = [c for c in line.cells[code_index + 1 :] if c]
    if code_index != CODE_COLUMN or trailing:
        raise AnnexParseError(f"line {line.number}: shifted columns {list(line.cells)!r}; add a correction")
    return {name: value for name, value in zip(LABEL_FIELDS, line.cells, strict=False) if value}


def _corrected_labels(line: SeedLine, correction: Correction, continuations: Sequence[SeedLine]) -> dict[str, str]:
    """Label fields of a corrected line, after checking the correction only moves text."""
    if line.code_index is None:
        raise AnnexParseError(f"line {line.number}: corrected line has no RNCP code cell")
    source = line.label_cells + [c for cont in continuations for c in cont.label_cells]
    source_text = " ".join(" ".join(source).split())
    fields = correction.fields
    target_text = " ".join(fields[name] for name in LABEL_FIELDS if name in fields)
    if source_text != target_text:
        raise AnnexParseError(
            f"correction {line.number}: fields {target_text!r} do not re-split the seed text {source_text!r}"
        )
    return dict(correction.fields)


def parse_annex(seed_text: str, corrections: Mapping[int, Correction]) -> list[AnnexCsvRow]:
    """Parse the annex of the seed into rows, applying the hand corrections.

    Raises ``AnnexParseError`` on any line that does not fit, on unused corrections,
    and if the number of rows differs from the number of RNCP mentions in the annex.
    """
    table, annex_text = read_table_lines(seed_text)
    by_number = {line.number: line for line in table}
    unused = set(corrections) - set(by_number)
    if unused:
        raise AnnexParseError(f"corrections for lines that are not table lines: {sorted(unused)}")

    continuations: dict[int, list[SeedLine]] = {}
    for merge in corrections.values():
        if merge.merged_into is not None:
            target = corrections.get(merge.merged_into)
            if target is None or target.merged_into is not None:
                raise AnnexParseError(
                    f"correction {merge.line}: merged_into {merge.merged_into} "
                    "must be a corrected line with label fields"
                )
            continuations.setdefault(merge.merged_into, []).append(by_number[merge.line])

    context: dict[str, str] = {}
    staged: list[tuple[dict[str, str], str, str, int, str]] = []
    for line in table:
        correction = corrections.get(line.number)
        if correction is not None and correction.merged_into is not None:
            if line.code_index is not None:
                raise AnnexParseError(f"line {line.number}: a merged line cannot hold a code")
            continue
        if correction is None:
            given = _standard_labels(line)
        else:
            given = _corrected_labels(line, correction, continuations.get(line.number, []))
        for upper, lower in (("sector", "sub_sector"), ("sub_sector", "metier")):
            if upper in given and lower not in given:
                raise AnnexParseError(f"line {line.number}: {upper} given without {lower}")
        if "certification" not in given:
            raise AnnexParseError(f"line {line.number}: empty certification")
        context.update(given)
        missing = [name for name in LABEL_FIELDS if not context.get(name)]
        if missing:
            raise AnnexParseError(f"line {line.number}: nothing to inherit for {missing}")
        reason = correction.reason if correction is not None else ""
        code_index = line.code_index
        assert code_index is not None
        for rncp, level in parse_codes(line.cells[code_index]):
            staged.append((dict(context), rncp, level, line.number, reason))

    mentions = count_rncp_mentions(annex_text)
    if len(staged) != mentions:
        raise AnnexParseError(f"{len(staged)} rows for {mentions} RNCP mentions in the annex")

    rows: list[AnnexCsvRow] = []
    labels_by_id: dict[str, tuple[str, str, str]] = {}
    for index, (labels, rncp, level, number, reason) in enumerate(staged, start=1):
        sector = normalize_group_label(labels["sector"])
        sub_sector = normalize_group_label(labels["sub_sector"])
        metier = labels["metier"]
        metier_id = make_metier_id(sector, sub_sector, metier)
        previous = labels_by_id.setdefault(metier_id, (sector, sub_sector, metier))
        if previous != (sector, sub_sector, metier):
            raise AnnexParseError(f"line {number}: metier_id {metier_id} used by {previous}")
        rows.append(
            AnnexCsvRow(
                row_id=f"A{index:03d}",
                sector=sector,
                sub_sector=sub_sector,
                metier=metier,
                metier_id=metier_id,
                certification=labels["certification"],
                rncp=rncp,
                level=level,
                seed_line=number,
                correction=reason,
            )
        )
    return rows


def render_csv(rows: Sequence[AnnexCsvRow]) -> str:
    """Render rows as the text of ``annex.csv`` (UTF-8 text, ``\\n`` line ends, header first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for row in rows:
        writer.writerow(row.as_csv_record())
    return buffer.getvalue()


def build_csv_text(seed_path: Path, corrections_path: Path) -> str:
    """Parse the seed with the corrections file and return the CSV text."""
    seed_text = seed_path.read_text(encoding="utf-8")
    return render_csv(parse_annex(seed_text, load_corrections(corrections_path)))


def summarize(rows: Sequence[AnnexCsvRow]) -> str:
    """One-line summary: rows, distinct codes, jobs (métier ids), corrected rows."""
    return (
        f"{len(rows)} rows, {len({r.rncp for r in rows})} distinct RNCP codes, "
        f"{len({r.metier_id for r in rows})} jobs, "
        f"{sum(1 for r in rows if r.correction)} corrected rows"
    )


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def build_arg_parser() -> argparse.ArgumentParser:
    """Command-line options of the parser."""
    parser = argparse.ArgumentParser(
        prog="python -m bot.knowledge.annex_parser",
        description="Generate knowledge/idcc2378/annex.csv from the agreement seed.",
    )
    parser.add_argument("--seed", type=Path, default=DEFAULT_SEED, help="seed text file")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="CSV file to write")
    parser.add_argument("--corrections", type=Path, default=DEFAULT_CORRECTIONS, help="hand corrections (YAML)")
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the generated CSV differs from the file at --out",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the parser; return the process exit code."""
    args = build_arg_parser().parse_args(argv)
    try:
        seed_text = args.seed.read_text(encoding="utf-8")
        rows = parse_annex(seed_text, load_corrections(args.corrections))
    except (OSError, AnnexParseError, yaml.YAMLError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    text = render_csv(rows)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current == text:
            print(f"{args.out} is up to date ({summarize(rows)})")
            return 0
        diff = difflib.unified_diff(
            current.splitlines(keepends=True),
            text.splitlines(keepends=True),
            fromfile=str(args.out),
            tofile="generated",
        )
        sys.stderr.writelines(list(diff)[:200])
        print(f"{args.out} differs from the generated CSV", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    print(f"wrote {args.out} ({summarize(rows)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
