"""The review page (``/revue`` of ``web/serve.py``): the list of ``bot review`` as HTML.

The same review (:func:`bot.review.review`: the same turns, grouping and anonymisation),
with filters (outcome, channel, period) in a plain GET form and the counts per day. No
script: the page needs none, and its Content-Security-Policy allows none. Everything
that comes from the store (messages, comments, rules, readings) is escaped
(:func:`html.escape`) and was anonymised by :mod:`bot.review` first.

French for everything the page shows, from the catalogue (``knowledge/wording/review.yml``:
the HTML is here, its words there); plain Python (no Rasa, no web framework).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from bot import wording
from bot.outcomes import REVIEW_OUTCOMES
from bot.review import MESSAGES, TO_REVIEW, Review, ReviewError, parse_moment
from bot.review_output import summary

#: The outcomes, as the page names them.
OUTCOME_LABELS: Mapping[str, str] = wording.entry("review", "outcomes")
#: Rasa's channel names, as the page names them.
CHANNEL_LABELS: Mapping[str, str] = wording.entry("review", "channels")
#: The periods of the filter: (value sent, label).
PERIODS = tuple(wording.entry("review", "periods").items())
DEFAULT_SINCE = "7d"
_PERIOD = re.compile(r"^\s*(\d{1,4}\s*[hdwjHDWJ]|\d{4}-\d{2}-\d{2}(?:[T ][\d:]{2,8})?)\s*$")

STYLESHEET = """
:root { --c-text: #1b1f24; --c-muted: #57606a; --c-line: #d0d7de; --c-primary: #0b5cad; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--c-text); }
header, main { max-width: 80rem; margin: 0 auto; padding: 1rem; }
header { display: flex; justify-content: space-between; align-items: center; border-bottom: 1px solid var(--c-line); }
h1 { font-size: 1.375rem; margin: 0; }
h2 { font-size: 1.125rem; margin: 1.5rem 0 0.5rem; }
form.filters { display: flex; flex-wrap: wrap; gap: 0.75rem 1.5rem; align-items: flex-end; }
fieldset { border: 1px solid var(--c-line); border-radius: 0.375rem; }
label { display: inline-flex; gap: 0.35rem; align-items: center; }
input[type="text"], input[type="password"], select { font: inherit; padding: 0.3rem 0.4rem; }
button { font: inherit; padding: 0.4rem 0.9rem; border-radius: 0.375rem; border: 2px solid var(--c-primary);
  background: var(--c-primary); color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: var(--c-primary); }
table { border-collapse: collapse; width: 100%; font-size: 0.9375rem; }
th, td { border-bottom: 1px solid var(--c-line); padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.num, th.num { text-align: right; white-space: nowrap; }
.muted { color: var(--c-muted); }
.error { color: #a40e26; font-weight: 600; }
ul.plain { margin: 0; padding-left: 1.1rem; }
.scroll { overflow-x: auto; }
.when { white-space: nowrap; }
.login { max-width: 28rem; }
"""


@dataclass(frozen=True)
class Filters:
    """What the page was asked for (the GET form's fields)."""

    since: str = DEFAULT_SINCE
    until: str = ""
    outcomes: tuple[str, ...] = ()
    channel: str = ""
    errors: list[str] = field(default_factory=list)

    def period(self, now: datetime) -> tuple[datetime, datetime]:
        """(since, until) in UTC; raises :class:`ReviewError` for a bad period."""
        until = parse_moment(self.until, now) if self.until else now
        since = parse_moment(self.since or DEFAULT_SINCE, until if self.until else now)
        if since >= until:
            raise ReviewError(_text("errors.period_reversed"))
        return since, until


def parse_filters(query: Mapping[str, Sequence[str]]) -> Filters:
    """The filters of a query string (``urllib.parse.parse_qs``); what is not understood is
    dropped and said in :attr:`Filters.errors` (in French)."""
    errors: list[str] = []

    def one(name: str) -> str:
        values = query.get(name) or [""]
        return str(values[0]).strip()[:40]

    since, until = one("since") or DEFAULT_SINCE, one("until")
    for key, value in (("bad_since", since), ("bad_until", until)):
        if value and not _PERIOD.match(value):
            errors.append(_text(f"errors.{key}"))
    if since and not _PERIOD.match(since):
        since = DEFAULT_SINCE
    if until and not _PERIOD.match(until):
        until = ""
    outcomes = tuple(o for o in REVIEW_OUTCOMES if o in set(query.get("outcome") or ()))
    channel = one("channel")
    if channel and channel not in CHANNEL_LABELS:
        errors.append(_text("errors.unknown_channel"))
        channel = ""
    return Filters(since, until, outcomes, channel, errors)


def _text(key: str) -> str:
    """A sentence of the catalogue's ``review`` section, as it is (not for HTML)."""
    return wording.text("review", key)


def error_text(key: str, **fields: object) -> str:
    """An error the page shows (``review``: ``errors.<key>``), for :func:`login_page` and
    :func:`review_page` (which escape it)."""
    return wording.text("review", f"errors.{key}", **fields)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _say(key: str, **markup: str) -> str:
    """The page's words ``page.<key>`` as HTML text: escaped, then their fields filled with
    ``markup`` (HTML already, escaped by the caller where it holds data)."""
    words = html.escape(wording.text("review", f"page.{key}"), quote=False)
    return words.format(**markup) if markup else words


def _document(title: str, body: str) -> str:
    return (
        "<!doctype html>\n"
        '<html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex, nofollow">'
        f"<title>{_e(title)}</title>"
        '<link rel="stylesheet" href="/revue/style.css"></head>'
        f"<body>{body}</body></html>\n"
    )


def login_page(error: str | None = None) -> str:
    """The login form: it posts the token, the server answers with a session cookie."""
    message = f'<p class="error" role="alert">{_e(error)}</p>' if error else ""
    return _document(
        _text("page.login_title"),
        f'<main class="login"><h1>{_say("title")}</h1>'
        f"<p>{_say('login_intro', variable='<code>PROA_AUTH_TOKEN</code>')}</p>"
        f"{message}"
        '<form method="post" action="/revue/connexion">'
        f'<p><label for="token">{_say("token_label")}</label> '
        '<input id="token" name="token" type="password" autocomplete="current-password" required></p>'
        f'<p><button type="submit">{_say("log_in")}</button></p></form></main>',
    )


def _filters_form(filters: Filters, can_log_out: bool) -> str:
    periods = "".join(
        f'<option value="{_e(value)}"{" selected" if value == filters.since else ""}>{_e(label)}</option>'
        for value, label in PERIODS
    )
    if filters.since not in dict(PERIODS):
        periods += (
            f'<option value="{_e(filters.since)}" selected>{_say("since_option", since=_e(filters.since))}</option>'
        )
    outcomes = "".join(
        f'<label><input type="checkbox" name="outcome" value="{_e(o)}"'
        f"{' checked' if o in filters.outcomes else ''}> {_e(OUTCOME_LABELS[o])}</label> "
        for o in REVIEW_OUTCOMES
    )
    channels = f'<option value="">{_say("all_channels")}</option>' + "".join(
        f'<option value="{_e(name)}"{" selected" if name == filters.channel else ""}>{_e(label)}</option>'
        for name, label in CHANNEL_LABELS.items()
    )
    logout = (
        '<form method="post" action="/revue/deconnexion"><button class="secondary" type="submit">'
        f"{_say('log_out')}</button></form>"
        if can_log_out
        else ""
    )
    return (
        f"<header><h1>{_say('title')}</h1>{logout}</header>"
        f'<main><form class="filters" method="get" action="/revue" aria-label="{_e(_text("page.filters"))}">'
        f'<label>{_say("period")} <select name="since">{periods}</select></label>'
        f'<label>{_say("until")} <input type="text" name="until" value="{_e(filters.until)}" '
        f'placeholder="{_e(_text("page.until_placeholder"))}" size="12"></label>'
        f'<label>{_say("channel")} <select name="channel">{channels}</select></label>'
        f"<fieldset><legend>{_say('outcomes')}</legend>{outcomes}</fieldset>"
        f'<button type="submit">{_say("show")}</button></form>'
    )


def _day_table(result: Review) -> str:
    outcomes = [o for o in REVIEW_OUTCOMES if any(day[o] for day in result.per_day.values())]
    head = (
        f'<th scope="col">{_say("day_columns.day")}</th><th scope="col" class="num">{_say("day_columns.messages")}</th>'
        f'<th scope="col" class="num">{_say("day_columns.to_review")}</th>'
        + "".join(f'<th scope="col" class="num">{_e(OUTCOME_LABELS[o])}</th>' for o in outcomes)
    )
    rows = "".join(
        f'<tr><th scope="row" class="when">{_e(day)}</th><td class="num">{counts[MESSAGES]}</td>'
        f'<td class="num">{counts[TO_REVIEW]}</td>'
        + "".join(f'<td class="num">{counts[o]}</td>' for o in outcomes)
        + "</tr>"
        for day, counts in result.per_day.items()
    )
    if not rows:
        return f'<p class="muted">{_say("no_message")}</p>'
    return f'<div class="scroll"><table id="per-day"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>'


def _list(items: Sequence[str]) -> str:
    return '<ul class="plain">' + "".join(f"<li>{_e(item)}</li>" for item in items) + "</ul>" if items else ""


def _counted(counter: Mapping[str, int], labels: Mapping[str, str] | None = None) -> list[str]:
    return [
        f"{(labels or {}).get(name, name)}{f' ×{count}' if count > 1 else ''}"
        for name, count in sorted(counter.items(), key=lambda item: -item[1])
    ]


def _groups_table(result: Review) -> str:
    if not result.groups:
        return f'<p class="muted">{_say("no_question")}</p>'
    numeric = ' class="num"'
    head = "".join(
        f'<th scope="col"{numeric if key == "count" else ""}>{_e(name)}</th>'
        for key, name in wording.entry("review", "page.group_columns").items()
    )
    rows = []
    for group in result.groups:
        reading = _counted(group.readings)[:2] + _counted(group.rules)[:4] + _counted(group.intents)[:1]
        rows.append(
            "<tr>"
            f'<td class="num">{group.count}</td>'
            f'<td class="when">{_e(datetime.fromtimestamp(group.last_seen, tz=timezone.utc).strftime("%Y-%m-%d %H:%M"))}</td>'
            f"<td>{_list(_counted(group.outcomes, OUTCOME_LABELS))}</td>"
            f'<td class="message">{_e(group.text)}</td>'
            f"<td>{_list(group.variants[1:6])}</td>"
            f"<td>{_list(reading)}</td>"
            f"<td>{_list(_counted(group.channels, CHANNEL_LABELS))}</td>"
            f'<td class="comments">{_list(group.comments[:5])}</td>'
            "</tr>"
        )
    return f'<div class="scroll"><table id="groups"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'


def review_page(result: Review | None, filters: Filters, error: str | None = None, can_log_out: bool = True) -> str:
    """The page: the filters, the counts per day and the groups to review."""
    errors = [*filters.errors, *([error] if error else [])]
    body = _filters_form(filters, can_log_out)
    body += "".join(f'<p class="error" role="alert">{_e(message)}</p>' for message in errors)
    if result is not None:
        body += (
            f'<p id="summary">{_e(summary(result))}. {_e(_text("anonymised_page"))}</p>'
            f"<h2>{_say('per_day')}</h2>" + _day_table(result) + f"<h2>{_say('to_review')}</h2>" + _groups_table(result)
        )
    body += "</main>"
    return _document(_text("page.title"), body)
