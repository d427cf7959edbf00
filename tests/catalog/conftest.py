"""Fixtures for the catalog tests: a database, and a builder for tables with partitions."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pytest

from glue_magics.catalog import Catalog, Table

from .helpers import TableMaker, cols


@pytest.fixture
def make_table(catalog: Catalog) -> TableMaker:
    """``make_table("orders", keys=("year string",), partitions=[["2024"]])``: database ``sales``
    (created on first use) gets the table, then its partitions in one batch."""

    def make(
        name: str = "orders",
        *,
        database: str = "sales",
        columns: Sequence[str] = ("id bigint", "amount double"),
        keys: Sequence[str] = ("year string",),
        partitions: Iterable[Any] = (),
        **options: Any,
    ) -> Table:
        catalog.create_database(database, if_not_exists=True)
        table = catalog.create_table(
            database, name, columns=cols(*columns), partition_keys=cols(*keys), **options
        )
        batch = list(partitions)
        if batch:
            catalog.batch_create_partitions(database, name, batch)
        return table

    return make


@pytest.fixture
def backend(catalog: Catalog) -> str:
    """``sqlite`` or ``postgresql``."""
    return catalog.engine.dialect.name


@pytest.fixture
def xfail_on(request: pytest.FixtureRequest, backend: str) -> Callable[[str, str], None]:
    """``xfail_on("sqlite", reason)``: a known store bug that only one backend shows."""

    def mark(name: str, reason: str) -> None:
        if backend == name:
            request.applymarker(pytest.mark.xfail(reason=reason, strict=True))

    return mark
