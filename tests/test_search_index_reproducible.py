"""The search index is the same bytes whatever the process: Python salts string hashes per process, so any
set read in its iteration order (a graph walk, a tie) would make two builds of the same sources differ."""

from __future__ import annotations

import os
import subprocess
import sys

NTRIPLES = "natoasia.nt"  # one of natoasia.dataset.files.DUMPS

WRITE = """
import hashlib, sys
from pathlib import Path
import pyoxigraph as ox
from natoasia.dataset.search_index import write_index
triples = list(ox.parse(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES))
write_index(Path(sys.argv[2]), triples)
print(hashlib.sha256(Path(sys.argv[2]).read_bytes()).hexdigest())
"""


def test_the_index_does_not_depend_on_the_string_hash_seed(built, tmp_path):
    digests = set()
    for seed in ("1", "2", "3", "4"):
        written = subprocess.run([sys.executable, "-c", WRITE, str(built / NTRIPLES), str(tmp_path / f"{seed}.sqlite")],
                                 env=dict(os.environ, PYTHONHASHSEED=seed), capture_output=True, text=True, check=True)
        digests.add(written.stdout.strip())
    assert len(digests) == 1, digests
