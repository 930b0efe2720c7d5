"""Functions the demo's batch execution runs, imported by name (`module:function`) in its workers."""

from __future__ import annotations

import pandas as pd  # type: ignore[import-untyped]  # pandas-stubs is not installed


def hourly_revenue(orders: pd.DataFrame) -> pd.DataFrame:
    """One day's orders -> one row per hour: its number of orders and their revenue."""
    hour = pd.to_datetime(orders["created_at"]).dt.floor("h").rename("hour")
    grouped = orders.groupby(hour)["amount"]
    return pd.DataFrame({"orders": grouped.size(), "revenue": grouped.sum().round(2)}).reset_index()
