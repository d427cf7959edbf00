"""The jobs routes on a real Jupyter server: promote, list, detail, run now (in a real kernel),
the run's log and executed notebook, stop, pause and resume; every kind of bad input is refused
with 400 and changes nothing; POSTs keep Jupyter's XSRF check."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import nbformat
import pytest

from glue_magics.catalog import Catalog
from tests.jobs.conftest import write_notebook

Api = Callable[..., Awaitable[tuple[int, Any]]]
PARAMS = "rows = 10\nratio = 0.5\ndry_run = False\nregion = 'eu'\ntables = ['a']"


@pytest.fixture
def cat(store_ready: None, glue_home: Path) -> Catalog:
    return Catalog(home=glue_home)


@pytest.fixture
def report(jp_root_dir: Path) -> str:
    """A notebook in the server's root folder; its path relative to the root."""
    folder = jp_root_dir / "work"
    folder.mkdir(exist_ok=True)
    write_notebook(
        folder / "report.ipynb",
        PARAMS,
        "print('rows x2 =', rows * 2, region, tables)",
    )
    return "work/report.ipynb"


@pytest.fixture
def sleeper(jp_root_dir: Path) -> str:
    write_notebook(
        jp_root_dir / "sleeper.ipynb", "seconds = 120", "import time\ntime.sleep(seconds)"
    )
    return "sleeper.ipynb"


@pytest.fixture
def post(jp_fetch: Any) -> Api:
    """POST a JSON body (or raw bytes) to a route under /glue-magics/api/."""

    async def send(*path: str, body: Any = None, **kwargs: Any) -> tuple[int, Any]:
        raw = body if isinstance(body, bytes) else json.dumps(body if body is not None else {})
        response = await jp_fetch(
            "glue-magics", "api", *path, method="POST", body=raw, raise_error=False, **kwargs
        )
        text = response.body.decode()
        return response.code, json.loads(text) if text else None

    return send


async def wait_for_state(api: Api, run_id: int, states: set[str], timeout: float = 90) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        code, run = await api("job-runs", str(run_id))
        assert code == 200, run
        if run["state"] in states:
            return run
        assert time.monotonic() < deadline, f"run {run_id} is still {run['state']}"
        await asyncio.sleep(0.3)


async def test_no_jobs_yet(api: Api) -> None:
    assert await api("jobs") == (200, {"jobs": []})


async def test_promote_then_list_and_show(api: Api, post: Api, report: str) -> None:
    code, job = await post(
        "jobs",
        body={
            "notebook": report,
            "name": "daily_report",
            "schedule": "cron(0 6 ? * MON-FRI *)",
            "timezone": "Europe/Paris",
            "param": ["region=us"],
            "fixed-param": {"dry_run": True},
            "retries": 2,
            "--max-concurrency": 2,
            "tag": "sales",
            "description": "the daily report",
        },
    )
    assert code == 201, job
    assert job["name"] == "daily_report" and job["version"] == 1
    assert job["schedule_words"] == "at 06:00 Europe/Paris, Monday to Friday"
    assert job["next_run"] is not None and job["last_runs"] == []

    code, body = await api("jobs")
    assert code == 200
    [listed] = body["jobs"]
    assert listed["name"] == "daily_report"
    assert listed["schedule"] == "cron(0 6 ? * MON-FRI *)"
    assert listed["timezone"] == "Europe/Paris"
    assert listed["paused"] is False and listed["tags"] == ["sales"]

    code, detail = await api("jobs", "daily_report")
    assert code == 200
    params = {p["name"]: p for p in detail["parameters"]}
    assert list(params) == ["rows", "ratio", "region", "tables"]  # dry_run is fixed
    assert params["rows"] == {
        "name": "rows",
        "type": "int",
        "default": 10,
        "text": "10",
        "job_default": False,
    }
    assert params["region"]["default"] == "us" and params["region"]["job_default"] is True
    assert params["tables"]["text"] == "['a']" and params["tables"]["type"] == "list"
    assert detail["fixed_parameters"] == [{"name": "dry_run", "type": "bool", "value": True}]
    assert detail["settings"]["max_retries"] == 2
    assert detail["settings"]["max_concurrency"] == 2
    assert detail["gates"] == []
    assert detail["notebook"].endswith("work/report.ipynb")
    assert [v["version"] for v in detail["versions"]] == [1]


