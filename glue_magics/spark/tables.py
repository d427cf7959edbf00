"""Catalog tables for the kernel's Spark session: one bridge per catalog, forgotten on restart."""

from __future__ import annotations

from typing import TYPE_CHECKING

from glue_magics.catalog import Catalog
from glue_magics.spark.catalog_bridge import CatalogBridge

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

_bridges: dict[int, CatalogBridge] = {}


def bridge_for(catalog: Catalog) -> CatalogBridge:
    """The bridge between ``catalog`` and the managed session (a new session starts it over)."""
    from glue_magics.spark.session import manager

    bridge = _bridges.get(id(catalog))
    if bridge is None or bridge.catalog is not catalog:
        bridge = _bridges[id(catalog)] = CatalogBridge(catalog)
        manager.add_start_hook(bridge.forget, run_now=False)
    return bridge


def table(name: str, catalog: Catalog | None = None) -> DataFrame:
    """A catalog table as a Spark DataFrame: ``glue_magics.table("sales.orders")``."""
    from glue_magics.catalog import open_catalog
    from glue_magics.spark.session import get_spark

    catalog = catalog or open_catalog()
    spark = get_spark()
    bridge_for(catalog).ensure(spark, [name])
    return spark.table(name)
