"""Accounts tests: a real SMTP server on 127.0.0.1 (aiosmtpd) receives the mail the app sends."""

from __future__ import annotations

import re
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import app_in_context, empty_database, make_app, serving


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(
            {
                "to": list(envelope.rcpt_tos),
                "subject": str(message["Subject"]),
                "reply_to": message["Reply-To"] and str(message["Reply-To"]),
                "body": message.get_body(("plain",)).get_content(),
                "raw": envelope.content.decode("utf-8", "replace"),
                "headers": {name: str(value) for name, value in message.items()},
            }
        )
        return "250 Message accepted for delivery"

    def last(self, to: str) -> dict:
        found = [m for m in self.messages if to in m["to"]]
        assert found, f"aucun courriel reçu par {to}"
        return found[-1]

    def code_for(self, to: str) -> str:
        return re.search(r"\b(\d{6})\b", self.last(to)["body"]).group(1)

    def link_for(self, to: str) -> str:
        return re.search(r"(https?://\S+/invitations/\S+)", self.last(to)["body"]).group(1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    mailbox.port = controller.port
    yield mailbox
    controller.stop()


def mail_config(smtp) -> dict:
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp.port, "SMTP_TLS": "none", "SMTP_TIMEOUT": 5}


@pytest.fixture
def app(database_url, _schema, smtp):
    app = make_app(database_url, **mail_config(smtp))
    yield from app_in_context(app)


def login(client, smtp, email: str, next_url: str | None = None):
    """Log ``client`` in as ``email`` through the real flow; returns the last response."""
    data = {"email": email}
    if next_url:
        data["next"] = next_url
    response = client.post("/connexion", data=data)
    assert response.status_code == 303, response.text
    return client.post("/connexion/code", data={"code": smtp.code_for(email)})


def new_site(client) -> str:
    response = client.post("/sites")
    return response.location.split("/")[2]


@pytest.fixture(scope="session")
def oidc_provider():
    """A local OpenID provider (oidc-provider-mock) standing for ProConnect."""
    import oidc_provider_mock

    with oidc_provider_mock.run_server_in_thread(port=0) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def advisers_file(tmp_path):
    return tmp_path / "conseillers.yaml"


@pytest.fixture
def live_app(database_url, _schema, smtp, oidc_provider, advisers_file):
    """The app the browser tests serve: CSRF on, mail to the test SMTP server, ProConnect on the
    local provider."""
    app = make_app(
        database_url,
        WTF_CSRF_ENABLED=True,
        PROCONNECT_ISSUER=oidc_provider,
        PROCONNECT_CLIENT_ID="parcours-friches",
        PROCONNECT_CLIENT_SECRET="secret",
        ADVISERS_FILE=str(advisers_file),
        **mail_config(smtp),
    )
    yield app
    with app.app_context():
        empty_database()


@pytest.fixture
def live_server(live_app):
    """``live_app`` over real HTTP; replaces the suite's live server for this folder."""
    with serving(live_app) as url:
        yield url
