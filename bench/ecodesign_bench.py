"""Page weights and request counts as a browser sees them, for the ecodesign declaration.

Usage::

    .venv/bin/python bench/ecodesign_bench.py [--write]

Serves the app on 127.0.0.1 (fresh SQLite database, one saved site with answers), opens each
page in Debian's Chromium (Playwright) with an empty cache, and records every response: count,
bytes of the files uncompressed, the same bytes gzip-compressed (level 6), the bytes actually
transferred (CDP ``encodedDataLength``: Brotli or gzip as served, headers included; see
bench/page_weight_bench.py for the revisit) and requests to any other host. ``--write`` stores the figures in
``stats/ecoconception.yaml``, read by the /ecoconception page. Results: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
import threading
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.parcours_http_bench import seed  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite:///{Path(tmp) / 'eco.sqlite'}"
        token = seed(database_url)
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": database_url, "ENRICHMENT_ENABLED": False, "SECRET_KEY": "eco"}
        )
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        pages = [
            ("Accueil", "/"),
            ("Localisation du site", f"/sites/{token}/localisation"),
            ("Questionnaire (une page)", f"/sites/{token}/questionnaire/histoire"),
            ("Parcours du site", f"/sites/{token}/parcours"),
            ("Statistiques", "/stats"),
        ]
        rows = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            for label, path in pages:
                context = browser.new_context()
                page = context.new_page()
                transferred = [0]
                cdp = context.new_cdp_session(page)
                cdp.on(
                    "Network.loadingFinished",
                    lambda event, t=transferred: t.__setitem__(
                        0, t[0] + int(event.get("encodedDataLength", 0))
                    ),
                )
                cdp.send("Network.enable")
                seen = []
                page.on("requestfinished", lambda request, seen=seen: seen.append(request))
                page.goto(base + path, wait_until="networkidle")
                raw = gz = third = 0
                for request in seen:
                    if urlsplit(request.url).netloc != urlsplit(base).netloc:
                        third += 1
                        continue
                    response = request.response()
                    body = response.body() if response else b""
                    raw += len(body)
                    gz += len(gzip.compress(body, 6))
                rows.append(
                    {
                        "page": label,
                        "requetes": len(seen),
                        "ko": round(raw / 1000),
                        "ko_gzip": round(gz / 1000),
                        "ko_transferes": round(transferred[0] / 1000),
                        "tiers": third,
                    }
                )
                print(
                    f"{label:30s} {len(seen):3d} requests  {raw / 1000:7.0f} kB  {gz / 1000:6.0f} kB gzip  "
                    f"{transferred[0] / 1000:6.0f} kB transferred  {third} third-party"
                )
                context.close()
            browser.close()
        server.shutdown()
    if args.write:
        out = ROOT / "stats" / "ecoconception.yaml"
        header = (
            "# Written by bench/ecodesign_bench.py --write (do not edit by hand); read by /ecoconception.\n"
        )
        out.write_text(
            header
            + yaml.safe_dump(
                {"date": date.today().strftime("%d/%m/%Y"), "pages": rows},
                allow_unicode=True,
                sort_keys=False,
            ),
            encoding="utf-8",
        )
        print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
