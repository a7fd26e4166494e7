"""Operations: liveness and Prometheus metrics."""

from __future__ import annotations

from flask import Blueprint, Response, current_app

bp = Blueprint("ops", __name__)


@bp.route("/healthz")
def healthz():
    """Liveness: the HTTP process answers."""
    return Response("ok\n", mimetype="text/plain", headers={"Cache-Control": "no-store"})


@bp.route("/metrics")
def metrics():
    """Prometheus metrics in the text exposition format."""
    engine = current_app.extensions["natoasia"]
    text = engine.metrics.exposition(idle_workers=engine.pool.idle.qsize())
    return Response(text, mimetype="text/plain", headers={"Cache-Control": "no-store"},
                    content_type="text/plain; version=0.0.4; charset=utf-8")
