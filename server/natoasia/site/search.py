"""The ``/search`` page: the full-text index written by the build (:mod:`natoasia.dataset.search_index`),
as HTML or JSON.

Without ``group`` the answer is every group of results with its best hits, the groups in the order of their
best hit; with ``group`` it is one page of that group. ``offset`` and ``limit`` page through the hits shown
(for JSON without ``group``: through the groups' best hits in the order shown).
"""

from __future__ import annotations

import html
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from markupsafe import Markup

from natoasia import ONTOLOGY_NS
from natoasia.dataset.files import SEARCH_INDEX
from natoasia.dataset.search_index import (CLOSE, GROUP_KEYS, OPEN, PAGE_SIZE, WINDOW, Answer, SearchError,
                                           SearchIndex)
from natoasia.endpoint.negotiation import choose
from natoasia.site.links import local
from natoasia.site.params import ParameterError, whole_number
from natoasia.site.search_facets import kind_link, resource_link

#: How many groups of results are shown open; the others show their title and count until the reader opens them.
OPEN_GROUPS = 3
#: What each group's results were called before results were grouped (the JSON ``kind`` of a result).
KINDS = {"terms": "term", "sentences": "sentence", "events": "fact", "positions": "fact", "facts": "fact",
         "argument": "fact"}


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


def int_arg(args, name: str, default: int, low: int, high: int) -> int:
    """The whole number ``args[name]`` (see :func:`natoasia.site.params.whole_number`), ``default`` when absent;
    a :class:`SearchError` when it is not one or lies outside ``low``–``high``."""
    try:
        return whole_number(args, name, default, low, high)
    except ParameterError as exc:
        raise SearchError(str(exc)) from None


def _as_json() -> bool:
    fmt = request.args.get("format")
    if fmt:
        return fmt == "json"
    return choose(request.headers.get("Accept"), ["text/html", "application/json"]) == "application/json"


def search_url(q: str, **more) -> str:
    """The ``/search`` URL of a text, with more parameters (those set to None left out)."""
    return "/search?" + urlencode({"q": q, **{k: v for k, v in more.items() if v is not None}})


def note(answer: Answer) -> str | None:
    """What the reader must know about how the results were found, in words (None when every word matched)."""
    asked, searched = answer.query.shown, answer.searched.shown
    if answer.match == "none":
        return f"No result has “{asked}”."
    said = []
    if answer.suggestion:
        said.append(f"No result has “{asked}”; showing results for “{searched}”.")
    elif answer.searched.missing:
        missing = ", ".join(f"“{m}”" for m in answer.searched.missing)
        said.append(f"No result has {missing}; showing results for “{searched}”.")
    if answer.match == "any":
        said.append(f"No result has all of “{searched}”; showing results with any of them.")
    elif answer.match == "some":
        count = sum(g.count for g in answer.groups)
        said.append(f"Only {count} result{'s have' if count != 1 else ' has'} all of “{searched}”; results with some "
                    "of the words follow them.")
    return " ".join(said) or None


def _marked_words(text: str) -> set[str]:
    """The words of index text that are marked as matches, case-folded."""
    return {word.casefold() for part in text.split(OPEN)[1:] for word in part.split(CLOSE, 1)[0].split()}


def _present(answer: Answer, section: list) -> list[dict]:
    """The groups of one section of an answer with their hits, links and counts, as the template and the JSON
    show them."""
    groups = []
    for group in section:
        hits, kinds = [], {}
        for hit in group.hits:
            href = "/ontology#" + hit.iri[len(ONTOLOGY_NS):] if group.key == "terms" else local(hit.iri)
            kind = kind_link(hit.cls, hit.type) if hit.cls else None
            if kind:
                kinds.setdefault(kind["href"], kind)
            named = _marked_words(hit.label) | _marked_words(hit.alt)
            # a sentence shows its text; a fact or claim shows its sentence, and what the graph says about it,
            # only where they match words that its name does not
            text = hit.snippet if group.key == "sentences" or _marked_words(hit.snippet) - named else ""
            hits.append({"iri": hit.iri, "group": group.key, "kind": KINDS.get(group.key, "resource"),
                         "type": hit.type, "href": href, "label": hit.label, "alt": hit.alt, "text": text,
                         "body": hit.text, "about": hit.about if not text and _marked_words(hit.about) - named else "",
                         "cites": hit.cites or None,
                         "cites_href": local(hit.cites) if hit.cites else None,
                         "cites_id": hit.cites.rsplit("/", 1)[-1] if hit.cites else None, "complete": hit.complete,
                         "facts": resource_link(hit.iri) if group.key not in KINDS else None})
        groups.append({"key": group.key, "title": group.title, "count": group.count, "hits": hits,
                       "browse": list(kinds.values()), "more": search_url(answer.query.text, group=group.key)})
    return groups


