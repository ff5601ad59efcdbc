#!/usr/bin/env python3
"""Load benchmark of the assistant through the REST channel, against the platform's floor
(a script, not a test).

Three modes, each bounded in time (``--duration``) and in conversations
(``--max-conversations``); ``--mode all`` runs the three in one go:

``compare`` (default)
    Starts the assistant (action server + ``rasa run`` with models/proa.tar.gz and the
    stores of endpoints.yml: ``CheckedSQLTrackerStore`` and ``SQLiteLockStore`` on SQLite
    files) **and** a stock bot (the ``rasa init --no-prompt`` project, trained once into
    ~/.cache/proa-bench/stock-<rasa version> by benchmarks/stock_bot.py, same venv, Rasa's
    SQL tracker store on SQLite and its in-memory lock store), then drives both with the same client: sequential
    conversations, a new sender each, six turns (the stock bot gets its own six plausible
    turns). The measurement alternates between the two bots in ``--rounds`` slices so that
    both see the same machine load. Prints, per bot: messages, msg/s, p50/p95 latency, CPU
    ms per message (``utime + stime`` from /proc/<pid>/stat of every server process: rasa,
    the action server and all their children) and action calls per message (counted by
    the action server, benchmarks/counting_actions.py), then the ratios assistant/stock.

``open``
    Open loop: conversations arrive at random (Poisson) and think 5–15 s between turns.
    For each target N of ``--open-levels``, the arrival rate is N / (mean conversation
    length) so that about N conversations are in progress; the step starts from that
    steady state (N conversations already at a random point of their scenario). The
    largest N whose messages have p95 ≤ ``--p95-limit`` (1 s) with 0 errors, 0 lost and 0
    "busy" answers is the capacity; levels stop at the first failure. ``--stacks`` picks
    one instance on SQLite (``sqlite``), two instances on PostgreSQL + Redis
    (``postgres``, via scripts/start_services.sh on loopback, as tests/e2e/test_scale_out.py
    does), or both.

``levels``
    The former closed-loop levels: ``--levels`` concurrent conversations back to back.

    .venv/bin/python benchmarks/bench_load.py                              # compare, 2 × 60 s
    .venv/bin/python benchmarks/bench_load.py --mode open --stacks sqlite,postgres
    .venv/bin/python benchmarks/bench_load.py --mode all --json /tmp/bench.json
    TF_INTRA_OP_PARALLELISM_THREADS=1 .venv/bin/python benchmarks/bench_load.py  # env reaches rasa

The client runs on the same machine; its CPU is not charged to the bots.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import itertools
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import contextlib

from benchmarks.procstat import CpuMeter, peak_rss_mib
from benchmarks.stock_bot import STOCK_SCENARIOS, StockServer, ensure_stock_project, rasa_version
from tests.e2e.stack import (
    MODEL,
    REPO,
    VENV_BIN,
    ActionServer,
    RasaServer,
    Services,
    _logging_args,
    wait_http,
)

BUSY_MARK = "momentanément surchargé"

#: Realistic six-turn conversations; every one calls the action server on most turns.
SCENARIOS: list[list[str]] = [
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
        "Comment faire la demande ?",
        "merci beaucoup",
    ],
    [
        "Bonjour, je travaille en SDLM comme mécanicien en CDI",
        "Est-ce que j'ai droit à la Pro-A ?",
        "Quelles formations pour un technicien de maintenance ?",
        "Est-ce que je suis payé pendant la formation ?",
        "Faut-il un tuteur ?",
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

#: Think time between two turns of an open-loop conversation (seconds).
THINK = (5.0, 15.0)


# --------------------------------------------------------------------------- client


@dataclass
class Turn:
    latency: float
    ok: bool  # HTTP 200 with a JSON list
    answered: bool  # at least one bot message with text or custom payload
    busy: bool


def _pct(latencies: list[float], p: float) -> float:
    """Nearest-rank percentile in ms (0 when empty)."""
    if not latencies:
        return 0.0
    ordered = sorted(latencies)
    return 1000 * ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


@dataclass
class Measure:
    """Turns of one measurement and what the servers spent meanwhile."""

    turns: list[Turn] = field(default_factory=list)
    wall: float = 0.0
    conversations: int = 0
    cpu: dict[str, float] = field(default_factory=dict)  # seconds per process group
    action_calls: dict[str, int] = field(default_factory=dict)
    machine_busy: float = 0.0  # share of all cores busy (any process) during the window
    concurrency_mean: float = 0.0
    concurrency_max: int = 0

    def merge(self, other: Measure) -> None:
        self.turns += other.turns
        self.wall += other.wall
        self.conversations += other.conversations
        for name, value in other.cpu.items():
            self.cpu[name] = self.cpu.get(name, 0.0) + value
        for name, value in other.action_calls.items():
            self.action_calls[name] = self.action_calls.get(name, 0) + value
        self.machine_busy = max(self.machine_busy, other.machine_busy)

    def summary(self) -> dict[str, object]:
        latencies = [t.latency for t in self.turns]
        messages = len(self.turns)
        per = (lambda v: 1000 * v / messages) if messages else (lambda v: 0.0)
        cpu_total = sum(self.cpu.values())
        return {
            "messages": messages,
            "conversations": self.conversations,
            "msg_per_s": messages / self.wall if self.wall else 0.0,
            "p50_ms": _pct(latencies, 50),
            "p95_ms": _pct(latencies, 95),
            "p99_ms": _pct(latencies, 99),
            "max_ms": 1000 * max(latencies, default=0.0),
            "mean_ms": 1000 * statistics.fmean(latencies) if latencies else 0.0,
            "errors": sum(not t.ok for t in self.turns),
            "lost": sum(t.ok and not t.answered for t in self.turns),
            "busy": sum(t.busy for t in self.turns),
            "cpu_ms_per_msg": per(cpu_total),
            "cpu_ms_per_msg_by_process": {name: per(value) for name, value in self.cpu.items()},
            "action_calls_per_msg": (sum(self.action_calls.values()) / messages) if messages else 0.0,
            "action_calls_per_msg_by_action": {
                name: count / messages for name, count in sorted(self.action_calls.items()) if messages
            },
            "machine_busy_pct": 100 * self.machine_busy,
            "concurrency_mean": self.concurrency_mean,
            "concurrency_max": self.concurrency_max,
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


def _machine_ticks() -> tuple:
    """(busy, total) jiffies of all cores, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


