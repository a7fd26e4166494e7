"""``natoasia serve``: the Flask app under gunicorn, on the built dataset."""

from __future__ import annotations

import gc
import logging
import sys
import time
from pathlib import Path

from gunicorn.app.base import BaseApplication

from natoasia.dataset.build import ensure_built
from natoasia.dataset.files import NQUADS
from natoasia.endpoint.engine import Engine
from natoasia.endpoint.metrics import Metrics
from natoasia.endpoint.settings import DISK_WORKERS, Settings, parse_load, uses_persisted_store

log = logging.getLogger("natoasia.service.server")


class NatoasiaServer(BaseApplication):
    """A gunicorn application whose worker builds the Flask app (and its query workers) after fork."""

    def __init__(self, settings: Settings, host: str, port: int, threads: int, http_workers: int = 1):
        self.settings, self.host, self.port, self.threads = settings, host, port, threads
        self.http_workers = http_workers
        self.metrics = Metrics()  # created before the fork: every HTTP process shares it
        super().__init__()

    def load_config(self) -> None:
        options = {
            "bind": f"{self.host}:{self.port}",
            "workers": self.http_workers,
            "worker_class": "natoasia.service.http_worker.NatoasiaWorker",
            "threads": self.threads,
            "timeout": int(self.settings.timeout) + 30,
            "graceful_timeout": 5,
            "reuse_port": True,
            "loglevel": "warning",
            "accesslog": None,
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self):
        from natoasia.service.app import create_app

        engine = Engine(self.settings, metrics=self.metrics)
        app = create_app(self.settings, engine=engine)
        graphs = len(engine.graphs)
        backend = (f"the store at {self.settings.store_url}" if self.settings.store_url
                   else f"{self.settings.workers} query workers")
        print(f"natoasia: serving {sum(engine.graphs.values())} triples in {graphs} named graphs "
              f"(default graph: their union) at http://{self.host}:{self.port}/sparql "
              f"with {backend}, time limit {self.settings.timeout:g} s",
              file=sys.stderr, flush=True)
        # Long-lived objects (the app, the routes) never need collecting: keep the collector's
        # generation scans short so that they do not add to the latency tail.
        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, 50, 100)
        return app


def _check_port(host: str, port: int) -> None:
    """Fail with a clear message before gunicorn does with a log of retries."""
    import socket

    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise ValueError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def run(args) -> int:
    """Build the dataset if needed, then serve it until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    dataset = ensure_built(Path(args.data))
    loads = [parse_load(spec) for spec in args.load or []]
    settings = Settings(dataset=dataset, loads=loads, workers=args.workers or 2, timeout=args.timeout,
                        cache_bytes=int(args.cache_mb * 1024 * 1024), public_base=args.public_base,
                        store_url=args.store, sandbox=args.sandbox, store_mode=args.store_mode,
                        worker_memory=int(args.worker_memory_mb * 2**20) or None)
    if uses_persisted_store(settings):
        from natoasia.stores.embedded import ensure_persisted

        ensure_persisted(dataset)
        settings.workers = args.workers or DISK_WORKERS
    engine = Engine(settings)  # checks the dataset and every --load file before the server starts
    if settings.store_url:
        from natoasia.endpoint.jobs import QueryTimeout, WorkerLost
        try:
            engine.pool.start()
        except (WorkerLost, QueryTimeout, ValueError) as exc:
            raise ValueError(f"--store {settings.store_url}: {exc}") from None
    _check_port(args.host, args.port)
    if not settings.store_url and engine.persisted_store() is None:
        # Parse the dataset into memory once, here: HTTP processes and their query workers are forked
        # from this process and share its pages. (A persisted store is opened by each HTTP process
        # instead, after the fork: RocksDB's threads do not survive a fork, and its handle would fail
        # when a forked process closes it.)
        from natoasia.endpoint.pool import preload

        started = time.monotonic()
        _store, triples = preload(str(dataset / NQUADS), loads)
        log.info("loaded %d quads into memory in %.2f s", triples, time.monotonic() - started)
    NatoasiaServer(settings, args.host, args.port, args.threads, args.http_workers).run()
    return 0