def _json(answer: Answer, groups: list[dict], partial: list[dict], group: str | None, limit: int,
          offset: int) -> Response:
    hits = [hit for g in groups + partial for hit in g["hits"]]
    if group is None:
        hits = hits[offset:offset + limit]
    return jsonify({
        "query": answer.query.text, "searched": answer.searched.text, "match": answer.match, "note": note(answer),
        "suggestion": answer.suggestion, "leftOut": list(answer.query.dropped), "total": answer.total,
        "group": group, "offset": offset, "limit": limit,
        "groups": [{"key": g["key"], "title": g["title"], "count": g["count"], "words": words, "search": g["more"],
                    "browse": g["browse"]}
                   for section, words in ((groups, "any" if answer.match == "any" else "all"), (partial, "some"))
                   for g in section],
        "results": [{"iri": h["iri"], "kind": h["kind"], "group": h["group"], "type": h["type"],
                     "label": plain(h["label"]), "altLabel": plain(h["alt"]) or None,
                     "text": plain(h["body"]) if h["group"] == "sentences" else None,
                     "source": h["cites"], "page": h["href"], "browse": h["facts"]["href"] if h["facts"] else None,
                     "everyWord": h["complete"]}
                    for h in hits]})


def _page(status: int = 200, **values) -> Response:
    defaults = {"q": "", "error": None, "answer": None, "groups": [], "partial": [], "group": None,
                "limit": PAGE_SIZE, "offset": 0, "note": None, "open_groups": OPEN_GROUPS}
    return Response(render_template("search.html", marked=marked, search_url=search_url, **{**defaults, **values}),
                    status=status, mimetype="text/html")


@bp.route("/search")
def search_page():
    """Search labels, alternative labels, what the graph says and the quoted sentences: HTML or JSON
    (``Accept`` or ``format=json``); ``group`` narrows to one kind of result."""
    as_json = _as_json()
    text = request.args.get("q", "")
    index: SearchIndex | None = current_app.extensions.get("natoasia.search")
    try:
        if request.args.get("format") not in (None, "", "json", "html"):
            raise SearchError(f"format must be json or html, not {request.args['format'][:40]!r}")
        group = request.args.get("group") or None
        if group is not None and group not in GROUP_KEYS:
            raise SearchError(f"group must be one of {', '.join(GROUP_KEYS)}, not {group[:40]!r}")
        limit = int_arg(request.args, "limit", PAGE_SIZE, 1, 100)
        offset = int_arg(request.args, "offset", 0, 0, WINDOW - 1)
        if not text.strip() and not as_json:
            return _page(limit=limit, offset=offset)
        if index is None:
            return Response("503 Service Unavailable: the search index is missing; run `natoasia build`\n",
                            status=503, mimetype="text/plain")
        answer = index.search(text, group, limit, offset)
    except SearchError as exc:
        if as_json:
            return Response(f"400 Bad Request: {exc}\n", status=400, mimetype="text/plain")
        return _page(400, q=text, error=str(exc))
    groups, partial = _present(answer, answer.groups), _present(answer, answer.partial)
    if as_json:
        return _json(answer, groups, partial, group, limit, offset)
    return _page(q=text, answer=answer, groups=groups, partial=partial, group=group, limit=limit, offset=offset,
                 note=note(answer))
