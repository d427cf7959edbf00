"""The job scheduler inside the Jupyter server: on by default, it starts a job's scheduled run
(in a real kernel) within its poll, stops with the server, and ``c.GlueMagics.scheduler = False``
keeps it off."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from traitlets.config import Config

from glue_magics.catalog import Catalog
from glue_magics.catalog.models import utcnow
from glue_magics.jobs import core
from glue_magics.server import _unload_jupyter_server_extension
from tests.jobs.conftest import write_notebook


@pytest.fixture
def scheduler_settings() -> dict[str, Any]:
    return {"scheduler_poll": 0.5}


@pytest.fixture
def jp_server_config(glue_home: Path, scheduler_settings: dict[str, Any]) -> Config:
    return Config(
        {
            "ServerApp": {
                "jpserver_extensions": {"glue_magics": True, "jupyter_server_terminals": False},
                "allow_unauthenticated_access": False,
            },
            "GlueMagics": scheduler_settings,
        }
    )


async def wait_until(predicate: Any, timeout: float = 90) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.2)
    return value


async def test_the_server_runs_due_jobs(jp_serverapp: Any, glue_home: Path, tmp_path: Path) -> None:
    scheduler = jp_serverapp.web_app.settings["glue_magics_scheduler"]
    await wait_until(lambda: scheduler.running, timeout=30)
    nb = write_notebook(tmp_path / "minutely.ipynb", "n = 1", "print('tick', n)")
    with Catalog(home=glue_home) as catalog:
        # Promoted "90 s ago" with a schedule firing every minute: one fire time is within the
        # last minute (on time: SCHEDULED), so the first pass after this queues and starts it.
        core.promote(
            catalog, "minutely", nb, schedule="* * * * *", now=utcnow() - timedelta(seconds=90)
        )

        def first_ended() -> Any:
            runs = catalog.list_job_runs("minutely", oldest_first=True)
            return runs if runs and runs[0].final else None

        # The test may cross a minute boundary: then the next fire time has a run too.
        runs = await wait_until(first_ended)
        run = runs[0]
        assert run.trigger == "SCHEDULED" and run.state == "SUCCEEDED", run
        assert run.scheduled_for is not None
        assert (utcnow() - run.scheduled_for) < timedelta(minutes=3)
        assert len(runs) <= 2 and len({r.scheduled_for for r in runs}) == len(runs)
    _unload_jupyter_server_extension(jp_serverapp)
    assert not scheduler.running and scheduler.scheduler is None
    with Catalog(home=glue_home) as catalog:
        # Stopped: nothing more is queued, whatever the clock does (the test's own last run,
        # if any, goes on in its worker: wait for it, so no process outlives the test).
        await wait_until(lambda: all(r.final for r in catalog.list_job_runs("minutely")))


@pytest.mark.parametrize(
    "scheduler_settings",
    [{"scheduler": False}, {"scheduler": "yes"}, {"scheduler_poll": 0}, {"scheduler_poll": "5"}],
)
async def test_the_scheduler_can_be_turned_off(jp_serverapp: Any) -> None:
    assert "glue_magics_service" in jp_serverapp.web_app.settings
    assert "glue_magics_scheduler" not in jp_serverapp.web_app.settings
