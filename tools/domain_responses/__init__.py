"""Build the ``responses:`` block of domain.yml from the wording catalogue.

Rasa reads its responses (``utter_*``) from domain.yml, but their sentences live in the
catalogue (``knowledge/wording/responses.yml``, the topic buttons in ``answers.yml``):
``template.yml`` here is the block without its French, each ``text:`` and ``title:`` a
reference ``<section>:<key>``, and :func:`build_domain` puts the sentences in. The
template is filled line by line, so its comments, anchors (``&topic_buttons``) and
payloads reach domain.yml as written. ``python -m tools.domain_responses`` rewrites
domain.yml; ``--check`` only says whether it is up to date.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from bot.wording import Catalogue, catalogue

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_FILE = ROOT / "domain.yml"
TEMPLATE_FILE = Path(__file__).resolve().with_name("template.yml")

#: A field that holds a sentence: ``text:`` of a response, ``title:`` of a button.
_SENTENCE_FIELD = re.compile(r"^(?P<prefix>\s*(?:- )?)(?P<field>text|title):(?P<value>.*)$")
#: A reference to the catalogue: ``responses:greet``, ``answers:topic_buttons.pay``.
_REFERENCE = re.compile(r"^(?P<section>[a-z_]+):(?P<key>[A-Za-z0-9_.-]+)$")
#: A top-level key of domain.yml (``responses:``, ``actions:``…).
_TOP_LEVEL = re.compile(r"^[A-Za-z_][\w-]*:")


class TemplateError(ValueError):
    """The template or domain.yml is not what the generator can fill or rewrite."""


def references(template: str) -> Iterator[tuple[int, str, str]]:
    """(line number, section, key) of every sentence the template refers to."""
    for number, line in enumerate(template.splitlines(), start=1):
        match = _SENTENCE_FIELD.match(line)
        if match is None:
            continue
        reference = _REFERENCE.match(match["value"].strip())
        if reference is None:
            raise TemplateError(f"template line {number}: {match['field']} must be <section>:<key>, not a sentence")
        yield number, reference["section"], reference["key"]


def _scalar(sentence: str, indent: int) -> str:
    """The sentence as a YAML scalar: a literal block (``|-``) for several lines, else a
    double-quoted string (a JSON string is one, and it escapes what YAML must)."""
    lines = sentence.split("\n")
    if len(lines) > 1 and all(line and line == line.strip() for line in lines):
        return "|-\n" + "\n".join(" " * indent + line for line in lines)
    return json.dumps(sentence, ensure_ascii=False)


def fill(template: str, wording: Catalogue) -> str:
    """The ``responses:`` block: the template from its ``responses:`` line on, each
    reference replaced by its sentence."""
    lines = template.splitlines()
    try:
        start = lines.index("responses:")
    except ValueError:
        raise TemplateError("the template has no `responses:` line") from None
    refs = {number: (section, key) for number, section, key in references(template)}
    out = []
    for number, line in enumerate(lines, start=1):
        if number <= start:
            continue  # the template's own header
        if number in refs:
            section, key = refs[number]
            sentence = wording.entry(section, key)
            if not isinstance(sentence, str):
                raise TemplateError(f"template line {number}: {section}:{key} is not a sentence")
            match = _SENTENCE_FIELD.match(line)
            assert match is not None  # references() matched it
            prefix = match["prefix"]
            line = f"{prefix}{match['field']}: {_scalar(sentence, len(prefix) + 2)}"
        out.append(line)
    return "\n".join(out) + "\n"


def replace_block(domain: str, block: str) -> str:
    """domain.yml with its top-level ``responses:`` block (up to the next top-level key,
    or the end) replaced by ``block``."""
    lines = domain.splitlines(keepends=True)
    try:
        start = next(i for i, line in enumerate(lines) if line.rstrip("\n") == "responses:")
    except StopIteration:
        raise TemplateError("domain.yml has no top-level `responses:` key") from None
    end = next((i for i in range(start + 1, len(lines)) if _TOP_LEVEL.match(lines[i])), len(lines))
    tail = "".join(lines[end:])
    return "".join(lines[:start]) + block + ("\n" + tail if tail else "")


def build_domain(domain: str, template: str, wording: Catalogue) -> str:
    """domain.yml's text with its responses built from ``template`` and ``wording``."""
    return replace_block(domain, fill(template, wording))


def expected_domain() -> str:
    """What the repository's domain.yml should be today."""
    return build_domain(DOMAIN_FILE.read_text(encoding="utf-8"), TEMPLATE_FILE.read_text(encoding="utf-8"), catalogue())
