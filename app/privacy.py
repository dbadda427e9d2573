"""Keep private site tokens out of logs: a /sites/<token> URL is the key to a user's file."""

import re

_TOKEN = re.compile(r"(/sites/)[A-Za-z0-9_-]{16,}")


def mask_tokens(text: str) -> str:
    return _TOKEN.sub(r"\1[jeton]", text)
