"""A « lecteur » reads every page of a site and is offered nothing that writes; an « éditeur »
gets the forms. The pages are read from the app's URL map (every ``GET`` route under
``/sites/<token>``), so a page added later is swept too."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from flask import url_for

from app.accounts.models import SiteMember
from app.accounts.permissions import READER_PAGES
from app.extensions import db
from app.models import Site

from .test_sites_access import _invite_and_accept, _owner_with_site

NOTICE = "Vous consultez ce site en lecture : seuls ses éditeurs et propriétaires peuvent le modifier."
STEP = "inventaire-site"  # on every path
GROUP = "histoire"  # a page of the questionnaire shown to every site
POST_FORM = re.compile(r"<form\b[^>]*\bmethod\s*=\s*[\"']?post\b[^>]*>", re.IGNORECASE)
ACTION = re.compile(r"""\b(?:form)?action\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
HREF = re.compile(r"""\bhref\s*=\s*["']([^"']*)["']""", re.IGNORECASE)

# The forms a reader may send, with why.
READER_MAY_POST = {
    "/deconnexion": "« Se déconnecter », in the header of every page seen logged in",
    "/acces/{member}/retirer": "« Quitter le site » on « Personnes et accès »: leaving is the reader's own choice",
}
# Pages only the owners open (deleting the site): the reader gets the French 403 page.
OWNERS_ONLY = {"accounts.delete_site_view"}
# Pages whose only purpose is writing: a reader is sent to the page that shows the same thing.
READER_REDIRECTS = {
    "questionnaire.resume": "questionnaire.summary",  # the answers, as text
    "questionnaire.group": "questionnaire.summary",
    "portfolio.cartofriches_page": "localisation.localisation",  # the reference, read-only
    "reseau.publier": "sites.show",  # publishing speaks for the site in public
}
# Pages where an editor finds forms that change the site (the sweep checks they are there).
EDITOR_FORMS = {
    "parcours.show": ["/parcours/etapes/" + STEP + "/statut"],
    "parcours.step_page": ["/parcours/etapes/" + STEP, "/avis"],
    "questionnaire.group": ["/questionnaire/" + GROUP],
    "localisation.localisation": ["/localisation", "/localisation/enrichir"],
    "portfolio.cartofriches_page": ["/cartofriches"],
}


def _site_pages(app, token: str) -> dict[str, str]:
    """endpoint → URL of every GET route under /sites/<token>."""
    args = {"token": token, "step_id": STEP, "group_id": GROUP}
    pages = {}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" in rule.methods and rule.rule.startswith("/sites/<token>"):
                missing = set(rule.arguments) - set(args)
                assert not missing, f"{rule.rule}: give the sweep a value for {missing}"
                pages[rule.endpoint] = url_for(rule.endpoint, **{k: args[k] for k in rule.arguments})
    return pages


@pytest.fixture
def team(app, client, smtp):
    """A located site attached to an owner (``client``), with a reader and an editor."""
    token = _owner_with_site(client, smtp)
    site = Site.query.filter_by(token=token).one()
    site.nom = "Ancienne laiterie"
    site.commune_code, site.departement_code, site.region_code = "62528", "62", "32"  # Loos-en-Gohelle
    site.point_geojson = {"type": "Point", "coordinates": [2.778, 50.4566]}
    # a public source that did not answer: the location page offers « Réessayer » (a form)
    site.enrichissement = {
        "date": "2026-03-02T10:00:00+00:00",
        "sources": {"georisques": {"statut": "erreur", "avertissement": "Géorisques n'a pas répondu."}},
    }
    db.session.commit()
    reader = _invite_and_accept(app, client, smtp, token, "lea@commune.fr", "lecteur")
    editor = _invite_and_accept(app, client, smtp, token, "paul@epci.fr", "editeur")
    member = SiteMember.query.filter_by(site_id=site.id, role="lecteur").one()
    return token, reader, editor, member.id


def _post_targets(text: str, page: str) -> list[str]:
    """Where each POST form of a page goes (a form without ``action`` posts to the page)."""
    found = [ACTION.search(tag) for tag in POST_FORM.findall(text)]
    return [urlsplit(m.group(1)).path if m and m.group(1) else urlsplit(page).path for m in found]


