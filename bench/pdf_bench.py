"""Council summary PDF (WeasyPrint) next to the HTML path page, in the same run.

Usage::

    .venv/bin/python bench/pdf_bench.py [--rounds 15]

Creates the audit's Loos-en-Gohelle site (4 steps done) in a fresh SQLite database, then over
``--rounds`` alternating rounds (after one warm-up of each) times, in the app, one request each:

1. the path page ``/sites/<token>/parcours``, rendered afresh (page cache off: the cost of a
   first view), the baseline;
2. the PDF ``/sites/<token>/synthese.pdf`` (path computed, HTML rendered, laid out by
   WeasyPrint, fonts embedded).

Prints the medians (wall clock, and CPU time of the thread, steadier on a busy machine), the
ratios PDF / HTML page, the PDF's pages and size, and the peak RSS of
the process. Results: docs/benchmarks.md (« Synthèse PDF »).
"""

from __future__ import annotations

import argparse
import io
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    import pypdf

    from app.extensions import db
    from tests.conftest import make_app
    from tests.synthese.journey import loos_site

    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(f"sqlite:///{Path(tmp) / 'bench.sqlite'}", PARCOURS_PAGE_CACHE=False)
        with app.app_context():
            db.create_all()
            site = loos_site(done=4)
            token = site.token
            client = app.test_client()
            page_url, pdf_url = f"/sites/{token}/parcours", f"/sites/{token}/synthese.pdf"

            def timed(url: str) -> tuple[float, float, bytes]:
                wall, cpu = time.perf_counter(), time.thread_time()
                response = client.get(url)
                wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
                assert response.status_code == 200, (url, response.status_code)
                return wall, cpu, response.data

            timed(page_url), timed(pdf_url)  # warm-up: imports, fonts, templates
            html_times, pdf_times, html_cpu, pdf_cpu = [], [], [], []
            body = b""
            for _ in range(args.rounds):
                wall, cpu, _ = timed(page_url)
                html_times.append(wall)
                html_cpu.append(cpu)
                wall, cpu, body = timed(pdf_url)
                pdf_times.append(wall)
                pdf_cpu.append(cpu)

    html_ms = statistics.median(html_times) * 1000
    pdf_ms = statistics.median(pdf_times) * 1000
    html_cpu_ms = statistics.median(html_cpu) * 1000
    pdf_cpu_ms = statistics.median(pdf_cpu) * 1000
    pages = len(pypdf.PdfReader(io.BytesIO(body)).pages)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rounds: {args.rounds}")
    print(f"path page (HTML, cache off) median: {html_ms:.0f} ms wall, {html_cpu_ms:.0f} ms CPU")
    print(f"council summary (PDF) median:       {pdf_ms:.0f} ms wall, {pdf_cpu_ms:.0f} ms CPU")
    print(
        f"ratio PDF / HTML page:              {pdf_ms / html_ms:.1f} wall, {pdf_cpu_ms / html_cpu_ms:.1f} CPU"
    )
    print(f"PDF: {pages} pages, {len(body) / 1024:.0f} KiB")
    print(f"peak RSS of the process: {rss_mb:.0f} MiB")


if __name__ == "__main__":
    main()
