"""Keep private tokens out of logs: a /sites/<token> or /portefeuilles/<token> URL (and the
API's /api/v1/parcours/lot/<token>) is the key to a user's file."""

import re

_TOKEN = re.compile(r"(/sites/|/portefeuilles/|/api/v1/parcours/lot/)[A-Za-z0-9_-]{16,}")


def mask_tokens(text: str) -> str:
    return _TOKEN.sub(r"\1[jeton]", text)
