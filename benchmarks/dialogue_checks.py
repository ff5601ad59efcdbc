"""Fact checks of the dialogue benchmark (benchmarks/bench_dialogue.py).

A turn of a case (benchmarks/data/dialogue_*.yml) says what the bot's answer must contain
as FACTS: métier ids, RNCP codes, figures, refusal. Nothing here depends on the wording of
the answers, which is rewritten independently. The check vocabulary is documented at the
top of each YAML file; :data:`CHECKS` lists it.

The input of a check is what the REST channel returns for one user message: a list of bot
messages, each with an optional ``text``, ``buttons`` ([{title, payload}]) and ``custom``
(the structured answer of docs/DESIGN.md: verdict, topic, branch, metier, certifications,
buttons).
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.text import fold_accents

RNCP_RE = re.compile(r"\bRNCP\s?(\d{1,6})\b", re.IGNORECASE)
#: The métier id in a button payload such as /inform{"metier_id": "btp/…"}.
PAYLOAD_METIER_RE = re.compile(r'"metier_id"\s*:\s*"([^"]+)"')

CATEGORIES = (
    "metier_named",
    "metier_typo",
    "metier_abbrev",
    "metier_feminine",
    "metier_described",
    "metier_ambiguous",
    "not_in_annex",
    "adviser",
    "sdlm",
    "regime",
    "faq",
    "multi_turn",
    # the blind rule sets (benchmarks/data/rules_blind*.yml)
    "law_reconversion",
    "law_proa",
    "transition",
    "idcc2378",
    "idcc1404",
)


@dataclass
class Reply:
    """What the bot answered to one user message, reduced to the facts the checks read."""

    text: str = ""
    chosen: list[str] = field(default_factory=list)  # custom.metier.id values
    offered: list[str] = field(default_factory=list)  # métier ids in button payloads
    codes: set[str] = field(default_factory=set)  # RNCP codes in text and certifications
    verdicts: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    branches: list[int] = field(default_factory=list)
    first_line: str = ""  # the answer's first line (custom.verdict_line, else the text's)
    cites: str = ""  # the sources cited: labels of custom.sources, and the text
    error: str | None = None  # HTTP error, timeout, exception
    raw: list[Any] = field(default_factory=list)  # the messages as received, for reports

    @classmethod
    def from_messages(cls, messages: Iterable[Mapping[str, Any]]) -> Reply:
        """Collect the facts of a list of REST bot messages."""
        reply = cls(raw=list(messages or []))
        texts: list[str] = []
        cited: list[str] = []
        for message in messages or []:
            if not isinstance(message, Mapping):
                continue
            if isinstance(message.get("text"), str):
                texts.append(message["text"])
            buttons = list(message.get("buttons") or [])
            custom = message.get("custom")
            if isinstance(custom, Mapping):
                for key in ("text", "summary"):
                    if isinstance(custom.get(key), str):
                        texts.append(custom[key])
                metier = custom.get("metier")
                if isinstance(metier, Mapping) and metier.get("id"):
                    reply.chosen.append(str(metier["id"]))
                for cert in custom.get("certifications") or []:
                    if isinstance(cert, Mapping) and cert.get("rncp"):
                        reply.codes.update(_codes(str(cert["rncp"])))
                if custom.get("verdict"):
                    reply.verdicts.append(str(custom["verdict"]))
                if not reply.first_line and isinstance(custom.get("verdict_line"), str):
                    reply.first_line = custom["verdict_line"]
                for source in custom.get("sources") or []:
                    if isinstance(source, Mapping) and source.get("label"):
                        cited.append(str(source["label"]))
                if custom.get("topic"):
                    reply.topics.append(str(custom["topic"]))
                branch = custom.get("branch")
                if isinstance(branch, Mapping) and branch.get("idcc") is not None:
                    with contextlib.suppress(TypeError, ValueError):
                        reply.branches.append(int(branch["idcc"]))
                buttons += list(custom.get("buttons") or [])
            for button in buttons:
                payload = button.get("payload") if isinstance(button, Mapping) else None
                for metier_id in PAYLOAD_METIER_RE.findall(str(payload or "")):
                    if metier_id not in reply.offered:
                        reply.offered.append(metier_id)
        reply.text = "\n".join(texts)
        reply.codes.update(_codes(reply.text))
        if not reply.first_line:
            reply.first_line = next((line for line in reply.text.splitlines() if line.strip()), "")
        reply.cites = "\n".join([*cited, reply.text])
        return reply


def _codes(text: str) -> set[str]:
    return {f"RNCP{number}" for number in RNCP_RE.findall(text)}


def normalize(text: str) -> str:
    """Lower case, no accents; "2 100" → "2100" and "9,15" → "9.15" so figures compare."""
    text = fold_accents(text.lower())
    text = re.sub(r"(?<=\d)[ \u00a0\u202f\u2009](?=\d{3}(?!\d))", "", text)
    return re.sub(r"(?<=\d),(?=\d)", ".", text)


def has_token(text: str, token: str) -> bool:
    """Whether ``token`` occurs in ``text`` as whole words ("15" is not in "150" nor "9.15")."""
    needle = re.escape(normalize(token).strip())
    pattern = rf"(?<![a-z0-9])(?<!\d\.){needle}(?![a-z0-9])(?!\.\d)"
    return re.search(pattern, normalize(text)) is not None


def _list(value: Any) -> list[str]:
    return [str(item) for item in (value if isinstance(value, (list, tuple)) else [value])]


def _short(values: Iterable[str], limit: int = 4) -> str:
    values = list(values)
    shown = ", ".join(v.split("/")[-1] if "/" in v else v for v in values[:limit])
    return f"[{shown}{', …' if len(values) > limit else ''}]"


# Each check returns None when it passes, else a short description of what came back.
Check = Callable[[Any, Reply, set[str]], str | None]


def _metier_id(value: Any, reply: Reply, seen: set[str]) -> str | None:
    if value in reply.chosen or (not reply.chosen and reply.offered == [value]):
        return None
    return f"métier {_short(reply.chosen) if reply.chosen else 'none'}, offered {_short(reply.offered)}"


def _metier_any(value: Any, reply: Reply, seen: set[str]) -> str | None:
    allowed = set(_list(value))
    if reply.chosen:
        if all(chosen in allowed for chosen in reply.chosen):
            return None
    elif reply.offered and all(offered in allowed for offered in reply.offered):
        return None
    return f"métier {_short(reply.chosen) if reply.chosen else 'none'}, offered {_short(reply.offered)}"


def _offers_metiers(value: Any, reply: Reply, seen: set[str]) -> str | None:
    missing = [m for m in _list(value) if m not in reply.offered]
    return f"not offered {_short(missing)} (offered {_short(reply.offered)})" if missing else None


#: Words any question about the person's job contains (« Quel est votre métier ? »).
ASK_METIER_WORDS = ("metier", "metiers", "emploi", "poste", "profession")


def _asks_metier(value: Any, reply: Reply, seen: set[str]) -> str | None:
    asks = (
        not reply.chosen
        and not reply.codes
        and (
            bool(reply.offered)
            or "needs_information" in reply.verdicts
            or any(has_token(reply.text, word) for word in ASK_METIER_WORDS)
        )
    )
    return None if asks == bool(value) else f"métier {_short(reply.chosen) or 'none'}, verdict {reply.verdicts}"


def _no_metier(value: Any, reply: Reply, seen: set[str]) -> str | None:
    return None if bool(reply.chosen) != bool(value) else f"métier picked {_short(reply.chosen)}"


def _no_rncp(value: Any, reply: Reply, seen: set[str]) -> str | None:
    return None if bool(reply.codes) != bool(value) else f"RNCP codes {_short(sorted(reply.codes))}"


def _rncp_all(value: Any, reply: Reply, seen: set[str]) -> str | None:
    missing = [c for c in _list(value) if c not in reply.codes]
    return f"missing {_short(missing)} (got {_short(sorted(reply.codes))})" if missing else None


def _rncp_any(value: Any, reply: Reply, seen: set[str]) -> str | None:
    if any(c in reply.codes for c in _list(value)):
        return None
    return f"none of {_short(_list(value))} (got {_short(sorted(reply.codes))})"


def _rncp_none(value: Any, reply: Reply, seen: set[str]) -> str | None:
    present = [c for c in _list(value) if c in reply.codes]
    return f"forbidden {_short(present)}" if present else None


def _rncp_only(value: Any, reply: Reply, seen: set[str]) -> str | None:
    extra = sorted(reply.codes - set(_list(value)))
    return f"codes of another métier {_short(extra)}" if extra else None


def _rncp_more(value: Any, reply: Reply, seen: set[str]) -> str | None:
    # « voir plus »: new codes of the list, unless the earlier turns already showed them
    # all (then "the list is complete" is right): independent of the page size.
    listed = set(_list(value))
    if (reply.codes & listed) - seen or listed <= seen:
        return None
    return f"nothing new (got {_short(sorted(reply.codes))}, {len(listed - seen)} not shown yet)"


def _contains_all(value: Any, reply: Reply, seen: set[str]) -> str | None:
    missing = [t for t in _list(value) if not has_token(reply.text, t)]
    return f"text lacks {missing}" if missing else None


def _contains_any(value: Any, reply: Reply, seen: set[str]) -> str | None:
    return None if any(has_token(reply.text, t) for t in _list(value)) else f"text has none of {_list(value)}"


def _contains_none(value: Any, reply: Reply, seen: set[str]) -> str | None:
    present = [t for t in _list(value) if has_token(reply.text, t)]
    return f"text has {present}" if present else None


def _first_line_any(value: Any, reply: Reply, seen: set[str]) -> str | None:
    if any(has_token(reply.first_line, t) for t in _list(value)):
        return None
    return f"first line has none of {_list(value)}: {reply.first_line[:90]!r}"


#: « 2378 art. 4 »: article 4 of the agreement of that branch (IDCC).
_AGREEMENT_REF = re.compile(r"^(\d{4})\s+art(?:icle)?\.?\s*([0-9]+)")
#: A Code du travail article: « L6324-1 », « L. 6324-1 », « D6324-1-1 ».
_CODE_REF = re.compile(r"^([LRD])\.?\s*(\d{4}-\d+(?:-\d+)?)$", re.IGNORECASE)


def cites_ref(cites: str, ref: str) -> bool:
    """Whether the cited sources name ``ref``: a Code article (« L6324-1 », written with or
    without « L. ») or « IDCC art. N » (a source of that branch naming article N, or a
    sub-article N-x / N.x)."""
    folded = normalize(cites)
    code = _CODE_REF.match(ref.strip())
    if code:
        letter, number = code.group(1).lower(), re.escape(code.group(2))
        return re.search(rf"(?<![a-z0-9]){letter}\.?\s*{number}(?![\d-])", folded) is not None
    agreement = _AGREEMENT_REF.match(ref.strip())
    if agreement:
        idcc, article = agreement.groups()
        pattern = rf"art(?:icle)?s?\.?\s*{article}(?![0-9])"
        return any(idcc in line and re.search(pattern, line) for line in folded.splitlines())
    return has_token(cites, ref)


def _cites_any(value: Any, reply: Reply, seen: set[str]) -> str | None:
    return None if any(cites_ref(reply.cites, ref) for ref in _list(value)) else f"cites none of {_list(value)}"


def _asks_back(value: Any, reply: Reply, seen: set[str]) -> str | None:
    asks = "needs_information" in reply.verdicts or "?" in reply.first_line
    return None if asks == bool(value) else f"asks back: {asks} ({reply.first_line[:80]!r})"


def _matches(value: str, allowed: Sequence[str]) -> bool:
    return any(value.startswith(a[:-1]) if a.endswith("*") else value == a for a in allowed)


def _verdict_in(value: Any, reply: Reply, seen: set[str]) -> str | None:
    return None if any(_matches(v, _list(value)) for v in reply.verdicts) else f"verdict {reply.verdicts}"


def _topic_in(value: Any, reply: Reply, seen: set[str]) -> str | None:
    return None if any(_matches(t, _list(value)) for t in reply.topics) else f"topic {reply.topics}"


def _branch_idcc(value: Any, reply: Reply, seen: set[str]) -> str | None:
    return None if int(value) in reply.branches else f"branch {reply.branches}"


CHECKS: dict[str, Check] = {
    "metier_id": _metier_id,
    "metier_any": _metier_any,
    "offers_metiers": _offers_metiers,
    "asks_metier": _asks_metier,
    "no_metier": _no_metier,
    "no_rncp": _no_rncp,
    "rncp_all": _rncp_all,
    "rncp_any": _rncp_any,
    "rncp_none": _rncp_none,
    "rncp_only": _rncp_only,
    "rncp_more": _rncp_more,
    "contains_all": _contains_all,
    "contains_any": _contains_any,
    "contains_none": _contains_none,
    "verdict_in": _verdict_in,
    "topic_in": _topic_in,
    "branch_idcc": _branch_idcc,
    "first_line_any": _first_line_any,
    "cites_any": _cites_any,
    "asks_back": _asks_back,
}


def check_turn(expect: Mapping[str, Any], reply: Reply, seen: AbstractSet[str] = frozenset()) -> list[str]:
    """The failures of one turn ("check: what came back"); empty when every check passes.

    ``seen`` holds the RNCP codes of the earlier turns of the conversation (``rncp_more``).
    """
    if reply.error:
        return [f"error: {reply.error}"]
    failures = []
    for name, value in expect.items():
        outcome = CHECKS[name](value, reply, set(seen))
        if outcome is not None:
            failures.append(f"{name}: {outcome}")
    return failures


@dataclass(frozen=True)
class Turn:
    user: str
    expect: Mapping[str, Any]


@dataclass(frozen=True)
class Case:
    id: str
    category: str
    turns: Sequence[Turn]
    idcc: int | None = None
    note: str | None = None

    @property
    def is_metier(self) -> bool:
        """Métier named or described (the "métiers" target of the issue)."""
        return self.category.startswith("metier_")


class CaseError(ValueError):
    """A case file that does not follow the documented format."""


def load_cases(path: Path) -> list[Case]:
    """Read and validate a case file (format at the top of the file)."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    cases: list[Case] = []
    seen_ids: set[str] = set()
    for raw in data.get("cases") or []:
        cid = str(raw.get("id") or "")
        if not cid or cid in seen_ids:
            raise CaseError(f"{path}: missing or duplicate case id {cid!r}")
        seen_ids.add(cid)
        if raw.get("category") not in CATEGORIES:
            raise CaseError(f"{path}: {cid}: unknown category {raw.get('category')!r}")
        turns = []
        for turn in raw.get("turns") or []:
            expect = turn.get("expect") or {}
            unknown = sorted(set(expect) - set(CHECKS))
            if not isinstance(turn.get("user"), str) or not turn["user"].strip() or unknown or not expect:
                raise CaseError(f"{path}: {cid}: bad turn (user text, checks {sorted(expect)}; unknown {unknown})")
            turns.append(Turn(user=turn["user"], expect=dict(expect)))
        if not turns:
            raise CaseError(f"{path}: {cid}: no turns")
        cases.append(
            Case(id=cid, category=raw["category"], turns=tuple(turns), idcc=raw.get("idcc"), note=raw.get("note"))
        )
    return cases


@dataclass
class CaseResult:
    case: Case
    failures: list[str] = field(default_factory=list)  # "turn N: check: what came back"
    replies: list[Reply] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def judge(case: Case, replies: Sequence[Reply]) -> CaseResult:
    """Check every turn of a case against the replies (one per turn; missing = error)."""
    result = CaseResult(case, replies=list(replies))
    seen: set[str] = set()
    for number, turn in enumerate(case.turns, start=1):
        reply = replies[number - 1] if number <= len(replies) else Reply(error="no reply")
        for failure in check_turn(turn.expect, reply, seen):
            result.failures.append(f"turn {number}: {failure}")
        seen |= reply.codes
    return result


def messages_json(messages: Any) -> str:
    """Short JSON of what came back, for the failure listing."""
    return json.dumps(messages, ensure_ascii=False)[:300]
