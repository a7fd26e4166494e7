"""How much stack pyoxigraph takes to answer a query: run it in a fresh process, in a thread with a stack of a
given size, on a store of one triple, and read how much of that stack the deepest call touched.

Shared by ``tests/test_nesting.py`` and ``bench/parser_depth.py``. The resident size of the thread's stack
mapping (``/proc/self/smaps``) is the pages touched, which stay resident: the deepest the query went.
"""

from __future__ import annotations

import signal
import subprocess
import sys

CHILD = r"""
import re, sys, threading
import pyoxigraph as ox
query, stack = sys.stdin.read(), int(sys.argv[1])
store = ox.Store()
store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.NamedNode("urn:o")))

def resident():
    for block in re.split(r"\n(?=[0-9a-f]+-[0-9a-f]+ )", open("/proc/self/smaps").read()):
        size = int(re.search(r"^Size:\s+(\d+) kB", block, re.M).group(1))
        if stack // 1024 <= size <= stack // 1024 + 8:
            return int(re.search(r"^Rss:\s+(\d+) kB", block, re.M).group(1))

def run():
    try:
        result = store.query(query)
        if not isinstance(result, ox.QueryBoolean):
            list(result)
        print("ok", resident())
    except SyntaxError as exc:
        print("syntax-error", resident(), exc)

threading.stack_size(stack)
thread = threading.Thread(target=run)
thread.start()
thread.join()
"""


def stack_taken(query: str, stack: int, seconds: float = 120.0) -> tuple[str, int]:
    """(outcome, KiB of the stack touched) for ``query`` on a thread stack of ``stack`` bytes: the outcome is
    ``ok``, ``syntax-error``, ``timeout`` or the signal that killed the process (its stack overflowed)."""
    try:
        done = subprocess.run([sys.executable, "-c", CHILD, str(stack)], input=query, capture_output=True, text=True,
                              timeout=seconds)
    except subprocess.TimeoutExpired:
        return "timeout", 0
    if done.returncode < 0:
        return signal.Signals(-done.returncode).name, 0
    words = done.stdout.split()
    return (words[0], int(words[1])) if len(words) >= 2 else (f"exit {done.returncode}: {done.stderr[-200:]}", 0)
