"""The read-only share link of a site (issue 15, item 4): created, copied, replaced and deleted
by whoever manages the site; whoever holds it reads the summary, the path and the steps, and
can neither write nor learn who works on the site."""

from __future__ import annotations

import html
import re

from app.accounts.models import ShareLink, SiteActivity
from app.models import Event, Site, StepProgress

from .conftest import login, new_site

LINK = re.compile(r'id="lien-lecture" value="(https?://[^"]+)"')


def _owner_with_site(client, smtp, email="owner@commune.fr") -> str:
    login(client, smtp, email)
    token = new_site(client)
    client.post(f"/sites/{token}/rattacher")
    client.post("/compte", data={"nom": "Marie Curie"})
    return token


def _share(client, token: str) -> str:
    """Create (or replace) the link through the page's button; returns its path, as copied
    from the « Personnes et accès » page."""
    response = client.post(f"/sites/{token}/acces/lecture")
    assert response.status_code == 303 and response.location.endswith(f"/sites/{token}/acces#lecture")
    page = client.get(f"/sites/{token}/acces")
    url = LINK.search(page.text).group(1)
    assert 'data-copier="lien-lecture"' in page.text  # « Copier le lien de lecture seule »
    return "/" + url.split("/", 3)[3]


def _no_write_in(page_html: str, token: str) -> None:
    assert "<form" not in page_html and "<textarea" not in page_html and "<select" not in page_html
    assert 'method="post"' not in page_html.lower() and "csrf_token" not in page_html
    assert token not in page_html  # never the private link
    assert not re.search(r'href="/sites/[^"]', page_html)  # no link to a private page
    assert "/acces" + '"' not in page_html


def test_the_owner_creates_copies_replaces_and_deletes_the_link(app, client, smtp, content):
    token = _owner_with_site(client, smtp)
    page = client.get(f"/sites/{token}/acces")
    assert "Créer un lien de lecture seule" in page.text and not LINK.search(page.text)

    path = _share(client, token)
    secret = path.split("/")[2]
    assert path == f"/lecture/{secret}" and len(secret) >= 22  # ≥ 128 bits, URL-safe base64
    row = ShareLink.query.one()
    assert secret not in (row.nonce, row.token_hash)  # the database does not hold the link
    assert _share(client, token) != path  # « Remplacer par un nouveau lien de lecture »
    new = "/" + LINK.search(client.get(f"/sites/{token}/acces").text).group(1).split("/", 3)[3]
    assert client.get(path).status_code == 404  # the old one stops working at once
    assert client.get(new).status_code == 200

    response = client.post(f"/sites/{token}/acces/lecture/supprimer")
    assert response.status_code == 303 and ShareLink.query.count() == 0
    assert client.get(new).status_code == 404
    assert "Créer un lien de lecture seule" in client.get(f"/sites/{token}/acces").text

    log = [a.text for a in SiteActivity.query.filter_by(kind="lien_lecture").order_by(SiteActivity.id)]
    assert log == [
        "a créé un lien de lecture seule",
        "a remplacé le lien de lecture seule",
        "a supprimé le lien de lecture seule",
    ]
    assert "Marie Curie a supprimé le lien de lecture seule" in html.unescape(
        client.get(f"/sites/{token}/acces").text
    )


def test_the_read_only_pages_show_the_path_and_nothing_that_writes(app, client, smtp, content):
    token = _owner_with_site(client, smtp)
    site = Site.query.one()
    site.nom = "Ancienne laiterie"
    step = content.catalogs.steps[0]
    client.post(
        f"/sites/{token}/parcours/etapes/{step.id}", data={"statut": "en_cours", "note": "Devis demandé"}
    )
    path = _share(client, token)
    reader = app.test_client()  # no account, no cookie

    home = reader.get(path)
    assert home.status_code == 200 and "Ancienne laiterie" in home.text and "lecture seule" in home.text
    _no_write_in(home.text, token)
    assert f'href="{path}/parcours"' in home.text

    parcours = reader.get(f"{path}/parcours")
    assert parcours.status_code == 200 and "Les étapes par phase" in parcours.text
    assert html.escape(step.title, quote=False) in parcours.text or step.title in html.unescape(parcours.text)
    assert f'href="{path}/parcours/etapes/{step.id}"' in parcours.text
    assert "Devis demandé" in parcours.text and "Les prochaines actions du site" in parcours.text
    _no_write_in(parcours.text, token)

    detail = reader.get(f"{path}/parcours/etapes/{step.id}")
    assert detail.status_code == 200 and "En cours" in detail.text and "Devis demandé" in detail.text
    _no_write_in(detail.text, token)

    for page in (home, parcours, detail):
        text = html.unescape(page.text)
        assert "owner@commune.fr" not in text and "Marie Curie" not in text  # nobody named
        assert "Journal des actions" not in text and "Personnes qui ont accès" not in text
        assert "Vos prochaines actions" not in text  # the reader is not the site's team
        assert page.headers["Cache-Control"] == "no-store"
        assert "noindex" in page.headers["X-Robots-Tag"]
        assert page.headers["Referrer-Policy"] == "no-referrer"
        assert "Set-Cookie" not in page.headers
    # the private page keeps its own policy
    assert client.get(f"/sites/{token}").headers["Referrer-Policy"] == "same-origin"


