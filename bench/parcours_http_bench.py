"""HTTP benchmark of the path page on gunicorn (2 workers), next to a hello-world route.

Usage::

    apt-get install -y wrk        # Debian's HTTP load generator (C, epoll), required
    .venv/bin/python bench/parcours_http_bench.py [--seconds 10] [--clients 20] [--database-url URL]

Starts gunicorn (``gunicorn.conf.py``: 2 workers × 2 threads, access log as in production,
sent to /dev/null) on 127.0.0.1 with a fresh SQLite database (or ``--database-url``, e.g.
PostgreSQL) seeded with one saved site, then measures in the same run:

1. ``/bench/hello`` — a bare Flask route added to the same app (the baseline);
2. ``/sites/<token>/parcours`` as served (warm: the rendered page is cached per site version),
   alternating with 1. over ``--rounds`` rounds (medians reported);
3. cold views one at a time: a step change (POST) then the first view of the page, timed;
4. variants, each next to its own hello-world run: the view event written in the request,
   the page cache off, and sync workers (``GUNICORN_THREADS=1``: no keep-alive, no threads);
5. page weight, raw and gzip (level 6), and the CPU time gzip would add per response.

Load for 1, 2 and 4 comes from ``wrk`` (one thread, N keep-alive connections, closed loop), which
costs far less CPU than Python client threads on the same 2-core machine; its Lua ``done`` hook
prints p50/p95/p99. Every page request records a ``parcours_consulte`` event, as in production.
Results: docs/benchmarks.md (« Parcours »).
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WRK_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("PF_RESULT %d %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    summary.bytes, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""
TRACKED_STEP = "inventaire-site"


def make_wsgi():
    """gunicorn entry point: the real app plus a hello-world route for the baseline."""
    from app import create_app

    config = {
        "WTF_CSRF_ENABLED": False,
        **json.loads(os.environ.get("PF_BENCH_CONFIG", "{}")),
    }
    app = create_app(config)

    @app.get("/bench/hello")
    def hello():
        return "Bonjour"

    return app


def seed(database_url: str) -> str:
    from sqlalchemy import text

    from app import create_app
    from app.extensions import db
    from app.models import Answer, Site

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.create_all()
        if database_url.startswith("sqlite"):
            # Readers and the writer do not block each other (persistent setting of the file).
            db.session.execute(text("PRAGMA journal_mode=WAL"))
        site = Site(
            nom="Friche de démonstration",
            commune_code="62528",
            epci_code="246200364",
            departement_code="62",
            region_code="32",
            is_demo=True,
        )
        db.session.add(site)
        for qid, value in {
            "site_type": "friche industrielle",
            "sol_pollution_existe": "pollution supposée",
            "bati_pollution": "amiante",
            "unite_fonciere_surface": 32000,
            "bati_surface": 9000,
            "local_ancien_annee": 1950,
            "proprietaire": "commune",
            "usage": "habitat",
            "porteur": "commune",
            "avancement": "idee",
        }.items():
            db.session.add(Answer(site=site, question_id=qid, value=value))
        db.session.commit()
        return site.token


def throwaway_schema(url: str) -> tuple[str, object]:
    """PostgreSQL: a private schema for this run (dropped at the end), as the test suite does."""
    import secrets

    from sqlalchemy import create_engine, text

    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    schema = f"pf_bench_{secrets.token_hex(4)}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))

    def drop():
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()

    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}", drop


def count_events(database_url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM event WHERE type = 'parcours_consulte'")).scalar()
    engine.dispose()
    return n


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with the project's gunicorn.conf.py, 2 workers, on a free local port."""

    def __init__(self, database_url: str, threads: int | None = None, **config):
        self.port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench",
            "LOG_LEVEL": "WARNING",
            "PF_BENCH_CONFIG": json.dumps(config),
        }
        if threads:  # read by gunicorn.conf.py (default 2; 1 = sync workers, no keep-alive)
            env["GUNICORN_THREADS"] = str(threads)
        cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "warning",
            "--chdir",
            str(ROOT),
            "bench.parcours_http_bench:make_wsgi()",
        ]
        self.process = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.request("GET", "/bench/hello")[0] == 200:
                    break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    sys.exit("gunicorn did not start")
                time.sleep(0.2)

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            body = urlencode(form) if form else None
            headers = {"Content-Type": "application/x-www-form-urlencoded"} if form else {}
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


def wrk(url: str, clients: int, seconds: float, script: Path) -> dict:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{clients}", f"-d{seconds:g}s", "--timeout", "10s", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next((x for x in out.splitlines() if x.startswith("PF_RESULT")), None)
    if line is None:
        sys.exit(f"unexpected wrk output:\n{out}")
    n, duration_us, size, errors, p50, p95, p99 = (int(x) for x in line.split()[1:])
    return {
        "requests": n,
        "rps": n / (duration_us / 1e6),
        "bytes": size / max(n, 1),
        "errors": errors,
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "p99": p99 / 1000,
    }


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(len(ordered) * p) - 1))]


def show(name: str, r: dict) -> None:
    print(
        f"{name:34s} {r['rps']:7.0f} req/s  p50 {r['p50']:7.1f} ms  p95 {r['p95']:7.1f} ms  "
        f"p99 {r['p99']:7.1f} ms  ({r['requests']} requests, {r['errors']} errors)"
    )


