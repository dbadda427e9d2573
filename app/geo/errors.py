"""Errors raised by the geo core. Messages are in French: they are shown to users."""


class GeoError(ValueError):
    """Invalid or unusable geographic input; ``str(err)`` is a French message for the user."""