# --------------------------------------------------------------------------- bots


@dataclass
class Bot:
    """One bot under test: its REST URLs, its scenarios and the processes charged to it."""

    name: str
    urls: list[str]
    scenarios: list[list[str]]
    groups: Callable[[], dict[str, list[int]]]  # process group name -> root pids
    action_log: Path | None = None

    def action_counts(self) -> collections.Counter:
        if self.action_log is None or not self.action_log.exists():
            return collections.Counter()
        return collections.Counter(self.action_log.read_text(encoding="utf-8").split())

    def peak_rss(self) -> dict[str, float]:
        return {name: peak_rss_mib(pids) for name, pids in self.groups().items()}


async def _measured(bot: Bot, body) -> Measure:
    """Run ``body(session, measure)`` and charge the servers' CPU and action calls to it."""
    measure = Measure()
    meter = CpuMeter(bot.groups()).start()
    calls_before = bot.action_counts()
    busy_before, total_before = _machine_ticks()
    started = time.perf_counter()
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        await body(session, measure)
    measure.wall = time.perf_counter() - started
    measure.cpu = meter.stop()
    busy_after, total_after = _machine_ticks()
    measure.machine_busy = (busy_after - busy_before) / max(1, total_after - total_before)
    measure.action_calls = dict(bot.action_counts() - calls_before)
    return measure


async def run_sequential(bot: Bot, duration: float, timeout: float, seed: int, max_conversations: int) -> Measure:
    """Conversations one after the other, a new sender each, until ``duration`` is over
    (the conversation in progress ends its current turn)."""

    async def body(session, measure: Measure) -> None:
        deadline = time.monotonic() + duration
        for number in range(seed * 1000, seed * 1000 + max_conversations):
            if time.monotonic() >= deadline:
                return
            scenario = bot.scenarios[number % len(bot.scenarios)]
            sender = f"bench-seq-{bot.name}-{number}-{uuid.uuid4().hex[:6]}"
            for position, text in enumerate(scenario):
                url = bot.urls[(number + position) % len(bot.urls)]
                measure.turns.append(await _send(session, url, sender, text, timeout))
            measure.conversations += 1

    return await _measured(bot, body)


