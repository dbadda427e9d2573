"""Login without a password: a 6-digit code by e-mail, single use, hashed, 15 minutes."""

from __future__ import annotations

import logging
from datetime import timedelta

from app.accounts.models import Account, LoginCode
from app.extensions import db
from app.models import utcnow

from .conftest import login


def test_code_by_mail_logs_in_and_creates_the_account(client, smtp):
    response = client.post("/connexion", data={"email": "  Marie.Durand@Commune.FR "})
    assert response.status_code == 303 and response.location.endswith("/connexion/code")
    mail = smtp.last("marie.durand@commune.fr")
    code = smtp.code_for("marie.durand@commune.fr")
    assert "15 minutes" in mail["body"]
    assert Account.query.count() == 0  # typing an address creates nothing, logs nobody in
    assert client.get("/mes-sites").status_code == 302

    response = client.post("/connexion/code", data={"code": code})
    assert response.status_code == 303 and response.location.endswith("/mes-sites")
    assert client.get("/mes-sites").status_code == 200
    assert Account.query.one().email == "marie.durand@commune.fr"


def test_the_code_is_stored_hashed_and_works_once(client, smtp):
    client.post("/connexion", data={"email": "a@commune.fr"})
    code = smtp.code_for("a@commune.fr")
    row = LoginCode.query.one()
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert client.post("/connexion/code", data={"code": code}).status_code == 303
    assert LoginCode.query.count() == 0


def test_a_used_code_cannot_be_replayed_with_the_old_session(client, smtp, app):
    client.post("/connexion", data={"email": "b@commune.fr"})
    code = smtp.code_for("b@commune.fr")
    stolen = client.get_cookie("session").value  # the session that waits for the code
    assert client.post("/connexion/code", data={"code": code}).status_code == 303

    replay = app.test_client()
    replay.set_cookie("session", stolen)
    response = replay.post("/connexion/code", data={"code": code})
    assert response.status_code == 422
    assert "plus valable" in response.text
    assert replay.get("/mes-sites").status_code == 302


def test_an_expired_code_is_refused(client, smtp):
    client.post("/connexion", data={"email": "c@commune.fr"})
    code = smtp.code_for("c@commune.fr")
    row = LoginCode.query.one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.post("/connexion/code", data={"code": code})
    assert response.status_code == 422 and "expiré" in response.text
    assert client.get("/mes-sites").status_code == 302


def test_a_new_code_replaces_the_previous_one(client, smtp):
    client.post("/connexion", data={"email": "d@commune.fr"})
    first = smtp.code_for("d@commune.fr")
    client.post("/connexion", data={"email": "d@commune.fr"})
    second = smtp.code_for("d@commune.fr")
    if first != second:
        assert client.post("/connexion/code", data={"code": first}).status_code == 422
    assert client.post("/connexion/code", data={"code": second}).status_code == 303


def test_five_wrong_codes_end_the_code(client, smtp):
    client.post("/connexion", data={"email": "e@commune.fr"})
    code = smtp.code_for("e@commune.fr")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        response = client.post("/connexion/code", data={"code": wrong})
        assert response.status_code == 422 and "pas le bon" in response.text
    response = client.post("/connexion/code", data={"code": wrong})
    assert "Trop d&#39;essais avec ce code" in response.text
    assert client.post("/connexion/code", data={"code": code}).status_code == 422
    assert client.get("/mes-sites").status_code == 302


def test_an_invalid_address_gets_a_french_message_and_is_kept(client, smtp):
    response = client.post("/connexion", data={"email": "pas-une-adresse"})
    assert response.status_code == 422
    assert "adresse électronique valide" in response.text
    assert 'value="pas-une-adresse"' in response.text
    assert smtp.messages == []


def test_an_unreachable_smtp_server_is_a_french_message_not_a_500(database_url, _schema):
    from tests.conftest import make_app

    app = make_app(database_url, SMTP_HOST="127.0.0.1", SMTP_PORT=1, SMTP_TLS="none", SMTP_TIMEOUT=2)
    with app.app_context():
        response = app.test_client().post("/connexion", data={"email": "f@commune.fr"})
        assert response.status_code == 422
        assert "pas pu être envoyé" in response.text
        LoginCode.query.delete()
        db.session.commit()


def test_development_prints_the_mail_without_the_address(database_url, _schema, caplog):
    from tests.conftest import make_app

    app = make_app(database_url, SMTP_HOST="")
    with app.app_context(), caplog.at_level(logging.INFO):
        app.logger.propagate = True
        client = app.test_client()
        client.post("/connexion", data={"email": "secret.person@commune.fr"})
        client.post("/connexion/code", data={"code": "000000"})
        text = caplog.text
        LoginCode.query.delete()
        db.session.commit()
    assert "Votre code de connexion" in text
    assert "secret.person" not in text


def test_logout_ends_every_session_of_the_account(client, smtp, app):
    login(client, smtp, "g@commune.fr")
    copied = app.test_client()
    copied.set_cookie("session", client.get_cookie("session").value)
    assert copied.get("/mes-sites").status_code == 200
    client.post("/deconnexion")
    assert client.get("/mes-sites").status_code == 302
    assert copied.get("/mes-sites").status_code == 302  # a copied cookie dies with the logout
