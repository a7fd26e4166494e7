"""Graph helpers shared by test modules that walk the ontology."""

from __future__ import annotations

from rdflib import RDFS, Graph


def subclasses(data: Graph, root) -> set:
    """``root`` and every class below it by ``rdfs:subClassOf`` (asserted, not inferred, so it works on the sources)."""
    found, todo = {root}, [root]
    while todo:
        for sub in data.subjects(RDFS.subClassOf, todo.pop()):
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found