async def run_closed(
    bot: Bot, concurrency: int, duration: float, timeout: float, seed: int, max_conversations: int
) -> Measure:
    """``concurrency`` conversations back to back, no think time (the former levels)."""
    rng = random.Random(seed)
    counter = itertools.count()

    async def body(session, measure: Measure) -> None:
        deadline = time.monotonic() + duration

        async def worker(index: int) -> None:
            while time.monotonic() < deadline:
                number = next(counter)
                if number >= max_conversations:
                    return
                scenario = bot.scenarios[rng.randrange(len(bot.scenarios))]
                sender = f"bench-{concurrency}-{index}-{number}-{uuid.uuid4().hex[:6]}"
                for position, text in enumerate(scenario):
                    if time.monotonic() >= deadline:
                        return
                    url = bot.urls[(number + position) % len(bot.urls)]
                    measure.turns.append(await _send(session, url, sender, text, timeout))
                measure.conversations += 1

        await asyncio.gather(*(worker(i) for i in range(concurrency)))

    return await _measured(bot, body)


async def run_open(
    bot: Bot, target: int, duration: float, timeout: float, seed: int, max_conversations: int
) -> Measure:
    """Open loop at about ``target`` conversations in progress (see the module docstring).

    Arrivals are Poisson at ``target / L`` per second, L the mean length of a conversation
    (its think times). The step starts at steady state: ``target`` conversations are
    already under way, each at a random gap of its scenario with a random part of its
    think time left (they begin with a new sender at that turn). No turn starts after
    ``duration``; turns in flight then finish and are counted."""
    rng = random.Random(seed)
    turns_per_conversation = statistics.fmean(len(s) for s in bot.scenarios)
    mean_length = (turns_per_conversation - 1) * statistics.fmean(THINK)
    rate = target / mean_length
    counter = itertools.count()
    active = 0

    async def body(session, measure: Measure) -> None:
        nonlocal active
        deadline = time.monotonic() + duration

        async def pause(seconds: float) -> bool:
            """Sleep, unless the step ends first; True when the conversation may go on."""
            left = deadline - time.monotonic()
            await asyncio.sleep(max(0.0, min(seconds, left)))
            return time.monotonic() < deadline

        async def conversation(first_turn: int, first_wait: float) -> None:
            nonlocal active
            number = next(counter)
            scenario = bot.scenarios[rng.randrange(len(bot.scenarios))]
            sender = f"bench-open-{bot.name}-{target}-{number}-{uuid.uuid4().hex[:6]}"
            active += 1
            try:
                if not await pause(first_wait):
                    return
                for position in range(first_turn, len(scenario)):
                    url = bot.urls[(number + position) % len(bot.urls)]
                    measure.turns.append(await _send(session, url, sender, scenario[position], timeout))
                    if position + 1 < len(scenario) and not await pause(rng.uniform(*THINK)):
                        return
                measure.conversations += 1
            finally:
                active -= 1

        tasks = []
        for _ in range(min(target, max_conversations)):
            gap = rng.randrange(len(bot.scenarios[0]) - 1)  # between turn gap and gap + 1
            tasks.append(asyncio.ensure_future(conversation(gap + 1, rng.uniform(0, rng.uniform(*THINK)))))
        samples: list[int] = []

        async def arrivals() -> None:
            while len(tasks) < max_conversations:
                if not await pause(rng.expovariate(rate)):
                    return
                tasks.append(asyncio.ensure_future(conversation(0, 0.0)))

        async def sampler() -> None:
            while time.monotonic() < deadline:
                samples.append(active)
                await asyncio.sleep(1.0)

        await asyncio.gather(arrivals(), sampler())
        await asyncio.gather(*tasks)
        measure.concurrency_mean = statistics.fmean(samples) if samples else 0.0
        measure.concurrency_max = max(samples, default=0)

    return await _measured(bot, body)


# --------------------------------------------------------------------------- stacks


class CountingActionServer(ActionServer):
    """The project's action server, started through benchmarks/counting_actions.py."""

    def start(self, env: dict[str, str] | None = None) -> CountingActionServer:
        import subprocess

        if env is not None:
            self.env = dict(env)
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "python"),
                "-m",
                "benchmarks.counting_actions",
                "--port",
                str(self.port),
                "--actions",
                "actions",
                *_logging_args(),
            ],
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **self.env},
        )
        wait_http(f"http://127.0.0.1:{self.port}/health", process=self.process)
        return self


