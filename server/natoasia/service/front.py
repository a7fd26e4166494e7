"""The event loop of an HTTP process: a connection costs a descriptor and ~850 bytes, not a thread.

One thread accepts connections, reads requests (:mod:`~natoasia.service.http_reading`: deadlines, size
limits), hands whole requests to a small thread pool in the order :mod:`~natoasia.service.admission`
decides, and writes the answers back (:mod:`~natoasia.service.sending`). A pool thread runs the
application only — on a body already read, into an answer collected in memory — and tries to send
the answer at once; what the socket does not take, the loop sends as the client reads, until the
send deadline (the time limit plus ``SEND_GRACE``), when the connection is cut. So an idle, trickling
or slow-reading client holds no thread, and ``/healthz`` has a thread of its own besides ``threads``.

Bounds, per HTTP process: ``max_connections`` open connections (at the cap one already answered, else
an idle one, else the oldest unfinished request, makes room for the newcomer); ``BACKLOG_BYTES`` of answers waiting for
their readers, ``CLIENT_UNREAD_BYTES`` of them for one client (beyond either, no new request of the
client, or of anyone, starts until answers have been read or cut off); a kept-alive connection waits
``KEEPALIVE_SECONDS`` for its next request; a connection closed after an error is drained for
``LINGER_SECONDS`` so that its client reads the answer rather than a reset.

One module, not several: it is one state machine (reading → waiting → running → writing → reading
again or draining), and its transitions are easiest to check side by side.
"""

from __future__ import annotations

import errno
import logging
import os
import queue
import selectors
import socket
import struct
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

from natoasia.service.admission import Admission, client_key, is_ops
from natoasia.service.answering import respond, send_now, status_line
from natoasia.service.http_reading import HEAD_SECONDS, RequestError, RequestReader
from natoasia.service.sending import Outbox
from natoasia.service.wsgi_bridge import head, plain

KEEPALIVE_SECONDS = 5.0
LINGER_SECONDS = 2.0
SEND_GRACE = 2.0
MAX_CONNECTIONS = 4096
CLIENT_CONNECTIONS = 64
CLIENT_QUEUE_SECONDS = 1.0
BACKLOG_BYTES = 128 * 2**20
CLIENT_UNREAD_BYTES = 32 * 2**20
RECV_BYTES = 64 * 1024
ACCEPT_BATCH = 128
TICK_SECONDS = 0.1
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
OUT_OF_DESCRIPTORS = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})
READ, WRITE = selectors.EVENT_READ, selectors.EVENT_WRITE
ABORT = struct.pack("ii", 1, 0)  # SO_LINGER on, 0 s: close resets the connection and drops unsent bytes
log = logging.getLogger("natoasia.front")


class Conn:
    """One client connection and where it stands: reading (``reader``), waiting or running (``request``),
    writing (``outbox``), then the next request or closing (``keep``)."""

    __slots__ = ("sock", "peer", "key", "counted", "reader", "request", "outbox", "keep", "deadline", "events",
                 "admitted", "waited", "lingering")

    def __init__(self, sock: socket.socket, peer, key: str):
        self.sock, self.peer, self.key = sock, peer, key
        self.counted = self.keep = self.lingering = False
        self.reader: RequestReader | None = None
        self.request = self.outbox = self.admitted = None
        self.deadline = self.waited = 0.0
        self.events = 0


