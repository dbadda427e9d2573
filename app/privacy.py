"""Keep private tokens out of logs: a /sites/<token> or /portefeuilles/<token> URL (and the
API's /api/v1/parcours/lot/<token>) is the key to a user's file."""

import logging
import re

_TOKEN = re.compile(
    r"(/sites/|/portefeuilles/|/api/v1/parcours/lot/|/invitations/|/calendriers/|/rappels/desabonner/|/rappels/tous/|/lecture/)[A-Za-z0-9_-]{16,}"
)
# "token": "…", token='…', token=…, PostgreSQL's "Key (token)=(…)" (a parameter, a repr or a
# constraint message that reached a log line)
_NAMED = re.compile(r"""(token\)?['"]?\s*[:=]\s*\(?['"]?)[A-Za-z0-9_-]{16,}""", re.IGNORECASE)


def mask_tokens(text: str) -> str:
    return _NAMED.sub(r"\1[jeton]", _TOKEN.sub(r"\1[jeton]", text))


class TokenMaskingFormatter(logging.Formatter):
    """Masks tokens in the whole formatted record: message, arguments and traceback (a failed
    statement's text, a URL in an exception message)."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_tokens(super().format(record))
