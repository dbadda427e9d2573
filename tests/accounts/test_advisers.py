"""The advisers' view: only the shared sites of the adviser's territories; comments both ways;
territories configured by the service team with `flask conseillers`."""

from __future__ import annotations

import html

import pytest

from app.extensions import db
from app.models import Site
from tests.conftest import app_in_context, empty_database, make_app

from .conftest import login, mail_config, new_site


@pytest.fixture
def app(database_url, _schema, smtp, tmp_path):
    app = make_app(
        database_url,
        ADVISERS_FILE=str(tmp_path / "conseillers.yaml"),
        ADVISERS_REQUIRE_PROCONNECT=False,
        **mail_config(smtp),
    )
    yield from app_in_context(app)


def _adviser(app, email, *args):
    result = app.test_cli_runner().invoke(args=["conseillers", "ajouter", email, "--organisme", "DDT", *args])
    assert result.exit_code == 0, result.output


def _owned_site(client, smtp, departement="62", name="Friche du canal") -> tuple[str, Site]:
    login(client, smtp, "maire@commune.fr")
    token = new_site(client)
    client.post(f"/sites/{token}/rattacher")
    site = Site.query.filter_by(token=token).one()
    site.nom, site.commune_code, site.departement_code = name, "62528", departement
    db.session.commit()
    return token, site


def test_an_adviser_sees_only_shared_sites_of_their_territory(app, client, smtp):
    _adviser(app, "agent@ddt-62.gouv.fr", "--departement", "62")
    _adviser(app, "agent@ddt-59.gouv.fr", "--departement", "59")
    token, site = _owned_site(client, smtp)
    ddt62 = app.test_client()
    login(ddt62, smtp, "agent@ddt-62.gouv.fr")
    ddt59 = app.test_client()
    login(ddt59, smtp, "agent@ddt-59.gouv.fr")

    # not shared yet: nothing shown, not even to the right territory
    assert "Friche du canal" not in ddt62.get("/conseiller").text
    assert ddt62.get(f"/conseiller/sites/{site.id}").status_code == 404

    client.post(f"/sites/{token}/partage-conseillers", data={"actif": "oui"})
    page = html.unescape(ddt62.get("/conseiller").text)
    assert "Friche du canal" in page and "Loos-en-Gohelle" in page
    assert ddt62.get(f"/conseiller/sites/{site.id}").status_code == 200
    assert token not in page  # the adviser never gets the site's link
    # outside the territory: nothing
    assert "Friche du canal" not in ddt59.get("/conseiller").text
    assert ddt59.get(f"/conseiller/sites/{site.id}").status_code == 404
    assert ddt59.post(f"/conseiller/sites/{site.id}", data={"commentaire": "x"}).status_code == 404
    # an adviser cannot open or change the site itself
    assert ddt62.get(f"/sites/{token}").status_code == 404
    # revoked: nothing again
    client.post(f"/sites/{token}/partage-conseillers", data={"actif": "non"})
    assert "Friche du canal" not in ddt62.get("/conseiller").text
    assert ddt62.get(f"/conseiller/sites/{site.id}").status_code == 404


def test_comments_go_both_ways(app, client, smtp):
    _adviser(app, "agent@cerema.fr", "--departement", "62")
    token, site = _owned_site(client, smtp)
    client.post(f"/sites/{token}/partage-conseillers", data={"actif": "oui"})
    adviser = app.test_client()
    login(adviser, smtp, "agent@cerema.fr")
    assert adviser.post(f"/conseiller/sites/{site.id}", data={"commentaire": ""}).status_code == 422
    adviser.post(f"/conseiller/sites/{site.id}", data={"commentaire": "Le fonds vert ouvre en mars."})
    owner_view = html.unescape(client.get(f"/sites/{token}/acces").text)
    assert "Le fonds vert ouvre en mars." in owner_view
    assert "agent@cerema.fr (DDT)</strong>" in owner_view  # the commune sees which organisation wrote
    client.post(f"/sites/{token}/commentaires", data={"commentaire": "Merci, nous candidatons."})
    adviser_view = html.unescape(adviser.get(f"/conseiller/sites/{site.id}").text)
    assert "Merci, nous candidatons." in adviser_view
    assert "<strong>maire@commune.fr</strong>" in adviser_view  # a member: no organisation added


def test_who_is_not_an_adviser_gets_nothing(app, client, smtp):
    login(client, smtp, "curieux@ailleurs.fr")
    assert client.get("/conseiller").status_code == 404
    assert app.test_client().get("/conseiller").status_code == 302  # login first


def test_the_adviser_view_asks_for_proconnect(database_url, _schema, smtp, tmp_path):
    app = make_app(database_url, ADVISERS_FILE=str(tmp_path / "c.yaml"), **mail_config(smtp))
    with app.app_context():
        _adviser(app, "agent@ddt-62.gouv.fr", "--departement", "62")
        client = app.test_client()
        login(client, smtp, "agent@ddt-62.gouv.fr")  # by e-mail code, not ProConnect
        response = client.get("/conseiller")
        assert response.status_code == 302 and "/connexion" in response.location
        empty_database()


def test_cli_lists_and_removes_advisers(app):
    _adviser(app, "Agent@DDT.gouv.fr", "--departement", "62", "--epci", "200033579")
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["conseillers", "liste"]).output
    assert "agent@ddt.gouv.fr — DDT — département 62, EPCI 200033579" in listed
    assert runner.invoke(args=["conseillers", "ajouter", "x@y.fr", "--organisme", "DDT"]).exit_code != 0
    assert runner.invoke(args=["conseillers", "retirer", "agent@ddt.gouv.fr"]).exit_code == 0
    assert runner.invoke(args=["conseillers", "liste"]).output == ""
