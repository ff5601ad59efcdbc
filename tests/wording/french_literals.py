r"""Find French string literals in Python and TypeScript source, and French text in an
HTML page (used by the tests).

A literal is French when it holds more French words (articles, pronouns, prepositions,
accented words, « ») than English ones: an English sentence that names a French term
(« the métier matchers ») is not. Docstrings and comments are not literals. Code is no
word: regex escapes (``\s``, ``\x0b``), %-formats (``%s``, ``%Y-%m-%d``) and regex ranges
are skipped, and a lone elided letter (d, l, s…) counts only before its apostrophe
(« d'une »), not as a unit or a flag (``7d``, ``TIMEOUT_S``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

FRENCH_WORDS = frozenset(
    [
        "le",
        "la",
        "les",
        "des",
        "une",
        "un",
        "du",
        "au",
        "aux",
        "est",
        "sont",
        "vous",
        "votre",
        "vos",
        "nous",
        "je",
        "pour",
        "avec",
        "dans",
        "pas",
        "sur",
        "ce",
        "cette",
        "ces",
        "et",
        "ou",
        "qui",
        "que",
        "quel",
        "quelle",
        "quels",
        "quelles",
        "mais",
        "ne",
        "plus",
        "aucun",
        "aucune",
        "être",
        "été",
        "à",
        "de",
        "y",
        "en",
        "il",
        "elle",
        "ils",
        "son",
        "sa",
        "ses",
        "leur",
        "leurs",
        "par",
        "sans",
        "si",
    ]
)
ENGLISH_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "is",
        "are",
        "to",
        "a",
        "an",
        "in",
        "for",
        "with",
        "not",
        "no",
        "when",
        "what",
        "which",
        "this",
        "that",
        "it",
        "be",
        "by",
        "from",
        "as",
        "at",
        "or",
        "on",
        "does",
        "do",
        "has",
        "have",
        "was",
        "were",
        "must",
        "can",
        "may",
        "only",
        "its",
        "their",
        "than",
        "then",
        "if",
        "else",
        "one",
        "each",
        "every",
        "into",
    ]
)
_ACCENTED = re.compile(r"[àâçéèêëîïôûùüÿœ]", re.IGNORECASE)
_RANGE = re.compile(r"\w-\w")  # a regex character range (À-Ý) is no word
# A lower-case kebab-case name (« sr-only », « data-entry-id »: CSS classes, ids and
# attributes) is code, not words (else the range above leaves « s », « ne », « d » of it).
_KEBAB = re.compile(r"(?<![\w-])[a-z]{2,}(?:-[a-z]{2,})+(?![\w-])")
#: A snake_case identifier (« contrat_de_mission », a code of knowledge/contracts.yml) is code.
_SNAKE = re.compile(r"(?<!\w)[a-z0-9]+(?:_[a-z0-9]+)+(?!\w)")
_WORD = re.compile(r"[^\W\d_]+")
#: A regex escape (\d, \s, \x0b, \u00e9) or a %-directive (%s, %(name)d, %Y-%m-%d) is no word.
_CODE = re.compile(r"\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|[A-Za-z])|%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[A-Za-z]")
#: Letters French elides before an apostrophe (« d'une », « qu'il »); alone they are code
#: (a unit in ``7d``, ``TIMEOUT_S``, an article prefix ``L``), not French.
ELIDED = frozenset(["c", "d", "j", "l", "m", "n", "qu", "s", "t"])
_ELISION = re.compile(r"\b([^\W\d_]+)['’](?=\w)")


def looks_french(text: str) -> bool:
    """True when ``text`` reads as French rather than English or code."""
    text = _RANGE.sub(" ", _KEBAB.sub(" ", _SNAKE.sub(" ", _CODE.sub(" ", text))))
    words = [word.lower() for word in _WORD.findall(text)]
    if not words:  # typography (« and a no-break space), punctuation: no wording
        return False
    french = sum(1 for word in words if word in FRENCH_WORDS or _ACCENTED.search(word))
    french += sum(1 for word in _ELISION.findall(text) if word.lower() in ELIDED)
    french += text.count("«")
    english = sum(1 for word in words if word in ENGLISH_WORDS)
    return french >= 1 and french > english


def _docstrings(tree: ast.AST) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def python_literals(source: str) -> Iterator[tuple[int, str]]:
    """(line, text) of every string literal of a Python module that is not a docstring."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


_TS_TOKEN = re.compile(
    r"""(?P<comment>//[^\n]*|/\*.*?\*/)|(?P<string>"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`)""",
    re.DOTALL,
)


def typescript_literals(source: str) -> Iterator[tuple[int, str]]:
    """(line, text) of every string and template literal of a TypeScript module."""
    for match in _TS_TOKEN.finditer(source):
        if match.group("string"):
            yield source.count("\n", 0, match.start()) + 1, match.group("string")[1:-1]


#: Attributes whose value a person reads (or hears from a screen reader).
HTML_TEXT_ATTRIBUTES = frozenset(
    ["alt", "aria-label", "aria-description", "aria-placeholder", "placeholder", "title", "value"]
)


class _PageText(HTMLParser):
    """Collects (line, text) of the text nodes and read attributes of an HTML page; the
    content of <script> and <style> is code, and comments are not read."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._code += 1
        line = self.getpos()[0]
        self.found += [(line, value) for name, value in attrs if name in HTML_TEXT_ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._code:
            self._code -= 1

    def handle_data(self, data: str) -> None:
        if not self._code and data.strip():
            self.found.append((self.getpos()[0], data.strip()))


def html_texts(source: str) -> Iterator[tuple[int, str]]:
    """(line, text) of every text node and read attribute value of an HTML page."""
    parser = _PageText()
    parser.feed(source)
    parser.close()
    yield from parser.found


def french_literals(path: Path) -> list[tuple[int, str]]:
    """The French literals of one source file (Python or TypeScript), or the French text
    of an HTML page."""
    source = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        literals = python_literals(source)
    elif path.suffix == ".html":
        literals = html_texts(source)
    else:
        literals = typescript_literals(source)
    return [(line, text) for line, text in literals if looks_french(text)]
