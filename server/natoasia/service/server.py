"""``natoasia serve``: the Flask app under gunicorn (:mod:`natoasia.service.gunicorn_app`), on the built dataset."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from natoasia.dataset.build import ensure_built, is_current
from natoasia.dataset.files import NQUADS
from natoasia.dataset.forked import Forked
from natoasia.dataset.sources import list_sources
from natoasia.endpoint.settings import DISK_WORKERS, Settings, parse_load, uses_persisted_store

log = logging.getLogger("natoasia.service.server")


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
    # A first start builds in a child while the web stack is imported (whether one is due: milliseconds).
    first = not is_current(Path(args.data), list_sources())
    with Forked(ensure_built, Path(args.data), fork=first) as built:
        from natoasia.endpoint.engine import Engine
        from natoasia.service.gunicorn_app import NatoasiaServer

        dataset = built.result()
    if built.pid is not None:  # read by bench/first_start_bench.py
        log.info("the build ran beside the web stack's imports: %.2f CPU s beside a forked child",
                 min(built.child_cpu, built.parent_cpu))
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