def measure(args, database_url: str, script: Path) -> None:
    token = seed(database_url)
    page = f"/sites/{token}/parcours"
    print(
        f"{os.cpu_count()} CPU, Python {sys.version.split()[0]}, {args.clients} connections × {args.seconds:g} s, "
        f"database {database_url.split(':')[0]}"
    )

    rounds = {"hello": [], "page": []}
    server = Server(database_url)
    try:
        wrk(server.base + page, args.clients, 3, script)  # warm both workers (catalogs, geo data)
        wrk(server.base + "/bench/hello", args.clients, 2, script)
        # Hello-world and page runs alternate, so that both see the same machine load.
        for i in range(args.rounds):
            for name, path in (("hello", "/bench/hello"), ("page", page)):
                rounds[name].append(wrk(server.base + path, args.clients, args.seconds, script))
                show(
                    f"round {i + 1}: " + ("hello-world" if name == "hello" else "path page (cached)"),
                    rounds[name][-1],
                )

        # Cold views one at a time: each step change makes a new site version, then the next
        # view computes and renders it (on whichever worker takes it).
        cold = []
        for i in range(args.cold_views):
            status, _ = server.request(
                "POST",
                f"{page}/etapes/{TRACKED_STEP}",
                {"statut": ("fait", "en_cours")[i % 2], "date": "2026-10-01", "note": f"Bench {i}"},
            )
            assert status == 303, status
            t = time.perf_counter()
            status, body = server.request("GET", page)
            cold.append((time.perf_counter() - t) * 1000)
            assert status == 200 and f"Bench {i}".encode() in body
        warm_one = []
        for _ in range(args.cold_views):
            t = time.perf_counter()
            status, body = server.request("GET", page)
            warm_one.append((time.perf_counter() - t) * 1000)
        print(
            f"{'first view after a change, 1 client':34s}          p50 {statistics.median(cold):7.1f} ms  "
            f"p95 {pct(cold, 0.95):7.1f} ms  ({len(cold)} views)"
        )
        print(
            f"{'view without change, 1 client':34s}          p50 {statistics.median(warm_one):7.1f} ms  "
            f"p95 {pct(warm_one, 0.95):7.1f} ms"
        )
    finally:
        server.stop()
    events = count_events(database_url)
    served = sum(r["requests"] for r in rounds["page"]) + 2 * args.cold_views
    print(
        f"« parcours_consulte » events written: {events} for at least {served} page views measured "
        f"(plus warm-up): none lost at shutdown"
        if events >= served
        else f"« parcours_consulte » events written: {events}, fewer than the {served} views measured"
    )

    variants = {}
    for name, config in (
        ("event written in each request", {"PARCOURS_VIEW_EVENTS_SECONDS": 0}),
        ("page cache off (every view renders)", {"PARCOURS_PAGE_CACHE": False}),
        ("2 sync workers (GUNICORN_THREADS=1)", {"threads": 1}),
    ):
        server = Server(database_url, **config)
        try:
            wrk(server.base + page, args.clients, 3, script)
            hello = wrk(server.base + "/bench/hello", args.clients, args.seconds, script)
            variants[name] = (hello, wrk(server.base + page, args.clients, args.seconds, script))
            show("hello-world", hello)
            show(f"path page, {name}", variants[name][1])
        finally:
            server.stop()

    raw = len(body)
    t = time.perf_counter()
    for _ in range(20):
        packed = gzip.compress(body, 6)
    gzip_ms = (time.perf_counter() - t) / 20 * 1000
    print(
        f"page weight: {raw / 1000:.0f} kB raw, {len(packed) / 1000:.0f} kB gzip -6 "
        f"({gzip_ms:.2f} ms of CPU per response to compress)"
    )
    hello = {k: statistics.median(r[k] for r in rounds["hello"]) for k in ("p50", "p95", "rps")}
    warm = {k: statistics.median(r[k] for r in rounds["page"]) for k in ("p50", "p95", "rps")}
    print(
        f"median of {args.rounds} rounds: hello-world p50 {hello['p50']:.1f} ms, p95 {hello['p95']:.1f} ms, "
        f"{hello['rps']:.0f} req/s; path page p50 {warm['p50']:.1f} ms, p95 {warm['p95']:.1f} ms, "
        f"{warm['rps']:.0f} req/s"
    )
    print(
        f"ratio page / hello-world (cached, medians): p50 {warm['p50'] / hello['p50']:.1f}×, "
        f"p95 {warm['p95'] / hello['p95']:.1f}×, throughput {hello['rps'] / warm['rps']:.1f}× lower"
    )
    for name, (h, p) in variants.items():
        print(
            f"ratio page / hello-world ({name}): p50 {p['p50'] / h['p50']:.1f}×, p95 {p['p95'] / h['p95']:.1f}×"
        )
    verdict = "met" if warm["p95"] <= 60 else "NOT met"
    print(f"target page p95 ≤ 60 ms with {args.clients} clients: {verdict} (median p95 {warm['p95']:.1f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cold-views", type=int, default=40)
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temporary folder")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is required: install it with `apt-get install -y wrk` (Debian package).")

    tmp = Path(tempfile.mkdtemp(prefix="pf-bench-"))
    script = tmp / "report.lua"
    script.write_text(WRK_LUA, encoding="utf-8")
    drop = None
    if args.database_url and args.database_url.startswith("postgresql"):
        database_url, drop = throwaway_schema(args.database_url)
    else:
        database_url = args.database_url or f"sqlite:///{tmp}/bench.sqlite"
    try:
        measure(args, database_url, script)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if drop:
            drop()


if __name__ == "__main__":
    main()
