"""Reminders that respect people: an owner of a site inactive for N weeks gets one e-mail at
most every N weeks, with the next action; one click unsubscribes them for that site."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import update

from app.accounts.models import Account, SiteActivity
from app.extensions import db
from app.models import Site, utcnow

from .conftest import login, new_site


def _age_everything(weeks: int) -> None:
    old = utcnow() - timedelta(weeks=weeks)
    db.session.execute(update(Site).values(updated_at=old))
    db.session.execute(update(SiteActivity).values(created_at=old))
    db.session.commit()


def test_an_inactive_site_gets_one_reminder_per_period(app, client, smtp, runner):
    login(client, smtp, "maire@commune.fr")
    token = new_site(client)
    client.post(f"/sites/{token}/rattacher")
    before = len(smtp.messages)
    assert "0 rappel(s)" in runner.invoke(args=["reminders", "send"]).output  # active: nothing

    _age_everything(5)
    assert "1 rappel(s)" in runner.invoke(args=["reminders", "send"]).output
    mail = smtp.last("maire@commune.fr")
    assert len(smtp.messages) == before + 1
    assert "Prochaine action :" in mail["body"] and f"/sites/{token}" in mail["body"]
    # the next day: nothing more (at most one every 4 weeks), and the reminder is no activity
    assert "0 rappel(s)" in runner.invoke(args=["reminders", "send"]).output
    assert len(smtp.messages) == before + 1

    # one click on the link of the mail unsubscribes for this site
    path = "/" + re.search(r"https?://[^/]+/(rappels/desabonner/\S+)", mail["body"]).group(1)
    page = app.test_client().get(path)
    assert page.status_code == 200 and "Ne plus recevoir" in page.text  # a GET changes nothing
    assert app.test_client().post(path).status_code == 200
    _age_everything(10)
    assert "0 rappel(s)" in runner.invoke(args=["reminders", "send"]).output
    assert app.test_client().get(path.replace("desabonner/", "desabonner/9")).status_code == 404


def test_a_site_without_account_gets_no_reminder(app, client, smtp, runner):
    new_site(client)
    _age_everything(10)
    assert "0 rappel(s)" in runner.invoke(args=["reminders", "send"]).output
    assert smtp.messages == []


def _owner_of_an_inactive_site(client, smtp, email="maire@commune.fr") -> str:
    login(client, smtp, email)
    token = new_site(client)
    client.post(f"/sites/{token}/rattacher")
    _age_everything(5)
    return token


def _all_link(mail: dict) -> str:
    return "/" + re.search(r"aucun site : https?://[^/]+/(rappels/tous/\S+)", mail["body"]).group(1)


def test_one_click_stops_every_reminder_and_a_get_stops_none(app, client, smtp, runner):
    _owner_of_an_inactive_site(client, smtp)
    assert "1 rappel(s)" in runner.invoke(args=["reminders", "send"]).output
    mail = smtp.last("maire@commune.fr")
    path = _all_link(mail)
    assert "Ne plus recevoir aucun rappel" in mail["body"]
    # RFC 8058: the mail client's own « Se désabonner » posts to the same link
    assert mail["headers"]["List-Unsubscribe"].strip() == f"<http://localhost{path}>"
    assert mail["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    scanner = app.test_client()  # a mail scanner opens every link: nothing changes
    page = scanner.get(path)
    assert page.status_code == 200 and "Ne plus recevoir aucun rappel" in page.text
    assert scanner.head(path).status_code == 200
    assert Account.query.one().reminders_enabled is True

    _age_everything(5)  # a period later: still subscribed
    assert "1 rappel(s)" in runner.invoke(args=["reminders", "send"]).output

    # the one-click POST of RFC 8058 (no CSRF token, no cookie), with the app's CSRF on
    app.config["WTF_CSRF_ENABLED"] = True
    response = app.test_client().post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "plus aucun rappel" in response.text
    assert Account.query.one().reminders_enabled is False
    _age_everything(10)
    assert "0 rappel(s)" in runner.invoke(args=["reminders", "send"]).output


def test_a_tampered_or_foreign_key_is_refused(app, client, smtp, runner):
    _owner_of_an_inactive_site(client, smtp)
    runner.invoke(args=["reminders", "send"])
    path = _all_link(smtp.last("maire@commune.fr"))
    account_id, _, digest = path.rsplit("/", 1)[1].partition("-")
    flipped = digest[:-1] + ("0" if digest[-1] != "0" else "1")
    for wrong in (
        f"/rappels/tous/{account_id}-{flipped}",
        f"/rappels/tous/{int(account_id) + 1}-{digest}",  # another account, same signature
        f"/rappels/tous/{account_id}-{digest[:-2]}",
        f"/rappels/tous/{account_id}",
        "/rappels/tous/x-y",
    ):
        assert app.test_client().post(wrong).status_code == 404, wrong
        assert app.test_client().get(wrong).status_code == 404
    assert Account.query.one().reminders_enabled is True


def test_the_account_page_switches_reminders_off_and_on(app, client, smtp, runner):
    _owner_of_an_inactive_site(client, smtp)
    page = client.get("/compte")
    assert "Ne plus recevoir aucun rappel" in page.text
    response = client.post("/compte/rappels", data={"actif": "non"})
    assert response.status_code == 303 and Account.query.one().reminders_enabled is False
    assert "Recevoir de nouveau les rappels" in client.get("/compte").text
    assert client.get("/compte/donnees.json").json["compte"]["rappels_par_courriel"] is False
    _age_everything(5)
    assert "0 rappel(s)" in runner.invoke(args=["reminders", "send"]).output

    client.post("/compte/rappels", data={"actif": "oui"})
    assert Account.query.one().reminders_enabled is True
    assert client.get("/compte/donnees.json").json["compte"]["rappels_par_courriel"] is True
    _age_everything(5)
    assert "1 rappel(s)" in runner.invoke(args=["reminders", "send"]).output
    # only the owner's own switch: an anonymous post is sent to the login page
    anonymous = app.test_client().post("/compte/rappels", data={"actif": "non"})
    assert anonymous.status_code == 302 and "/connexion" in anonymous.location
    assert Account.query.one().reminders_enabled is True


def test_the_global_switch_leaves_other_owners_alone(app, client, smtp, runner):
    _owner_of_an_inactive_site(client, smtp)
    other = app.test_client()
    _owner_of_an_inactive_site(other, smtp, "adjoint@commune.fr")
    client.post("/compte/rappels", data={"actif": "non"})
    _age_everything(5)
    before = len(smtp.messages)
    assert "1 rappel(s)" in runner.invoke(args=["reminders", "send"]).output
    assert [m["to"] for m in smtp.messages[before:]] == [["adjoint@commune.fr"]]


def test_the_reminder_says_what_its_date_is(app, client, smtp, runner):
    """The deadline line reads « Calendrier : … », as on the site's page, not a bare phrase."""
    from app.engine.plan import DeadlineKind, next_actions
    from app.parcours.service import compute_for_site

    login(client, smtp, "maire@commune.fr")
    token = new_site(client)
    client.post(f"/sites/{token}/rattacher")
    site = Site.query.filter_by(token=token).one()
    site.commune_code, site.epci_code, site.departement_code, site.region_code = (
        "62528",
        "246200364",
        "62",
        "32",
    )
    db.session.commit()
    path, _ = compute_for_site(site)
    action = next_actions(path, {}, n=1)[0]
    _age_everything(5)
    assert "1 rappel(s)" in runner.invoke(args=["reminders", "send"]).output
    body = smtp.last("maire@commune.fr")["body"]
    assert f"Prochaine action : {action.step.step.title}." in body
    if action.deadline.kind != DeadlineKind.NONE:
        assert f"Calendrier : {action.deadline.label}." in body.splitlines()
    assert not re.search(r"^Date ", body, re.M)
