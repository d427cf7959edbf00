"""The server's catalog, opened on first use and called from worker threads.

Catalog calls are blocking SQL (and file reads, for previews); running them on a small thread pool
keeps one slow preview or an unreachable PostgreSQL from freezing every other request of the
Jupyter server, which shares one event loop with kernels and the file browser.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from glue_magics.catalog import Catalog

T = TypeVar("T")
WORKERS = 4


class CatalogService:
    def __init__(self, catalog_url: str | None = None, warehouse: str | None = None) -> None:
        self.catalog_url = catalog_url
        self.warehouse = warehouse
        self._catalog: Catalog | None = None
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(WORKERS, thread_name_prefix="glue-magics-api")

    def catalog(self) -> Catalog:
        """Opened lazily: importing SQLAlchemy and upgrading the store's schema must not slow
        down the start of the Jupyter server, and a store that is down must not prevent it."""
        with self._lock:
            if self._catalog is None:
                from glue_magics.catalog import Catalog

                self._catalog = Catalog(self.catalog_url, warehouse=self.warehouse)
            return self._catalog

    def warm_up(self) -> None:
        """Open the catalog and import what previews read files with, on a worker thread: the
        first request then costs what later ones do, and the server's start does not wait."""

        def warm() -> None:
            try:
                self.catalog()
                import fsspec  # noqa: F401
                import pyarrow.csv
                import pyarrow.parquet  # noqa: F401
            except Exception:  # reported by the first request that needs it
                pass

        self._executor.submit(warm)

    async def call(self, fn: Callable[[Catalog], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: fn(self.catalog()))

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            if self._catalog is not None:
                self._catalog.close()
                self._catalog = None
