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
        raise argparse.ArgumentTypeError(f"date attendue au format AAAA-MM-JJ : {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bot", description="Assistant Pro-A / période de reconversion (cœur, sans Rasa)."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    ask = commands.add_parser("ask", help="poser une question en français")
    ask.add_argument("question", nargs="+")
    ask.add_argument("--idcc", type=int, default=None, help="branche (2378 par défaut)")
    ask.add_argument("--today", type=_date, default=None, help="date du jour à utiliser (AAAA-MM-JJ)")
    ask.add_argument("--json", action="store_true", help="affiche la réponse structurée")

    knowledge = commands.add_parser("knowledge", help="lister, vérifier et mettre à jour les connaissances")
    sub = knowledge.add_subparsers(dest="knowledge_command", required=True)
    sub.add_parser("validate", help="valider tous les fichiers contre leurs schémas")
    sub.add_parser("branches", help="lister les branches et leurs accords")
    annex = sub.add_parser("annex", help="lister la liste de certifications d'une branche")
    annex.add_argument("--idcc", type=int, default=2378)
    annex.add_argument("--metier", default=None, help="filtrer par métier (texte libre)")
    rules = sub.add_parser("rules", help="lister les règles applicables à une date, avec leurs sources")
    rules.add_argument("--idcc", type=int, default=None, help="branche (toutes par défaut)")
    rules.add_argument("--date", type=_date, default=None, help="date (AAAA-MM-JJ), aujourd'hui par défaut")
    refresh = sub.add_parser(
        "refresh", help="comparer avec les dernières versions de @socialgouv/kali-data et @socialgouv/legi-data"
    )
    refresh.add_argument("--write", action="store_true", help="mettre à jour les snapshots (KALI et Code du travail)")
    refresh.add_argument(
        "--package",
        choices=("all", "kali", "legi", "proa"),
        default="all",
        help="paquet à comparer (kali et legi par défaut) ; proa : vérifier le Code du travail de la Pro-A "
        "(legi-data 2.263.0, version figée : reconstruit et comparé, jamais mis à jour)",
    )
    refresh.add_argument(
        "--from-dir", type=Path, default=None, help="dossier data/ de kali-data déjà décompressé (hors ligne)"
    )
    refresh.add_argument(
        "--legi-from-dir", type=Path, default=None, help="dossier data/ de legi-data déjà décompressé (hors ligne)"
    )
    refresh.add_argument(
        "--cache",
        type=Path,
        default=npm_cache_dir(),
        help=f"cache npm, hors du dépôt (par défaut {npm_cache_dir()})",
    )
    refresh.add_argument("--knowledge", type=Path, default=None, help="dossier knowledge/ (celui du dépôt par défaut)")
    _review_parser(commands)
    return parser


def _review_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from bot.outcomes import REVIEW_OUTCOMES
    from bot.review import FORMATS, GROUP_SIMILARITY, MIN_INTENT_CONFIDENCE, MIN_RULE_SCORE

    review = commands.add_parser(
        "review", help="les questions qui ont échoué (repli, question en retour, refus, lecture peu sûre, « Non »)"
    )
    review.add_argument("--since", default="7d", help="début : 7d, 12h, 2w ou AAAA-MM-JJ (7d par défaut)")
    review.add_argument("--until", default=None, help="fin : même format (maintenant par défaut)")
    review.add_argument(
        "--endpoints", type=Path, default=Path("endpoints.yml"), help="fichier endpoints de Rasa (tracker_store)"
    )
    review.add_argument("--db-url", default=None, help="URL SQLAlchemy ou fichier SQLite (remplace --endpoints)")
    review.add_argument("--format", choices=sorted(FORMATS), default="table")
    review.add_argument(
        "--outcome", action="append", choices=REVIEW_OUTCOMES, default=[], help="ne garder que ces issues (répétable)"
    )
    review.add_argument("--channel", default=None, help="ne garder qu'un canal (rest, socketio, slack, botframework)")
    review.add_argument("--similarity", type=float, default=GROUP_SIMILARITY, help="seuil de regroupement (0–100)")
    review.add_argument("--min-intent", type=float, default=MIN_INTENT_CONFIDENCE, help="confiance NLU minimale")
    review.add_argument("--min-score", type=float, default=MIN_RULE_SCORE, help="score minimal de la meilleure règle")


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
            [f"Code du travail : {p}" for p in report.problems]
            + [f"Code du travail (Pro-A) : {p}" for p in proa_report.problems]
            + [f"KALI : {p}" for p in kali_problems]
        )
        if problems:
            for problem in problems:
                print(f"ERREUR citation {problem}", file=sys.stderr)
            return 2
        counts = ", ".join(
            f"IDCC {b.idcc}: {len(b.rules)} règles, {len(b.metiers)} métiers, {len(b.certifications)} certifications"
            for b in kb.branches.values()
        )
        print(f"OK : {knowledge_dir()} ({len(kb.sources)} sources, {len(kb.law_rules)} règles légales ; {counts})")
        past = f", {report.past_versions} liens vers une version passée" if report.past_versions else ""
        print(
            f"Code du travail : {report.verbatim} citations vérifiées mot pour mot dans knowledge/law/legi_snapshot.json{past} ; "
            f"Pro-A : {proa_report.verbatim} citations vérifiées mot pour mot dans knowledge/law/legi_proa_snapshot.json "
            f"(@socialgouv/legi-data {legi_proa.PROA_VERSION}, versions en vigueur jusqu'au 31 décembre 2025) ; "
            f"accords (KALI) : {kali_checked} citations vérifiées dans knowledge/idcc1404/kali_snapshot.json"
        )
        return 0
    if command == "branches":
        for branch in kb.branches.values():
            agreement = branch.agreement
            print(
                f"IDCC {branch.idcc} – {branch.name} : {agreement.title} (signé le {agreement.signed_on}, en vigueur le {agreement.in_force_from}, {agreement.opco})"
            )
            for amendment in agreement.amendments:
                print(f"    avenant : {amendment.title} ({amendment.signed_on}, {amendment.status})")
        return 0
    if command == "annex":
        return _annex(kb, args)
    if command == "rules":
        day = args.date or date.today()
        branches = [kb.branch(args.idcc)] if args.idcc else list(kb.branches.values())
        groups = [(f"IDCC {b.idcc} – {b.name}", b.rules) for b in branches] + [("Loi", kb.law_rules)]
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
            f"Erreur : {error.name} manque ; installez les outils de synchronisation : pip install -e '.[sync]'",
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
        print(f"« {args.metier} » : {result.status}")
        metiers = tuple(c.metier for c in result.candidates)
    for metier in metiers:
        print(f"{metier.label}  [{metier.context}]  ({metier.id})")
        for certification in metier.certifications:
            print(f"    - {certification.title} — {certification.rncp or 'sans code RNCP'} ({certification.level})")
    if not metiers:
        print("Aucun métier.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
