"""The checks ``natoasia validate`` runs: Turtle syntax is read by :mod:`natoasia.dataset.sources`; here are
closed vocabularies and declared terms (:mod:`.vocabulary`), SHACL (:mod:`.shacl` with pySHACL, the
reference; :mod:`.shacl_sparql`, the same shapes compiled to SPARQL), the quotes against the article
(:mod:`.quotes`), and the findings they report with their writers (:mod:`.findings`, :mod:`.junit`).
"""
