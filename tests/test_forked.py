"""``natoasia.dataset.forked``: a stage run in a forked child gives its result, or raises its exception,
as if it had run in the parent; a child whose result is never asked for does not outlive its stage."""

from __future__ import annotations

import os
import threading
import time

import pytest

from natoasia.dataset.forked import ChildLost, Forked
from natoasia.dataset.checks.shacl_sparql import UnsupportedShape
from natoasia.dataset.sources import SourceError


@pytest.fixture
def forks():
    """The tests that kill or outwait a child need a fork: a process with other threads runs the function itself."""
    if threading.active_count() > 1:
        pytest.skip("other threads are running in this process: Forked runs the function here")


def _pid_and(value):
    return os.getpid(), value


def _raise(exc):
    raise exc


def _sleep_then_write(path, seconds):
    time.sleep(seconds)
    path.write_text("late")


def test_the_result_comes_from_a_child_process(forks):
    with Forked(_pid_and, ["a", {"b": 2}]) as child:
        pid, value = child.result()
    assert child.pid is not None and pid == child.pid != os.getpid()
    assert value == ["a", {"b": 2}]


@pytest.mark.parametrize("exc", [SourceError("graph/x.ttl", "Turtle syntax error: bad", 3, 7),
                                 UnsupportedShape(["sh:sparql", "sh:qualifiedValueShape"]), KeyError("k")])
def test_the_childs_exception_is_raised_in_the_parent_with_its_fields(forks, exc):
    with pytest.raises(type(exc)) as raised, Forked(_raise, exc) as child:
        child.result()
    assert str(raised.value) == str(exc) and vars(raised.value) == vars(exc)


def test_a_child_killed_midway_is_an_error_not_a_result(forks):
    with pytest.raises(ChildLost, match="ended without a result"), Forked(os._exit, 3) as child:
        child.result()


def test_a_child_whose_result_is_never_asked_for_is_killed_with_its_stage(forks, tmp_path):
    late = tmp_path / "late"
    with pytest.raises(RuntimeError, match="the parent's stage failed"), \
            Forked(_sleep_then_write, late, 0.5) as child:
        raise RuntimeError("the parent's stage failed")
    with pytest.raises(ChildProcessError):
        os.waitpid(child.pid, os.WNOHANG)  # reaped: no zombie left behind
    time.sleep(1.0)
    assert not late.exists()


def test_without_fork_or_with_threads_running_it_runs_here_first():
    assert Forked(_pid_and, 1, fork=False).__enter__().result() == (os.getpid(), 1)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        with Forked(_pid_and, 2) as child:  # forking a process with threads could leave a lock held
            assert child.pid is None
            assert child.result() == (os.getpid(), 2)
    finally:
        stop.set()
        thread.join()


def test_without_fork_its_exception_is_raised_before_the_parents_stage():
    with pytest.raises(KeyError):
        with Forked(_raise, KeyError("first"), fork=False):
            pytest.fail("the parent's stage ran before the failed one")
