"""Reminders that respect people: an owner of a site inactive for N weeks gets one e-mail at
most every N weeks, with the next action; one click unsubscribes them for that site."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import update

from app.accounts.models import SiteActivity
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