class Front:
    """Serve the WSGI ``app`` on ``listeners`` until ``alive()`` turns false."""

    def __init__(self, listeners, app, threads: int, max_body: int, time_limit: float,
                 max_connections: int = MAX_CONNECTIONS, client_connections: int = CLIENT_CONNECTIONS,
                 client_running: int | None = None, logger=None, on_refusal=None):
        self.listeners, self.app, self.max_body = list(listeners), app, max_body
        self.server = self.listeners[0].getsockname() if self.listeners else ("", 0)
        self.send_seconds = time_limit + SEND_GRACE
        self.max_connections = max_connections
        # ``threads`` for the application, and one more that only /healthz and /metrics may take
        self.admission = Admission(threads + 1, client_connections, client_running or max(1, threads // 2),
                                   CLIENT_QUEUE_SECONDS, time_limit, CLIENT_UNREAD_BYTES)
        self.log = logger or log
        self.on_refusal = on_refusal or (lambda status: None)
        self.selector = selectors.DefaultSelector()
        self.pool = ThreadPoolExecutor(max_workers=threads + 1, thread_name_prefix="natoasia-http")
        self.done: queue.SimpleQueue = queue.SimpleQueue()
        self.wake_read, self.wake_write = os.pipe()
        os.set_blocking(self.wake_read, False)
        os.set_blocking(self.wake_write, False)
        self.conns: set[Conn] = set()
        # Who makes room at the cap, in this order: answered and draining, idle, the oldest unfinished.
        self.draining: OrderedDict[Conn, None] = OrderedDict()
        self.idle: OrderedDict[Conn, None] = OrderedDict()
        self.reading: OrderedDict[Conn, None] = OrderedDict()
        self.backlog = 0
        self.stopping = False
        self.now = self.next_expiry = time.monotonic()

    # -- the loop -------------------------------------------------------------------------------------

    def serve(self, alive, tick=lambda: None, graceful_seconds: float = 5.0) -> None:
        """Run until ``alive()`` is false, then finish the requests under way for ``graceful_seconds``."""
        self.selector.register(self.wake_read, READ, self._woken)
        for listener in self.listeners:
            listener.setblocking(False)
            if listener.family in (socket.AF_INET, socket.AF_INET6):
                listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.selector.register(listener, READ, self._accept)
        try:
            while alive():
                tick()
                self._turn()
            self._stop()
            until = time.monotonic() + graceful_seconds
            while self.conns and time.monotonic() < until:
                tick()
                self._turn()
        finally:
            for conn in list(self.conns):
                self._close(conn)
            self.pool.shutdown(wait=False)
            self.selector.close()
            if not self.admission.busy:  # a thread still running would write to whatever got the number
                os.close(self.wake_read)
                os.close(self.wake_write)

    def _turn(self) -> None:
        for key, mask in self.selector.select(TICK_SECONDS):
            self.now = time.monotonic()
            if type(key.data) is Conn:
                self._ready(key.data, mask)
            else:
                key.data(key.fileobj)
        self.now = time.monotonic()
        if self.now >= self.next_expiry:
            self.next_expiry = self.now + TICK_SECONDS
            self._expire()
        self._dispatch()

    def _stop(self) -> None:
        self.stopping = True
        for listener in self.listeners:
            self.selector.unregister(listener)
        for conn in list(self.idle):
            self._close(conn)

    def _expire(self) -> None:
        now = self.now
        for conn, refusal in self.admission.overdue(now):
            self._refuse(conn, refusal, refusal.retry_after)
        for conn in [c for c in self.conns if c.deadline <= now and c.request is None]:
            problem = conn.reader.expired(now) if conn.outbox is None and conn.reader is not None else None
            if problem is not None:
                self._refuse(conn, problem)
            else:  # idle past its time, lingering, or an answer not read in time: cut, unsent bytes dropped
                self._close(conn, abort=conn.outbox is not None and not conn.lingering)

    # -- connections ----------------------------------------------------------------------------------

    def _accept(self, listener) -> None:
        for _ in range(ACCEPT_BATCH):
            try:
                sock, peer = listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                if exc.errno in OUT_OF_DESCRIPTORS and self._make_room():
                    continue
                return
            sock.setblocking(False)  # (TCP_NODELAY comes from the listener: Linux copies it to accepted sockets)
            conn = Conn(sock, peer, client_key(peer))
            full = len(self.conns) >= self.max_connections and not self._make_room()
            self.conns.add(conn)
            if full:
                self._refuse(conn, RequestError(503, "the server holds as many connections as it may; retry "
                                                     "shortly"), retry_after=1)
                continue
            refusal = self.admission.connect(conn.key)
            if refusal is not None:
                self._refuse(conn, refusal, refusal.retry_after)
                continue
            conn.counted = True
            self._read_next(conn, HEAD_SECONDS, b"")

    def _make_room(self) -> bool:
        """Close the connection that costs least to lose: one answered and draining, an idle one, else the
        oldest unfinished request."""
        for spare in (self.draining, self.idle):
            if spare:
                self._close(next(iter(spare)))
                return True
        if self.reading:
            self._refuse(next(iter(self.reading)),
                         RequestError(503, "the server is at its connection limit and closed the slowest request"),
                         retry_after=1)
            return True
        return False

    def _watch(self, conn: Conn, events: int) -> None:
        if events == conn.events:
            return
        if not conn.events:
            self.selector.register(conn.sock, events, conn)
        elif not events:
            self.selector.unregister(conn.sock)
        else:
            self.selector.modify(conn.sock, events, conn)
        conn.events = events

    def _close(self, conn: Conn, abort: bool = False) -> None:
        if conn not in self.conns:
            return
        if abort:
            conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, ABORT)
        self.conns.discard(conn)
        self.idle.pop(conn, None)
        self.reading.pop(conn, None)
        self.draining.pop(conn, None)
        self._watch(conn, 0)
        if conn.outbox is not None:
            self._hold(conn, -conn.outbox.close())
        if conn.counted:
            self.admission.disconnect(conn.key)
        conn.sock.close()

    # -- reading --------------------------------------------------------------------------------------

    def _read_next(self, conn: Conn, idle_seconds: float, leftover: bytes) -> None:
        conn.reader = RequestReader(self.max_body, self.now, idle_seconds, leftover)
        conn.deadline = conn.reader.deadline
        conn.request = conn.outbox = None
        (self.reading if leftover else self.idle)[conn] = None
        self._watch(conn, READ)
        if leftover:
            self._take(conn, b"")

    def _ready(self, conn: Conn, mask: int) -> None:
        if mask & WRITE:
            self._write(conn)
            return
        try:
            data = conn.sock.recv(RECV_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._close(conn)
            return
        if conn.lingering:  # drop what a refused client still sends, until it closes
            if not data:
                self._close(conn)
            return
        if data and conn in self.idle:
            del self.idle[conn]
            self.reading[conn] = None
        self._take(conn, data, eof=not data)

    def _take(self, conn: Conn, data: bytes, eof: bool = False) -> None:
        reader = conn.reader
        try:
            request = reader.feed(data, self.now) if data or eof else reader.pending(self.now)
        except EOFError:
            self._close(conn)
            return
        except RequestError as exc:
            self._refuse(conn, exc)
            return
        conn.deadline = reader.deadline
        if reader.wants_continue:
            reader.wants_continue = False
            try:
                conn.sock.send(CONTINUE)
            except OSError:
                pass
        if request is not None:
            self.reading.pop(conn, None)
            self._watch(conn, 0)  # nothing more is read until the answer is out (pipelined requests wait)
            conn.request = request
            self.admission.wait(conn, conn.key, is_ops(request.target), self.now)

    # -- running --------------------------------------------------------------------------------------

    def _dispatch(self) -> None:
        while True:
            picked = self.admission.next(general=self.backlog <= BACKLOG_BYTES)
            if picked is None:
                return
            conn, conn.admitted, since = picked
            conn.waited = self.now - since
            self.pool.submit(self._run, conn)

    def _run(self, conn: Conn) -> None:
        """In a pool thread: the application's answer, sent as far as the socket takes it now; whatever
        happens, the connection goes back to the loop."""
        outbox, keep = Outbox(b"", []), False
        try:
            outbox, keep = respond(self.app, conn.request, (conn.peer, self.server, conn.sock, conn.key),
                                   {"natoasia.waited": conn.waited}, lambda: self.stopping, self.log)
            keep = send_now(outbox, conn.sock) and keep
        except BaseException:  # noqa: BLE001 — never lose a thread or a connection
            self.log.exception("error answering on a connection")
        finally:
            self.done.put((conn, outbox, keep))
            try:
                os.write(self.wake_write, b"\0")
            except OSError:
                pass  # the loop has wake-ups pending already

    def _woken(self, _pipe) -> None:
        try:
            os.read(self.wake_read, 4096)
        except BlockingIOError:
            pass
        while True:
            try:
                conn, outbox, keep = self.done.get_nowait()
            except queue.Empty:
                return
            self.admission.done(conn.admitted)
            conn.request, conn.keep = None, keep
            self._send(conn, outbox)

    # -- writing --------------------------------------------------------------------------------------

    def _hold(self, conn: Conn, delta: int) -> None:
        self.backlog += delta
        self.admission.hold(conn.key, delta)

    def _send(self, conn: Conn, outbox: Outbox, seconds: float | None = None) -> None:
        conn.outbox = outbox
        self._hold(conn, outbox.pending)
        conn.deadline = self.now + (seconds or self.send_seconds)
        self._write(conn)

    def _write(self, conn: Conn) -> None:
        outbox = conn.outbox
        before = outbox.pending
        try:
            outbox.send(conn.sock)
        except OSError:
            self._hold(conn, outbox.pending - before)
            self._close(conn)
            return
        self._hold(conn, outbox.pending - before)
        if not outbox.empty:
            self._watch(conn, WRITE)
        elif conn.keep:
            conn.outbox = None
            self._read_next(conn, KEEPALIVE_SECONDS, conn.reader.leftover())
        else:
            self._linger(conn)

    def _linger(self, conn: Conn) -> None:
        try:
            conn.sock.shutdown(socket.SHUT_WR)
        except OSError:
            self._close(conn)
            return
        conn.lingering = True
        self.draining[conn] = None
        conn.reader = None
        conn.deadline = self.now + LINGER_SECONDS
        self._watch(conn, READ)

    def _refuse(self, conn: Conn, problem, retry_after: int | None = None) -> None:
        """Answer ``problem`` (a RequestError or Refusal) from the front, then close the connection."""
        self.idle.pop(conn, None)
        self.reading.pop(conn, None)
        self.on_refusal(problem.status)
        extra = (("Retry-After", str(retry_after)),) if retry_after else ()
        answer = plain(status_line(problem.status), problem.message, extra)
        head_bytes, _ = head(answer, "GET", keep_alive=False)
        conn.request, conn.keep, conn.reader = None, False, None
        self._send(conn, Outbox(head_bytes, answer.chunks), LINGER_SECONDS)
