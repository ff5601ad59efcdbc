"""Every sentence a user reads is in the wording catalogue (knowledge/wording/, issue 23):
no French string literal in the runtime modules nor in the widget's sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.wording.french_literals import french_literals, looks_french, python_literals, typescript_literals

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = ("bot", "actions", "nlu", "channels", "stores", "servers")


def runtime_sources() -> list[Path]:
    files = [path for folder in RUNTIME for path in sorted((ROOT / folder).rglob("*.py"))]
    files += sorted((ROOT / "web").glob("*.py"))  # the page server: serve.py and its parts
    files += sorted(path for path in (ROOT / "web" / "src").rglob("*.ts") if "generated" not in path.parts)
    return files


#: Files not moved to the catalogue yet (path → how many French literals they still hold).
#: The count must fall to zero and the file leave this table; a new file fails at once.
PENDING: dict[str, int] = {
    "bot/compose/adviser_wording.py": 30,
    "bot/compose/french.py": 102,
    "bot/compose/french_format.py": 20,
    "bot/compose/layout.py": 1,
    "bot/compose/next_steps.py": 1,
    "bot/compose/rule_answer.py": 2,
    "bot/compose/rule_sentences.py": 1,
    "bot/feedback.py": 2,
    "bot/metier_finder.py": 2,
    "bot/metier_matching/index.py": 1,
    "bot/profile_words.py": 1,
    "bot/render/_common.py": 1,
    "bot/render/slack.py": 1,
    "bot/text_normalize.py": 2,
    "bot/understanding/question_reading.py": 4,
    "bot/understanding/question_words.py": 1,
    "channels/turn_guard.py": 2,
}


def test_no_french_literal_outside_the_catalogue():
    found = {}
    for path in runtime_sources():
        literals = french_literals(path)
        if literals:
            found[str(path.relative_to(ROOT))] = literals
    new = {name: literals for name, literals in found.items() if len(literals) != PENDING.get(name, 0)}
    gone = sorted(name for name in PENDING if name not in found)
    lines = [f"{name}:{line}: {text[:70]!r}" for name, literals in new.items() for line, text in literals]
    assert not new, "French literals outside knowledge/wording/ (move them to the catalogue):\n" + "\n".join(lines)
    assert not gone, f"no French literal left in {gone}: remove them from PENDING"


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
