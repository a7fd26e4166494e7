"""Installed as users install it — a wheel in a fresh virtual environment, outside the checkout —
natoasia ships every module and data file, validates, and serves every route."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "server" / "natoasia"
DATA = {"ontology": ROOT / "ontology", "graph": ROOT / "graph", "background": ROOT / "background", "shapes": ROOT / "shapes",
        "queries": ROOT / "queries"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheels")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(out), str(ROOT)], check=True, capture_output=True, cwd=out)
    return next(out.glob("natoasia-*.whl"))


def _shipped(folder: Path) -> set[str]:
    """Every file below ``folder`` that belongs in the wheel (no bytecode caches)."""
    return {str(path.relative_to(folder)) for path in folder.rglob("*")
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"}


def test_the_wheel_ships_every_module_and_data_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = {f"natoasia/{name}" for name in _shipped(PACKAGE)} - names
    for kind, folder in DATA.items():
        missing |= {f"natoasia/_data/{kind}/{name}" for name in _shipped(folder)} - names
    assert not missing, f"not in the wheel: {sorted(missing)}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, accept: str | None = None) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel and its dependencies installed (no ``-e``)."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=True).create(env_dir)
    result = subprocess.run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return env_dir


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("NATOASIA_", "PYTHON", "VIRTUAL_ENV"))}


def test_installed_wheel_validates_from_another_directory(installed, tmp_path):
    where = subprocess.run([str(installed / "bin" / "python"), "-c", "import natoasia; print(natoasia.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, env=_clean_env(), check=True).stdout
    assert where.startswith(str(installed)), where
    result = subprocess.run([str(installed / "bin" / "natoasia"), "validate"], capture_output=True, text=True,
                            cwd=tmp_path, env=_clean_env(), timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 violation(s)" in result.stdout


def test_installed_wheel_serves_every_route_from_another_directory(installed, tmp_path):
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen([str(installed / "bin" / "natoasia"), "serve", "--port", str(port),
                                "--data", str(tmp_path / "dataset")],
                               cwd=tmp_path, env=_clean_env(), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # validates and builds the dataset first
        while True:
            try:
                if _get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, "natoasia serve exited: " + (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "natoasia serve did not start: " + (tmp_path / "serve.log").read_text()
            time.sleep(0.5)
        query = (ROOT / "queries" / "CQ02.rq").read_text(encoding="utf-8")
        status, media_type, body = _get(f"{base}/sparql?query={urllib.parse.quote(query)}", "text/csv")
        assert (status, media_type.split(";")[0]) == (200, "text/csv")
        assert b"new-zealand" in body and b"160" in body
        status, media_type, body = _get(base + "/id/country/japan", "text/html")
        assert status == 200 and b"Japan" in body
        status, media_type, body = _get(base + "/id/country/japan", "text/turtle")
        assert status == 200 and media_type.startswith("text/turtle") and b"Japan" in body
        status, _, body = _get(base + "/query")
        assert status == 200
        assets = _static_assets(body)
        assert assets, "the query page loads no script or style sheet"
        for path in assets:
            assert _get(base + path)[0] == 200, path
        status, _, body = _get(base + "/ontology")
        assert status == 200 and b"Contribution" in body
        status, media_type, body = _get(base + "/dumps/natoasia.ttl")
        assert status == 200 and media_type.startswith("text/turtle") and b"@prefix" in body
        status, _, body = _get(base + "/")
        assert status == 200
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()


def _static_assets(page: bytes) -> list[str]:
    """The local scripts and style sheets a page loads (they must ship in the wheel too)."""
    return sorted({m.decode() for m in re.findall(rb'(?:src|href)="(/static/[^"?#]+)', page)})
