"""Every handler is authenticated: a server that refuses unauthenticated access reports any handler
without ``@web.authenticated`` (as the extension template's check does), and every route answers a
request without a token with 403."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from jupyter_server.utils import JupyterServerAuthWarning, url_path_join
from tornado import web

from glue_magics.catalog import Catalog
from glue_magics.server.handlers import METRICS, ROUTES, CatalogHandler, MetricsHandler

#: One request per route, with real names from the seeded catalog.
PATHS = [
    "status",
    "changes",
    "databases",
    "databases/raw/tables",
    "databases/raw/tables/orders",
    "databases/raw/tables/orders/partitions",
    "databases/sales/tables/report/versions",
    "databases/sales/tables/report/versions/1/diff/2",
    "databases/raw/tables/orders/statistics",
    "databases/raw/tables/orders/lineage",
    "databases/raw/tables/orders/preview",
    "search?q=orders",
    "runs",
    "jobs",
    "jobs/report",
    "jobs/report/runs",
    "job-runs/1",
    "job-runs/1/log",
    "job-runs/1/notebook",
    "no/such/route",
]
#: Every POST route: refused without a token before anything is read or changed.
POSTS = [
    "jobs",
    "jobs/report/runs",
    "jobs/report/pause",
    "jobs/report/resume",
    "job-runs/1/stop",
]
ALL_HANDLERS: list[tuple[str, type[CatalogHandler]]] = [*ROUTES, (METRICS, MetricsHandler)]


def _auth_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, JupyterServerAuthWarning)]


def test_no_handler_lacks_authentication(jp_configurable_serverapp: Any) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app = jp_configurable_serverapp(reraise_server_extension_failures=True)
    assert not app.allow_unauthenticated_access
    assert "glue_magics_service" in app.web_app.settings, "the extension did not load"
    assert _auth_warnings(caught) == []
    # The same check, handler by handler, so a new route cannot slip past it.
    for pattern, handler in ALL_HANDLERS:
        assert app.web_app._check_handler_auth(pattern, handler) == [], handler.__name__


def test_the_check_catches_a_handler_without_authentication(jp_configurable_serverapp: Any) -> None:
    class Careless(CatalogHandler):
        async def get(self) -> None:
            self.finish("{}")

    app = jp_configurable_serverapp()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app.web_app.add_handlers(
            ".*$", [(url_path_join(app.base_url, "glue-magics", "careless"), Careless)]
        )
    [message] = _auth_warnings(caught)
    assert "GET of Careless" in message


def test_decorated_methods_are_tornado_authenticated() -> None:
    for _, handler in ALL_HANDLERS:
        methods = [m for m in ("get", "post") if m in vars(handler)]
        assert methods, handler.__name__
        for name in methods:
            method = getattr(handler, name)
            assert method.__code__.co_qualname.startswith("authenticated"), handler.__name__
            assert method is not getattr(web.RequestHandler, name)


@pytest.mark.parametrize("path", PATHS)
async def test_requests_without_a_token_are_refused(
    jp_fetch: Any, seeded: Catalog, path: str
) -> None:
    route, _, query = path.partition("?")
    params = dict([query.split("=")]) if query else None
    response = await jp_fetch(
        "glue-magics",
        "api",
        route,
        params=params,
        headers={"Authorization": ""},
        raise_error=False,
    )
    assert response.code == 403


@pytest.mark.parametrize("path", PATHS[:-1])
async def test_the_same_requests_with_a_token_succeed(
    jp_fetch: Any, seeded: Catalog, path: str
) -> None:
    route, _, query = path.partition("?")
    params = dict([query.split("=")]) if query else None
    response = await jp_fetch("glue-magics", "api", route, params=params, raise_error=False)
    assert response.code == 200, response.body


@pytest.mark.parametrize("path", POSTS)
async def test_posts_without_a_token_are_refused(jp_fetch: Any, seeded: Catalog, path: str) -> None:
    before = seeded.change_seq()
    response = await jp_fetch(
        "glue-magics",
        "api",
        path,
        method="POST",
        body="{}",
        headers={"Authorization": ""},
        raise_error=False,
    )
    assert response.code == 403
    assert seeded.change_seq() == before


async def test_metrics_need_the_token_too(
    jp_fetch: Any, jp_serverapp: Any, seeded: Catalog
) -> None:
    response = await jp_fetch(
        "glue-magics", "metrics", headers={"Authorization": ""}, raise_error=False
    )
    assert response.code == 403
    token = jp_serverapp.identity_provider.token
    # Prometheus sends `Authorization: <type> <credentials>`; Jupyter takes "token" or "Bearer".
    for scheme in ("token", "Bearer"):
        response = await jp_fetch(
            "glue-magics", "metrics", headers={"Authorization": f"{scheme} {token}"}
        )
        assert response.code == 200
