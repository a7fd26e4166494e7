"""The gunicorn application of ``natoasia serve``: the Flask app built in each HTTP process after the fork.

Apart from :mod:`natoasia.service.server` so that importing the web stack (gunicorn, Flask, the endpoint)
can run beside the first start's build there.
"""

from __future__ import annotations

import gc
import sys

from gunicorn.app.base import BaseApplication

from natoasia.endpoint.engine import Engine
from natoasia.endpoint.metrics import Metrics
from natoasia.endpoint.settings import Settings


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
