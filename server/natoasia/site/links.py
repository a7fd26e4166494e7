"""What every page needs from the running app: the engine that answers its queries, and where on this
server a project IRI is answered."""

from __future__ import annotations

from flask import current_app


def engine():
    """The endpoint's engine (:class:`natoasia.endpoint.engine.Engine`) of the current app."""
    return current_app.extensions["natoasia"]


def public_base() -> str:
    """The base IRI this server answers for (``--public-base``)."""
    return engine().settings.public_base


def local(iri: str) -> str:
    """The path on this server that answers for a project IRI; other IRIs are left as they are."""
    base = public_base()
    if iri.startswith(base):
        return "/" + iri[len(base):]
    return iri
