"""Every sentence a user reads is in the wording catalogue (knowledge/wording/, issue 23):
no French string literal in the runtime modules nor in the widget's sources, and no French
text in the widget's page (web/src/index.html: web/build.mjs fills it in)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.wording.french_literals import (
    french_literals,
    html_texts,
    looks_french,
    python_literals,
    typescript_literals,
)

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = ("bot", "actions", "nlu", "channels", "stores", "servers")


def runtime_sources() -> list[Path]:
    files = [path for folder in RUNTIME for path in sorted((ROOT / folder).rglob("*.py"))]
    files += sorted((ROOT / "web").glob("*.py"))  # the page server: serve.py and its parts
    files += sorted(path for path in (ROOT / "web" / "src").rglob("*.ts") if "generated" not in path.parts)
    files += sorted((ROOT / "web" / "src").rglob("*.html"))  # the page (its text: {{key}} fields)
    return files


def test_no_french_literal_outside_the_catalogue():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text[:70]!r}"
        for path in runtime_sources()
        for line, text in french_literals(path)
    ]
    assert not found, "French literals outside knowledge/wording/ (move them to the catalogue):\n" + "\n".join(found)


@pytest.mark.parametrize(
    "text",
    [
        "Vous avez choisi : {title}",
        "La requête est trop volumineuse.",
        "passé",
        "Que voulez-vous savoir ?",
        "« {text} »",
        "qu'il s'agit d'une date",
    ],
)
def test_french_is_found(text):
    assert looks_french(text)


@pytest.mark.parametrize(
    "text",
    [
        "the action server does not build the métier matchers",
        "[A-ZÀ-Ý]{2,}",
        "application/json",
        "contrat_de_mission",
        "utf-8",
        "knowledge/lexicon/fr.yml",
        "sr-only",
        '[data-entry-id="${id}"] .choice',
        "",
        r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]",
        r"(?<![\d.])(\d{4})-(\d{2})-(\d{2})\s+",
        "%Y-%m-%d",
        "request refused: %s",
        "7d",
        "CLOCK_SKEW_S",
        "L",
        "don't do it",
        "«\u00a0",
    ],
)
def test_english_and_code_are_not(text):
    assert not looks_french(text)


def test_literals_are_read_without_docstrings_nor_comments():
    python = '"""Le module."""\nX = "Bonjour à vous"\ndef f():\n    """Une fonction."""\n    return f"Merci à {X} !"\n'
    assert [text for _, text in python_literals(python) if looks_french(text)] == ["Bonjour à vous", "Merci à "]
    typescript = '// Le commentaire\nconst name = "Envoyer la question";\n/* à vous */ const b = `Merci à ${name} !`;\n'
    assert [text for _, text in typescript_literals(typescript) if looks_french(text)] == [
        "Envoyer la question",
        "Merci à ${name} !",
    ]


def test_the_pages_text_and_read_attributes_are_scanned():
    page = (
        '<!doctype html><html lang="fr"><head><title>{{page.title}}</title>'
        "<script>const a = 'à la une';</script></head><body><!-- une note -->"
        '<input placeholder="Votre question" aria-label="{{page.send}}" class="sr-only" />'
        "<p>Envoyez votre question</p></body></html>"
    )
    assert [text for _, text in html_texts(page) if looks_french(text)] == ["Votre question", "Envoyez votre question"]
    assert "{{page.title}}" in [text for _, text in html_texts(page)]
