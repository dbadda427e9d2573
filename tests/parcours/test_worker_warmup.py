"""gunicorn workers load the path engine before taking requests (gunicorn.conf.py)."""

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


def test_worker_loads_the_path_engine_at_start(app, tmp_path, monkeypatch):
    monkeypatch.setattr(service, "_ENGINES", {})
    post_worker_init()(FakeWorker(app))
    assert app.config["DATA_DIR"] in service._ENGINES


def test_a_failed_warm_up_is_logged_and_never_stops_the_worker(app, tmp_path, caplog):
    app.config["DATA_DIR"] = str(tmp_path / "absent")
    post_worker_init()(FakeWorker(app))
    assert "warm-up failed" in caplog.text
    post_worker_init()(FakeWorker(object()))  # not a Flask app: nothing to do
