"""The wheel ships the Turtle sources: installed elsewhere, ``natoasia validate`` works."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_sources_and_validates_from_another_directory(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(wheels), str(ROOT)], check=True, capture_output=True, cwd=tmp_path)
    wheel = next(wheels.glob("natoasia-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for kind in ("ontology", "graph", "shapes", "queries"):
        assert any(n.startswith(f"natoasia/_data/{kind}/") for n in names), kind
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NATOASIA_")}
    env["PYTHONPATH"] = str(target)
    where = subprocess.run([sys.executable, "-c", "import natoasia, sys; print(natoasia.__file__)"],
                           capture_output=True, text=True, cwd=elsewhere, env=env, check=True).stdout
    assert where.startswith(str(target))
    result = subprocess.run([sys.executable, "-m", "natoasia", "validate"], capture_output=True, text=True,
                            cwd=elsewhere, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 violation(s)" in result.stdout