def test_nothing_can_be_written_through_a_read_only_link(app, client, smtp, content):
    token = _owner_with_site(client, smtp)
    path = _share(client, token)
    secret = path.split("/")[2]
    reader = app.test_client()
    step = content.catalogs.steps[0]
    lecture_rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/lecture/")]
    assert len(lecture_rules) == 3
    assert all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in lecture_rules)
    # every write URL of a site, with the read-only secret instead of the private token
    writes = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/sites/<token>") and rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
    ]
    for rule in writes:
        url = rule.rule
        for name in rule.arguments - {"token"}:
            url = url.replace(f"<{name}>", step.id).replace(f"<int:{name}>", "1")
        data = {"statut": "fait", "role": "proprietaire", "email": "x@y.fr", "confirmation": "oui"}
        assert reader.post(url.replace("<token>", secret), data=data).status_code in (404, 405)
        lecture_url = url.replace("/sites/<token>", path)
        assert reader.post(lecture_url, data=data).status_code in (404, 405), lecture_url
    for method in ("post", "put", "patch", "delete"):
        response = getattr(reader, method)(f"{path}/parcours/etapes/{step.id}", data={"statut": "fait"})
        assert response.status_code == 405
    assert StepProgress.query.count() == 0 and Site.query.one().token == token
    assert ShareLink.query.count() == 1


def test_a_link_opens_its_own_site_only(app, client, smtp):
    token = _owner_with_site(client, smtp)
    other = app.test_client()  # another site, without account: its link holder manages it
    other_token = new_site(other)
    Site.query.filter_by(token=other_token).one().nom = "Site voisin"
    other_path = _share(other, other_token)
    path = _share(client, token)
    assert path != other_path
    assert "Site voisin" in app.test_client().get(other_path).text
    assert "Site voisin" not in app.test_client().get(path).text
    # a changed character, another length, or a site's private token: the French 404 page
    secret = path.split("/")[2]
    for wrong in (secret[:-1] + ("A" if secret[-1] != "A" else "B"), secret[:-1], token, other_token, "x"):
        response = app.test_client().get(f"/lecture/{wrong}/parcours")
        assert response.status_code == 404 and "Lien de lecture introuvable" in response.text
    # the other site's link is not a key to this site's management
    assert app.test_client().post(f"/sites/{token}/acces/lecture/supprimer").status_code in (302, 404)
    assert ShareLink.query.count() == 2


def test_only_those_who_manage_the_site_handle_the_link(app, client, smtp):
    token = _owner_with_site(client, smtp)
    client.post(f"/sites/{token}/acces/inviter", data={"email": "paul@epci.fr", "role": "editeur"})
    editor = app.test_client()
    invitation = re.search(r"(/invitations/\S+)", smtp.last("paul@epci.fr")["body"]).group(1)
    login(editor, smtp, "paul@epci.fr", next_url=invitation)
    editor.post(invitation)
    assert editor.post(f"/sites/{token}/acces/lecture").status_code == 403
    assert ShareLink.query.count() == 0
    assert "lien-lecture" not in editor.get(f"/sites/{token}/acces").text
    _share(client, token)
    assert editor.post(f"/sites/{token}/acces/lecture/supprimer").status_code == 403
    assert ShareLink.query.count() == 1


def test_a_read_only_visit_counts_a_step_view_and_no_site_activity(app, client, smtp, content):
    token = _owner_with_site(client, smtp)
    path = _share(client, token)
    step = content.catalogs.steps[0]
    before = Event.query.filter(Event.site_id.isnot(None)).count()
    reader = app.test_client()
    reader.get(path)
    reader.get(f"{path}/parcours")
    reader.get(f"{path}/parcours/etapes/{step.id}")
    assert Event.query.filter(Event.site_id.isnot(None)).count() == before  # no « activity »
    views = Event.query.filter_by(type="etape_vue").all()
    assert [e.data for e in views] == [{"id": step.id}] and views[0].site_id is None


def test_the_link_goes_with_the_site(app, client, smtp):
    token = _owner_with_site(client, smtp)
    path = _share(client, token)
    assert client.get(f"/sites/{token}/donnees.json").json["lien_de_lecture_cree_le"]
    assert path.split("/")[2] not in client.get(f"/sites/{token}/donnees.json").text
    client.post(f"/sites/{token}/supprimer", data={"confirmation": "oui"})
    assert ShareLink.query.count() == 0
    assert app.test_client().get(path).status_code == 404


def test_a_read_only_link_never_reaches_the_logs():
    from app.privacy import mask_tokens

    line = 'GET /lecture/EglskiNbaDLrJUqnta-xnY4kSWYFMgiGBqGm_lxfPP8/parcours HTTP/1.1" 200'
    assert "EglskiNba" not in mask_tokens(line) and "/lecture/[jeton]/parcours" in mask_tokens(line)
    assert "1-f65166d92a" not in mask_tokens("POST /rappels/tous/1-f65166d92a3fa5b820d316e76d6951af")
