"""The gunicorn worker of ``natoasia serve``: gunicorn's process management around the front's event loop.

gunicorn forks the HTTP processes, restarts one that dies or stops answering its watchdog, and stops
them gracefully; each process runs :class:`~natoasia.service.front.Front` instead of gunicorn's
threaded worker, which gave every accepted connection a thread that read the request blocking, so
that a few hundred silent or trickling connections held every thread (``/healthz`` waited minutes).
The limits come from the ``natoasia serve`` settings: the body limit, and the time limit that the send
deadline extends.
"""

from __future__ import annotations

import os
import resource
import sys

from gunicorn.workers.base import Worker

from natoasia.service.front import MAX_CONNECTIONS, Front

#: Descriptors kept for what is not a client connection: listeners, pipes to query workers, files.
RESERVED_DESCRIPTORS = 64
#: How often a thread that holds the GIL lets the others have it (Python's default: 5 ms). The event
#: loop needs it for every connection it accepts and every byte it reads: with threads busy in Python
#: code, a shorter interval keeps /healthz and the loop's deadlines prompt.
SWITCH_SECONDS = 0.001


def open_files_limit() -> int:
    """Raise this process's limit on open descriptors to the hard limit; the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        wanted = 2 * MAX_CONNECTIONS if hard == resource.RLIM_INFINITY else hard
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass
    return soft


def connection_cap(soft_limit: int) -> int:
    """How many client connections one HTTP process holds at most, within its descriptors."""
    return max(1, min(MAX_CONNECTIONS, soft_limit - RESERVED_DESCRIPTORS))


class NatoasiaWorker(Worker):
    """An HTTP process: the front's event loop with ``--threads`` threads for the application."""

    def run(self) -> None:
        """Serve until gunicorn stops this process, or its master is gone."""
        sys.setswitchinterval(SWITCH_SECONDS)
        settings = self.app.settings
        metrics = getattr(self.app, "metrics", None)
        front = Front(self.sockets, self.wsgi, threads=self.cfg.threads, max_body=settings.max_body_bytes,
                      time_limit=settings.timeout, max_connections=connection_cap(open_files_limit()),
                      logger=self.log,
                      on_refusal=(lambda status: metrics.observe("other", status, 0.0)) if metrics else None)
        front.serve(alive=lambda: self.alive and self.ppid == os.getppid(), tick=self.notify,
                    graceful_seconds=self.cfg.graceful_timeout)
