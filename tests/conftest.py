"""Shared fixtures: the sources, one validation run and one build per test session."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import pytest

from natoasia.dataset.build import build
from natoasia.dataset.checks.quotes import find_article
from natoasia.dataset.sources import data_root, load_sources
from natoasia.dataset.validate import validate
from natoasia.stores.embedded import open_store

from .browsing import browser  # noqa: F401 (the fixture of every browser test)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
# Templates fail on unknown names under test (and in the servers tests start), never render them empty.
os.environ.setdefault("NATOASIA_STRICT_TEMPLATES", "1")


@pytest.fixture(scope="session")
def sources():
    """The parsed Turtle sources of this checkout."""
    return load_sources(ROOT)


@pytest.fixture(scope="session")
def shapes(sources):
    """The SHACL shapes graph."""
    return sources.union("shapes")


@pytest.fixture(scope="session")
def data(sources):
    """Ontology and asserted facts together, as SHACL validation sees them."""
    return sources.union("ontology", "graph")


@pytest.fixture(scope="session")
def validation(sources):
    """One run of every validation check on the sources."""
    return validate(sources=sources)


@pytest.fixture(scope="session")
def built(tmp_path_factory, validation):
    """The dataset built once into a temporary folder."""
    out = tmp_path_factory.mktemp("dataset")
    build(out, sources=validation.sources, inferred=validation.inferred)
    return out


@pytest.fixture(scope="session")
def store(built):
    """The built dataset loaded in pyoxigraph."""
    return open_store(built)


@pytest.fixture(scope="session")
def article_text():
    """The article's text; tests that need it skip only where the file is absent."""
    path = find_article()
    if path is None or not path.is_file():
        pytest.skip("../shared/source/article.txt is not present")
    return path.read_text(encoding="utf-8")


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A writable copy of the sources, used by the CLI through NATOASIA_DATA."""
    copy = tmp_path / "data"
    for kind in ("ontology", "graph", "background", "shapes", "queries"):
        shutil.copytree(data_root() / kind, copy / kind)
    monkeypatch.setenv("NATOASIA_DATA", str(copy))
    article = find_article()
    if article is not None:
        monkeypatch.setenv("NATOASIA_ARTICLE", str(article))
    return copy


W3C = ROOT.parent / "shared" / "w3c-sparql11-protocol"
W3C_GRAPHS = {f"data{i}.nt": f"http://kasei.us/2009/09/sparql/data/data{i}.rdf" for i in (1, 2, 3)}


def w3c_loads() -> list[tuple[str, str]]:
    """The W3C protocol suite's data files as (path, graph IRI), for ``--load``."""
    if not W3C.is_dir():
        pytest.skip("../shared/w3c-sparql11-protocol is not present")
    return [(str(W3C / name), graph) for name, graph in W3C_GRAPHS.items()]


@pytest.fixture(scope="session")
def endpoint_settings(built):
    from natoasia.endpoint.settings import Settings

    return Settings(dataset=built, loads=w3c_loads(), workers=2, timeout=3.0, max_rows=500,
                    max_query_bytes=20_000, max_body_bytes=50_000, max_depth=200)


@pytest.fixture(scope="session")
def app(endpoint_settings):
    """The Flask app with its query workers, shared by the protocol tests."""
    from natoasia.service.app import create_app

    application = create_app(endpoint_settings)
    yield application
    application.extensions["natoasia"].close()


@pytest.fixture
def client(app):
    return app.test_client()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_server(dataset: Path, log_dir: Path, *options: str):
    """``natoasia serve`` as a user starts it, with ``options``, on a free loopback port: yields its base URL."""
    import subprocess
    import sys
    import time
    import urllib.request

    port = _free_port()
    log = (log_dir / "serve.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "natoasia", "serve", "--port", str(port), "--data", str(dataset),
                                *options], stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    while time.monotonic() - started < 30:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        process.wait(timeout=10)
        log.close()
        pytest.fail("natoasia serve did not start: " + Path(log.name).read_text())
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def live_server(built, tmp_path_factory):
    """``natoasia serve`` as a user starts it, on a free loopback port, with a 2-second limit."""
    loads = [arg for path, graph in w3c_loads() for arg in ("--load", f"{path}={graph}")]
    with running_server(built, tmp_path_factory.mktemp("server"), "--timeout", "2", "--workers", "2", *loads) as base:
        yield base


@pytest.fixture(scope="session")
def virtuoso(built, tmp_path_factory):
    """A throw-away Virtuoso Open Source on 127.0.0.1 with the built dataset loaded by ``natoasia load``."""
    import subprocess
    import sys

    from natoasia.stores.virtuoso import ThrowawayVirtuoso

    try:
        store = ThrowawayVirtuoso(tmp_path_factory.mktemp("virtuoso"))
    except RuntimeError as exc:
        pytest.fail(f"{exc} (.ci/run installs it)")
    try:
        loaded = subprocess.run([sys.executable, "-m", "natoasia", "load", "--into", store.endpoint, "--data", str(built)],
                                capture_output=True, text=True, timeout=300)
        assert loaded.returncode == 0, loaded.stderr
        yield store.endpoint
    finally:
        store.close()


@pytest.fixture(scope="session")
def external_client(virtuoso, built):
    """The app in front of Virtuoso, with the same limits as the embedded one."""
    from natoasia.service.app import create_app
    from natoasia.endpoint.settings import Settings

    application = create_app(Settings(dataset=built, store_url=virtuoso, timeout=3.0, max_rows=500))
    yield application.test_client()
    application.extensions["natoasia"].close()
