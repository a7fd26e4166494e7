"""Nesting measured as the grammar nests (issue 17, class 5): chains count, not only brackets, and no query
the check lets through can overflow a query worker's stack.

pyoxigraph recurses on long unbracketed chains (``1+1+…``, paths, object lists, UNION, OPTIONAL, MINUS …):
40 kB of one used to kill a worker (SIGSEGV, a 500). The check now weighs every chain element and bracket
by the stack pyoxigraph takes for it (``natoasia.endpoint.nesting``), refuses a query deeper than the
endpoint's limit with a 400 that names what is too deep, and the worker evaluates on a stack sized for the
deepest query allowed, with a wide margin. The stack a query takes is measured, not guessed
(``tests/stack_probe.py``: the pages the deepest call touched).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from natoasia.endpoint.nesting import LEVEL_BYTES
from natoasia.endpoint.querycheck import scan
from natoasia.endpoint.settings import Settings
from natoasia.endpoint.worker import STACK_BYTES

from .sparql_strategies import ATTACKS, CHAINS, attacks
from .stack_probe import stack_taken

LIMIT = Settings(dataset=None).max_depth
#: Levels per element of each construct: the weights of natoasia.endpoint.nesting, as they add up.
LEVELS = {
    "plus": 1, "minus": 1, "times": 1, "divide": 3, "or": 1, "and": 1, "not": 1, "in list": 0, "concat args": 0,
    "path sequence": 3, "path alternative": 1, "inverse path sequence": 3, "object list": 3, "predicate list": 3,
    "triples": 3, "union": 4, "optional": 4, "minus pattern": 4, "filters": 1, "binds": 3, "groups": 3,
    "collection items": 6, "values rows": 0, "order conditions": 0, "brackets": 8, "braces": 6, "functions": 8,
    "blank node lists": 3, "collections": 8, "path brackets": 8, "subqueries": 7, "exists": 15,
}
#: Elements of the chains stack_per_element compares: fewer where pyoxigraph plans slowly (its planning time
#: grows with a power of the length: 400 path steps take ~45 s, 60 triple patterns ~1 s), 150 elsewhere.
MEASURED_AT = {"path sequence": 40, "inverse path sequence": 40, "path alternative": 40, "collection items": 30,
               "triples": 20, "object list": 20, "predicate list": 20, "groups": 20, "optional": 20,
               "blank node lists": 30, "collections": 30}
#: At the longest chain allowed, these take pyoxigraph minutes to plan: their stack is proven by measurement.
SLOW_TO_PLAN = set(MEASURED_AT) - {"path alternative"}


def depth(construct: str, k: int) -> int:
    return scan(CHAINS[construct](k)).max_depth


def longest_allowed(construct: str) -> int:
    """The longest chain of ``construct`` the endpoint's limit lets through."""
    low, high = 0, 1
    while depth(construct, high) <= LIMIT:
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if depth(construct, middle) <= LIMIT else (low, middle)
    return low


def test_every_construct_pyoxigraph_recurses_on_has_a_weight():
    assert set(LEVELS) == set(CHAINS)


@pytest.mark.parametrize("construct", sorted(CHAINS))
def test_each_element_of_a_chain_adds_its_weight_to_the_depth(construct):
    """Ten more elements, ten times the construct's levels deeper: a chain nests as deep as it is long."""
    assert depth(construct, 30) - depth(construct, 20) == 10 * LEVELS[construct]


@pytest.fixture(scope="module")
def stack_per_element() -> dict[str, float]:
    """Bytes of stack pyoxigraph takes per element of each construct, from chains of k and 3k elements."""
    taken = {}
    for construct, chain in CHAINS.items():
        k = MEASURED_AT.get(construct, 150)
        (first, small), (second, large) = stack_taken(chain(k), STACK_BYTES), stack_taken(chain(3 * k), STACK_BYTES)
        assert (first, second) == ("ok", "ok"), construct
        taken[construct] = (large - small) * 1024 / (2 * k)
    return taken


@pytest.mark.parametrize("construct", sorted(CHAINS))
def test_the_weight_of_each_construct_covers_the_stack_pyoxigraph_takes(construct, stack_per_element):
    """A level stands for LEVEL_BYTES of stack: a construct's levels cover what one element takes (a
    pyoxigraph that recursed deeper would fail this first). Chains it reads in a loop take none."""
    assert stack_per_element[construct] <= LEVELS[construct] * LEVEL_BYTES + 128, stack_per_element[construct]


