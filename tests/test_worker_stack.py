"""A query worker evaluates on a stack of its own, sized for the deepest query the check allows (issue 17).

A worker is forked from whichever thread of the HTTP process needed one, and used to evaluate on that
thread's stack (8 MiB under gunicorn's threads): 40 kB of ``||`` overflowed it, SIGSEGV, a 500. It now
evaluates in a thread whose stack is ``STACK_BYTES``, started once it is confined.
"""

from __future__ import annotations

import threading

import pytest

from natoasia.endpoint import worker as worker_module
from natoasia.endpoint.jobs import Job
from natoasia.endpoint.pool import QueryPool
from natoasia.endpoint.worker import STACK_BYTES, on_own_stack

#: 12 000 ``||`` take about 10.5 MiB of stack (0.88 KiB each, bench/README.md): more than 8 MiB.
DEEP = "SELECT * { FILTER(true" + "||true" * 12_000 + ") }"


@pytest.fixture
def pool(tmp_path):
    nquads = tmp_path / "tiny.nq"
    nquads.write_text("<urn:s> <urn:p> <urn:o> <urn:g> .\n", encoding="utf-8")
    pool = QueryPool(str(nquads), size=1, sandbox=False, memory_budget=64 * 2**20)
    pool.start()
    yield pool
    pool.close()


def test_a_worker_answers_a_query_deeper_than_a_default_thread_stack_holds(pool):
    """Regression: the chain that killed a worker forked from an 8 MiB thread (beyond the check's limit, so
    sent to the pool directly) is answered, within the worker's memory budget."""
    outcome = pool.run(Job(query=DEEP, solution_format="application/sparql-results+json"), 60)
    assert outcome.status == 200 and b'"bindings":[{}]' in outcome.body


def test_on_own_stack_runs_the_function_in_a_thread_with_that_stack():
    seen = []
    on_own_stack(lambda *args: seen.append((threading.current_thread().name, args)), 1, 2, size=4 * 2**20)
    assert seen == [("natoasia-query", (1, 2))]
    assert threading.stack_size(0) == 4 * 2**20  # what it set (and what this puts back to the default)


def test_on_own_stack_raises_what_the_function_raises():
    def fails():
        raise SystemExit(3)

    with pytest.raises(SystemExit) as raised:
        on_own_stack(fails, size=2**20)
    assert raised.value.code == 3


def test_the_memory_budget_leaves_room_for_the_stack(monkeypatch):
    """The stack's mapping counts toward RLIMIT_DATA whole: the limit is raised by its size, so that a query
    may still add its full budget of memory."""
    limits, ran = [], []
    monkeypatch.setattr(worker_module, "limit_memory", limits.append)
    monkeypatch.setattr(worker_module, "on_own_stack", lambda function, *args: ran.append(function))
    worker_module.serve(None, None, None, sandbox=False, memory_budget=2**28)
    assert limits == [2**28 + STACK_BYTES] and ran == [worker_module._answer_jobs]
    worker_module.serve(None, None, None, sandbox=False, memory_budget=None)
    assert limits == [2**28 + STACK_BYTES]  # no budget: no limit
