"""A Jupyter server with the glue_magics extension, and a catalog with something in every corner.

pytest refuses ``pytest_plugins`` outside the top-level conftest, so the pytest-jupyter fixtures and
hooks are imported here instead, for the tests of this folder only.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_jupyter.jupyter_server import *  # noqa: F403
from traitlets.config import Config

from glue_magics.catalog import Catalog, ColumnStatistics
from glue_magics.crawler.run import crawl
from tests.server.lake_data import write_lake, write_source_database

Api = Callable[..., Awaitable[tuple[int, Any]]]


@pytest.fixture
def jp_server_config(glue_home: Path) -> Config:
    # Like the extension template's check: no unauthenticated access at all.
    return Config(
        {
            "ServerApp": {
                # Terminals would only add their own (unauthenticated) websocket to the check.
                "jpserver_extensions": {"glue_magics": True, "jupyter_server_terminals": False},
                "allow_unauthenticated_access": False,
            },
            # The scheduler's own tests turn it on (tests/server/test_scheduler.py).
            "GlueMagics": {"scheduler": False},
        }
    )


@pytest.fixture
def api(jp_fetch: Any) -> Api:
    """GET a route under /glue-magics/api/; returns (status, decoded JSON body)."""

    async def get(*path: str, **params: Any) -> tuple[int, Any]:
        response = await jp_fetch(
            "glue-magics",
            "api",
            *path,
            params={k: v for k, v in params.items() if v is not None},
            raise_error=False,
        )
        return response.code, json.loads(response.body)

    return get


@pytest.fixture
def store_ready(jp_serverapp: Any) -> None:
    """The server's catalog is open (its schema upgraded): a test may open its own after that.
    Two schema upgrades at once in one process (the server's warm-up thread and the test) trip
    over Alembic's module-level state."""
    service = jp_serverapp.web_app.settings.get("glue_magics_service")
    if service is not None:
        service.catalog()


@pytest.fixture
def seeded(store_ready: None, glue_home: Path, tmp_path: Path) -> Iterator[Catalog]:
    """raw.orders/people/events crawled from files, src.main_customers from a SQLite database,
    sales.report with three versions, statistics, lineage, an ETL run and a DQ result."""
    with Catalog(home=glue_home) as catalog:
        crawl(catalog, [str(write_lake(tmp_path / "lake"))], "raw", name="lake")
        crawl(catalog, [write_source_database(tmp_path / "shop.db")], "src", name="shopdb")
        catalog.create_database("sales")
        catalog.create_table(
            "sales",
            "report",
            columns=[{"name": "day", "type": "string"}],
            classification="parquet",
            location=str(tmp_path / "report"),
        )
        catalog.update_table(
            "sales",
            "report",
            columns=[{"name": "day", "type": "string"}, {"name": "total", "type": "double"}],
        )
        catalog.update_table(
            "sales",
            "report",
            columns=[{"name": "day", "type": "date"}, {"name": "total", "type": "double"}],
            description="daily totals",
        )
        run = catalog.start_run("etl", "daily", target="sales.report")
        catalog.add_lineage("raw.orders", "sales.report", run_id=run.id, code_hash="abc")
        catalog.finish_run(run.id, "SUCCEEDED", metrics={"rows_written": 3})
        catalog.record_dq_result(
            "sales.report", 0.5, [{"rule": "IsComplete day", "result": "PASS"}], ruleset="basic"
        )
        catalog.update_column_statistics(
            "raw",
            "orders",
            [
                ColumnStatistics(
                    "order_id",
                    "bigint",
                    {
                        "Type": "LONG",
                        "LongColumnStatisticsData": {
                            "NumberOfNulls": 0,
                            "NumberOfDistinctValues": 6,
                            "MinimumValue": 1,
                            "MaximumValue": 22,
                        },
                    },
                )
            ],
        )
        seed_job(catalog, tmp_path)
        yield catalog


def seed_job(catalog: Catalog, tmp_path: Path) -> None:
    """Job ``report`` with run 1, ended SUCCEEDED, its executed notebook and log on disk (as a
    worker leaves them; no kernel runs)."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from glue_magics.jobs import core

    nb = new_notebook(cells=[new_code_cell("rows = 1")])
    nb.cells[0].metadata["tags"] = ["parameters"]
    path = tmp_path / "report.ipynb"
    nbformat.write(nb, str(path))
    core.promote(catalog, "report", path, schedule="@daily")
    run = catalog.create_job_run("report", trigger="ON_DEMAND", arguments={"rows": 1})
    folder = core.run_dir(catalog, run.id)
    folder.mkdir(parents=True)
    nb.cells[0].outputs = [new_output("stream", name="stdout", text="done\n")]
    nbformat.write(nb, str(folder / "output.ipynb"))
    (folder / "log.txt").write_text("job run log\n")
    catalog.claim_job_run(run.id, "test", lease_seconds=60)
    catalog.update_job_run(run.id, state="RUNNING")
    catalog.update_job_run(run.id, state="SUCCEEDED", metrics={"rows_written": 3})
