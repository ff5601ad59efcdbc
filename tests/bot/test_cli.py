"""The ``bot`` command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bot.cli import main


def test_ask_prints_a_french_answer(capsys):
    assert main(["ask", "--today", "2025-06-01", "je suis soudeur en CDI intérimaire, puis-je faire une Pro-A ?"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Oui, votre situation permet une Pro-A")
    assert "Source" in out


def test_ask_json(capsys):
    assert main(["ask", "--json", "--today", "2026-11-23", "quelles certifications pour un cariste ?"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["type"] == "proa_answer" and payload["metier"]["label"] == "Magasinier Cariste"


def test_knowledge_validate(capsys):
    assert main(["knowledge", "validate"]) == 0
    assert "221 certifications" in capsys.readouterr().out


def test_knowledge_annex_filtered_by_metier(capsys):
    assert main(["knowledge", "annex", "--metier", "préparatrice de commandes"]) == 0
    out = capsys.readouterr().out
    assert "Préparateur de commandes" in out and "RNCP34860" in out


def test_knowledge_rules_at_a_date(capsys):
    assert main(["knowledge", "rules", "--idcc", "2378", "--date", "2025-06-01"]) == 0
    out = capsys.readouterr().out
    assert "17 € par heure" in out and "legifrance" in out
    assert "période de reconversion est ouverte" not in out


def test_bad_date_is_a_clear_error(capsys):
    try:
        main(["ask", "--today", "demain", "bonjour"])
    except SystemExit as exit_:
        assert exit_.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


# -- bot knowledge refresh: the sync modules' functions, one default each -----------------------

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _legi_data_dir(tmp_path: Path) -> Path:
    data = tmp_path / "legi-data" / "data"
    data.mkdir(parents=True)
    shutil.copy(FIXTURES / "legi" / "LEGITEXT000006072050_trimmed.json", data / "LEGITEXT000006072050.json")
    return data


def test_refresh_reads_the_knowledge_folder_in_use(tmp_path, monkeypatch, capsys):
    """Without --knowledge, refresh writes where PROA_KNOWLEDGE_DIR points, like validate reads."""
    knowledge = tmp_path / "knowledge"
    monkeypatch.setenv("PROA_KNOWLEDGE_DIR", str(knowledge))
    argv = ["knowledge", "refresh", "--package", "legi", "--legi-from-dir", str(_legi_data_dir(tmp_path))]
    assert main([*argv, "--write"]) == 0
    assert (knowledge / "law" / "legi_snapshot.json").is_file()
    assert "Snapshot written" in capsys.readouterr().out


def test_refresh_goes_on_after_a_failing_package_and_says_so(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    argv = ["knowledge", "refresh", "--knowledge", str(tmp_path / "knowledge")]
    argv += ["--from-dir", str(empty), "--legi-from-dir", str(_legi_data_dir(tmp_path))]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert "Erreur (KALI)" in captured.err and "KALICONT000005635653.json" in captured.err
    assert "@socialgouv/legi-data" in captured.out  # the Code du travail was still compared


def test_refresh_cache_default_is_the_npm_data_one():
    from bot.cli import _parser
    from tools.knowledge_sync.npm import DEFAULT_CACHE_DIR

    args = _parser().parse_args(["knowledge", "refresh"])
    assert args.cache == DEFAULT_CACHE_DIR


def test_ask_piped_into_a_reader_that_stops_early_ends_quietly() -> None:
    """« bot ask … | head -1 »: the reader closes the pipe; no traceback, exit code 0."""
    import subprocess
    import sys

    command = [sys.executable, "-m", "bot.cli", "ask", "combien de temps dure une pro-a ?"]
    bot = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert bot.stdout is not None
    bot.stdout.read(1)
    bot.stdout.close()  # as `head -c 1` does
    _, errors = bot.communicate(timeout=300)
    assert b"Traceback" not in errors and bot.returncode == 0
