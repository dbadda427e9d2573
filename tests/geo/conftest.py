import pytest

from app.geo import get_dataset


@pytest.fixture(scope="session")
def territories():
    """The embedded dataset, loaded once for the whole session."""
    return get_dataset()
