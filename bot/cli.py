"""Command line: ``bot ask`` and ``bot knowledge …`` (list, check and refresh the data).

Examples::

    bot ask "je suis cariste en CDI, puis-je viser un BTS ?"
    bot ask --today 2025-06-01 --json "préparatrice de commandes en CDI intérimaire"
    bot knowledge validate
    bot knowledge annex --idcc 2378 --metier cariste
    bot knowledge rules --idcc 1404 --date 2025-06-01
    bot knowledge refresh            # compares with the latest @socialgouv/kali-data and legi-data (npm)
    bot knowledge refresh --package proa   # verifies the pinned Pro-A Code du travail (legi-data 2.263.0)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

from bot.knowledge.errors import KnowledgeError
from bot.knowledge.models import KnowledgeBase
from bot.settings import npm_cache_dir


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD: {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bot", description="The core of the Pro-A and période de reconversion assistant, without Rasa."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    ask = commands.add_parser("ask", help="ask a question in French; prints the answer")
    ask.add_argument("question", nargs="+")
    ask.add_argument("--idcc", type=int, default=None, help="branch IDCC (2378 when not given)")
    ask.add_argument("--today", type=_date, default=None, help="the day to answer for (YYYY-MM-DD)")
    ask.add_argument("--json", action="store_true", help="print the structured answer (JSON payload)")

    knowledge = commands.add_parser("knowledge", help="list, check and refresh the knowledge files")
    sub = knowledge.add_subparsers(dest="knowledge_command", required=True)
    sub.add_parser("validate", help="check every file against its schema, and the citations against the snapshots")
    sub.add_parser("branches", help="list the branches and their agreements")
    annex = sub.add_parser("annex", help="list the métiers of a branch's list and their certifications")
    annex.add_argument("--idcc", type=int, default=2378)
    annex.add_argument("--metier", default=None, help="only the métiers matching this text (as a person would type it)")
    rules = sub.add_parser("rules", help="list the rules in force on a day, with their sources")
    rules.add_argument("--idcc", type=int, default=None, help="branch IDCC (all when not given)")
    rules.add_argument("--date", type=_date, default=None, help="the day (YYYY-MM-DD), today when not given")
    refresh = sub.add_parser(
        "refresh", help="compare with the latest @socialgouv/kali-data and @socialgouv/legi-data releases"
    )
    refresh.add_argument("--write", action="store_true", help="write the updated snapshots (KALI and the labour code)")
    refresh.add_argument(
        "--package",
        choices=("all", "kali", "legi", "proa"),
        default="all",
        help="the package to compare (kali and legi when not given); proa: check the Pro-A labour code "
        "(legi-data 2.263.0, a pinned release: rebuilt and compared, never updated)",
    )
    refresh.add_argument("--from-dir", type=Path, default=None, help="an unpacked data/ folder of kali-data (offline)")
    refresh.add_argument(
        "--legi-from-dir", type=Path, default=None, help="an unpacked data/ folder of legi-data (offline)"
    )
    refresh.add_argument(
        "--cache",
        type=Path,
        default=npm_cache_dir(),
        help=f"npm download cache, outside the repository (default {npm_cache_dir()})",
    )
    refresh.add_argument(
        "--knowledge", type=Path, default=None, help="the knowledge/ folder (the one in use when not given)"
    )
    _review_parser(commands)
    return parser


def _review_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from bot.outcomes import REVIEW_OUTCOMES
    from bot.review import FORMATS, GROUP_SIMILARITY, MIN_INTENT_CONFIDENCE, MIN_RULE_SCORE

    review = commands.add_parser(
        "review", help="the questions that failed (fallback, question back, refusal, unsure reading, a 'no')"
    )
    review.add_argument("--since", default="7d", help="start: 7d, 12h, 2w or YYYY-MM-DD (7d when not given)")
    review.add_argument("--until", default=None, help="end: same format (now when not given)")
    review.add_argument(
        "--endpoints", type=Path, default=Path("endpoints.yml"), help="Rasa's endpoints file (its tracker_store)"
    )
    review.add_argument("--db-url", default=None, help="SQLAlchemy URL or SQLite file (instead of --endpoints)")
    review.add_argument("--format", choices=sorted(FORMATS), default="table")
    review.add_argument(
        "--outcome", action="append", choices=REVIEW_OUTCOMES, default=[], help="keep only these outcomes (repeatable)"
    )
    review.add_argument("--channel", default=None, help="keep only one channel (rest, socketio, slack, botframework)")
    review.add_argument("--similarity", type=float, default=GROUP_SIMILARITY, help="grouping threshold (0–100)")
    review.add_argument(
        "--min-intent", type=float, default=MIN_INTENT_CONFIDENCE, help="lowest NLU confidence taken as sure"
    )
    review.add_argument(
        "--min-score", type=float, default=MIN_RULE_SCORE, help="lowest score of the best rule taken as sure"
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``bot`` command."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "ask":
            return _ask(args)
        if args.command == "review":
            return _review(args)
        return _knowledge(args)
    except KnowledgeError as error:
        print(str(error), file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (« bot ask … | head »): nothing more to print, no traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _ask(args: argparse.Namespace) -> int:
    from bot.profile import Profile
    from bot.service import Assistant

    assistant = Assistant.default()
    base = Profile(today=args.today or date.today())
    if args.idcc:
        base = base.with_(idcc=args.idcc)
    answer = assistant.ask(" ".join(args.question), base)
    if args.json:
        print(json.dumps(answer.to_payload(), ensure_ascii=False, indent=2))
    else:
        print(answer.text)
        for button in answer.buttons:
            print(f"  [{button.title}]")
    return 0


def _review(args: argparse.Namespace) -> int:
    from datetime import datetime, timezone

    from bot.review import FORMATS, ReviewError, parse_moment, review, url_from_endpoints

    try:
        now = datetime.now(timezone.utc)
        until = parse_moment(args.until, now) if args.until else now
        since = parse_moment(args.since, until if args.until else now)
        url = args.db_url or url_from_endpoints(args.endpoints)
        result = review(
            url,
            since,
            until,
            outcomes=args.outcome,
            channel=args.channel,
            similarity=args.similarity,
            min_intent=args.min_intent,
            min_score=args.min_score,
        )
    except ReviewError as error:
        print(str(error), file=sys.stderr)
        return 2
    sys.stdout.write(FORMATS[args.format](result))
    return 0


def _knowledge(args: argparse.Namespace) -> int:
    from bot.knowledge.loader import knowledge_dir, load_knowledge

    command = args.knowledge_command
    if command == "refresh":
        return _refresh(args)

    kb = load_knowledge()
    if command == "validate":
        from bot.knowledge import kali, legi, legi_proa

        # The Pro-A rules are checked against the pinned Pro-A release, the others against
        # the current Code du travail.
        proa_rules = [r for r in kb.all_rules() if legi_proa.is_proa_rule(r)]
        report = legi.check_citations(
            [r for r in kb.all_rules() if not legi_proa.is_proa_rule(r)],
            legi.read_snapshot(knowledge_dir() / legi.SNAPSHOT_RELATIVE_PATH),
        )
        proa_report = legi_proa.check_citations(
            proa_rules, legi_proa.read_snapshot(knowledge_dir() / legi_proa.SNAPSHOT_RELATIVE_PATH)
        )
        kali_checked, kali_problems = kali.check_citations(
            kb.cited(), kali.read_snapshot(knowledge_dir() / kali.SNAPSHOT_RELATIVE_PATH)
        )
        problems = (
            [f"Labour code: {p}" for p in report.problems]
            + [f"Labour code (Pro-A): {p}" for p in proa_report.problems]
            + [f"KALI: {p}" for p in kali_problems]
        )
        if problems:
            for problem in problems:
                print(f"CITATION ERROR {problem}", file=sys.stderr)
            return 2
        counts = ", ".join(
            f"IDCC {b.idcc}: {len(b.rules)} rules, {len(b.metiers)} jobs, {len(b.certifications)} certifications"
            for b in kb.branches.values()
        )
        print(f"OK: {knowledge_dir()} ({len(kb.sources)} sources, {len(kb.law_rules)} law rules; {counts})")
        past = f", {report.past_versions} links to a past version" if report.past_versions else ""
        print(
            f"Labour code: {report.verbatim} citations checked word for word in knowledge/law/legi_snapshot.json{past}; "
            f"Pro-A: {proa_report.verbatim} citations checked word for word in knowledge/law/legi_proa_snapshot.json "
            f"(@socialgouv/legi-data {legi_proa.PROA_VERSION}, the versions in force until 31 December 2025); "
            f"agreements (KALI): {kali_checked} citations checked in knowledge/idcc1404/kali_snapshot.json"
        )
        return 0
    if command == "branches":
        for branch in kb.branches.values():
            agreement = branch.agreement
            print(
                f"IDCC {branch.idcc} – {branch.name}: {agreement.title} (signed {agreement.signed_on}, in force {agreement.in_force_from}, {agreement.opco})"
            )
            for amendment in agreement.amendments:
                print(f"    amendment: {amendment.title} ({amendment.signed_on}, {amendment.status})")
        return 0
    if command == "annex":
        return _annex(kb, args)
    if command == "rules":
        day = args.date or date.today()
        branches = [kb.branch(args.idcc)] if args.idcc else list(kb.branches.values())
        groups = [(f"IDCC {b.idcc} – {b.name}", b.rules) for b in branches] + [("Law", kb.law_rules)]
        for title, rules in groups:
            print(f"== {title}")
            for rule in rules:
                if rule.is_valid_on(day):
                    print(
                        f"- [{rule.topic}] {rule.summary}\n    ({rule.source.label}{' – ' + rule.source.url if rule.source.url else ''})"
                    )
        return 0
    raise AssertionError(command)


def _refresh(args: argparse.Namespace) -> int:
    """``bot knowledge refresh``: the sync tooling (:mod:`tools.knowledge_sync`, not part of
    the running assistant), imported only here."""
    try:
        from tools.knowledge_sync.cli import refresh
    except ModuleNotFoundError as error:  # an install without the sync extra (pooch)
        print(
            f"Error: {error.name} is missing; install the sync tools: pip install -e '.[sync]'",
            file=sys.stderr,
        )
        return 2
    return refresh(
        args.package,
        args.cache,
        args.write,
        knowledge=args.knowledge,
        kali_from_dir=args.from_dir,
        legi_from_dir=args.legi_from_dir,
    )


def _annex(kb: KnowledgeBase, args: argparse.Namespace) -> int:
    """``bot knowledge annex``: the métiers of a branch list and their certifications."""
    branch = kb.branch(args.idcc)
    metiers = branch.metiers
    if args.metier:
        from bot.matching import MetierMatcher

        result = MetierMatcher(branch).match(args.metier)
        print(f"{args.metier!r}: {result.status}")
        metiers = tuple(c.metier for c in result.candidates)
    for metier in metiers:
        print(f"{metier.label}  [{metier.context}]  ({metier.id})")
        for certification in metier.certifications:
            print(f"    - {certification.title} — {certification.rncp or 'no RNCP code'} ({certification.level})")
    if not metiers:
        print("No métier found.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
