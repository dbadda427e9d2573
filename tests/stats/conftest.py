from __future__ import annotations

import pytest

from app.stats import forget_demo_flag
from app.stats import routes as stats_routes
from tests.stats.dataset import TODAY


@pytest.fixture(autouse=True)
def _fresh_stats_cache(app):
    """Every test computes its own figures, on the dataset's reference day."""
    stats_routes.CACHE.clear()
    forget_demo_flag(app)
    original = stats_routes._today
    stats_routes._today = lambda: TODAY
    yield
    stats_routes._today = original
    stats_routes.CACHE.clear()
