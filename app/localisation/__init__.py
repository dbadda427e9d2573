"""Site location: the location page (``/sites/<token>/localisation``) and the commune search
API (``GET /api/v1/territoires/communes``)."""

from .routes import bp

__all__ = ["bp"]
