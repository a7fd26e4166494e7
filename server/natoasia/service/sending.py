"""What is left to send of one answer, sent as the client takes it, without copying it.

An :class:`Outbox` holds the head and the body's chunks (the result cache's own bytes, sliced by
memoryview, never joined) and, for a file, reads the next block only when the previous one is out, so
an answer waiting for a slow reader holds at most its bytes in memory, a file's at most one block.
"""

from __future__ import annotations

from collections import deque

#: Buffers handed to one sendmsg call (the kernel takes at most IOV_MAX, 1024 on Linux).
BATCH = 64
#: Below this, head and body are joined and sent in one piece (one segment for a small answer).
SMALL = 16 * 1024


class Outbox:
    """The bytes of an answer still to send; ``pending`` counts them (a file's only block by block)."""

    __slots__ = ("buffers", "file", "pending")

    def __init__(self, head: bytes, chunks: list[bytes], file=None):
        total = len(head) + sum(map(len, chunks))
        if chunks and total <= SMALL:
            self.buffers = deque([b"".join([head, *chunks])])
        else:
            self.buffers = deque([head, *chunks])
        self.file = file
        self.pending = total

    def send(self, sock) -> int:
        """Send what ``sock`` takes now (it is non-blocking); the number of bytes sent. Raises OSError
        when the connection is broken."""
        sent = 0
        while True:
            if not self.buffers and not self._refill():
                return sent
            try:
                count = sock.sendmsg(list(self.buffers)[:BATCH])
            except (BlockingIOError, InterruptedError):
                return sent
            sent += count
            self.pending -= count
            while count:
                first = self.buffers[0]
                if count < len(first):
                    self.buffers[0] = memoryview(first)[count:]
                    return sent  # the socket's buffer is full
                count -= len(first)
                self.buffers.popleft()

    def _refill(self) -> bool:
        if self.file is None:
            return False
        block = self.file.read()
        if not block:
            self.file.close()
            self.file = None
            return False
        self.buffers.append(block)
        self.pending += len(block)
        return True

    @property
    def empty(self) -> bool:
        """Whether everything has been sent."""
        return not self.buffers and self.file is None

    def close(self) -> int:
        """Give up sending (the connection is closed); the bytes that were still held."""
        held = self.pending
        self.buffers.clear()
        self.pending = 0
        if self.file is not None:
            self.file.close()
            self.file = None
        return held
