"""REST handlers under ``/glue-magics/api/``: parse the request, call one view, return JSON.

Every handler method is ``@web.authenticated`` (tests/server check it with a server that refuses
unauthenticated access). Errors are JSON ``{"message", "error"}`` with a status that fits:
404 for an unknown database, table, version, job or job run, 400 for bad input (an invalid name,
expression, limit, token or option), 409 for a job at its max concurrency, 422 for data that
cannot be read, 503 for a catalog store that is down.

POST handlers keep Jupyter's XSRF check (``APIHandler``'s default): a request authenticated by
its cookie must carry the ``_xsrf`` token; one with an ``Authorization: token ...`` header need
not. ``/glue-magics/metrics`` serves Prometheus' text format, authenticated the same way.
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
from glue_magics.server import jobs, views
from glue_magics.server.service import CatalogService

NAMESPACE = "glue-magics"
API = "api"
#: The most rows or items one page may hold.
MAX_PAGE = 5000
_NAME = r"([^/]+)"
_TABLE = rf"databases/{_NAME}/tables/{_NAME}"
_JOB = rf"jobs/{_NAME}"
_JOB_RUN = rf"job-runs/{_NAME}"
METRICS = "metrics"


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

    async def respond(self, view: Callable[..., Any], *args: Any, status: int = 200) -> None:
        try:
            data = await self.service.call(lambda catalog: view(catalog, *args))
        except GlueMagicsError as err:
            return self.fail(err)
        self.set_status(status)
        self.finish(json.dumps(data))

    async def respond_text(
        self, view: Callable[..., Any], *args: Any, content_type: str = "text/plain"
    ) -> None:
        try:
            text = await self.service.call(lambda catalog: view(catalog, *args))
        except GlueMagicsError as err:
            return self.fail(err)
        self.finish(text, set_content_type=f"{content_type}; charset=UTF-8")

    def body(self) -> dict[str, Any]:
        return jobs.read_body(self.request.body)

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


def run_id(text: str) -> int:
    if not text.isdigit() or len(text) > 18:
        raise InvalidInputError(f"a job run id is a number, got {text!r}")
    return int(text)


def by_run_id(view: Callable[..., Any]) -> Callable[..., Any]:
    """``view`` taking the run id of the URL as text: checked (400) inside the catalog call."""
    return lambda catalog, run, *rest: view(catalog, run_id(run), *rest)


class JobsHandler(CatalogHandler):
    @web.authenticated
    async def get(self) -> None:
        await self.respond(jobs.jobs)

    @web.authenticated
    async def post(self) -> None:
        """Promote a notebook (path relative to the server's root) to a job: ``%promote``."""
        try:
            body = self.body()
        except GlueMagicsError as err:
            return self.fail(err)
        root = str(self.settings.get("server_root_dir", "."))
        await self.respond(jobs.promote, root, body, status=201)


class JobHandler(CatalogHandler):
    @web.authenticated
    async def get(self, name: str) -> None:
        await self.respond(jobs.job, name)


class JobRunsHandler(CatalogHandler):
    @web.authenticated
    async def get(self, name: str) -> None:
        try:
            args = (self.limit(50), self.text("next_token"))
        except GlueMagicsError as err:
            return self.fail(err)
        await self.respond(jobs.job_runs, name, *args)

    @web.authenticated
    async def post(self, name: str) -> None:
        """Run the job now: ``{"params": {"name": "value", ...}}`` (optional)."""
        try:
            body = self.body()
        except GlueMagicsError as err:
            return self.fail(err)
        await self.respond(jobs.start_run, name, body, status=201)


class JobPauseHandler(CatalogHandler):
    @web.authenticated
    async def post(self, name: str, action: str) -> None:
        await self.respond(jobs.set_paused, name, action == "pause")


class JobRunHandler(CatalogHandler):
    @web.authenticated
    async def get(self, run: str) -> None:
        await self.respond(by_run_id(jobs.job_run), run)


class JobRunStopHandler(CatalogHandler):
    @web.authenticated
    async def post(self, run: str) -> None:
        await self.respond(by_run_id(jobs.stop_run), run)


class JobRunLogHandler(CatalogHandler):
    @web.authenticated
    async def get(self, run: str) -> None:
        await self.respond_text(by_run_id(jobs.job_run_log), run)


#: The executed notebook's HTML runs in an opaque origin: its outputs' scripts may run, but they
#: cannot reach the Jupyter server with the user's cookie.
SANDBOX = "sandbox allow-scripts allow-popups; frame-ancestors 'self'"


class JobRunNotebookHandler(CatalogHandler):
    @web.authenticated
    async def get(self, run: str) -> None:
        try:
            found = run_id(run)
        except GlueMagicsError as err:
            return self.fail(err)
        fmt = self.text("format") or "html"
        if fmt == "html":
            self.set_header("Content-Security-Policy", SANDBOX)
            await self.respond_text(jobs.job_run_notebook, found, fmt, content_type="text/html")
        else:
            if fmt == "ipynb":
                self.set_header(
                    "Content-Disposition", f'attachment; filename="job-run-{found}.ipynb"'
                )
            await self.respond_text(
                jobs.job_run_notebook, found, fmt, content_type="application/x-ipynb+json"
            )


class MetricsHandler(CatalogHandler):
    """Prometheus' text format, read from the catalog at each scrape."""

    @web.authenticated
    async def get(self) -> None:
        from prometheus_client import CONTENT_TYPE_LATEST

        from glue_magics.jobs.metrics import render

        try:
            data = await self.service.call(render)
        except GlueMagicsError as err:
            return self.fail(err)
        self.finish(data, set_content_type=CONTENT_TYPE_LATEST)


class UnknownRouteHandler(CatalogHandler):
    """JSON 404 for paths under the API that name no route (not Jupyter's HTML page)."""

    @web.authenticated
    async def get(self, path: str) -> None:
        self.fail(EntityNotFoundError(f"no such API route: {path}"))

    @web.authenticated
    async def post(self, path: str) -> None:
        self.fail(EntityNotFoundError(f"no such API route: POST {path}"))


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
    ("jobs", JobsHandler),
    (_JOB, JobHandler),
    (rf"{_JOB}/runs", JobRunsHandler),
    (rf"{_JOB}/(pause|resume)", JobPauseHandler),
    (_JOB_RUN, JobRunHandler),
    (rf"{_JOB_RUN}/stop", JobRunStopHandler),
    (rf"{_JOB_RUN}/log", JobRunLogHandler),
    (rf"{_JOB_RUN}/notebook", JobRunNotebookHandler),
    ("(.*)", UnknownRouteHandler),
]


def setup_handlers(web_app: Any, service: CatalogService) -> None:
    web_app.settings["glue_magics_service"] = service
    base = url_path_join(web_app.settings["base_url"], NAMESPACE, API)
    routes = [(url_path_join(base, pattern) + "/?$", handler) for pattern, handler in ROUTES]
    metrics = url_path_join(web_app.settings["base_url"], NAMESPACE, METRICS)
    web_app.add_handlers(".*$", [(metrics + "/?$", MetricsHandler), *routes])
