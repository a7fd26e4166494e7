"""natoasia: the knowledge graph of Carlo Masala's article "NATO and Asia"."""

__version__ = "0.1.0"

#: The persistent base IRI. Everything the project mints lives under it.
BASE = "https://w3id.org/natoasia/"
#: Hash namespace of the ontology's terms.
ONTOLOGY_NS = BASE + "ontology#"
#: The ontology's IRI (no trailing hash).
ONTOLOGY_IRI = BASE + "ontology"
#: Slash namespace of instances: ``{ID_NS}{type}/{slug}``.
ID_NS = BASE + "id/"
#: Named graphs of the built dataset.
GRAPH_NS = BASE + "graph/"
ONTOLOGY_GRAPH = GRAPH_NS + "ontology"
FACTS_GRAPH = GRAPH_NS + "facts"
ENTAILMENTS_GRAPH = GRAPH_NS + "entailments"
#: Knowledge the article takes for granted (``background/``), kept apart from its facts.
BACKGROUND_GRAPH = GRAPH_NS + "background"
#: The VoID dataset description's IRI.
DATASET_IRI = BASE + "dataset"
