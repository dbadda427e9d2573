"""The map of /projets-inspirants (app/maps.py): its points are the listed projects, filtered
like the list, placed in their commune, with nothing personal; the page works without
JavaScript (the list is the content, Leaflet is loaded only when there is something to map)."""

from __future__ import annotations

import json
import re

from app.extensions import db
from app.geo import commune_at
from app.models import Site
from app.reseau import service
from app.reseau.models import ProjetInspirant

POINT_KEYS = {"lat", "lon", "title", "url", "place", "detail", "approx"}


def publish(titre, commune="62528", dep="62", reg="32", usage="habitat", phase="foncier", nom="Friche"):
    site = Site(nom=nom, commune_code=commune, departement_code=dep, region_code=reg)
    db.session.add(site)
    db.session.flush()
    projet = ProjetInspirant(
        site_id=site.id,
        titre=titre,
        recit="Un récit.",
        usage=usage,
        phase=phase,
        commune_code=commune,
        departement_code=dep,
        region_code=reg,
    )
    service.approve(projet)
    db.session.add(projet)
    db.session.commit()
    return projet


def map_points(html: str) -> list[dict]:
    found = re.search(r'<script type="application/json" id="carte-projets-points">(.*?)</script>', html, re.S)
    assert found, "bloc des points de la carte absent"
    return json.loads(found.group(1))


def test_the_map_shows_the_listed_projects_at_their_commune(client):
    loos = publish("Une tôlerie devenue logements")
    lyon = publish(
        "Un dépôt devenu gymnase", "69123", "69", "84", usage="équipement public", phase="realiser"
    )
    hidden = publish("Une gare devenue tiers-lieu", commune=None)  # commune not shown by its owner

    html = client.get("/projets-inspirants").get_data(as_text=True)
    points = map_points(html)
    assert sorted(p["url"] for p in points) == sorted(
        f"/projets-inspirants/{p.public_id}" for p in (loos, lyon)
    )
    for point in points:
        assert set(point) == POINT_KEYS and point["approx"] is True
    by_title = {p["title"]: p for p in points}
    assert commune_at(by_title[loos.titre]["lon"], by_title[loos.titre]["lat"]).code == "62528"
    assert commune_at(by_title[lyon.titre]["lon"], by_title[lyon.titre]["lat"]).code == "69123"
    assert by_title[loos.titre]["place"] == "Loos-en-Gohelle (Pas-de-Calais)"
    assert (
        by_title[lyon.titre]["detail"]
        == "Un équipement public (école, salle, maison de santé…) — Réaliser et suivre"
    )
    # every project is in the list; the one without a commune is said to be off the map
    assert hidden.titre in html and loos.titre in html and lyon.titre in html
    assert "1 projet de la liste, dont la commune n&#39;est pas publiée, ne figure pas sur la carte." in html
    assert "pas sur le site lui-même" in html  # the page says a marker is the commune, not the site


def test_filters_filter_the_map_too(client):
    loos = publish("Une tôlerie devenue logements")
    lyon = publish(
        "Un dépôt devenu gymnase", "69123", "69", "84", usage="équipement public", phase="realiser"
    )
    lens = publish("Une cité minière rénovée", "62498", "62", "32", usage="habitat", phase="realiser")

    def urls(query):
        return sorted(
            p["url"].rsplit("/", 1)[1] for p in map_points(client.get(query).get_data(as_text=True))
        )

    assert urls("/projets-inspirants?usage=habitat") == sorted([loos.public_id, lens.public_id])
    assert urls("/projets-inspirants?region=84") == [lyon.public_id]
    assert urls("/projets-inspirants?phase=realiser&region=32") == [lens.public_id]
    nothing = client.get("/projets-inspirants?usage=industrie").get_data(as_text=True)
    assert map_points(nothing) == []
    assert "Aucun projet à montrer sur la carte pour ces filtres." in nothing
    assert "Aucun projet publié ne correspond à ces filtres." in nothing
    # the région filter offers the régions of published projects only
    page = client.get("/projets-inspirants").get_data(as_text=True)
    assert '<option value="84">Auvergne-Rhône-Alpes</option>' in page
    assert '<option value="11">' not in page
    # an unknown value is said and ignored, never an error
    wrong = client.get("/projets-inspirants?phase=lune&region=%3Cb%3E")
    assert wrong.status_code == 200
    text = wrong.get_data(as_text=True)
    assert "La phase « lune » n&#39;existe pas" in text and "La région « &lt;b&gt; » n&#39;existe pas" in text
    assert len(map_points(text)) == 3


def test_the_map_json_holds_nothing_personal(client, app):
    projet = publish("Une tôlerie devenue logements", nom="Tôlerie Dupont, chez M. Martin")
    site = db.session.get(Site, projet.site_id)
    from app.accounts.models import Account, SiteMember

    account = Account(email="maire@commune.fr")
    db.session.add(account)
    db.session.flush()
    db.session.add(SiteMember(site_id=site.id, account_id=account.id, role="proprietaire"))
    db.session.commit()
    html = client.get("/projets-inspirants").get_data(as_text=True)
    block = re.search(r'id="carte-projets-points">(.*?)</script>', html, re.S).group(1)
    assert len(json.loads(block)) == 1
    for secret in (site.token, "Dupont", "Martin", "maire@commune.fr", "/sites/"):
        assert secret not in block


def test_the_list_is_the_content_without_javascript(client):
    empty = client.get("/projets-inspirants").get_data(as_text=True)
    assert "leaflet" not in empty  # nothing to map: Leaflet is not even loaded
    assert "Aucun projet à montrer sur la carte pour le moment." in empty

    projet = publish("Une tôlerie devenue logements")
    html = client.get("/projets-inspirants").get_data(as_text=True)
    assert 'id="carte-projets-bloc"' in html and re.search(
        r'id="carte-projets-bloc"[^>]*\shidden>', html, re.S
    )
    assert f'href="/projets-inspirants/{projet.public_id}"' in html  # the list, as before
    assert 'href="#liste-projets"' in html and 'id="liste-projets"' in html  # skip the map
    assert "vendor/leaflet/leaflet." in html and "js/carte-points." in html
    assert "<script>" not in html  # no inline script (CSP)
