"""Throughput of ``POST /api/v1/parcours`` and of the path page, as a share of a hello-world
Flask route's throughput on the same gunicorn in the same run (issue 13: ≥ 35 %).

Usage::

    apt-get install -y wrk
    .venv/bin/python bench/throughput_bench.py [--seconds 10] [--clients 20] [--rounds 3] [--database-url URL]

Starts gunicorn with ``gunicorn.conf.py`` (2 workers × 2 threads, as in production, access log
to /dev/null) on a fresh SQLite file (WAL) holding one saved site, rate limits on with limits
far above the load (so their cost is measured, not their refusals), and drives it with ``wrk``
(1 thread, N keep-alive connections, closed loop). Hello-world (``/bench/hello``), the API
(the contract's example body, then 1,000 distinct bodies that each miss the per-worker response
cache) and the path page alternate over the rounds, so that all three see
the same machine load; the medians of the rounds give the ratios printed at the end. Results:
docs/benchmarks.md (« Débit »).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.parcours_http_bench import WRK_LUA, Server, seed, show, throwaway_schema, wrk  # noqa: E402

HIGH_LIMITS = {key: "1000000/minute" for key in ("RATELIMIT_API", "RATELIMIT_SITES", "RATELIMIT_VOTES")}


def post_script(folder: Path, body: dict) -> Path:
    path = folder / "post.lua"
    payload = json.dumps(body, ensure_ascii=False).replace("\\", "\\\\").replace('"', '\\"')
    path.write_text(
        'wrk.method = "POST"\n'
        f'wrk.body = "{payload}"\n'
        'wrk.headers["Content-Type"] = "application/json"\n' + WRK_LUA,
        encoding="utf-8",
    )
    return path


def varied_script(folder: Path, body: dict, n: int = 1000) -> Path:
    """POSTs cycling through ``n`` distinct bodies (the surface changes): every one misses the
    API's response cache, so the path is computed and serialised each time."""
    bodies = []
    for i in range(n):
        variant = json.loads(json.dumps(body))
        variant["site"]["unite_fonciere_surface"] = 1000 + 37 * i
        bodies.append(json.dumps(variant, ensure_ascii=False).replace("\\", "\\\\").replace('"', '\\"'))
    lua = "bodies = {" + ",".join(f'"{b}"' for b in bodies) + "}\n"
    lua += (
        "counter = 0\n"
        "request = function()\n"
        "  counter = counter % #bodies + 1\n"
        '  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, bodies[counter])\n'
        "end\n"
    )
    path = folder / "varied.lua"
    path.write_text(lua + WRK_LUA, encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is required: apt-get install -y wrk")
    from app.api.spec import EXAMPLE

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        drop = None
        if args.database_url:
            database_url, drop = throwaway_schema(args.database_url)
        else:
            database_url = f"sqlite:///{folder / 'bench.sqlite'}"
        token = seed(database_url)
        get_script = folder / "get.lua"
        get_script.write_text(WRK_LUA, encoding="utf-8")
        api_script = post_script(folder, EXAMPLE)
        varied = varied_script(folder, EXAMPLE)
        server = Server(database_url, **HIGH_LIMITS)
        try:
            page = f"/sites/{token}/parcours"
            status, body = server.request("GET", page)
            assert status == 200, status
            wrk(server.base + "/bench/hello", args.clients, 2, get_script)  # warm-up
            wrk(server.base + "/api/v1/parcours", args.clients, 2, api_script)
            wrk(server.base + page, args.clients, 2, get_script)
            runs = {"hello": [], "api": [], "api_varied": [], "page": []}
            for i in range(args.rounds):
                for name, path, script in (
                    ("hello", "/bench/hello", get_script),
                    ("page", page, get_script),
                    ("api", "/api/v1/parcours", api_script),
                    ("api_varied", "/api/v1/parcours", varied),
                ):
                    result = wrk(server.base + path, args.clients, args.seconds, script)
                    runs[name].append(result)
                    show(f"round {i + 1}: {name}", result)
            status, api_body = 0, b""
            import http.client

            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            conn.request(
                "POST",
                "/api/v1/parcours",
                body=json.dumps(EXAMPLE),
                headers={"Content-Type": "application/json"},
            )
            response = conn.getresponse()
            api_body = response.read()
            conn.close()
        finally:
            server.stop()
            if drop:
                drop()
    med = {name: statistics.median(r["rps"] for r in results) for name, results in runs.items()}
    errors = sum(r["errors"] for results in runs.values() for r in results)
    print(
        f"\nmedians of {args.rounds} rounds: hello-world {med['hello']:.0f} req/s, "
        f"POST /api/v1/parcours {med['api']:.0f} req/s, path page {med['page']:.0f} req/s ({errors} errors)"
    )
    print(f"API body: {len(api_body):,} bytes")
    print(f"ratio API / hello-world:  {100 * med['api'] / med['hello']:.0f} %  (target ≥ 35 %)")
    print(
        f"ratio API, 1,000 distinct bodies (no cached response) / hello-world: "
        f"{100 * med['api_varied'] / med['hello']:.0f} %  ({med['api_varied']:.0f} req/s)"
    )
    print(f"ratio page / hello-world: {100 * med['page'] / med['hello']:.0f} %  (target ≥ 35 %)")


if __name__ == "__main__":
    main()
