"""A throw-away Virtuoso Open Source on 127.0.0.1 with its own database folder, for the tests and
benchmarks that check the endpoint in front of an external store (Debian package virtuoso-opensource)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = .
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 10
MaxClientConnections = 10
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = {max_seconds}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayVirtuoso:
    """Starts Virtuoso in ``folder``, waits for its SPARQL endpoint, grants SPARQL Update; ``close`` stops it."""

    def __init__(self, folder: Path, buffers: int = 10_000, max_seconds: int = 5, start_timeout: float = 90):
        binary, self.isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
        if binary is None or self.isql is None:
            raise RuntimeError("Virtuoso is not installed (Debian package virtuoso-opensource)")
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.sql_port, http_port = folder, _free_port(), _free_port()
        (folder / "virtuoso.ini").write_text(INI.format(
            dir=folder, sql_port=self.sql_port, http_port=http_port, buffers=buffers,
            dirty=buffers * 3 // 4, max_seconds=max_seconds))
        self.endpoint = f"http://127.0.0.1:{http_port}/sparql"
        self.log = (folder / "stdout.log").open("w")
        started = time.monotonic()
        self.process = subprocess.Popen([binary, "-f", "-c", str(folder / "virtuoso.ini")], cwd=folder,
                                        stdout=self.log, stderr=subprocess.STDOUT)
        while True:
            try:
                with urllib.request.urlopen(self.endpoint + "?query=ASK%7B%7D", timeout=2):
                    break
            except OSError:
                if time.monotonic() - started > start_timeout or self.process.poll() is not None:
                    self.close()
                    raise RuntimeError("Virtuoso did not start: " + (folder / "stdout.log").read_text()[-2000:])
                time.sleep(0.5)
        self.start_seconds = time.monotonic() - started
        subprocess.run([self.isql, f"127.0.0.1:{self.sql_port}", "dba", "dba", 'exec=GRANT SPARQL_UPDATE TO "SPARQL";'],
                       check=True, capture_output=True, timeout=60)

    def close(self) -> None:
        """Stop Virtuoso (its database folder is the caller's to delete)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
