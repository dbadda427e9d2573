"""Light pages for slow connections (issue 12): how static files and HTML travel.

With ``LIGHT_ASSETS`` (the default):

- static files are served by **WhiteNoise** in front of Flask: each file also answers under a
  *fingerprinted* name, ``css/app.3f2a9c1b7d4e.css`` (the first 12 hex digits of its SHA-256),
  which ``url_for('static', filename=…)`` gives everywhere, with ``Cache-Control: max-age=<10
  years>, public, immutable``; a changed file gets a new name, so a revisit asks nothing and an
  update is never missed. Files referenced by a stylesheet (DSFR fonts and icons) keep their
  name and are cached for ``STATIC_MAX_AGE`` (a day). WhiteNoise sends the ``.br`` or ``.gz``
  twin written by ``make setup`` (``app/assets_build.py``) to browsers that accept it; a twin
  older than its file (a file edited since) is ignored, never served stale. Fingerprints are
  computed from the files' contents when the app starts (cached per process), so they cannot
  drift from the files;
- the pages link the DSFR components and icons they use (``dsfr.subset.min.css``,
  ``icons.subset.min.css``) instead of the whole design system;
- HTML responses are compressed by **Flask-Compress** (Brotli, gzip). Headers set by
  the views and guards (``Cache-Control: no-store`` on private pages) are kept; ``Vary:
  Accept-Encoding`` is added.

Without it (``LIGHT_ASSETS=0``, used by ``bench/page_weight_bench.py`` as its baseline) the app
serves what it served before: Flask's static route, the whole DSFR, nothing compressed.
In debug mode files are read on each request (Flask's static route), fingerprints off.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from pathlib import Path
from stat import S_ISREG
from wsgiref.headers import Headers

from flask import Flask
from flask_compress import Compress
from whitenoise import WhiteNoise
from whitenoise.responders import StaticFile
from whitenoise.string_utils import decode_path_info, ensure_leading_trailing_slash

FINGERPRINT_RE = re.compile(r"\.[0-9a-f]{12}(\.[A-Za-z0-9]+)$")
DAY = 86_400
_LOCK = threading.Lock()
_DIGESTS: dict[tuple[str, int, int], str] = {}  # (path, size, mtime_ns) -> 12 hex digits

compress = Compress()


def stylesheets(light: bool) -> list[str]:
    """The DSFR stylesheets every page links, in order."""
    if light:
        return ["vendor/dsfr/dsfr.subset.min.css", "vendor/dsfr/utility/icons/icons.subset.min.css"]
    return ["vendor/dsfr/dsfr.min.css", "vendor/dsfr/utility/icons/icons.min.css"]


def fingerprinted(name: str, digest: str) -> str:
    stem, dot, suffix = name.rpartition(".")
    if not dot or "/" in suffix:
        return f"{name}.{digest}"
    return f"{stem}.{digest}.{suffix}"


def _digest(path: str, size: int, mtime_ns: int) -> str:
    key = (path, size, mtime_ns)
    digest = _DIGESTS.get(key)
    if digest is None:
        with open(path, "rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()[:12]
        with _LOCK:
            _DIGESTS[key] = digest
    return digest


class FingerprintingWhiteNoise(WhiteNoise):
    """WhiteNoise serving each static file under its name and under its fingerprinted name.

    Files are looked up on first request and their responders kept (a few dozen are ever
    asked for: building one per file of the DSFR package at start-up would cost a second per
    app); a fingerprint that is not the file's current one is not served (404 from Flask)."""

    def __init__(self, application, root: str, prefix: str, max_age: int):
        super().__init__(
            application,
            max_age=max_age,
            allow_all_origins=False,
            add_headers_function=_security_headers,
            immutable_file_test=lambda path, url: bool(FINGERPRINT_RE.search(url)),
        )
        self.root = os.path.abspath(root).rstrip(os.sep) + os.sep
        self.prefix = ensure_leading_trailing_slash(prefix)

    def __call__(self, environ, start_response):
        url = decode_path_info(environ.get("PATH_INFO", ""))
        static_file = self.files.get(url)
        if static_file is None and url.startswith(self.prefix):
            static_file = self._find(url)
        if static_file is None:
            return self.application(environ, start_response)
        return self.serve(static_file, environ, start_response)

    def fingerprinted_name(self, name: str) -> str:
        """``css/app.css`` -> ``css/app.3f2a9c1b7d4e.css`` (the name itself if no such file)."""
        path = os.path.join(self.root, name)
        try:
            info = os.stat(path)
        except (OSError, ValueError):
            return name
        return fingerprinted(name, _digest(path, info.st_size, info.st_mtime_ns))

    def _find(self, url: str):
        if not self.url_is_canonical(url):
            return None
        name = url[len(self.prefix) :]
        match = FINGERPRINT_RE.search(name)
        original = name[: match.start()] + match.group(1) if match else name
        path = os.path.join(self.root, original)
        if not self.path_is_child_of(path, self.root) or path.endswith((".gz", ".br")):
            return None
        try:
            info = os.stat(path)
        except (OSError, ValueError):
            return None
        if not S_ISREG(info.st_mode):
            return None
        if match and _digest(path, info.st_size, info.st_mtime_ns) != match.group(0)[1:13]:
            return None
        stats = {path: info}
        for twin in (path + ".br", path + ".gz"):
            try:
                stats[twin] = os.stat(twin)
            except OSError:
                pass
        static_file = self.get_static_file(path, url, stat_cache=stats)
        self.files[url] = static_file  # bounded: existing files, under their current fingerprint
        return static_file

    def get_static_file(self, path, url, stat_cache=None):
        headers = Headers([])
        self.add_mime_headers(headers, path, url)
        self.add_cache_headers(headers, path, url)
        self.add_headers_function(headers, path, url)
        # A compressed twin older than its file was written before the file was edited: ignored.
        stats = stat_cache or {}
        mtime = stats[path].st_mtime if path in stats else 0
        encodings = {
            encoding: twin
            for encoding, twin in (("br", path + ".br"), ("gzip", path + ".gz"))
            if twin in stats and stats[twin].st_mtime >= mtime
        }
        return StaticFile(path, headers.items(), stat_cache=stat_cache, encodings=encodings)


def _security_headers(headers, path, url) -> None:
    headers["X-Content-Type-Options"] = "nosniff"


def init_assets(app: Flask) -> None:
    light = bool(app.config.get("LIGHT_ASSETS", True))
    app.jinja_env.globals["dsfr_stylesheets"] = stylesheets(light)
    if not light:
        return
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    # Pages (and the few static responses Flask itself serves); API JSON is left to the reverse
    # proxy, as its clients are servers that may not decode it.
    app.config.setdefault(
        "COMPRESS_MIMETYPES",
        ["text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml"],
    )
    app.config.setdefault("COMPRESS_STREAMS", False)
    compress.init_app(app)
    if app.debug or not app.static_folder or not Path(app.static_folder).is_dir():
        return
    static = FingerprintingWhiteNoise(
        app.wsgi_app,
        root=app.static_folder,
        prefix=app.static_url_path,
        max_age=int(app.config.get("STATIC_MAX_AGE", DAY)),
    )
    app.wsgi_app = static
    app.extensions["static_files"] = static

    @app.url_defaults
    def _fingerprint(endpoint, values):
        if endpoint == "static" and "filename" in values:
            values["filename"] = static.fingerprinted_name(values["filename"])
