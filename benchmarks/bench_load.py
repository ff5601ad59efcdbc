#!/usr/bin/env python3
"""Load benchmark of the assistant through the REST channel (a script, not a test).

Starts its own stack with tests/e2e/stack.py (action server + ``rasa run`` with the
trained model models/proa.tar.gz; SQLite tracker store by default, ``--postgres`` for
PostgreSQL + Redis lock store as in endpoints.scale.yml, with ``--instances N`` Rasa
instances), then drives it with 1, 10 and 50 concurrent conversations. Each
conversation plays a scenario of several French turns that call the action server
(eligibility, certifications by métier, « voir plus », FAQ). A level ends after
``--duration`` seconds (conversations in progress finish their current turn).

Prints, per level: messages/s, p50/p95/p99/max latency, errors (HTTP error or
timeout), lost messages (no bot answer), busy answers (action server failed), and the
peak resident memory (VmHWM of the process and its children) of ``rasa run`` and of the
action server. Targets (2 cores): p95 < 150 ms at 1 conversation; at 50, at least
40 messages/s with p95 < 1.5 s; 0 lost.

    .venv/bin/python benchmarks/bench_load.py                  # 1, 10, 50; 30 s each
    .venv/bin/python benchmarks/bench_load.py --levels 50 --duration 60 --postgres
    TF_INTRA_OP_PARALLELISM_THREADS=1 .venv/bin/python benchmarks/bench_load.py  # env reaches rasa
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.stack import MODEL, REPO, ActionServer, RasaServer, Services, peak_rss_kib  # noqa: E402

BUSY_MARK = "momentanément surchargé"

#: Realistic conversations; every one calls the action server on most turns.
SCENARIOS: List[List[str]] = [
    [
        "Bonjour",
        "Je suis cariste en CDI intérimaire, ai-je droit à la Pro-A ?",
        "Quelles certifications sont possibles pour ce métier ?",
        "voir plus",
        "Combien de temps dure la formation ?",
        "Merci, au revoir",
    ],
    [
        "Quelles certifications pour un préparateur de commandes ?",
        "et pour un soudeur ?",
        "Qui finance la formation ?",
        "Je suis en contrat de mission, est-ce que j'y ai droit ?",
        "merci beaucoup",
    ],
    [
        "Bonjour, je travaille en SDLM comme mécanicien en CDI",
        "Est-ce que j'ai droit à la Pro-A ?",
        "Quelles formations pour un technicien de maintenance ?",
        "Est-ce que je suis payé pendant la formation ?",
        "au revoir",
    ],
    [
        "Combien de temps dure la Pro-A ?",
        "Quelle part de formation faut-il ?",
        "Faut-il un tuteur ?",
        "Comment faire la demande ?",
        "Je suis magasinier en intérim, quelles certifications ?",
        "merci",
    ],
]


@dataclass
class Turn:
    latency: float
    ok: bool  # HTTP 200 with a JSON list
    answered: bool  # at least one bot message with text or custom payload
    busy: bool


@dataclass
class LevelResult:
    concurrency: int
    wall: float = 0.0
    turns: List[Turn] = field(default_factory=list)
    conversations: int = 0
    rasa_hwm_kib: int = 0
    actions_hwm_kib: int = 0

    def line(self) -> Dict[str, object]:
        latencies = sorted(t.latency for t in self.turns) or [0.0]

        def pct(p: float) -> float:
            return 1000 * latencies[min(len(latencies) - 1, int(round(p / 100 * (len(latencies) - 1))))]

        return {
            "conversations": self.concurrency,
            "completed_conversations": self.conversations,
            "messages": len(self.turns),
            "msg_per_s": len(self.turns) / self.wall if self.wall else 0.0,
            "p50_ms": pct(50),
            "p95_ms": pct(95),
            "p99_ms": pct(99),
            "max_ms": 1000 * latencies[-1],
            "mean_ms": 1000 * statistics.fmean(latencies),
            "errors": sum(not t.ok for t in self.turns),
            "lost": sum(t.ok and not t.answered for t in self.turns),
            "busy": sum(t.busy for t in self.turns),
            "rasa_peak_rss_mib": self.rasa_hwm_kib / 1024,
            "actions_peak_rss_mib": self.actions_hwm_kib / 1024,
        }


async def _send(session: aiohttp.ClientSession, url: str, sender: str, text: str, timeout: float) -> Turn:
    started = time.perf_counter()
    try:
        async with session.post(
            url, json={"sender": sender, "message": text}, timeout=aiohttp.ClientTimeout(total=timeout)
        ) as response:
            body = await response.read()
            latency = time.perf_counter() - started
            if response.status != 200:
                return Turn(latency, False, False, False)
            messages = json.loads(body)
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        return Turn(time.perf_counter() - started, False, False, False)
    if not isinstance(messages, list):
        return Turn(latency, False, False, False)
    answered = any(m.get("text") or m.get("custom") for m in messages if isinstance(m, dict))
    busy = any(BUSY_MARK in str(m.get("text", "")) for m in messages if isinstance(m, dict))
    return Turn(latency, True, answered, busy)


async def run_level(
    urls: List[str], concurrency: int, duration: float, timeout: float, seed: int, max_conversations: int
) -> LevelResult:
    result = LevelResult(concurrency)
    deadline = time.monotonic() + duration
    started_conversations = itertools.count()
    rng = random.Random(seed)
    connector = aiohttp.TCPConnector(limit=concurrency * 2, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker(index: int) -> None:
            while time.monotonic() < deadline:
                number = next(started_conversations)
                if number >= max_conversations:
                    return
                scenario = SCENARIOS[rng.randrange(len(SCENARIOS))]
                sender = f"bench-{concurrency}-{index}-{number}-{uuid.uuid4().hex[:6]}"
                for position, text in enumerate(scenario):
                    if time.monotonic() >= deadline:
                        return
                    # Several instances: the conversation alternates between them.
                    url = urls[(number + position) % len(urls)]
                    result.turns.append(await _send(session, url, sender, text, timeout))
                result.conversations += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(concurrency)))
        result.wall = time.perf_counter() - started
    return result


def _format(results: List[Dict[str, object]]) -> str:
    header = (
        "| conversations | messages | msg/s | p50 ms | p95 ms | p99 ms | max ms | errors | lost | busy "
        "| Rasa peak RSS MiB | actions peak RSS MiB |"
    )
    lines = [header, "|" + "---|" * 12]
    for r in results:
        lines.append(
            f"| {r['conversations']} | {r['messages']} | {r['msg_per_s']:.1f} | {r['p50_ms']:.0f} | "
            f"{r['p95_ms']:.0f} | {r['p99_ms']:.0f} | {r['max_ms']:.0f} | {r['errors']} | {r['lost']} | "
            f"{r['busy']} | {r['rasa_peak_rss_mib']:.0f} | {r['actions_peak_rss_mib']:.0f} |"
        )
    return "\n".join(lines)


def _targets(results: List[Dict[str, object]]) -> List[str]:
    verdicts = []
    for r in results:
        if r["conversations"] == 1:
            verdicts.append(f"1 conversation: p95 {r['p95_ms']:.0f} ms (target < 150): {'OK' if r['p95_ms'] < 150 else 'MISSED'}")
        if r["conversations"] == 50:
            ok = r["msg_per_s"] >= 40 and r["p95_ms"] < 1500
            verdicts.append(
                f"50 conversations: {r['msg_per_s']:.1f} msg/s (target >= 40), p95 {r['p95_ms']:.0f} ms "
                f"(target < 1500): {'OK' if ok else 'MISSED'}"
            )
        if r["lost"] or r["errors"]:
            verdicts.append(f"{r['conversations']} conversations: {r['lost']} lost, {r['errors']} errors: MISSED")
    return verdicts


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--levels", default="1,10,50", help="concurrent conversations per level (default 1,10,50)")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per level (default 30)")
    parser.add_argument("--max-conversations", type=int, default=5000, help="cap of conversations per level")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before a request counts as an error")
    parser.add_argument("--warmup", type=int, default=12, help="messages sent before measuring (default 12)")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL tracker store + Redis lock store")
    parser.add_argument("--instances", type=int, default=1, help="rasa run instances (with --postgres)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--rasa-arg", action="append", default=[], help="extra argument for rasa run (repeatable)")
    args = parser.parse_args(argv)
    if args.instances > 1 and not args.postgres:
        parser.error("--instances > 1 needs --postgres (a shared tracker store and lock store)")
    if not MODEL.exists():
        print(f"no trained model at {MODEL}: run scripts/train.sh first", file=sys.stderr)
        return 2
    levels = [int(level) for level in args.levels.split(",") if level.strip()]

    workdir = Path(tempfile.mkdtemp(prefix="proa-bench-"))
    services: Optional[Services] = None
    actions = ActionServer(log_path=workdir / "actions.log")
    servers: List[RasaServer] = []
    try:
        print(f"==> starting the stack in {workdir}", file=sys.stderr)
        actions.start()
        if args.postgres:
            services = Services(directory=Path(tempfile.mkdtemp(prefix="proa-bench-services-"))).start()
            env = services.scale_env(actions.url)
            servers = [
                RasaServer(workdir=workdir, action_url=actions.url, endpoints=REPO / "endpoints.scale.yml", extra_args=args.rasa_arg)
                for _ in range(args.instances)
            ]
            for server in servers:
                server.start(env=env)
        else:
            servers = [RasaServer(workdir=workdir, action_url=actions.url, extra_args=args.rasa_arg).start()]
        urls = [f"{server.url}/webhooks/rest/webhook" for server in servers]

        print(f"==> warm-up ({args.warmup} messages)", file=sys.stderr)
        warm = asyncio.run(run_level(urls, 1, duration=120, timeout=60, seed=0, max_conversations=max(1, args.warmup // 5)))
        if not all(t.ok and t.answered for t in warm.turns):
            print("warm-up: some messages got no answer; see the logs in " + str(workdir), file=sys.stderr)

        results = []
        for level in levels:
            print(f"==> {level} concurrent conversation(s), {args.duration:.0f} s", file=sys.stderr)
            result = asyncio.run(run_level(urls, level, args.duration, args.timeout, args.seed + level, args.max_conversations))
            result.rasa_hwm_kib = max(server.peak_rss_kib() for server in servers)
            result.actions_hwm_kib = peak_rss_kib(actions.process.pid) if actions.process else 0
            results.append(result.line())
            print(_format(results[-1:]).splitlines()[-1], file=sys.stderr)

        settings = {
            name: os.environ.get(name, "")
            for name in ("TF_INTRA_OP_PARALLELISM_THREADS", "TF_INTER_OP_PARALLELISM_THREADS", "OMP_NUM_THREADS", "PROA_ACTION_TIMEOUT")
        }
        print()
        print(f"store: {'PostgreSQL + Redis lock' if args.postgres else 'SQLite'}, instances: {len(servers)}, "
              f"cores: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.1f}, settings: {settings}")
        print(_format(results))
        for verdict in _targets(results):
            print(verdict)
        if args.json:
            args.json.write_text(json.dumps({"settings": settings, "postgres": args.postgres, "instances": len(servers), "results": results}, indent=2))
        return 0
    finally:
        for server in servers:
            server.stop()
        actions.stop()
        if services is not None:
            services.stop()


if __name__ == "__main__":
    sys.exit(main())