def test_the_deepest_query_allowed_needs_at_most_a_quarter_of_the_worker_stack(stack_per_element):
    """The limit times the dearest level (stack per element over levels per element), with room for what
    lies below the recursion, fits four times in the worker's stack."""
    dearest = max(taken / LEVELS[construct] for construct, taken in stack_per_element.items() if LEVELS[construct])
    assert 4 * (LIMIT * dearest + 2 * 2**20) <= STACK_BYTES, dearest


@pytest.mark.parametrize("construct", sorted(c for c in CHAINS if LEVELS[c] and c not in SLOW_TO_PLAN))
def test_the_longest_chain_allowed_runs_on_an_eighth_of_the_worker_stack(construct):
    """Not only measured: the longest chain the limit allows is answered on a stack eight times smaller
    than a worker's."""
    outcome, taken = stack_taken(CHAINS[construct](longest_allowed(construct)), STACK_BYTES // 8)
    assert outcome == "ok" and taken * 1024 <= STACK_BYTES // 8, outcome


@pytest.fixture(scope="module")
def endpoint(built):
    """The Flask app with the endpoint's own defaults (its depth and size limits), a short time limit."""
    from natoasia.service.app import create_app

    app = create_app(Settings(dataset=built, workers=2, timeout=4.0))
    yield app
    app.extensions["natoasia"].close()


def ask(endpoint, query: str):
    response = endpoint.test_client().post("/sparql", data={"query": query})
    return response.status_code, response.get_data(as_text=True)


def deaths(endpoint) -> int:
    """Workers replaced for no reason the pool knows (time limit, memory budget, a client gone): each one died."""
    metrics = endpoint.extensions["natoasia.metrics"]
    return metrics.value("restarts") - sum(metrics.value(reason) for reason in ("timeouts", "memory", "abandoned"))


@pytest.mark.parametrize("construct", sorted(c for c in CHAINS if LEVELS[c]))
def test_the_longest_chain_allowed_is_answered_and_one_more_is_refused_naming_it(endpoint, construct):
    """At the limit a worker answers (or runs out of time, for chains pyoxigraph plans slowly, or finds more
    rows than the endpoint returns); one element more is a 400 that says how deep the query nests, what
    nests it, and the limit — never a crash."""
    before, k = deaths(endpoint), longest_allowed(construct)
    status, body = ask(endpoint, CHAINS[construct](k))
    assert status in (200, 422, 503), body
    assert deaths(endpoint) == before
    status, body = ask(endpoint, CHAINS[construct](k + 1))
    assert status == 400 and f"the limit of this endpoint is {LIMIT}" in body, body
    assert body.startswith(f"the query nests {depth(construct, k + 1)} deep ("), body


@pytest.mark.parametrize("query, refusal", [
    (CHAINS["plus"](2000), "the query nests 2018 deep (a chain of 2000 `+` inside 2 brackets)"),
    (CHAINS["union"](300), "the query nests 1213 deep (a chain of 301 `{`, a chain of 300 `UNION` inside 2 brackets)"),
    (CHAINS["collection items"](200), "the query nests 1215 deep (200 collection elements inside 2 brackets)"),
    (CHAINS["functions"](150), "the query nests 1218 deep (152 brackets)"),
    ("ASK { FILTER(?o <" + "(" * 130 + ">) }", "the query nests 1061 deep (2 brackets, and 1040 more where another "
                                              "reading takes brackets or operators for code)"),
])
def test_the_refusal_names_what_makes_the_query_deep(query, refusal):
    assert scan(query).too_deep(LIMIT) == f"{refusal}; the limit of this endpoint is {LIMIT}"
    assert scan(query).too_deep(scan(query).max_depth) is None  # at the limit exactly: allowed


@pytest.mark.parametrize("shape", sorted(ATTACKS))
def test_no_attack_shape_at_the_size_limit_kills_a_worker(endpoint, shape):
    """Every attack shape at 100 kB: a 4xx, a 503 (time), or an answer; never a 500, never a worker lost."""
    before = deaths(endpoint)
    status, body = ask(endpoint, ATTACKS[shape](99_000))
    assert status != 500 and (status < 500 or status == 503), body[:300]
    assert deaths(endpoint) == before


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(attack=attacks(max_size=99_000))
def test_no_query_up_to_the_size_limit_kills_a_worker(endpoint, attack):
    shape, text = attack
    before = deaths(endpoint)
    status, body = ask(endpoint, text)
    assert status != 500 and (status < 500 or status == 503), (shape, body[:300])
    assert deaths(endpoint) == before
