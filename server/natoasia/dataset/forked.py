"""Two stages at once on two cores: a function run in a forked child while this process goes on.

The first start validates and builds before it can answer (``build.ensure_built``); the checks and the
reasoning, and the search index and the dumps, need nothing from each other, so each pair runs in two
processes. The child gets everything by the fork (nothing is pickled on the way in) and sends back its
result, or its exception, pickled through a pipe.
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
import time
from typing import Any, Callable

#: CPU seconds that ran beside other CPU seconds so far in this process: for each child, the lesser of its
#: CPU time and the parent's during the same stage (what two idle cores take off the critical path).
_overlapped = [0.0]


def overlapped_cpu() -> float:
    """CPU seconds this process's forked stages have overlapped so far (see :class:`Forked`)."""
    return _overlapped[0]


class ChildLost(RuntimeError):
    """The child ended without a result (killed, or out of memory)."""


class Forked:
    """``function(*args)`` running in a child process; :meth:`result` waits for it.

    Use it as a context manager: leaving the block without asking for the result (the parent's own stage
    raised) kills the child, so that no process outlives the stage it was started for. With ``fork=False``,
    or where the process cannot fork safely (no ``os.fork``, or other threads running, which a fork would
    leave locked), the function runs in this process on entering the block (raising there), before the
    parent's stage, and :meth:`result` gives what it returned.
    """

    def __init__(self, function: Callable[..., Any], *args: Any, fork: bool = True):
        self.function, self.args, self.fork = function, args, fork
        self.pid: int | None = None
        self._pipe: int | None = None
        self._done = False
        self._outcome: tuple[bool, Any] | None = None
        #: CPU seconds of the child, and of the parent between the fork and asking for the result.
        self.child_cpu = self.parent_cpu = 0.0
        self._started = 0.0

    def __enter__(self) -> "Forked":
        if not (self.fork and hasattr(os, "fork") and threading.active_count() == 1):
            self._outcome = (True, self.function(*self.args))  # its exception is raised here, at once
        else:
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: never returns into the caller's code
                os.close(read)
                _run_child(self.function, self.args, write)
            os.close(write)
            self.pid, self._pipe = pid, read
            self._started = time.process_time()
        return self

    def result(self) -> Any:
        """The function's return value; its exception is raised here, as if it had run in this process."""
        if self._outcome is not None:
            return self._outcome[1]
        self.parent_cpu = time.process_time() - self._started
        with os.fdopen(self._pipe, "rb") as pipe:
            data = pipe.read()
        self._pipe = None
        _pid, status, usage = os.wait4(self.pid, 0)
        self._done = True
        self.child_cpu = usage.ru_utime + usage.ru_stime
        _overlapped[0] += min(self.child_cpu, self.parent_cpu)
        if not data:
            raise ChildLost(f"the child computing {self.function.__name__} ended without a result "
                            f"(wait status {status})")
        ok, value = pickle.loads(data)
        if ok:
            return value
        raise _rebuilt(*value)

    def __exit__(self, *exc_info) -> None:
        if self.pid is not None and not self._done:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            self._done = True
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None


def _run_child(function: Callable[..., Any], args: tuple, write: int) -> None:
    try:
        try:
            payload = pickle.dumps((True, function(*args)))
        except BaseException as exc:  # noqa: BLE001 — every failure goes back to the parent
            payload = pickle.dumps((False, _portable(exc)))
        with os.fdopen(write, "wb") as pipe:
            pipe.write(payload)
    finally:
        os._exit(0)  # no atexit handlers, no flushing of buffers the parent owns


def _portable(exc: BaseException) -> tuple:
    """An exception as (class, args, attributes), rebuilt without calling ``__init__``, which may take
    other arguments than ``args`` holds (``SourceError``, ``UnsupportedShape``)."""
    state = (type(exc), exc.args, dict(vars(exc)))
    try:
        pickle.loads(pickle.dumps(state))
        return state
    except Exception:  # noqa: BLE001 — an attribute that does not pickle: keep the words
        return (ChildLost, (f"{type(exc).__name__}: {exc}",), {})


def _rebuilt(cls: type, args: tuple, attributes: dict) -> BaseException:
    exc = cls.__new__(cls)
    exc.args = args
    vars(exc).update(attributes)
    return exc
