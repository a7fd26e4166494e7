"""The argument in the Argument Interchange Format: AIFdb JSON and AIF-RDF, written by ``natoasia build``
beside the other dumps and described in VoID (tools/MODELLING.md, "The AIF export").

:func:`write_aif` is the build's one call; :func:`export` gives both forms of any dataset's argument.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, VOID, XSD

from natoasia import BASE, DATASET_IRI
from natoasia.dataset.aif.aifdb import aifdb, aifdb_bytes
from natoasia.dataset.aif.rdf import AIF, aif_rdf, aif_turtle
from natoasia.dataset.aif.read import read_argument
from natoasia.dataset.files import AIF_JSON, AIF_TURTLE

#: The VoID subset the two files are dumps of.
AIF_SUBSET = BASE + "aif"
# As in dataset/build.py, which this package may not import (it runs before the build writes VoID).
_DUMPS_BASE, _LICENSE = BASE + "dumps/", URIRef("https://creativecommons.org/licenses/by/4.0/")
_SPDX = Namespace("http://spdx.org/rdf/terms#")


def export(store: ox.Store) -> tuple[dict, list[ox.Triple]]:
    """The argument of the dataset in ``store`` as an AIFdb JSON document and as AIF-RDF triples."""
    argument = read_argument(store)
    document = aifdb(argument)
    return document, aif_rdf(document, argument)


def write_aif(out: Path, union: list[ox.Triple], void: Graph) -> dict:
    """Write the AIF dumps of the dataset whose statements are ``union`` into ``out``, describe them in ``void``
    (a subset of the dataset), and return their manifest entries (media type, size, SHA-256 and counts)."""
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in union)
    document, triples = export(store)
    written = {AIF_JSON: (aifdb_bytes(document), "application/json",
                          {"nodes": len(document["nodes"]), "edges": len(document["edges"])}),
               AIF_TURTLE: (aif_turtle(triples), "text/turtle", {"triples": len(triples)})}
    files = {}
    for name, (data, media_type, counts) in written.items():
        (out / name).write_bytes(data)
        files[name] = {"media_type": media_type, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                       **counts}
    _describe(void, files)
    return files


def _describe(void: Graph, files: dict) -> None:
    subset = URIRef(AIF_SUBSET)
    void.add((URIRef(DATASET_IRI), VOID.subset, subset))
    void.add((subset, RDF.type, VOID.Dataset))
    void.add((subset, DCTERMS.title, Literal("The argument in AIF", lang="en")))
    void.add((subset, DCTERMS.description, Literal(
        "The article's argument in the Argument Interchange Format: its claims, positions and the facts they "
        "rest on as I-nodes, its sentences as L-nodes, its support links, conflicts, preferences and "
        "rephrases as RA-, CA-, PA- and MA-nodes; as AIFdb JSON and as AIF-RDF.", lang="en")))
    void.add((subset, DCTERMS.license, _LICENSE))
    void.add((subset, VOID.vocabulary, URIRef(AIF)))
    void.add((subset, VOID.triples, Literal(files[AIF_TURTLE]["triples"], datatype=XSD.integer)))
    for name, info in sorted(files.items()):
        dump, checksum = URIRef(_DUMPS_BASE + name), URIRef(_DUMPS_BASE + name + "#sha256")
        void.add((subset, VOID.dataDump, dump))
        void.add((dump, DCTERMS.format, Literal(info["media_type"])))
        void.add((dump, DCTERMS.extent, Literal(f"{info['bytes']} bytes")))
        void.add((dump, DCTERMS.license, _LICENSE))
        void.add((dump, _SPDX.checksum, checksum))
        void.add((checksum, RDF.type, _SPDX.Checksum))
        void.add((checksum, _SPDX.algorithm, _SPDX.checksumAlgorithm_sha256))
        void.add((checksum, _SPDX.checksumValue, Literal(info["sha256"], datatype=XSD.hexBinary)))
