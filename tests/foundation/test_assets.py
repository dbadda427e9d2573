"""Light pages (issue 12, item 9): fingerprinted, precompressed, long-cached static files; only
the DSFR components and icons the pages use; compressed HTML that keeps its headers."""

from __future__ import annotations

import gzip
import os
import re

import brotli
from werkzeug.test import Client

from app.assets import FingerprintingWhiteNoise
from app.assets_build import (
    DSFR_DIST,
    Usage,
    check_icons,
    icons_css,
    scan_usage,
    selected_components,
    subset_is_current,
)
from app.models import Site
from tests.conftest import make_app

YEAR_IMMUTABLE = "max-age=315360000, public, immutable"


def static_links(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_pages_link_fingerprinted_files_cached_for_good_and_compressed(client):
    html = client.get("/").get_data(as_text=True)
    links = static_links(html)
    assert links and all(re.search(r"\.[0-9a-f]{12}\.[a-z0-9]+$", link) for link in links), links
    stylesheet = next(link for link in links if "dsfr.subset.min." in link)
    response = client.get(stylesheet, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == YEAR_IMMUTABLE
    assert response.headers["Content-Encoding"] == "br"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    css = brotli.decompress(response.data).decode()
    assert ".fr-header" in css and ".fr-accordion" in css
    gzipped = client.get(stylesheet, headers={"Accept-Encoding": "gzip"})
    assert gzip.decompress(gzipped.data).decode() == css
    # A browser that accepts nothing gets the file as is.
    assert client.get(stylesheet).data.decode() == css


def test_a_stale_fingerprint_is_not_served_and_plain_names_are_cached_a_day(client):
    assert client.get("/static/css/app.000000000000.css").status_code == 404
    plain = client.get("/static/vendor/dsfr/fonts/Marianne-Regular.woff2")
    assert plain.status_code == 200
    assert plain.headers["Cache-Control"] == "max-age=86400, public"
    assert client.get("/static/../app/__init__.py").status_code == 404


def test_a_compressed_twin_older_than_its_file_is_never_served(tmp_path):
    css = tmp_path / "css" / "page.css"
    css.parent.mkdir()
    css.write_text("body { color: red; }" * 50)
    twin = tmp_path / "css" / "page.css.gz"
    twin.write_bytes(gzip.compress(b"body { color: blue; }" * 50))
    old = css.stat().st_mtime - 60
    os.utime(twin, (old, old))
    app = FingerprintingWhiteNoise(lambda env, start: [], root=str(tmp_path), prefix="/static", max_age=60)
    response = Client(app).get("/static/css/page.css", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in response.headers
    assert response.get_data(as_text=True).startswith("body { color: red; }")
    name = app.fingerprinted_name("css/page.css")
    assert re.fullmatch(r"css/page\.[0-9a-f]{12}\.css", name)
    assert Client(app).get(f"/static/{name}").headers["Cache-Control"] == YEAR_IMMUTABLE


def test_html_is_compressed_and_private_pages_stay_no_store(app, client):
    home = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert home.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in home.headers["Vary"]
    assert "Votre friche, étape par étape" in gzip.decompress(home.data).decode()
    site = Site(nom="Friche compressée", commune_code="62528", departement_code="62", region_code="32")
    from app.extensions import db

    db.session.add(site)
    db.session.commit()
    for path in (f"/sites/{site.token}", f"/sites/{site.token}/parcours", f"/sites/{site.token}/parcours"):
        response = client.get(path, headers={"Accept-Encoding": "br"})
        assert response.status_code == 200, path
        assert response.headers["Content-Encoding"] == "br"
        assert "no-store" in response.headers["Cache-Control"], path
        assert "Friche compressée" in brotli.decompress(response.data).decode()


def test_without_light_assets_the_whole_dsfr_is_served_uncompressed(database_url, _schema):
    app = make_app(database_url, LIGHT_ASSETS=False)
    client = app.test_client()
    response = client.get("/", headers={"Accept-Encoding": "gzip, br"})
    assert "Content-Encoding" not in response.headers
    html = response.get_data(as_text=True)
    assert 'href="/static/vendor/dsfr/dsfr.min.css"' in html
    assert 'href="/static/vendor/dsfr/utility/icons/icons.min.css"' in html


def test_every_icon_the_pages_use_exists_in_dsfr_and_the_subsets_are_built():
    usage = scan_usage()
    assert check_icons(usage) == []
    assert subset_is_current() == [], "fichiers DSFR réduits périmés : lancez `make setup`"


def test_an_unknown_or_computed_icon_stops_the_build():
    usage = Usage(
        frozenset({"fr-icon-check-line", "fr-icon-licorne-line", "fr-icon-"}),
        {
            "fr-icon-check-line": "app/templates/a.html:1",
            "fr-icon-licorne-line": "app/templates/b.html:7",
            "fr-icon-": "app/static/js/c.js:3",
        },
    )
    errors = check_icons(usage)
    assert errors == [
        "app/static/js/c.js:3 : nom d'icône construit à l'exécution (« fr-icon-… ») ; "
        "écrivez le nom complet de la classe pour que l'icône soit incluse.",
        "app/templates/b.html:7 : l'icône « fr-icon-licorne-line » n'existe pas dans le DSFR.",
    ]
    ok = Usage(frozenset({"fr-icon-check-line"}), {"fr-icon-check-line": "a.html:1"})
    css = icons_css(ok)
    assert ".fr-icon-check-line:after" in css and "fr-icon-mail-line" not in css


def test_components_follow_the_classes_used_with_their_dependencies():
    header_only = Usage(frozenset({"fr-header", "fr-btn"}), {})
    chosen = selected_components(header_only, DSFR_DIST)
    # The header's README lists its dependencies; unrelated components stay out.
    assert {"header", "button", "navigation", "modal", "logo"} <= set(chosen)
    assert "accordion" not in chosen and "table" not in chosen
    assert chosen.index("button") < chosen.index("header")
    computed = Usage(frozenset({"fr-alert--"}), {})
    assert "alert" in selected_components(computed, DSFR_DIST)
