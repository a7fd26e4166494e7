"""Memory and CPU of a process tree, read from /proc (Linux), for the benchmarks.

PSS (proportional set size, ``/proc/PID/smaps_rollup``) divides every page among the processes
that map it, so the PSS of all processes of a server adds up to the memory the server really
holds: pages shared copy-on-write after a fork count once. RSS counts a shared page in every
process that maps it, so a sum of RSS overstates a forking server; both are reported.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants that are alive now."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        out.append(current)
        todo += [int(c) for c in children]
    return out


def _kb(path: str, field: str) -> int:
    for line in Path(path).read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def tree_memory(pid: int) -> dict:
    """Sum of RSS and of PSS (kB) over the tree of ``pid``, and how many processes it has."""
    rss = pss = n = 0
    for current in tree(pid):
        try:
            rss += _kb(f"/proc/{current}/status", "VmRSS")
            pss += _kb(f"/proc/{current}/smaps_rollup", "Pss")
            n += 1
        except OSError:
            continue
    return {"rss_kb": rss, "pss_kb": pss, "processes": n}


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of the tree of ``pid``, including children it has reaped (a killed
    query worker's time lands in the HTTP process that waited for it)."""
    total = 0
    for current in tree(pid):
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    return total / TICKS


class MemorySampler:
    """Samples :func:`tree_memory` of ``pid`` every ``interval`` s in a thread and keeps the peaks
    (the peak of the sums, not the sum of the peaks)."""

    def __init__(self, pid: int, interval: float = 0.25):
        self.pid, self.interval = pid, interval
        self.peak = {"rss_kb": 0, "pss_kb": 0, "processes": 0}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.done.is_set():
            now = tree_memory(self.pid)
            for key, value in now.items():
                self.peak[key] = max(self.peak[key], value)
            self.done.wait(self.interval)

    def stop(self) -> dict:
        """Stop sampling; the peaks in MB (2^20 bytes) and the most processes seen."""
        self.done.set()
        self.thread.join(timeout=10)
        return {"rss_mb": self.peak["rss_kb"] / 1024, "pss_mb": self.peak["pss_kb"] / 1024,
                "processes": self.peak["processes"]}
