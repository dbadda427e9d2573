"""Private site tokens never reach the access logs."""

import datetime
import importlib.util
from pathlib import Path

from gunicorn.config import Config

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def _load_conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_access_log_masks_site_tokens():
    module = _load_conf()
    logger = module.TokenMaskingLogger(Config())

    class Resp:
        status = "200 OK"
        response_length = 10
        sent = 10
        headers = []

    class Req:
        headers = []

    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/sites/AbCdEfGhIjKlMnOpQrStUvWxYz012345/parcours",
        "PATH_INFO": "/sites/AbCdEfGhIjKlMnOpQrStUvWxYz012345/parcours",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": "http://127.0.0.1/sites/AbCdEfGhIjKlMnOpQrStUvWxYz012345",
    }
    atoms = logger.atoms(Resp(), Req(), environ, datetime.timedelta(seconds=0.01))
    line = " ".join(str(v) for v in atoms.values())
    assert "AbCdEfGhIjKlMnOpQrStUvWxYz012345" not in line
    assert "/sites/[jeton]/parcours" in atoms["r"]
