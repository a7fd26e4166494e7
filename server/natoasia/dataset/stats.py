"""``natoasia stats``: what the graph holds, counted."""

from __future__ import annotations

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import PROV

from natoasia import ID_NS
from natoasia.namespaces import NAT, qname

FACT_KINDS = (NAT.Fact, NAT.Event, NAT.Assessment)


def statistics(ontology: Graph, facts: Graph, total_sentences: int | None = None) -> dict:
    """Counts of classes, entities, fact nodes by class, and sentences cited."""
    merged = ontology + facts
    def is_a(node, cls) -> bool:
        return any((node, RDF.type, c) in merged for c in _subclasses(ontology, cls))
    instances = {s for s in facts.subjects(RDF.type, None)
                 if isinstance(s, URIRef) and str(s).startswith(ID_NS) and "#" not in str(s)}
    fact_nodes = {s for s in instances if any(is_a(s, k) for k in FACT_KINDS)}
    sentences = {s for s in instances if (s, RDF.type, NAT.Sentence) in facts}
    by_class: dict[str, int] = {}
    for s, cls in facts.subject_objects(RDF.type):
        if s in instances:
            by_class[qname(str(cls))] = by_class.get(qname(str(cls)), 0) + 1
    cited = {o for o in facts.objects(None, PROV.wasDerivedFrom)} | {o for o in facts.objects(None, NAT.attestedBy)}
    by_paragraph: dict[int, dict[str, int]] = {}
    for sentence in sentences:
        number = int(facts.value(sentence, NAT.paragraph) or 0)
        entry = by_paragraph.setdefault(number, {"sentences": 0, "citing_nodes": 0})
        entry["sentences"] += 1
        entry["citing_nodes"] += len(set(facts.subjects(PROV.wasDerivedFrom, sentence))
                                     | set(facts.subjects(NAT.attestedBy, sentence)))
    return {
        "classes_defined": sum(1 for _ in ontology.subjects(RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class"))
                               if str(_).startswith(str(NAT))),
        "classes_used": len(by_class),
        "entities": len(instances - fact_nodes - sentences),
        "facts": len(fact_nodes),
        "sentences_cited": len(cited & sentences),
        "sentences_in_article": total_sentences,
        "instances_by_class": dict(sorted(by_class.items())),
        "paragraphs": {str(k): v for k, v in sorted(by_paragraph.items())},
    }


def _subclasses(ontology: Graph, cls) -> set:
    found, todo = {cls}, [cls]
    while todo:
        for sub in ontology.subjects(URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf"), todo.pop()):
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def as_text(stats: dict) -> str:
    """The statistics as aligned lines."""
    total = stats["sentences_in_article"]
    lines = [
        f"classes defined   {stats['classes_defined']}",
        f"classes used      {stats['classes_used']}",
        f"entities          {stats['entities']}",
        f"fact nodes        {stats['facts']}",
        f"sentences cited   {stats['sentences_cited']}" + (f" of {total}" if total else ""),
        "instances by class:",
    ] + [f"  {name:<32} {count}" for name, count in stats["instances_by_class"].items()]
    lines.append("paragraph: sentences cited / nodes citing them:")
    lines += [f"  {number:>3}: {v['sentences']:>2} / {v['citing_nodes']}" for number, v in stats["paragraphs"].items()]
    return "\n".join(lines) + "\n"
