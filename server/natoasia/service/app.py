"""The Flask application: ``create_app`` joins the endpoint's routes and the site's pages around one
:class:`~natoasia.endpoint.engine.Engine`."""

from __future__ import annotations

import logging
import math
import os
import time

from flask import Flask, Response, g, request
from jinja2 import StrictUndefined
from werkzeug.exceptions import HTTPException

from natoasia import site
from natoasia.endpoint import ops, sparql
from natoasia.endpoint.engine import Engine
from natoasia.endpoint.protocol import ProtocolError
from natoasia.endpoint.settings import Settings
from natoasia.service.query_slots import ClientSlots, counted, per_client
from natoasia.site import argument, argument_formats, browse, pages, resources, search
from natoasia.site import article

access = logging.getLogger("natoasia.access")
#: Set (to anything but "" or "0") by the tests: a template naming something that does not exist fails
#: loudly instead of rendering it as empty, so a misspelt name cannot hide a section of a page.
STRICT_TEMPLATES = "NATOASIA_STRICT_TEMPLATES"


def create_app(settings: Settings, engine: Engine | None = None, start: bool = True) -> Flask:
    """An app serving ``settings.dataset``; the engine's workers are started unless ``start`` is False."""
    app = Flask(__name__, template_folder=str(site.TEMPLATES), static_folder=str(site.STATIC))
    if os.environ.get(STRICT_TEMPLATES, "") not in ("", "0"):
        app.jinja_options = {**app.jinja_options, "undefined": StrictUndefined}
    app.config["MAX_CONTENT_LENGTH"] = None  # the protocol layer enforces its own, clearer limit
    engine = engine or Engine(settings)
    if not isinstance(engine.pool, ClientSlots):  # one client holds at most half the query workers
        engine.pool = ClientSlots(engine.pool, per_client(settings.workers))
    if start:
        engine.start()
    app.wsgi_app = counted(app.wsgi_app)
    app.extensions["natoasia"] = engine
    app.extensions["natoasia.metrics"] = engine.metrics

    for blueprint in (sparql.bp, ops.bp, resources.bp, pages.bp, search.bp, browse.bp, argument.bp,
                      argument_formats.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(article.bp)

    @app.before_request
    def _clock():
        g.started = time.perf_counter()

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type, If-None-Match"
        response.headers["Access-Control-Expose-Headers"] = "ETag, Content-Type"
        response.vary.add("Accept")
        if response.status_code == 429 and "Retry-After" not in response.headers:
            response.headers["Retry-After"] = str(math.ceil(settings.timeout))
        route = request.url_rule.rule if request.url_rule else "unmatched"
        seconds = time.perf_counter() - g.get("started", time.perf_counter())
        app.extensions["natoasia.metrics"].observe(route, response.status_code, seconds)
        if "query_log" in g:
            query_hash, rows = g.query_log
            access.info("query=%s status=%d rows=%d ms=%.2f type=%s", query_hash, response.status_code, rows,
                        seconds * 1000, response.mimetype)
        return response

    @app.errorhandler(ProtocolError)
    def _refused(exc: ProtocolError) -> Response:
        """A refusal that a page did not answer itself (a 503 at the time limit, a 429) keeps its status."""
        response = Response(exc.message.rstrip() + "\n", status=exc.status, mimetype="text/plain")
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        response = Response(f"{exc.code} {exc.name}: {exc.description}\n", status=exc.code, mimetype="text/plain")
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    return app