async def test_a_gate_and_a_second_version(api: Api, post: Api, report: str, cat: Catalog) -> None:
    assert (await post("jobs", body={"notebook": report, "name": "r"}))[0] == 201
    code, job = await post(
        "jobs", body={"notebook": report, "name": "r", "dq": {"sales.orders": "orders_rules"}}
    )
    assert code == 201 and job["version"] == 2
    assert job["schedule"] is None and job["schedule_words"] is None and job["next_run"] is None
    code, detail = await api("jobs", "r")
    assert detail["gates"] == [{"table": "sales.orders", "ruleset": "orders_rules"}]
    assert [v["version"] for v in detail["versions"]] == [2, 1]


async def test_run_now_log_output_and_runs(api: Api, post: Api, report: str, jp_fetch: Any) -> None:
    assert (await post("jobs", body={"notebook": report, "name": "report"}))[0] == 201
    code, run = await post(
        "jobs", "report", "runs", body={"params": {"rows": "21", "region": "us"}}
    )
    assert code == 201, run
    assert run["trigger"] == "ON_DEMAND" and run["attempt"] == 1
    done = await wait_for_state(api, run["id"], {"SUCCEEDED", "FAILED", "ERROR"})
    assert done["state"] == "SUCCEEDED", done
    assert done["arguments"]["rows"] == 21 and done["arguments"]["region"] == "us"
    assert done["duration_seconds"] > 0 and done["ended_at"]
    assert done["has_output"] and done["has_log"]
    assert done["children"] == [] and done["rows_written"] == 0

    response = await jp_fetch("glue-magics", "api", "job-runs", str(run["id"]), "log")
    assert response.headers["Content-Type"].startswith("text/plain")
    assert "rows x2 = 42 us ['a']" in response.body.decode()

    response = await jp_fetch("glue-magics", "api", "job-runs", str(run["id"]), "notebook")
    html = response.body.decode()
    assert response.headers["Content-Type"].startswith("text/html")
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "<html" in html and "rows x2 = 42 us" in html

    response = await jp_fetch(
        "glue-magics", "api", "job-runs", str(run["id"]), "notebook", params={"format": "ipynb"}
    )
    nb = nbformat.reads(response.body.decode(), as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "rows = 21" in injected[0].source

    # A second run, then the runs page by page, newest first.
    code, second = await post("jobs", "report", "runs")
    assert code == 201
    await wait_for_state(api, second["id"], {"SUCCEEDED", "FAILED", "ERROR"})
    code, page = await api("jobs", "report", "runs", limit=1)
    assert [r["id"] for r in page["runs"]] == [second["id"]] and page["next_token"] == "1"
    code, page = await api("jobs", "report", "runs", limit=1, next_token=page["next_token"])
    assert [r["id"] for r in page["runs"]] == [run["id"]] and page["next_token"] is None
    code, body = await api("jobs")
    assert [r["state"] for r in body["jobs"][0]["last_runs"]] == ["SUCCEEDED", "SUCCEEDED"]


async def test_stop_a_run_and_max_concurrency(api: Api, post: Api, sleeper: str) -> None:
    assert (await post("jobs", body={"notebook": sleeper, "name": "sleepy"}))[0] == 201
    code, run = await post("jobs", "sleepy", "runs")
    assert code == 201
    await wait_for_state(api, run["id"], {"RUNNING"})
    code, refused = await post("jobs", "sleepy", "runs")
    assert code == 409 and "ConcurrentRunsExceeded" in refused["message"]
    code, stopping = await post("job-runs", str(run["id"]), "stop")
    assert code == 200 and stopping["state"] in ("STOPPING", "STOPPED")
    stopped = await wait_for_state(api, run["id"], {"STOPPED", "FAILED", "ERROR", "SUCCEEDED"})
    assert stopped["state"] == "STOPPED"
    code, again = await post("job-runs", str(run["id"]), "stop")
    assert code == 400 and "ended already" in again["message"]


async def test_pause_and_resume(api: Api, post: Api, report: str) -> None:
    body = {"notebook": report, "name": "hourly", "schedule": "@hourly"}
    assert (await post("jobs", body=body))[0] == 201
    code, job = await post("jobs", "hourly", "pause")
    assert code == 200 and job["paused"] is True and job["next_run"] is None
    code, job = await post("jobs", "hourly", "resume")
    assert code == 200 and job["paused"] is False and job["next_run"] is not None


BAD_PROMOTE = [
    (b"{not json", "not valid JSON"),
    (b"[1, 2]", "must be a JSON object"),
    ({"notebook": "x.ipynb", "name": "j", "colour": "red"}, "unknown option 'colour'"),
    ({"notebook": "x.ipynb", "name": "j", "retries": "2"}, "option 'retries' must be a number"),
    ({"notebook": "x.ipynb", "name": "j", "retries": True}, "option 'retries' must be a number"),
    ({"notebook": "x.ipynb"}, "give the job's name"),
    ({"name": "j"}, "give the job's notebook"),
    ({"notebook": "../outside.ipynb", "name": "j"}, "outside the server's root folder"),
    ({"notebook": "/etc/x.ipynb", "name": "j"}, "relative to the server's root folder"),
    ({"notebook": "notes.txt", "name": "j"}, "is not a notebook"),
    ({"notebook": "missing.ipynb", "name": "j"}, "notebook 'missing.ipynb' not found"),
    ({"notebook": "{report}", "name": "bad name!"}, "invalid job name"),
    ({"notebook": "{report}", "name": "j", "schedule": "cron(99 * * * ? *)"}, "cron"),
    ({"notebook": "{report}", "name": "j", "timezone": "Mars/Olympus"}, "Mars/Olympus"),
    ({"notebook": "{report}", "name": "j", "param": ["rows=many"]}, "is not an int"),
    ({"notebook": "{report}", "name": "j", "param": [1]}, "list of KEY=VALUE"),
    ({"notebook": "{report}", "name": "j", "retries": 99}, "--retries"),
    ({"notebook": "{report}", "name": "j", "catch_up": "sometimes"}, "--catch-up"),
]


@pytest.mark.parametrize(("body", "message"), BAD_PROMOTE)
async def test_bad_promotions_are_refused(
    post: Api, report: str, cat: Catalog, body: Any, message: str
) -> None:
    if isinstance(body, dict) and body.get("notebook") == "{report}":
        body = {**body, "notebook": report}
    before = cat.change_seq()
    code, error = await post("jobs", body=body)
    assert code == 400, error
    assert message in error["message"] and "\n" not in error["message"]
    assert error["error"] == "InvalidInputError"
    assert cat.change_seq() == before and cat.list_jobs() == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"params": {"rows": "many"}}, "is not an int"),
        ({"params": {"colour": "red"}}, "colour"),
        ({"params": ["rows"]}, "rows"),
        ({"params": "rows=1"}, "params is an object"),
        ({"parameters": {}}, "a run takes only params"),
        (b"nope", "not valid JSON"),
    ],
)
async def test_bad_runs_are_refused(
    post: Api, report: str, cat: Catalog, body: Any, message: str
) -> None:
    assert (await post("jobs", body={"notebook": report, "name": "report"}))[0] == 201
    before = cat.change_seq()
    code, error = await post("jobs", "report", "runs", body=body)
    assert code == 400, error
    assert message in error["message"] and "\n" not in error["message"]
    assert cat.change_seq() == before and cat.list_job_runs("report") == []


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [
        (("job-runs", "abc"), {}, "a job run id is a number"),
        (("job-runs", "abc", "log"), {}, "a job run id is a number"),
        (("job-runs", "1", "notebook"), {"format": "pdf"}, "use html or ipynb"),
        (("jobs", "report", "runs"), {"limit": "0"}, "limit must be"),
        (("jobs", "report", "runs"), {"next_token": "x"}, "invalid next_token"),
        (("jobs", "bad name!"), {}, "invalid job name"),
    ],
)
async def test_bad_reads_are_refused(
    api: Api, post: Api, report: str, path: tuple[str, ...], params: dict[str, str], message: str
) -> None:
    assert (await post("jobs", body={"notebook": report, "name": "report"}))[0] == 201
    code, error = await api(*path, **params)
    assert code == 400 and message in error["message"], error


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", ("jobs", "nope")),
        ("GET", ("jobs", "nope", "runs")),
        ("POST", ("jobs", "nope", "runs")),
        ("POST", ("jobs", "nope", "pause")),
        ("POST", ("jobs", "nope", "resume")),
        ("GET", ("job-runs", "999")),
        ("GET", ("job-runs", "999", "log")),
        ("GET", ("job-runs", "999", "notebook")),
        ("POST", ("job-runs", "999", "stop")),
        ("POST", ("no", "such", "route")),
    ],
)
async def test_unknown_jobs_and_runs_are_404(
    api: Api, post: Api, method: str, path: tuple[str, ...]
) -> None:
    code, error = await (api(*path) if method == "GET" else post(*path))
    assert code == 404, error
    assert error["error"] == "EntityNotFoundError"


