"""CPU time of a gunicorn server's workers, read from ``/proc`` (Linux).

``/proc/<pid>/stat`` is one line: ``pid (comm) state ppid …``, then, as fields 14 and 15
(counting from 1), ``utime`` and ``stime``: the CPU time the process has spent in user and in
kernel mode, in clock ticks (``os.sysconf("SC_CLK_TCK")``, 100 a second on Linux).  ``comm``
is the process's name, which may hold spaces and parentheses (``gunicorn: worker [x (y)]``),
so the line is split after the *last* ``)``.

A gunicorn master forks its workers; they are found as the processes whose parent is the
master (``/proc/<pid>/task/<pid>/children`` needs a kernel option this machine lacks, so
every ``/proc/<pid>/stat`` is scanned).  Worker CPU is what a request costs the server:
parsing HTTP, the app, writing the response; the master only supervises.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class Stat:
    """The fields of ``/proc/<pid>/stat`` a benchmark needs."""

    pid: int
    comm: str
    ppid: int
    utime: int  # clock ticks
    stime: int  # clock ticks

    @property
    def ticks(self) -> int:
        return self.utime + self.stime


def parse_stat(line: str) -> Stat:
    """Parse one ``/proc/<pid>/stat`` line (the name may contain spaces and parentheses)."""
    head, _, tail = line.partition(" (")
    comm, close, rest = tail.rpartition(")")
    if not close:
        raise ValueError(f"not a /proc/<pid>/stat line: {line[:80]!r}")
    fields = rest.split()  # fields[0] is field 3 (state)
    return Stat(pid=int(head), comm=comm, ppid=int(fields[1]), utime=int(fields[11]), stime=int(fields[12]))


def read_stat(pid: int, proc: Path = PROC) -> Stat | None:
    """The stat of one process, or None if it has gone."""
    try:
        return parse_stat((proc / str(pid) / "stat").read_text(encoding="utf-8", errors="replace"))
    except (OSError, ValueError, IndexError):
        return None


def children(parent: int, proc: Path = PROC) -> list[int]:
    """The pids whose parent is ``parent`` (a scan of ``/proc/*/stat``)."""
    found = []
    for entry in proc.iterdir():
        if entry.name.isdigit():
            stat = read_stat(int(entry.name), proc)
            if stat is not None and stat.ppid == parent:
                found.append(stat.pid)
    return sorted(found)


def worker_ticks(master: int, proc: Path = PROC) -> dict[int, int]:
    """utime + stime (clock ticks) of each worker of a gunicorn master."""
    ticks = {}
    for pid in children(master, proc):
        stat = read_stat(pid, proc)
        if stat is not None:
            ticks[pid] = stat.ticks
    return ticks


def cpu_seconds_between(before: dict[int, int], after: dict[int, int]) -> float:
    """Worker CPU seconds spent between two readings of :func:`worker_ticks`.

    A worker that was replaced in between (killed after a timeout, say) would lose its ticks:
    the readings must name the same workers, or the figure would be too low.
    """
    if set(before) != set(after):
        raise RuntimeError(f"the workers changed during the run: {sorted(before)} → {sorted(after)}")
    return sum(after[pid] - before[pid] for pid in before) / CLOCK_TICKS
