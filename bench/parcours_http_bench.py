"""HTTP benchmark of the path page on gunicorn (2 workers), next to a hello-world route.

Usage: .venv/bin/python bench/parcours_http_bench.py [--seconds 15] [--clients 20]
Starts gunicorn on 127.0.0.1 with a fresh SQLite database seeded with one saved site, then drives
N concurrent clients (threads + requests, keep-alive) for a bounded time against
``/sites/<token>/parcours`` and against ``/bench/hello`` (a bare Flask route added to the same app,
measured in the same run). Prints p50/p95 for both and the ratio. Results: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_wsgi():
    """gunicorn entry point: the real app plus a hello-world route for the baseline."""
    from app import create_app

    app = create_app({"WTF_CSRF_ENABLED": False})

    @app.get("/bench/hello")
    def hello():
        return "Bonjour"

    return app


def seed(database_url: str) -> str:
    from app import create_app
    from app.extensions import db
    from app.models import Answer, Site

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.create_all()
        site = Site(nom="Friche de démonstration", commune_code="62528", epci_code="246200364",
                    departement_code="62", region_code="32", is_demo=True)
        db.session.add(site)
        for qid, value in {"site_type": "friche industrielle", "sol_pollution_existe": "pollution supposée",
                           "bati_pollution": "amiante", "unite_fonciere_surface": 32000, "bati_surface": 9000,
                           "local_ancien_annee": 1950, "proprietaire": "commune", "usage": "habitat",
                           "porteur": "commune", "avancement": "idee"}.items():
            db.session.add(Answer(site=site, question_id=qid, value=value))
        db.session.commit()
        return site.token


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def drive(url: str, clients: int, seconds: float) -> tuple[list[float], int]:
    import requests

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker():
        session = requests.Session()
        mine, bad = [], 0
        while time.monotonic() < stop:
            t = time.perf_counter()
            r = session.get(url, timeout=10)
            mine.append(time.perf_counter() - t)
            bad += r.status_code != 200
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return latencies, errors[0]


def pct(values: list[float], p: float) -> float:
    return sorted(values)[max(0, int(len(values) * p) - 1)] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="pf-bench-")
    database_url = f"sqlite:///{tmp}/bench.sqlite"
    token = seed(database_url)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING"}
    cmd = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
           "--log-level", "warning", "--chdir", str(ROOT), "bench.parcours_http_bench:make_wsgi()"]
    server = subprocess.Popen(cmd, env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        import requests

        for _ in range(100):
            try:
                if requests.get(base + "/bench/hello", timeout=5).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.2)
        for _ in range(10):  # warm both workers (catalogs loaded once per process)
            requests.get(f"{base}/sites/{token}/parcours", timeout=30)
        results = {}
        for name, path in (("hello-world", "/bench/hello"), ("page parcours", f"/sites/{token}/parcours")):
            lat, err = drive(base + path, args.clients, args.seconds)
            results[name] = lat
            print(f"{name:14s}: {len(lat)} requests in {args.seconds:.0f} s ({len(lat) / args.seconds:.0f} req/s), "
                  f"p50 {statistics.median(lat) * 1000:.1f} ms, p95 {pct(lat, 0.95):.1f} ms, errors {err}")
        hello, page = results["hello-world"], results["page parcours"]
        print(f"ratio page / hello-world: p50 {statistics.median(page) / statistics.median(hello):.1f}×, "
              f"p95 {pct(page, 0.95) / pct(hello, 0.95):.1f}× (target: page p95 ≤ 60 ms with "
              f"{args.clients} clients)")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
