"""``Catalog``: the one entry point to the Data Catalog store, for every front-end."""

from __future__ import annotations

import os
from types import TracebackType

from glue_magics.catalog.bookmarks import BookmarkOps
from glue_magics.catalog.connections import ConnectionOps
from glue_magics.catalog.crawlers import CrawlerOps
from glue_magics.catalog.databases import DatabaseOps
from glue_magics.catalog.jobs import JobOps
from glue_magics.catalog.partitions import PartitionOps
from glue_magics.catalog.rulesets import RulesetOps
from glue_magics.catalog.runs import RunOps
from glue_magics.catalog.statistics import StatisticsOps
from glue_magics.catalog.store import create_store_engine
from glue_magics.catalog.tables import TableOps
from glue_magics.catalog.triggers import TriggerOps
from glue_magics.config import Settings


class Catalog(
    DatabaseOps,
    TableOps,
    PartitionOps,
    StatisticsOps,
    ConnectionOps,
    RunOps,
    CrawlerOps,
    BookmarkOps,
    RulesetOps,
    JobOps,
    TriggerOps,
):
    """The Data Catalog: databases, tables, versions, partitions, statistics, connections, runs.

    ``Catalog()`` opens the default store (``$GLUE_MAGICS_CATALOG_URL``, else SQLite at
    ``$GLUE_MAGICS_HOME/catalog.db``) and upgrades its schema if needed. Every method is one
    transaction; errors are GlueMagicsError subclasses with a one-line message.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        home: str | os.PathLike[str] | None = None,
        warehouse: str | os.PathLike[str] | None = None,
    ) -> None:
        self.settings = Settings.resolve(url, home, warehouse)
        self.engine = create_store_engine(self.settings.catalog_url)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Catalog({self.url!r})"


_open: dict[Settings, Catalog] = {}


def open_catalog(
    url: str | None = None, *, warehouse: str | os.PathLike[str] | None = None
) -> Catalog:
    """The process's catalog for these settings, opened once and shared (magics, ``table()``)."""
    settings = Settings.resolve(url, warehouse=warehouse)
    if settings not in _open:
        _open[settings] = Catalog(
            settings.catalog_url, home=settings.home, warehouse=settings.warehouse
        )
    return _open[settings]
