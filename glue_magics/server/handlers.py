"""REST handlers under ``/glue-magics/api/``: parse the request, call one view, return JSON.

Every handler method is ``@web.authenticated`` (tests/server check it with a server that refuses
unauthenticated access). Errors are JSON ``{"message", "error"}`` with a status that fits:
404 for an unknown database, table or version, 400 for bad input (an invalid name, expression,
limit or token), 422 for data that cannot be read, 503 for a catalog store that is down.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

from glue_magics.errors import (
    AlreadyExistsError,
    ConcurrentModificationError,
    EntityNotFoundError,
    GlueMagicsError,
    InvalidInputError,
    StoreUnavailableError,
)
from glue_magics.server import views
from glue_magics.server.service import CatalogService

NAMESPACE = "glue-magics"
API = "api"
#: The most rows or items one page may hold.
MAX_PAGE = 5000
_NAME = r"([^/]+)"
_TABLE = rf"databases/{_NAME}/tables/{_NAME}"


def error_status(err: GlueMagicsError) -> int:
    from glue_magics.catalog.preview import PreviewError

    for kind, status in (
        (EntityNotFoundError, 404),
        (InvalidInputError, 400),
        (AlreadyExistsError, 409),
        (ConcurrentModificationError, 409),
        (PreviewError, 422),
        (StoreUnavailableError, 503),
    ):
        if isinstance(err, kind):
            return status
    return 400


class CatalogHandler(APIHandler):
    """Base of the API's handlers; subclasses only read arguments and name a view."""

    @property
    def service(self) -> CatalogService:
        service: CatalogService = self.settings["glue_magics_service"]
        return service

    async def respond(self, view: Callable[..., Any], *args: Any) -> None:
        try:
            data = await self.service.call(lambda catalog: view(catalog, *args))
        except GlueMagicsError as err:
            return self.fail(err)
        self.finish(json.dumps(data))

    def fail(self, err: GlueMagicsError) -> None:
        self.set_status(error_status(err))
        self.finish(json.dumps({"message": str(err), "error": type(err).__name__}))

    def text(self, name: str) -> str | None:
        value = self.get_query_argument(name, None)
        return value if value not in (None, "") else None

    def number(self, name: str, default: int | None, low: int, high: int) -> int | None:
        raw = self.get_query_argument(name, None)
        if raw in (None, ""):
            return default
        assert raw is not None
        if not raw.strip().isdigit() or not low <= int(raw) <= high:
            raise InvalidInputError(
                f"{name} must be a whole number from {low} to {high}, got {raw!r}"
            )
        return int(raw)

    def limit(self, default: int) -> int:
        value = self.number("limit", default, 1, MAX_PAGE)
        assert value is not None
        return value


class StatusHandler(CatalogHandler):
    @web.authenticated
    async def get(self) -> None:
        await self.respond(views.status)


class ChangesHandler(CatalogHandler):
    @web.authenticated
    async def get(self) -> None:
        try:
            since = self.number("since", None, 0, 2**63 - 1)
        except GlueMagicsError as err:
            return self.fail(err)
        await self.respond(views.changes, since)


class DatabasesHandler(CatalogHandler):
    @web.authenticated
    async def get(self) -> None:
        await self.respond(views.databases)


class TablesHandler(CatalogHandler):
    @web.authenticated
    async def get(self, database: str) -> None:
        try:
            args = (self.text("pattern"), self.limit(200), self.text("next_token"))
        except GlueMagicsError as err:
            return self.fail(err)
        await self.respond(views.tables, database, *args)


class TableHandler(CatalogHandler):
    @web.authenticated
    async def get(self, database: str, table: str) -> None:
        await self.respond(views.table, database, table)


class PartitionsHandler(CatalogHandler):
    @web.authenticated
    async def get(self, database: str, table: str) -> None:
        try:
            args = (self.text("expression"), self.limit(100), self.text("next_token"))
        except GlueMagicsError as err:
            return self.fail(err)
        await self.respond(views.partitions, database, table, *args)


class VersionsHandler(CatalogHandler):
    @web.authenticated
    async def get(self, database: str, table: str) -> None:
        try:
            args = (self.limit(100), self.text("next_token"))
        except GlueMagicsError as err:
            return self.fail(err)
        await self.respond(views.versions, database, table, *args)


class VersionDiffHandler(CatalogHandler):
    @web.authenticated
    async def get(self, database: str, table: str, old: str, new: str) -> None:
        versions = []
        for text in (old, new):
            if not text.isdigit() or len(text) > 12:
                return self.fail(InvalidInputError(f"a table version is a number, got {text!r}"))
            versions.append(int(text))
        await self.respond(views.version_diff, database, table, *versions)


class StatisticsHandler(CatalogHandler):
    @web.authenticated
    async def get(self, database: str, table: str) -> None:
        await self.respond(views.statistics, database, table)


class LineageHandler(CatalogHandler):
    @web.authenticated
    async def get(self, database: str, table: str) -> None:
        await self.respond(views.lineage, database, table)


class PreviewHandler(CatalogHandler):
    @web.authenticated
    async def get(self, database: str, table: str) -> None:
        from glue_magics.catalog.preview import DEFAULT_LIMIT, MAX_LIMIT

        try:
            limit = self.number("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        except GlueMagicsError as err:
            return self.fail(err)
        await self.respond(views.preview, database, table, limit, self.text("expression"))


class SearchHandler(CatalogHandler):
    @web.authenticated
    async def get(self) -> None:
        try:
            args = (self.get_query_argument("q", ""), self.limit(50), self.text("next_token"))
        except GlueMagicsError as err:
            return self.fail(err)
        await self.respond(views.search, *args)


class RunsHandler(CatalogHandler):
    @web.authenticated
    async def get(self) -> None:
        try:
            args = (self.text("kind"), self.text("table"), self.limit(50), self.text("next_token"))
        except GlueMagicsError as err:
            return self.fail(err)
        await self.respond(views.runs, *args)


class UnknownRouteHandler(CatalogHandler):
    """JSON 404 for paths under the API that name no route (not Jupyter's HTML page)."""

    @web.authenticated
    async def get(self, path: str) -> None:
        self.fail(EntityNotFoundError(f"no such API route: {path}"))


ROUTES: list[tuple[str, type[CatalogHandler]]] = [
    ("status", StatusHandler),
    ("changes", ChangesHandler),
    ("databases", DatabasesHandler),
    (rf"databases/{_NAME}/tables", TablesHandler),
    (_TABLE, TableHandler),
    (rf"{_TABLE}/partitions", PartitionsHandler),
    (rf"{_TABLE}/versions", VersionsHandler),
    (rf"{_TABLE}/versions/{_NAME}/diff/{_NAME}", VersionDiffHandler),
    (rf"{_TABLE}/statistics", StatisticsHandler),
    (rf"{_TABLE}/lineage", LineageHandler),
    (rf"{_TABLE}/preview", PreviewHandler),
    ("search", SearchHandler),
    ("runs", RunsHandler),
    ("(.*)", UnknownRouteHandler),
]


def setup_handlers(web_app: Any, service: CatalogService) -> None:
    web_app.settings["glue_magics_service"] = service
    base = url_path_join(web_app.settings["base_url"], NAMESPACE, API)
    web_app.add_handlers(
        ".*$", [(url_path_join(base, pattern) + "/?$", handler) for pattern, handler in ROUTES]
    )