async def test_a_waiting_run_has_no_log_or_output_yet(
    api: Api, post: Api, report: str, cat: Catalog
) -> None:
    assert (await post("jobs", body={"notebook": report, "name": "report"}))[0] == 201
    queued = cat.create_job_run("report", trigger="SCHEDULED", arguments={})
    code, run = await api("job-runs", str(queued.id))
    assert run["state"] == "WAITING" and not run["has_output"] and not run["has_log"]
    code, error = await api("job-runs", str(queued.id), "log")
    assert code == 404 and "no log yet" in error["message"]
    code, error = await api("job-runs", str(queued.id), "notebook")
    assert code == 404 and "no executed notebook" in error["message"]


async def test_posts_authenticated_by_cookie_need_the_xsrf_token(
    jp_fetch: Any, report: str, cat: Catalog
) -> None:
    """As Jupyter's own API: a cookie alone cannot make the server change anything."""
    response = await jp_fetch("glue-magics", "api", "status")
    cookies = SimpleCookie()
    for header in response.headers.get_list("Set-Cookie"):
        cookies.load(header)
    login = "; ".join(f"{k}={v.value}" for k, v in cookies.items())
    assert login, "a token-authenticated request sets the login cookie"
    xsrf = "2|abcdef01|0123456789abcdef0123456789abcdef|1700000000"
    body = json.dumps({"notebook": report, "name": "report"})

    async def promote(headers: dict[str, str]) -> int:
        response = await jp_fetch(
            "glue-magics",
            "api",
            "jobs",
            method="POST",
            body=body,
            headers={"Authorization": "", **headers},
            raise_error=False,
        )
        return int(response.code)

    assert await promote({"Cookie": login}) == 403
    assert cat.list_jobs() == []
    with_xsrf = {"Cookie": f"{login}; _xsrf={xsrf}", "X-XSRFToken": xsrf}
    assert await promote(with_xsrf) == 201
    assert [j.name for j in cat.list_jobs()] == ["report"]


@pytest.mark.parametrize("path", [("job-runs", "abc", "stop"), ("job-runs", "9" * 19, "stop")])
async def test_stop_refuses_a_bad_run_id(post: Api, path: tuple[str, ...]) -> None:
    code, error = await post(*path, body={})
    assert code == 400 and "a job run id is a number" in error["message"], error
