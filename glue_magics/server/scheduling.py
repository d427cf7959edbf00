"""The job scheduler, run inside the Jupyter server while it is up.

The extension starts it when it loads (``c.GlueMagics.scheduler = False`` turns it off) and stops
it on shutdown. It has its own ``Catalog``: the REST API's worker threads never wait for a
scheduler pass, nor a pass for them. Opening the catalog happens on the scheduler's thread, so a
store that is down does not hold up the server's start; the scheduler keeps trying every poll.
The REST API's catalog is opened first: opening a catalog may upgrade the store's schema, and two
upgrades at once in one process trip over Alembic's module-level state.
Runs it started go on after the server stops: each has its own worker process.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from glue_magics.jobs.scheduler import Scheduler
    from glue_magics.server.service import CatalogService

log = logging.getLogger("glue_magics.server.scheduling")


class ServerScheduler:
    def __init__(self, service: CatalogService, poll_seconds: float) -> None:
        self.service = service
        self.poll_seconds = poll_seconds
        self.scheduler: Scheduler | None = None
        self._stop = threading.Event()
        self._starter: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        self._starter = threading.Thread(
            target=self._open_and_start, name="glue-magics-scheduler-start", daemon=True
        )
        self._starter.start()

    def _open_and_start(self) -> None:
        from glue_magics.catalog import Catalog
        from glue_magics.jobs.scheduler import Scheduler

        while not self._stop.is_set():
            try:
                self.service.catalog()  # the schema upgrade, once, under the service's lock
                catalog = Catalog(self.service.catalog_url, warehouse=self.service.warehouse)
                scheduler = Scheduler(catalog, poll_seconds=self.poll_seconds)
            except Exception as exc:  # the store is down: try again at the next poll
                log.warning("glue_magics: cannot start the job scheduler yet: %s", exc)
                self._stop.wait(self.poll_seconds)
                continue
            with self._lock:
                if self._stop.is_set():
                    catalog.close()
                    return
                self.scheduler = scheduler
                scheduler.start_in_thread()
            log.info("glue_magics: job scheduler started (every %g s)", self.poll_seconds)
            return

    @property
    def running(self) -> bool:
        return self.scheduler is not None and self.scheduler.running

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._starter is not None:
            self._starter.join(timeout)
        with self._lock:
            scheduler, self.scheduler = self.scheduler, None
        if scheduler is not None:
            scheduler.stop(timeout)
            scheduler.catalog.close()
