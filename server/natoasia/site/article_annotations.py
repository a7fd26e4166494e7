"""The reader's edition as W3C Web Annotations (https://www.w3.org/TR/annotation-model/), what hypothes.is stores for
a web page: one ``Annotation`` per node and sentence it was taken from (or names), its target the sentence as the graph holds
it (an ``oa:SpecificResource`` on the article with its ``TextQuoteSelector`` and ``TextPositionSelector``), its body
the node and its label in words; written by hand from the model, against the W3C context (never fetched).
"""

from __future__ import annotations

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
#: The Web Annotation Protocol's media type for a collection in the W3C context.
MEDIA_TYPE = f'application/ld+json; profile="{CONTEXT}"'
PATH = "article/annotations"


def target(sentence) -> dict:
    """The sentence as the segment of the article it selects: the graph's own selectors, with their IRIs."""
    return {"id": sentence.iri, "type": "SpecificResource", "source": sentence.source,
            "selector": [{"id": sentence.quote, "type": "TextQuoteSelector", "exact": sentence.exact},
                         {"id": sentence.position, "type": "TextPositionSelector", "start": sentence.start,
                          "end": sentence.end}]}


def annotation(identifier: str, node, sentence, motivation: str) -> dict:
    """One annotation: the sentence ``describing``-annotated with a node taken from it (``identifying`` an entity
    it names, ``tagging`` it with a term of the graph's vocabularies), the node's label in words as a textual body
    beside the node itself."""
    said = node.label if node.label.lower().startswith(node.words.lower()) else f"{node.words}: {node.label}"
    return {"id": identifier, "type": "Annotation", "motivation": motivation,
            "body": [node.iri, {"type": "TextualBody", "value": said, "format": "text/plain", "language": "en"}],
            "target": target(sentence)}


def collection(article, base: str) -> dict:
    """The ``AnnotationCollection`` of every annotation of an :class:`natoasia.site.article_model.Article`, in reading
    order, in one embedded page; ``base`` is the base IRI this server answers for."""
    home = base + PATH
    items, seen = [], set()
    for sentence in article.sentences:
        taken = [(n, "describing") for n in [*sentence.nodes, *sentence.content]] + \
                [(n, "identifying") for n in sentence.named] + [(n, "tagging") for n in sentence.terms]
        for node, motivation in taken:
            slug = f"{sentence.id}-{node.href.removeprefix('/id/').strip('/').replace('/', '-')}"
            identifier = f"{home}#{slug}" if slug not in seen else f"{home}#{slug}-{motivation}"
            seen.add(slug)
            items.append(annotation(identifier, node, sentence, motivation))
    title = article.document.get("title") or "the article"
    return {"@context": CONTEXT, "id": home, "type": "AnnotationCollection",
            "label": f"What the natoasia graph took from each sentence of “{title}”",
            "total": len(items),
            "first": {"id": f"{home}#page-1", "type": "AnnotationPage", "startIndex": 0, "items": items}}
