"""The ``bot`` command line."""

from __future__ import annotations

import json

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
    assert "AAAA-MM-JJ" in capsys.readouterr().err