def test_the_readers_sweep_finds_no_form_that_writes(app, team):
    token, reader, _, member_id = team
    site_prefix = f"/sites/{token}"
    allowed = {
        p if p == "/deconnexion" else site_prefix + p.format(member=member_id) for p in READER_MAY_POST
    }
    write_only = {url for endpoint, url in _site_pages(app, token).items() if endpoint in READER_REDIRECTS}
    pages = _site_pages(app, token)
    assert {"sites.show", "parcours.show", "localisation.localisation", "questionnaire.summary"} <= set(pages)
    seen_html = 0
    for endpoint, url in sorted(pages.items()):
        response = reader.get(url)
        if endpoint in OWNERS_ONLY:
            assert response.status_code == 403, endpoint
            assert "vous pouvez consulter le site, pas le modifier" in response.text
            continue
        if endpoint in READER_REDIRECTS:
            assert response.status_code == 302, endpoint
            with app.test_request_context():
                target = url_for(READER_REDIRECTS[endpoint], token=token)
            assert urlsplit(response.location).path == target, endpoint
            response = reader.get(target)
        assert response.status_code == 200, (endpoint, response.status_code)
        if response.mimetype != "text/html":
            continue  # the PDF summary, the JSON export
        seen_html += 1
        text = response.text
        assert text.count(NOTICE) == 1, endpoint
        assert "formaction" not in text.lower(), endpoint
        targets = _post_targets(text, response.request.path)
        assert set(targets) <= allowed, (endpoint, set(targets) - allowed)
        # no other form (a GET one) or link aims at a page that only writes
        for address in ACTION.findall(text) + HREF.findall(text):
            path = urlsplit(address).path
            assert path not in write_only, (endpoint, path)
    assert seen_html >= 6
    # the reader does find « Quitter le site »
    assert f"{site_prefix}/acces/{member_id}/retirer" in _post_targets(
        reader.get(f"{site_prefix}/acces").text, ""
    )
    # what a reader reads instead: the answers as text, the location without controls
    summary = reader.get(f"{site_prefix}/synthese").text
    assert "Synthèse des réponses" in summary and ">Modifier<" not in summary
    place = reader.get(f"{site_prefix}/localisation").text
    assert "longitude 2.778, latitude 50.4566" in place and 'id="carte-site"' in place
    assert 'id="carte"' not in place and "localisation.js" not in place


def test_the_editors_sweep_finds_the_forms(app, team):
    token, _, editor, _ = team
    for endpoint, url in sorted(_site_pages(app, token).items()):
        response = editor.get(url, follow_redirects=True)
        if endpoint in OWNERS_ONLY:
            assert response.status_code == 403, endpoint
            continue
        assert response.status_code == 200, (endpoint, response.status_code)
        if response.mimetype != "text/html":
            continue
        assert NOTICE not in response.text, endpoint
        if endpoint in EDITOR_FORMS:
            targets = _post_targets(response.text, response.request.path)
            for target in EDITOR_FORMS[endpoint]:
                assert f"/sites/{token}{target}" in targets, (endpoint, target, targets)
    # and the links to the pages that write
    assert f"/sites/{token}/questionnaire" in editor.get(f"/sites/{token}").text
    assert f"/sites/{token}/questionnaire/" in editor.get(f"/sites/{token}/synthese").text


def test_only_an_owner_finds_the_publication_form(app, client, team):
    """Publishing speaks for the site in public: an editor reads why, an owner gets the form."""
    token, _, editor, _ = team
    page = f"/sites/{token}/projet-inspirant"
    response = editor.get(page)
    assert response.status_code == 200 and "Seul un propriétaire du site peut le publier" in response.text
    assert f"/sites/{token}/projet-inspirant" not in _post_targets(response.text, page)
    assert editor.post(page, data={"titre": "Essai"}).status_code == 403
    owner = client.get(page)
    assert f"/sites/{token}/projet-inspirant" in _post_targets(owner.text, page)
    assert "Seul un propriétaire du site peut le publier" not in owner.text


def test_the_write_only_pages_send_readers_where_the_test_says(app):
    """The redirects the views declare (permissions.readers_see) are the ones swept above."""
    assert READER_PAGES == READER_REDIRECTS


def test_the_path_page_cache_keeps_each_kind_of_visitor_its_page(app, client, team):
    token, reader, editor, _ = team
    tracking = f'action="/sites/{token}/parcours/etapes/{STEP}/statut"'
    for who in (editor, reader, client):
        who.get(f"/sites/{token}")  # shows their pending messages (a page with one is not cached)
    for _ in range(2):  # the second round from the cache
        for who, expected in ((editor, True), (reader, False), (client, True)):
            text = who.get(f"/sites/{token}/parcours").text
            assert (tracking in text) is expected
            assert (NOTICE in text) is not expected
    cache = app.extensions["parcours_page_cache"]
    # two pages rendered: the editor's, that the owner's views share, and the reader's
    assert (cache.misses, cache.hits) == (2, 4)
    # an anonymous holder of a link, after a logged-in visitor: no account tools in the header
    site = Site(nom="Sans compte")
    db.session.add(site)
    db.session.commit()
    assert "Se déconnecter" in client.get(f"/sites/{site.token}/parcours").text
    anonymous = app.test_client().get(f"/sites/{site.token}/parcours").text
    assert "Se déconnecter" not in anonymous and "Se connecter" in anonymous
