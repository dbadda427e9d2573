"""gunicorn workers load the territory dataset before taking requests (gunicorn.conf.py)."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

from app.parcours import service

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


class FakeWorker:
    def __init__(self, wsgi):
        self.wsgi = wsgi
        self.log = logging.getLogger("test.worker")


def post_worker_init():
    spec = importlib.util.spec_from_file_location("gunicorn_conf_warmup", CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.post_worker_init


def test_worker_loads_the_territories_and_freezes_them_at_start(app, monkeypatch):
    from app.geo import dataset

    monkeypatch.setattr(dataset, "_dataset", None)
    frozen = []
    monkeypatch.setattr(service.gc, "freeze", lambda: frozen.append(True))
    post_worker_init()(FakeWorker(app))
    assert dataset._dataset is not None and frozen == [True]


def test_a_failed_warm_up_is_logged_and_never_stops_the_worker(app, monkeypatch, caplog):
    def broken():
        raise OSError("communes.parquet illisible")

    monkeypatch.setattr(service.geo, "get_dataset", broken)
    post_worker_init()(FakeWorker(app))
    assert "warm-up failed" in caplog.text
