"""Personal data: export as JSON, hard deletion of a site and of an account."""

from __future__ import annotations

from app.accounts.models import Account, Invitation, LoginCode, SiteActivity, SiteMember
from app.extensions import db
from app.models import Answer, Event, Site, StepProgress

from .conftest import login, new_site


def _site_with_data(client, smtp, content, email="marie@commune.fr") -> str:
    login(client, smtp, email)
    client.post("/compte", data={"nom": "Marie"})
    token = new_site(client)
    client.post(f"/sites/{token}/rattacher")
    step = content.catalogs.steps[0]
    client.post(
        f"/sites/{token}/parcours/etapes/{step.id}", data={"statut": "en_cours", "note": "Rendez-vous DDT"}
    )
    return token


def test_account_export_holds_everything_about_the_account(client, smtp, content):
    token = _site_with_data(client, smtp, content)
    client.post(f"/sites/{token}/acces/inviter", data={"email": "paul@epci.fr", "role": "lecteur"})
    response = client.get("/compte/donnees.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_json()
    assert data["compte"]["courriel"] == "marie@commune.fr" and data["compte"]["nom"] == "Marie"
    (site,) = data["sites"]
    assert site["role"] == "proprietaire" and token in site["lien"]
    assert site["site"]["etapes"][0]["note"] == "Rendez-vous DDT"
    assert site["site"]["invitations_en_attente"][0]["courriel"] == "paul@epci.fr"
    assert any("rattaché" in a["action"] for a in data["actions"])


def test_site_export_for_members_and_link_holders(client, smtp, content, app):
    token = _site_with_data(client, smtp, content)
    data = client.get(f"/sites/{token}/donnees.json").get_json()
    assert data["etapes"][0]["etat"] == "en_cours"
    assert data["personnes"][0]["courriel"] == "marie@commune.fr"
    assert app.test_client().get(f"/sites/{token}/donnees.json").status_code == 302  # login first
    anonymous_token = new_site(app.test_client())
    assert app.test_client().get(f"/sites/{anonymous_token}/donnees.json").get_json()["reponses"] == []


def test_deleting_a_site_hard_deletes_it_and_keeps_anonymous_statistics(client, smtp, content):
    token = _site_with_data(client, smtp, content)
    site_id = Site.query.filter_by(token=token).one().id
    events = Event.query.filter_by(site_id=site_id).count()
    assert events >= 2
    assert client.post(f"/sites/{token}/supprimer", data={}).status_code == 422  # confirmation needed
    assert client.post(f"/sites/{token}/supprimer", data={"confirmation": "oui"}).status_code == 303
    db.session.expire_all()
    assert Site.query.filter_by(id=site_id).count() == 0
    for model in (Answer, StepProgress, SiteMember, SiteActivity, Invitation):
        assert model.query.filter_by(site_id=site_id).count() == 0
    assert Event.query.filter_by(site_id=None).count() >= events  # detached, still counted
    assert client.get(f"/sites/{token}").status_code == 404


def test_deleting_an_account_removes_personal_data_and_its_own_sites(app, client, smtp, content):
    token = _site_with_data(client, smtp, content)
    shared = new_site(client)
    client.post(f"/sites/{shared}/rattacher")
    client.post(f"/sites/{shared}/acces/inviter", data={"email": "paul@epci.fr", "role": "proprietaire"})
    path = "/" + smtp.link_for("paul@epci.fr").split("/", 3)[3]
    paul = app.test_client()
    login(paul, smtp, "paul@epci.fr", next_url=path)
    paul.post(path)

    unconfirmed = client.post("/compte/supprimer", data={})
    assert Account.query.filter_by(email="marie@commune.fr").count() == 1  # not confirmed
    # the page comes back with the message next to the box, not as a banner far above it
    assert unconfirmed.status_code == 422
    assert 'id="confirmation-erreur"' in unconfirmed.text and 'aria-invalid="true"' in unconfirmed.text
    assert "Cochez la case pour confirmer la suppression de votre compte." in unconfirmed.text
    assert client.post("/compte/supprimer", data={"confirmation": "oui"}).status_code == 303
    db.session.expire_all()
    assert Account.query.filter_by(email="marie@commune.fr").count() == 0
    assert LoginCode.query.filter_by(email="marie@commune.fr").count() == 0
    assert Site.query.filter_by(token=token).count() == 0  # she was alone on it
    kept = Site.query.filter_by(token=shared).one()  # Paul keeps the shared site
    assert [m.account.email for m in SiteMember.query.filter_by(site_id=kept.id)] == ["paul@epci.fr"]
    log = paul.get(f"/sites/{shared}/acces").text
    assert "Marie" not in log and "marie@commune.fr" not in log
    assert "Un ancien membre" in log
    assert client.get("/mes-sites").status_code == 302


def test_the_only_owner_of_a_shared_site_must_hand_it_over_first(app, client, smtp, content):
    token = _site_with_data(client, smtp, content)
    client.post(f"/sites/{token}/acces/inviter", data={"email": "lea@commune.fr", "role": "lecteur"})
    path = "/" + smtp.link_for("lea@commune.fr").split("/", 3)[3]
    lea = app.test_client()
    login(lea, smtp, "lea@commune.fr", next_url=path)
    lea.post(path)
    client.post("/compte/supprimer", data={"confirmation": "oui"})
    assert Account.query.filter_by(email="marie@commune.fr").count() == 1
    assert Site.query.filter_by(token=token).count() == 1


def test_no_email_in_statistics_events(client, smtp, content):
    _site_with_data(client, smtp, content)
    for event in Event.query.all():
        assert "marie" not in repr(event.data).lower()
