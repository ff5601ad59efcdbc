"""CPU time and memory of server process trees, read from Linux /proc.

The benchmarks charge a bot with the CPU of *every* process that serves it: ``rasa run``,
the action server, and all their descendants (Rasa and TensorFlow may fork helpers).
A process tree's CPU is the sum of ``utime + stime`` (fields 14 and 15 of
``/proc/<pid>/stat``) of every live process in it, plus ``cutime + cstime`` of the roots
(children that already exited and were reaped).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

#: Clock ticks per second of the /proc/<pid>/stat times.
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str]:
    """Fields of /proc/<pid>/stat after the command name (which may hold spaces)."""
    raw = Path(f"/proc/{pid}/stat").read_text()
    return raw[raw.rindex(")") + 2 :].split()


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (all its threads' children)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def tree(pids: Iterable[int]) -> set[int]:
    """The given processes and all their live descendants."""
    pending, seen = list(pids), set()
    while pending and len(seen) < 5000:
        current = pending.pop()
        if current in seen or not Path(f"/proc/{current}").exists():
            continue
        seen.add(current)
        pending += children(current)
    return seen


def cpu_seconds(roots: Iterable[int]) -> float:
    """CPU seconds (user + system) used so far by the trees under ``roots``."""
    roots = list(roots)
    ticks = 0
    for pid in tree(roots):
        try:
            fields = _stat_fields(pid)
        except (OSError, ValueError):
            continue
        # After the name: state(3) ... utime is field 14, i.e. index 11 here.
        ticks += int(fields[11]) + int(fields[12])
        if pid in roots:
            ticks += int(fields[13]) + int(fields[14])
    return ticks / CLOCK_TICKS


def peak_rss_mib(roots: Iterable[int]) -> float:
    """Sum of VmHWM (peak resident memory) over the trees under ``roots``, in MiB."""
    total = 0
    for pid in tree(roots):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


class CpuMeter:
    """CPU seconds used by named process trees between :meth:`start` and :meth:`stop`."""

    def __init__(self, groups: dict[str, list[int]]):
        self.groups = {name: list(pids) for name, pids in groups.items() if pids}
        self._before: dict[str, float] = {}
        self.used: dict[str, float] = {}

    def start(self) -> CpuMeter:
        self._before = {name: cpu_seconds(pids) for name, pids in self.groups.items()}
        return self

    def stop(self) -> dict[str, float]:
        self.used = {name: cpu_seconds(pids) - self._before[name] for name, pids in self.groups.items()}
        return self.used
