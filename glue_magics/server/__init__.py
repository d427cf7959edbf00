"""The Jupyter server extension: the catalog's REST API under ``/glue-magics/api/``.

Enabled on install by ``etc/jupyter/jupyter_server_config.d/glue_magics.json``. The catalog is the
one the kernels use (``$GLUE_MAGICS_CATALOG_URL``, else ``$GLUE_MAGICS_HOME/catalog.db``); Jupyter
config ``c.GlueMagics.catalog_url`` and ``c.GlueMagics.warehouse`` override it, as for the magics.
"""

from __future__ import annotations

from typing import Any


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


def _unload_jupyter_server_extension(server_app: Any) -> None:
    service = server_app.web_app.settings.pop("glue_magics_service", None)
    if service is not None:
        service.close()
