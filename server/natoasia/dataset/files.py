"""The files a build writes, by name: the contract between the pipeline and whatever reads its output
(the stores, the endpoint, the site, the benchmarks). Nothing here reads or writes them."""

from __future__ import annotations

import pyoxigraph as ox

#: What the build is of (a digest of the sources) and what it wrote (size, triples, SHA-256 of each dump).
MANIFEST = "manifest.json"
#: The dumps: file name, pyoxigraph format, media type, and whether it holds the named graphs.
DUMPS = (
    ("natoasia.trig", ox.RdfFormat.TRIG, "application/trig", True),
    ("natoasia.nq", ox.RdfFormat.N_QUADS, "application/n-quads", True),
    ("natoasia.ttl", ox.RdfFormat.TURTLE, "text/turtle", False),
    ("natoasia.nt", ox.RdfFormat.N_TRIPLES, "application/n-triples", False),
    ("natoasia.jsonld", ox.RdfFormat.JSON_LD, "application/ld+json", False),
    ("natoasia.rdf", ox.RdfFormat.RDF_XML, "application/rdf+xml", False),
)
#: The dump every store loads: the named graphs as N-Quads.
NQUADS = "natoasia.nq"
#: The argument in the Argument Interchange Format (tools/MODELLING.md, "The AIF export"): AIFdb JSON
#: and AIF-RDF in Turtle, written beside the dumps and listed in the manifest and VoID.
AIF_JSON, AIF_TURTLE = "argument.aif.json", "argument.aif.ttl"
#: The AIF dumps with their media types (AIFdb has no registered one of its own: JSON).
AIF_DUMPS = ((AIF_JSON, "application/json"), (AIF_TURTLE, "text/turtle"))
#: The VoID description of the dataset and its dumps.
VOID_FILE = "void.ttl"
#: The full-text index of labels and quoted sentences (SQLite FTS5), read by the site's search.
SEARCH_INDEX = "search.sqlite"
#: The persisted store (RocksDB) written from the N-Quads dump, and the record of the dump it holds.
PERSISTED_DIR, PERSISTED_RECORD = "store", "store.json"
