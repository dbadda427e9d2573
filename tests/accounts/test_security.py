"""What an attacker was tried with: someone else's site, CSRF, code reuse and expiry, rate
limits, session fixation, open redirects through ``next``, invitation reuse and expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.accounts.models import Invitation
from app.accounts.routes import safe_next
from app.extensions import db
from app.models import Site, utcnow
from tests.conftest import make_app

from .conftest import login, mail_config, new_site

SECRET_NAME = "Friche-secrete-du-voisin"


def _victim_site(client, smtp, content) -> str:
    login(client, smtp, "victime@commune.fr")
    token = new_site(client)
    client.post(f"/sites/{token}/rattacher")
    site = Site.query.filter_by(token=token).one()
    site.nom = SECRET_NAME
    db.session.commit()
    step = content.catalogs.steps[0]
    client.post(f"/sites/{token}/parcours/etapes/{step.id}/statut", data={"statut": "fait"})
    return token


def _urls(app, token, content, methods):
    step = content.catalogs.steps[0].id
    group = content.questionnaire.groups[0].id
    values = {"step_id": step, "group_id": group, "member_id": "1", "invitation_id": "1"}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/sites/<token>") or not (rule.methods & methods):
            continue
        url = rule.rule.replace("<token>", token)
        for name in rule.arguments - {"token"}:
            url = url.replace(f"<int:{name}>", values.get(name, "x")).replace(
                f"<{name}>", values.get(name, "x")
            )
        yield rule.rule, url


def test_another_users_site_is_a_404_on_every_page_and_write(app, client, smtp, content):
    token = _victim_site(client, smtp, content)
    attacker = app.test_client()
    login(attacker, smtp, "attaquant@ailleurs.fr")
    seen = 0
    for rule, url in _urls(app, token, content, {"GET"}):
        response = attacker.get(url)
        assert response.status_code == 404, (rule, response.status_code)
        assert SECRET_NAME not in response.text
        seen += 1
    for rule, url in _urls(app, token, content, {"POST"}):
        response = attacker.post(
            url, data={"statut": "a_faire", "confirmation": "oui", "role": "proprietaire"}
        )
        assert response.status_code == 404, (rule, response.status_code)
        seen += 1
    assert seen >= 20
    site = Site.query.filter_by(token=token).one()
    assert site.nom == SECRET_NAME and [s.status for s in site.steps] == ["fait"]
    # nor through « Mes sites », the account export or the site export
    assert SECRET_NAME not in attacker.get("/mes-sites").text
    assert SECRET_NAME not in attacker.get("/compte/donnees.json").text


def test_anonymous_visitor_of_an_attached_site_sees_nothing_of_it(app, client, smtp, content):
    token = _victim_site(client, smtp, content)
    anonymous = app.test_client()
    for rule, url in _urls(app, token, content, {"GET"}):
        response = anonymous.get(url)
        assert response.status_code in (302, 404), rule
        assert SECRET_NAME not in response.text


def test_csrf_is_required_on_account_forms(database_url, _schema, smtp):
    app = make_app(database_url, WTF_CSRF_ENABLED=True, **mail_config(smtp))
    with app.app_context():
        client = app.test_client()
        assert client.post("/connexion", data={"email": "a@b.fr"}).status_code == 400
        assert smtp.messages == []
        for url in ("/connexion/code", "/deconnexion", "/compte/supprimer", "/compte/rappels"):
            assert client.post(url, data={}).status_code == 400, url


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "https://evil.example/",
        "http:evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
        " //evil.example",
        "evil.example",
    ],
)
def test_next_never_leaves_the_service(client, smtp, target):
    response = login(client, smtp, "a@commune.fr", next_url=target)
    assert response.status_code == 303
    assert response.location in ("/mes-sites", "http://localhost/mes-sites")
    assert safe_next(target) is None


def test_next_inside_the_service_is_followed(client, smtp):
    token = new_site(client)
    response = login(client, smtp, "a@commune.fr", next_url=f"/sites/{token}")
    assert response.location.endswith(f"/sites/{token}")


def test_session_is_renewed_at_login(app, client, smtp):
    with client.session_transaction() as session:
        session["planted"] = "by-an-attacker"
    client.post("/connexion", data={"email": "a@commune.fr"})
    before = client.get_cookie("session").value
    client.post("/connexion/code", data={"code": smtp.code_for("a@commune.fr")})
    after = client.get_cookie("session").value
    assert before != after
    with client.session_transaction() as session:
        assert "planted" not in session
    # the session cookie from before the login does not carry the login
    old = app.test_client()
    old.set_cookie("session", before)
    assert old.get("/mes-sites").status_code == 302


def _limited_app(database_url, smtp, **limits):
    return make_app(database_url, RATELIMIT_ENABLED=True, **mail_config(smtp), **limits)


def test_codes_are_rate_limited_per_address_whatever_the_ip(database_url, _schema, smtp):
    app = _limited_app(database_url, smtp)
    with app.app_context():
        client = app.test_client()
        codes = [
            client.post(
                "/connexion", data={"email": "cible@commune.fr"}, environ_base={"REMOTE_ADDR": f"10.0.0.{i}"}
            ).status_code
            for i in range(6)
        ]
        assert codes == [303] * 5 + [429]
        assert len(smtp.messages) == 5
        other = client.post(
            "/connexion", data={"email": "autre@commune.fr"}, environ_base={"REMOTE_ADDR": "10.0.0.9"}
        )
        assert other.status_code == 303


def test_codes_are_rate_limited_per_ip(database_url, _schema, smtp):
    app = _limited_app(database_url, smtp, RATELIMIT_LOGIN_IP="3/hour")
    with app.app_context():
        client = app.test_client()
        codes = [client.post("/connexion", data={"email": f"p{i}@commune.fr"}).status_code for i in range(4)]
        assert codes == [303, 303, 303, 429]


def test_code_tries_are_rate_limited_per_ip(database_url, _schema, smtp):
    app = _limited_app(database_url, smtp, RATELIMIT_CODE_IP="3/minute")
    with app.app_context():
        client = app.test_client()
        client.post("/connexion", data={"email": "x@commune.fr"})
        codes = [client.post("/connexion/code", data={"code": "abcdef"}).status_code for _ in range(4)]
        assert codes == [422, 422, 422, 429]


def test_an_invitation_link_expires_and_works_once(app, client, smtp):
    login(client, smtp, "owner@commune.fr")
    token = new_site(client)
    client.post(f"/sites/{token}/rattacher")
    client.post(f"/sites/{token}/acces/inviter", data={"email": "paul@epci.fr", "role": "editeur"})
    path = "/" + smtp.link_for("paul@epci.fr").split("/", 3)[3]
    invitation = Invitation.query.one()
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    paul = app.test_client()
    login(paul, smtp, "paul@epci.fr")
    assert paul.post(path).status_code == 404
    assert paul.get(f"/sites/{token}").status_code == 404
    # a forged invitation token is the same 404
    assert paul.get("/invitations/" + "A" * 32).status_code == 404


def test_account_secrets_are_masked_in_logs():
    from app.privacy import mask_tokens

    line = (
        "GET /invitations/AbCdEfGhIjKlMnOpQrStUvWx12 /calendriers/12-0123456789abcdef0123456789abcdef01234567.ics "
        "/rappels/desabonner/3-4-0123456789abcdef0123456789abcdef"
    )
    masked = mask_tokens(line)
    assert "AbCdEfGh" not in masked and "0123456789abcdef" not in masked
    assert masked.count("[jeton]") == 3