def _service_pids(services: Services) -> list[int]:
    """PostgreSQL's postmaster and Redis (their workers are their children)."""
    pids = []
    for path in (services.directory / "pg" / "postmaster.pid", services.directory / "redis.pid"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            pids.append(int(path.read_text().split()[0]))
    return pids


def _pids(*processes) -> list[int]:
    return [p.pid for p in processes if p is not None and p.poll() is None]


def _warm(bot: Bot, conversations: int = 2) -> None:
    warm = asyncio.run(run_sequential(bot, duration=300, timeout=120, seed=0, max_conversations=conversations))
    if not all(t.ok and t.answered for t in warm.turns):
        print(f"warm-up of {bot.name}: some messages got no answer", file=sys.stderr)


# --------------------------------------------------------------------------- report


def _cpu_split(summary: dict[str, object]) -> str:
    return ", ".join(f"{k} {v:.1f}" for k, v in summary["cpu_ms_per_msg_by_process"].items())


def _compare_table(rows: dict[str, dict[str, object]]) -> str:
    lines = [
        "| bot | messages | msg/s | p50 ms | p95 ms | CPU ms/msg (split) | action calls/msg | errors / lost / busy |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, r in rows.items():
        lines.append(
            f"| {name} | {r['messages']} | {r['msg_per_s']:.1f} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | "
            f"{r['cpu_ms_per_msg']:.1f} ({_cpu_split(r)}) | {r['action_calls_per_msg']:.2f} | "
            f"{r['errors']} / {r['lost']} / {r['busy']} |"
        )
    return "\n".join(lines)


def _ratios(a: dict[str, object], s: dict[str, object]) -> dict[str, float]:
    def ratio(key: str) -> float:
        return a[key] / s[key] if s[key] else float("nan")

    return {key: ratio(key) for key in ("cpu_ms_per_msg", "p50_ms", "p95_ms", "msg_per_s")}


def _open_table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| stack | target | mean / max in progress | messages | msg/s | p50 ms | p95 ms | p99 ms | errors / lost / busy | CPU ms/msg (split) | verdict |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['stack']} | {r['target']} | {r['concurrency_mean']:.0f} / {r['concurrency_max']} | {r['messages']} | "
            f"{r['msg_per_s']:.1f} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['p99_ms']:.0f} | "
            f"{r['errors']} / {r['lost']} / {r['busy']} | {r['cpu_ms_per_msg']:.1f} ({_cpu_split(r)}) | "
            f"{'held' if r['held'] else 'NOT held'} |"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------- modes


def mode_compare(assistant: Bot, stock: Bot, args) -> dict[str, object]:
    """Sequential conversations on both bots, alternating in ``args.rounds`` slices."""
    totals = {assistant.name: Measure(), stock.name: Measure()}
    slice_seconds = args.duration / args.rounds
    for round_number in range(args.rounds):
        for bot in (assistant, stock) if round_number % 2 == 0 else (stock, assistant):
            print(
                f"==> compare, round {round_number + 1}/{args.rounds}: {bot.name}, {slice_seconds:.0f} s",
                file=sys.stderr,
            )
            totals[bot.name].merge(
                asyncio.run(
                    run_sequential(bot, slice_seconds, args.timeout, args.seed + round_number, args.max_conversations)
                )
            )
    rows = {name: measure.summary() for name, measure in totals.items()}
    for bot in (assistant, stock):
        rows[bot.name]["peak_rss_mib"] = bot.peak_rss()
    return {"rows": rows, "ratios": _ratios(rows[assistant.name], rows[stock.name])}


def mode_open(bot: Bot, stack: str, args) -> dict[str, object]:
    """Open-loop steps up to the first one not held; returns the steps and the capacity."""
    steps: list[dict[str, object]] = []
    capacity = 0
    for target in args.open_levels:
        print(
            f"==> open loop, {stack}: {target} conversations in progress, {args.open_duration:.0f} s", file=sys.stderr
        )
        summary = asyncio.run(
            run_open(bot, target, args.open_duration, args.timeout, args.seed + target, args.max_conversations)
        ).summary()
        held = summary["p95_ms"] <= args.p95_limit * 1000 and not (
            summary["errors"] or summary["lost"] or summary["busy"]
        )
        summary.update({"stack": stack, "target": target, "held": held})
        steps.append(summary)
        print(_open_table(steps).splitlines()[-1], file=sys.stderr)
        if not held:
            break
        capacity = target
    return {"stack": stack, "steps": steps, "capacity": capacity, "peak_rss_mib": bot.peak_rss()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mode", choices=("compare", "open", "levels", "all"), default="compare")
    parser.add_argument(
        "--duration",
        type=float,
        default=120.0,
        help="seconds of measurement: compare, in total per bot; levels, per step (default 120)",
    )
    parser.add_argument("--open-duration", type=float, default=60.0, help="open mode: seconds per step (default 60)")
    parser.add_argument(
        "--rounds", type=int, default=2, help="compare: slices alternating between the bots (default 2)"
    )
    parser.add_argument("--max-conversations", type=int, default=5000, help="cap of conversations per measurement")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before a request counts as an error")
    parser.add_argument("--levels", default="1,10,50", help="levels mode: concurrent conversations (default 1,10,50)")
    parser.add_argument(
        "--open-levels",
        default="10,20,30,40,50,60,80,100,130,160",
        help="open mode: conversations in progress to try, ascending; stops at the first not held "
        "(default 10,20,30,40,50,60,80,100,130,160)",
    )
    parser.add_argument("--p95-limit", type=float, default=1.0, help="open mode: p95 (s) a step must hold (default 1)")
    parser.add_argument(
        "--stacks",
        default="sqlite,postgres",
        help="open/levels: sqlite (1 instance) and/or postgres (PostgreSQL + Redis, --instances)",
    )
    parser.add_argument("--instances", type=int, default=2, help="rasa run instances on the postgres stack (default 2)")
    parser.add_argument(
        "--open-stock", action="store_true", help="open mode: also find the stock bot's capacity (SQLite)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--rasa-arg", action="append", default=[], help="extra argument for the assistant's rasa run")
    args = parser.parse_args(argv)
    args.open_levels = [int(v) for v in args.open_levels.split(",") if v.strip()]
    stacks = [s.strip() for s in args.stacks.split(",") if s.strip()]
    if set(stacks) - {"sqlite", "postgres"}:
        parser.error("--stacks takes sqlite and/or postgres")
    if not MODEL.exists():
        print(f"no trained model at {MODEL}: run scripts/train.sh first", file=sys.stderr)
        return 2
    modes = ("compare", "open", "levels") if args.mode == "all" else (args.mode,)
    need_stock = "compare" in modes or ("open" in modes and args.open_stock)

    workdir = Path(tempfile.mkdtemp(prefix="proa-bench-"))
    call_log = workdir / "action-calls.txt"
    actions = CountingActionServer(log_path=workdir / "actions.log", env={"PROA_BENCH_ACTION_LOG": str(call_log)})
    servers: list[RasaServer] = []
    stock_server: StockServer | None = None
    services: Services | None = None
    report: dict[str, object] = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "rasa": rasa_version(),
        "cores": os.cpu_count(),
        "load_average_before": os.getloadavg()[0],
        "settings": {
            n: os.environ.get(n, "")
            for n in ("TF_INTRA_OP_PARALLELISM_THREADS", "TF_INTER_OP_PARALLELISM_THREADS", "OMP_NUM_THREADS")
        },
    }

    def assistant_bot(name: str) -> Bot:
        return Bot(
            name,
            [f"{s.url}/webhooks/rest/webhook" for s in servers],
            SCENARIOS,
            lambda: {
                "rasa": _pids(*(s.process for s in servers)),
                "actions": _pids(actions.process),
                **({"pg+redis": _service_pids(services)} if services else {}),
            },
            call_log,
        )

    try:
        print(f"==> starting the stacks in {workdir}", file=sys.stderr)
        actions.start()
        if need_stock:
            stock_server = StockServer(workdir=workdir, project=ensure_stock_project()).start()
            stock = Bot(
                "stock",
                [f"{stock_server.url}/webhooks/rest/webhook"],
                STOCK_SCENARIOS,
                lambda: {"rasa": _pids(stock_server.process)},
            )
            _warm(stock)
        if "compare" in modes or "sqlite" in stacks:
            # The stores of endpoints.yml, as deployed (the stock bot keeps Rasa's defaults).
            servers = [
                RasaServer(
                    workdir=workdir,
                    action_url=actions.url,
                    extra_args=args.rasa_arg,
                    tracker_store={
                        "type": "stores.sql_tracker_store.CheckedSQLTrackerStore",
                        "dialect": "sqlite",
                        "db": str(workdir / "trackers.db"),
                    },
                    lock_store={"type": "stores.sqlite_lock_store.SQLiteLockStore", "db": str(workdir / "locks.db")},
                ).start()
            ]
            _warm(assistant_bot("assistant"))
        if "compare" in modes:
            report["compare"] = mode_compare(assistant_bot("assistant"), stock, args)
        if "levels" in modes and "sqlite" in stacks:
            report["levels_sqlite"] = [
                {
                    "concurrency": level,
                    **asyncio.run(
                        run_closed(
                            assistant_bot("assistant"),
                            level,
                            args.duration,
                            args.timeout,
                            args.seed + level,
                            args.max_conversations,
                        )
                    ).summary(),
                }
                for level in [int(v) for v in args.levels.split(",") if v.strip()]
            ]
        if "open" in modes:
            opened = []
            if args.open_stock:
                opened.append(mode_open(stock, "stock, 1 instance, SQLite", args))
            if "sqlite" in stacks:
                opened.append(mode_open(assistant_bot("assistant"), "assistant, 1 instance, SQLite", args))
            report["open"] = opened
        if stock_server is not None:
            stock_server.stop()
        if "postgres" in stacks and ("open" in modes or "levels" in modes):
            for server in servers:
                server.stop()
            services = Services(directory=Path(tempfile.mkdtemp(prefix="proa-bench-services-"))).start()
            env = services.scale_env(actions.url)
            servers = [
                RasaServer(
                    workdir=workdir,
                    action_url=actions.url,
                    endpoints=REPO / "endpoints.scale.yml",
                    extra_args=args.rasa_arg,
                )
                for _ in range(args.instances)
            ]
            for server in servers:  # one after the other: both create the tables
                server.start(env=env)
            bot = assistant_bot("assistant")
            _warm(bot)
            label = f"assistant, {args.instances} instances, PostgreSQL + Redis"
            if "open" in modes:
                report.setdefault("open", []).append(mode_open(bot, label, args))
            if "levels" in modes:
                report["levels_postgres"] = [
                    {
                        "concurrency": level,
                        **asyncio.run(
                            run_closed(
                                bot, level, args.duration, args.timeout, args.seed + level, args.max_conversations
                            )
                        ).summary(),
                    }
                    for level in [int(v) for v in args.levels.split(",") if v.strip()]
                ]
        report["load_average_after"] = os.getloadavg()[0]
    finally:
        for server in servers:
            server.stop()
        if stock_server is not None:
            stock_server.stop()
        actions.stop()
        if services is not None:
            services.stop()

    print()
    print(
        f"{report['date']}, Rasa {report['rasa']}, {report['cores']} cores, load average "
        f"{report['load_average_before']:.1f} before / {report['load_average_after']:.1f} after, settings {report['settings']}"
    )
    if "compare" in report:
        rows, ratios = report["compare"]["rows"], report["compare"]["ratios"]
        print("\nSequential conversations (one at a time, new sender each, six turns):")
        print(_compare_table(rows))
        print("ratios assistant/stock: " + ", ".join(f"{k} {v:.2f}" for k, v in ratios.items()))
        busy = max(r["machine_busy_pct"] for r in rows.values())
        print(f"machine CPU busy during the measurement (all processes, all cores): up to {busy:.0f} %")
        for name, r in rows.items():
            print(
                f"{name}: peak RSS MiB {', '.join(f'{k} {v:.0f}' for k, v in r['peak_rss_mib'].items())}; "
                f"action calls/msg {r['action_calls_per_msg_by_action']}"
            )
    for key in ("levels_sqlite", "levels_postgres"):
        for r in report.get(key, []):
            print(
                f"{key} {r['concurrency']}: {r['msg_per_s']:.1f} msg/s, p50 {r['p50_ms']:.0f}, p95 {r['p95_ms']:.0f} ms, "
                f"CPU {r['cpu_ms_per_msg']:.1f} ms/msg, errors/lost/busy {r['errors']}/{r['lost']}/{r['busy']}"
            )
    if report.get("open"):
        print(
            f"\nOpen loop (think {THINK[0]:.0f}-{THINK[1]:.0f} s, {args.open_duration:.0f} s per step, p95 limit {args.p95_limit:.1f} s):"
        )
        print(_open_table([step for run in report["open"] for step in run["steps"]]))
        for run in report["open"]:
            print(
                f"capacity, {run['stack']}: {run['capacity']} conversations in progress "
                f"(peak RSS MiB {', '.join(f'{k} {v:.0f}' for k, v in run['peak_rss_mib'].items())})"
            )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
