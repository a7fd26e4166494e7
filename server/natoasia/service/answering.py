"""What a thread of the front's pool does with one whole request: the application's answer, framed and
sent as far as the socket takes it at once; what is left goes back to the event loop.

Whatever happens here ends in an :class:`~natoasia.service.sending.Outbox` for the loop: an application
that fails, or answers with a header no HTTP head can carry, is a 500 with a message (and a traceback in
the log), never a connection left hanging or a thread lost to the loop's count.
"""

from __future__ import annotations

from http import HTTPStatus

from natoasia.service.http_reading import Request, RequestError
from natoasia.service.sending import Outbox
from natoasia.service.wsgi_bridge import NO_BODY, Answer, call, environ, head, plain

FAILED = "the server failed to answer this request; the error is logged"


def status_line(status: int) -> str:
    """``"429 Too Many Requests"`` for 429."""
    return f"{status} {HTTPStatus(status).phrase}"


def keeps_alive(request: Request, answer: Answer, stopping: bool) -> bool:
    """Whether the connection serves another request after this answer."""
    return request.keep_alive and not stopping and not any(
        name.lower() == "connection" and "close" in value.lower() for name, value in answer.headers)


def framed(request: Request, answer: Answer, keep: bool) -> Outbox:
    """The answer's head and body (none for HEAD, 204, 304), ready to send."""
    head_bytes, _ = head(answer, request.method, keep)
    if request.method == "HEAD" or answer.code in NO_BODY:
        if answer.file is not None:
            answer.file.close()
        return Outbox(head_bytes, [])
    return Outbox(head_bytes, answer.chunks, answer.file)


def respond(app, request: Request, env_args: tuple, extra: dict, stopping, log) -> tuple[Outbox, bool]:
    """Run ``app`` on ``request`` (``env_args`` for :func:`~natoasia.service.wsgi_bridge.environ`, ``extra``
    added to the environ); the answer to send and whether the connection stays open after it (not if
    ``stopping()`` says the server is stopping by the time the answer is ready)."""
    try:
        env = environ(request, *env_args)
        env.update(extra)
        answer = call(app, env)
    except RequestError as exc:
        answer = plain(status_line(exc.status), exc.message)
    except Exception:  # noqa: BLE001 — the application's bug: logged, answered 500, the server goes on
        log.exception("error answering %s %s", request.method, request.target[:200])
        answer = plain(status_line(500), FAILED)
    keep = keeps_alive(request, answer, stopping())
    try:
        return framed(request, answer, keep), keep
    except (UnicodeEncodeError, ValueError):  # a header that is not Latin-1, a status that is no number
        log.exception("the answer to %s %s cannot be framed", request.method, request.target[:200])
        return framed(request, plain(status_line(500), FAILED), False), False


def send_now(outbox: Outbox, sock) -> bool:
    """Send what the socket takes at once (the loop sends the rest); False if the connection broke."""
    try:
        outbox.send(sock)
        return True
    except OSError:
        outbox.close()
        return False
