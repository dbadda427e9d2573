"""Outgoing e-mail through SMTP, configured by the environment.

``SMTP_HOST`` (no host: development mode, the message is printed to the application log —
subject and body, never the recipient's address), ``SMTP_PORT`` (587), ``SMTP_USER`` /
``SMTP_PASSWORD`` (optional), ``SMTP_TLS`` (``starttls`` by default, ``ssl`` for implicit TLS
on port 465, ``none`` for a local relay), ``SMTP_TIMEOUT`` (10 s), ``MAIL_FROM``.

Sending is synchronous and bounded by the timeout: the messages are short (a login code, an
invitation) and the user waits for them anyway. In production, a missing ``SMTP_HOST`` is a
configuration error raised at send time with a French message, never a silent loss.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from flask import current_app


class MailError(RuntimeError):
    """The message could not be handed to the SMTP server."""


def settings(environ) -> dict:
    """Mail settings from an environment mapping (used by app.config)."""
    return {
        "SMTP_HOST": environ.get("SMTP_HOST", ""),
        "SMTP_PORT": int(environ.get("SMTP_PORT", 587) or 587),
        "SMTP_USER": environ.get("SMTP_USER", ""),
        "SMTP_PASSWORD": environ.get("SMTP_PASSWORD", ""),
        "SMTP_TLS": environ.get("SMTP_TLS", "starttls").strip().lower(),
        "SMTP_TIMEOUT": float(environ.get("SMTP_TIMEOUT", 10) or 10),
        "MAIL_FROM": environ.get(
            "MAIL_FROM", "Parcours Friches <ne-pas-repondre@parcours-friches.beta.gouv.fr>"
        ),
    }


def send_mail(
    to: str,
    subject: str,
    body: str,
    *,
    reply_to: str | None = None,
    private: bool = False,
    headers: dict[str, str] | None = None,
) -> None:
    """Send one plain-text message. Raises :class:`MailError` when the server refuses it or
    cannot be reached. ``reply_to`` sets the ``Reply-To`` header (a relayed message: the
    recipient answers its author directly); a ``private`` body holds someone's personal data and
    is never written to the development log; ``headers`` adds others (e.g. ``List-Unsubscribe``)."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config.get("MAIL_FROM") or "ne-pas-repondre@localhost"
    message["To"] = to
    message["Subject"] = subject
    if reply_to:
        message["Reply-To"] = reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)

    host = config.get("SMTP_HOST")
    if not host:
        if config.get("ENV_NAME") == "production":
            raise MailError("SMTP_HOST n'est pas configuré : aucun courriel ne peut partir.")
        # Development: the message goes to the log. Its recipient does not (no personal data in
        # logs), so the developer reads the code here and types it.
        shown = (
            "(texte non écrit dans le journal : il contient des données personnelles)" if private else body
        )
        current_app.logger.info("Courriel (développement, non envoyé) — %s\n%s", subject, shown)
        return

    port = int(config.get("SMTP_PORT") or 587)
    timeout = float(config.get("SMTP_TIMEOUT") or 10)
    mode = config.get("SMTP_TLS") or "starttls"
    try:
        if mode == "ssl":
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        with smtp:
            if mode == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        # The exception text may hold the address (a refused recipient): log its type only.
        current_app.logger.warning("SMTP: envoi impossible (%s)", type(error).__name__)
        raise MailError("Le courriel n'a pas pu être envoyé.") from error
