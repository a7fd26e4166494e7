"""The persisted store and the forked query workers: one copy of the store, opened in milliseconds,
shared by every worker, and a killed worker replaced without parsing anything again."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from natoasia.dataset import build as build_module
from natoasia.endpoint import pool as pool_module
from natoasia.endpoint.jobs import Job, QueryTimeout
from natoasia.endpoint.pool import QueryPool
from natoasia.endpoint.settings import DISK_WORKERS
from natoasia.stores import embedded as store_module

RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture
def dataset(built, tmp_path):
    """A private copy of the built dataset (tests here write its persisted store)."""
    copy = tmp_path / "dataset"
    shutil.copytree(built, copy, ignore=shutil.ignore_patterns("store", "store.json", "store.partial"))
    return copy


def _answer(pool: QueryPool, query: str, limit: float = 10) -> bytes:
    outcome = pool.run(Job(query=query, solution_format="text/csv"), limit)
    assert outcome.status == 200, outcome.body
    return outcome.body


def test_the_persisted_store_matches_its_dump_and_says_when_it_does_not(dataset):
    assert "missing" in store_module.persisted_mismatch(dataset)
    folder = store_module.persist(dataset)
    assert folder == dataset / "store" and store_module.persisted_mismatch(dataset) is None
    record = json.loads((dataset / "store.json").read_text())
    manifest = json.loads((dataset / "manifest.json").read_text())
    assert record["quads"] == manifest["files"]["natoasia.nq"]["triples"]
    record["nquads_sha256"] = "0" * 64
    (dataset / "store.json").write_text(json.dumps(record))
    assert "nquads_sha256" in store_module.persisted_mismatch(dataset)
    store_module.ensure_persisted(dataset)  # rewritten from the dump
    assert store_module.persisted_mismatch(dataset) is None


def test_workers_on_the_persisted_store_answer_as_the_dump_loaded_in_memory(dataset, store):
    folder = str(store_module.persist(dataset))
    pool = QueryPool(str(dataset / "natoasia.nq"), size=2, persisted=folder)
    pool.start()
    try:
        expected = next(iter(store.query(COUNT)))["n"].value
        assert _answer(pool, COUNT).split()[-1].decode() == expected
        assert pool.triples == int(expected)
    finally:
        pool.close()


@pytest.mark.parametrize("persisted", [True, False], ids=["persisted", "in-memory"])
def test_a_killed_worker_is_replaced_without_loading_the_store_again(dataset, monkeypatch, persisted):
    folder = str(store_module.persist(dataset)) if persisted else None
    pool = QueryPool(str(dataset / "natoasia.nq"), size=1, persisted=folder)
    pool.start()
    try:
        before = _answer(pool, COUNT)
        reloads = []
        monkeypatch.setattr(pool_module, "load_store", lambda *a: reloads.append(a))
        monkeypatch.setattr(pool_module.ox.Store, "read_only", lambda *a: reloads.append(a))
        pid = next(iter(pool._live))
        with pytest.raises(QueryTimeout):
            pool.run(Job(query=RUNAWAY, solution_format="text/csv"), 0.5)
        assert pid not in pool._live and len(pool._live) == 1  # killed, reaped, replaced
        assert _answer(pool, COUNT) == before
        assert reloads == [], "the replacement loaded the store again"
    finally:
        pool.close()
    assert not pool._live


def test_build_writes_the_persisted_store_and_query_reads_it(tmp_path):
    out = tmp_path / "out"
    built = subprocess.run([sys.executable, "-m", "natoasia", "build", "--out", str(out)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    assert "persisted store" in built.stdout and store_module.persisted_mismatch(out) is None
    answer = subprocess.run([sys.executable, "-m", "natoasia", "query", COUNT, "--data", str(out), "--format", "csv"],
                            capture_output=True, text=True, timeout=120)
    assert answer.returncode == 0, answer.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert answer.stdout.split()[-1] == str(manifest["files"]["natoasia.nq"]["triples"])


def test_auto_mode_holds_small_datasets_in_memory_and_large_ones_on_disk(dataset, monkeypatch):
    from natoasia.endpoint import settings as settings_module
    from natoasia.endpoint.settings import Settings, uses_persisted_store

    assert not uses_persisted_store(Settings(dataset=dataset))  # the article: a few MB of N-Quads
    monkeypatch.setattr(settings_module, "AUTO_MEMORY_BYTES", 1)
    assert uses_persisted_store(Settings(dataset=dataset))
    assert not uses_persisted_store(Settings(dataset=dataset, store_mode="memory"))
    assert not uses_persisted_store(Settings(dataset=dataset, loads=[("x.ttl", "urn:x")]))
    monkeypatch.setattr(settings_module, "AUTO_MEMORY_BYTES", 10**12)
    assert uses_persisted_store(Settings(dataset=dataset, store_mode="disk"))


def test_serve_on_disk_answers_replaces_a_killed_worker_and_stops_cleanly(dataset, tmp_path):
    """RocksDB's handle does not survive a fork: each HTTP process opens the persisted store itself,
    so that stopping the server ends every process without a crash."""
    import socket
    import time
    import urllib.error
    import urllib.parse
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen([sys.executable, "-m", "natoasia", "serve", "--on-disk", "--port", str(port),
                                    "--data", str(dataset), "--timeout", "1", "--http-workers", "1"],
                                   stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}/sparql?query="
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    with urllib.request.urlopen(base + urllib.parse.quote(COUNT), timeout=5) as response:
                        first = response.read()
                    break
                except OSError:
                    assert process.poll() is None and time.monotonic() < deadline, log_path.read_text()
                    time.sleep(0.3)
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(base + urllib.parse.quote(RUNAWAY), timeout=10)
            assert refused.value.code == 503
            refused.value.close()
            for _ in range(2):  # every HTTP process's worker, the replaced one included, still answers
                with urllib.request.urlopen(base + urllib.parse.quote(COUNT), timeout=10) as response:
                    assert response.read() == first
        finally:
            process.terminate()
            code = process.wait(timeout=30)
    text = log_path.read_text()
    assert "the persisted store" in text and "replaced a query worker" in text, text
    assert f"with {DISK_WORKERS} query workers" in text, text  # on disk, workers are cheap: more by default
    assert code == 0 and "Segmentation" not in text and "terminate called" not in text and "Traceback" not in text, text


def test_a_current_build_is_served_without_parsing_its_sources(dataset, monkeypatch):
    """Start at 10⁶ must not pay for rdflib: the build's digest is over the files' bytes, so a current
    build is recognised without parsing, and only a stale one is parsed (and validated, and rebuilt)."""
    from natoasia.dataset import sources as sources_module

    def no_parse(path, graph=None):
        raise AssertionError(f"parsed {path}")

    monkeypatch.setattr(sources_module, "parse_turtle", no_parse)
    monkeypatch.setattr(sources_module, "parse_turtle_fast", no_parse)  # the first start's parser
    assert build_module.ensure_built(dataset) == dataset
    (dataset / "manifest.json").write_text(json.dumps({"sources": "stale", "files": {}}))
    with pytest.raises(AssertionError, match="parsed"):
        build_module.ensure_built(dataset)
