"""The article as a reader's edition (``/article``): its text paragraph by paragraph under its four headings,
assembled only from the graph's sentence resources (each sentence's ``oa:TextQuoteSelector``, its
``oa:TextPositionSelector`` and ``nat:paragraph``; the server never reads article.txt), every sentence marked by
what the graph took from it (:mod:`.article_model`); the page of each sentence (``/id/sentence/sNNN``, through
:func:`sentence_page`), which lists those nodes; and the same links as W3C Web Annotations
(``/article/annotations``, :mod:`.article_annotations`).

The model is built once per process from a handful of SPARQL queries (the dataset never changes while it is
served) and kept in ``current_app.extensions``.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, render_template, request

from natoasia.endpoint.protocol import ProtocolError
from natoasia.site import article_annotations as anno
from natoasia.site.article_model import KIND, KINDS, Article, build
from natoasia.site.links import engine, local, public_base
from natoasia.site.sections import SECTIONS


def model() -> Article:
    """The reader's edition of this server's dataset, built once per process."""
    cache = current_app.extensions.setdefault("natoasia.article", {})
    if "model" not in cache:
        cache["model"] = build(engine().select, local)
    return cache["model"]


def unavailable(exc: ProtocolError) -> Response:
    """The answer when the graph could not be read (a store over its time limit): an error in words, never a 500."""
    return Response(f"{exc.status} The article could not be read from the graph: {exc.message}\n",
                    status=exc.status, mimetype="text/plain")


bp = Blueprint("article", __name__)


@bp.route("/article")
def article_page():
    """The article as a reader's edition; ``?only=KIND`` marks only the sentences of one kind."""
    try:
        article = model()
    except ProtocolError as exc:
        return unavailable(exc)
    only = request.args.get("only", "")
    if only and only not in KIND:
        choices = ", ".join(k.key for k in KINDS)
        message = f"“only” names a kind of mark: one of {choices}; “{only[:40]}” is none of them."
        return Response(render_template("article.html", article=article, kinds=KINDS, only=None, error=message),
                        status=400, mimetype="text/html")
    return render_template("article.html", article=article, kinds=KINDS, only=only or None, error=None)


def sentence_page(iri: str) -> str | None:
    """The page of a sentence resource (its HTML answer at ``/id/sentence/sNNN``), or None for no such sentence
    (and when the graph cannot be read now: the resource's generic page then says why)."""
    try:
        article = model()
    except ProtocolError:
        return None
    sentence = next((s for s in article.sentences if s.iri == iri), None)
    if sentence is None:
        return None
    index = article.sentences.index(sentence)
    before = article.sentences[index - 1] if index else None
    after = article.sentences[index + 1] if index + 1 < len(article.sentences) else None
    paragraph = [s for s in article.sentences if s.paragraph == sentence.paragraph]
    groups = [(kind, [n for n in sentence.nodes if n.kind == kind.key]) for kind in KINDS]
    others = [n for n in sentence.nodes if n.kind is None]
    return render_template("sentence.html", sentence=sentence, article=article, before=before, after=after,
                           in_paragraph=paragraph.index(sentence) + 1, paragraph_size=len(paragraph),
                           section=SECTIONS[sentence.section - 1][1], groups=[g for g in groups if g[1]],
                           others=others, kinds=KINDS, path=local(iri),
                           query=f"DESCRIBE <{iri}>")


@bp.route("/article/annotations")
def annotations():
    """Every link between a sentence and a node of the graph, as a W3C Web Annotation collection (JSON-LD)."""
    cache = current_app.extensions.setdefault("natoasia.article", {})
    if "annotations" not in cache:
        try:
            body = anno.collection(model(), public_base())
        except ProtocolError as exc:
            return unavailable(exc)
        cache["annotations"] = json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")
    return Response(cache["annotations"], content_type=anno.MEDIA_TYPE)
