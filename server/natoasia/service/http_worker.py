"""gunicorn's threaded worker with a deadline on reading each request.

gunicorn's gthread worker reads a request in a pool thread with a blocking socket, so a client that
sends part of its headers and then trickles (slowloris) holds that thread for as long as it likes.
Here every request must arrive whole within ``REQUEST_SECONDS``; a client that is slower is cut off
and its thread goes back to serving others.
"""

from __future__ import annotations

import socket
import time

from gunicorn.workers.gthread import ThreadWorker

REQUEST_SECONDS = 4.0
SEND_SECONDS = 30.0


class DeadlineSocket:
    """A socket whose reads share one deadline; everything else is the wrapped socket's."""

    def __init__(self, sock, seconds: float):
        self._sock = sock
        self.restart(seconds)

    def restart(self, seconds: float) -> None:
        """Start a new deadline (for the next request on a kept-alive connection)."""
        self._deadline = time.monotonic() + seconds

    def _arm(self) -> None:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise socket.timeout("the request did not arrive in time")
        self._sock.settimeout(remaining)

    def recv(self, size: int, *flags):
        self._arm()
        return self._sock.recv(size, *flags)

    def recv_into(self, buffer, *args):
        self._arm()
        return self._sock.recv_into(buffer, *args)

    def sendall(self, data, *flags):
        self._sock.settimeout(SEND_SECONDS)
        return self._sock.sendall(data, *flags)

    def __getattr__(self, name):
        return getattr(self._sock, name)


class NatoasiaWorker(ThreadWorker):
    """The gthread worker, with a read deadline per request."""

    def handle(self, conn):
        # Wrap before conn.init(), which hands the socket to the request parser.
        if isinstance(conn.sock, DeadlineSocket):
            conn.sock.restart(REQUEST_SECONDS)
        else:
            conn.sock = DeadlineSocket(conn.sock, REQUEST_SECONDS)
        return super().handle(conn)
