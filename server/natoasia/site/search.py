"""The ``/search`` page: the full-text index written by the build (:mod:`natoasia.dataset.search_index`),
as HTML or JSON."""

from __future__ import annotations

import html

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from markupsafe import Markup

from natoasia import ONTOLOGY_NS
from natoasia.dataset.files import SEARCH_INDEX
from natoasia.dataset.search_index import CLOSE, OPEN, PAGE_SIZE, WINDOW, SearchError, SearchIndex
from natoasia.endpoint.negotiation import choose
from natoasia.site.links import local
from natoasia.site.params import ParameterError, whole_number


def marked(text: str) -> Markup:
    """Index text with its matches in ``<mark>``, everything else HTML-escaped."""
    escaped = html.escape(text, quote=True)
    return Markup(escaped.replace(OPEN, "<mark>").replace(CLOSE, "</mark>"))


def plain(text: str) -> str:
    """Index text without the match markers."""
    return text.replace(OPEN, "").replace(CLOSE, "")


bp = Blueprint("search", __name__)


@bp.app_context_processor
def _window() -> dict:
    return {"search_window": WINDOW}


@bp.record_once
def _open_index(state) -> None:
    """Open the index when the app is created (the HTTP process may not be allowed to open files later)."""
    path = state.app.extensions["natoasia"].settings.dataset / SEARCH_INDEX
    state.app.extensions["natoasia.search"] = SearchIndex(path) if path.is_file() else None


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    try:
        return whole_number(request.args, name, default, low, high)
    except ParameterError as exc:
        raise SearchError(str(exc)) from None


def _as_json() -> bool:
    fmt = request.args.get("format")
    if fmt:
        return fmt == "json"
    return choose(request.headers.get("Accept"), ["text/html", "application/json"]) == "application/json"


@bp.route("/search")
def search_page():
    """Search labels, alternative labels and quoted sentences: HTML or JSON (``Accept`` or ``format=json``)."""
    as_json = _as_json()
    text = request.args.get("q", "")
    index: SearchIndex | None = current_app.extensions.get("natoasia.search")
    try:
        if request.args.get("format") not in (None, "", "json", "html"):
            raise SearchError(f"format must be json or html, not {request.args['format']!r}")
        limit = _int_arg("limit", PAGE_SIZE, 1, 100)
        offset = _int_arg("offset", 0, 0, WINDOW - 1)
        if not text.strip() and not as_json:
            return render_template("search.html", q="", error=None, total=0, hits=[], limit=limit,
                                   offset=offset, marked=marked)
        if index is None:
            return Response("503 Service Unavailable: the search index is missing; run `natoasia build`\n",
                            status=503, mimetype="text/plain")
        total, hits = index.search(text, limit, offset)
    except SearchError as exc:
        if as_json:
            return Response(f"400 Bad Request: {exc}\n", status=400, mimetype="text/plain")
        return Response(render_template("search.html", q=text, error=str(exc), total=0, hits=[],
                                        limit=PAGE_SIZE, offset=0, marked=marked), status=400, mimetype="text/html")
    for hit in hits:
        hit["href"] = local(hit["iri"]) if hit["kind"] != "term" else "/ontology#" + hit["iri"][len(ONTOLOGY_NS):]
        hit["cites_href"] = local(hit["cites"]) if hit["cites"] else None
    if as_json:
        return jsonify({"query": text, "total": total, "offset": offset, "limit": limit,
                        "results": [{"iri": h["iri"], "kind": h["kind"], "label": plain(h["label"]),
                                     "altLabel": plain(h["alt"]) or None, "text": plain(h["text"]) or None,
                                     "source": h["cites"], "page": h["href"]} for h in hits]})
    return render_template("search.html", q=text, error=None, total=total, hits=hits, limit=limit,
                           offset=offset, marked=marked)
