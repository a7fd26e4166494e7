"""Where the built dataset is queried: the embedded pyoxigraph store, in memory or persisted
(:mod:`.embedded`), an external SPARQL 1.1 store reached over HTTP (:mod:`.external`, loaded by
:mod:`.load`), and a throw-away Virtuoso for tests and benchmarks (:mod:`.virtuoso`).
"""
