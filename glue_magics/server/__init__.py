"""The Jupyter server extension: the catalog's REST API under ``/glue-magics/api/``, Prometheus
metrics at ``/glue-magics/metrics`` and the job scheduler.

Enabled on install by ``etc/jupyter/jupyter_server_config.d/glue_magics.json``. The catalog is the
one the kernels use (``$GLUE_MAGICS_CATALOG_URL``, else ``$GLUE_MAGICS_HOME/catalog.db``); Jupyter
config ``c.GlueMagics.catalog_url`` and ``c.GlueMagics.warehouse`` override it, as for the magics.
``c.GlueMagics.scheduler = False`` keeps the server from running the job scheduler;
``c.GlueMagics.scheduler_poll`` sets its poll interval in seconds (10).
"""

from __future__ import annotations

from typing import Any

DEFAULT_SCHEDULER_POLL = 10.0


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "glue_magics.server"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    from glue_magics.server.handlers import setup_handlers
    from glue_magics.server.service import CatalogService

    settings = server_app.config.get("GlueMagics", {})
    service = CatalogService(settings.get("catalog_url"), settings.get("warehouse"))
    setup_handlers(server_app.web_app, service)
    service.warm_up()
    server_app.log.info("glue_magics: catalog REST API at /glue-magics/api/")
    _start_scheduler(server_app, settings, service)


def _start_scheduler(server_app: Any, settings: Any, service: Any) -> None:
    from glue_magics.server.scheduling import ServerScheduler

    enabled = settings.get("scheduler", True)
    poll = settings.get("scheduler_poll", DEFAULT_SCHEDULER_POLL)
    if not isinstance(enabled, bool):
        server_app.log.error("glue_magics: c.GlueMagics.scheduler is True or False")
        return
    if not enabled:
        server_app.log.info("glue_magics: job scheduler off (c.GlueMagics.scheduler = False)")
        return
    if isinstance(poll, bool) or not isinstance(poll, int | float) or not poll > 0:
        server_app.log.error(
            "glue_magics: c.GlueMagics.scheduler_poll must be a positive number of seconds, "
            "got %r; the job scheduler is off",
            poll,
        )
        return
    scheduler = ServerScheduler(service, poll)
    server_app.web_app.settings["glue_magics_scheduler"] = scheduler
    scheduler.start()


def _unload_jupyter_server_extension(server_app: Any) -> None:
    scheduler = server_app.web_app.settings.pop("glue_magics_scheduler", None)
    if scheduler is not None:
        scheduler.stop()
    service = server_app.web_app.settings.pop("glue_magics_service", None)
    if service is not None:
        service.close()
