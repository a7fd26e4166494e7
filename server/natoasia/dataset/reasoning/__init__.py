"""OWL 2 RL reasoning over the ontology and the facts: :mod:`.owlrl_closure` with owlrl (the reference)
and :mod:`.rules_sparql`, the rules this ontology needs as SPARQL updates run to a fixpoint on pyoxigraph.
Both keep the same entailments (:func:`.owlrl_closure.is_kept_entailment`).
"""
