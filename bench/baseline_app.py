"""The design-card baseline: the same dataset and queries through rdflib's own SPARQL engine,
in a minimal Flask app (no worker pool, no limits). Used only by the benchmark.

Run: gunicorn -k gthread --threads 16 -b 127.0.0.1:PORT 'bench.baseline_app:create("build/dataset")'
"""

from __future__ import annotations

import warnings

from flask import Flask, Response, request
from rdflib import Dataset


def create(dataset_dir: str) -> Flask:
    """A Flask app answering GET /sparql?query=… with rdflib over the built N-Quads dump."""
    warnings.simplefilter("ignore", DeprecationWarning)
    data = Dataset(default_union=True)
    data.parse(f"{dataset_dir}/natoasia.nq", format="nquads")
    app = Flask(__name__)

    @app.route("/sparql")
    def sparql():
        result = data.query(request.args["query"])
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            return Response(result.serialize(format="turtle"), mimetype="text/turtle")
        return Response(result.serialize(format="json"), mimetype="application/sparql-results+json")

    @app.route("/healthz")
    def healthz():
        return "ok\n"

    return app
