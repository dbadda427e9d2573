"""« Mes sites »: each site with its path progress, last update and next action; sort, filter."""

from __future__ import annotations

import html
import re

from app.extensions import db
from app.models import Site

from .conftest import login, new_site


def _names_in_order(text: str) -> list[str]:
    return re.findall(r'<a href="/sites/[A-Za-z0-9_-]+">([^<]+)</a>', text)


def test_my_sites_lists_progress_next_action_sorted_and_filtered(client, smtp, content):
    login(client, smtp, "marie@commune.fr")
    tokens = [new_site(client), new_site(client)]
    for token in tokens:
        client.post(f"/sites/{token}/rattacher")
    first, second = (Site.query.filter_by(token=t).one() for t in tokens)
    first.nom, second.nom = "Ancienne filature", "Zone du port"
    db.session.commit()

    page = client.get("/mes-sites")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "2 sites affichés sur 2" in text
    assert "Prochaine action" in text and "0 étape sur" in text

    # one step done on the first site: its progress moves, its next action changes, it is the latest
    from app.parcours.service import compute_for_site

    path, _ = compute_for_site(first)
    step = path.steps[0]
    client.post(f"/sites/{tokens[0]}/parcours/etapes/{step.id}/statut", data={"statut": "fait"})
    text = html.unescape(client.get("/mes-sites").text)
    assert f"1 étape sur {len(path.steps)}" in text
    assert _names_in_order(text)[0] == "Ancienne filature"  # most recent update first
    assert f">{path.steps[1].step.title}</a>" in text

    by_name = html.unescape(client.get("/mes-sites?tri=nom").text)
    assert _names_in_order(by_name) == ["Ancienne filature", "Zone du port"]
    by_progress = html.unescape(client.get("/mes-sites?tri=avancement").text)
    assert _names_in_order(by_progress)[0] == "Ancienne filature"

    filtered = html.unescape(client.get("/mes-sites?q=port").text)
    assert _names_in_order(filtered) == ["Zone du port"] and "1 site affiché sur 2" in filtered
    assert _names_in_order(html.unescape(client.get("/mes-sites?role=lecteur").text)) == []


def test_my_sites_needs_a_login(client):
    response = client.get("/mes-sites")
    assert response.status_code == 302 and "/connexion" in response.location
