"""The SPARQL 1.1 endpoint: the protocol (:mod:`.protocol`, :mod:`.negotiation`), the query check done
before anything is evaluated (:mod:`.querycheck`), the engine that answers a request (:mod:`.engine`,
with :mod:`.cache` and :mod:`.metrics`), the pool of confined worker processes that evaluate queries
(:mod:`.pool`, :mod:`.worker`, :mod:`.sandbox`) or the external store that does (:mod:`.remote`), the
result writers (:mod:`.solutions`), and the ``/sparql``, ``/healthz`` and ``/metrics`` routes.
"""
