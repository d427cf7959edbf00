"""The Airflow DAG export: the file compiles, says what it should, and keeps values literal.

Airflow is not installed here, so the generated file is checked through its syntax tree, and its
command is run through a real bash with a stand-in program that prints the arguments it received.
"""

from __future__ import annotations

import ast
import json
import shlex
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from glue_magics.errors import InvalidInputError
from glue_magics.jobs.airflow import airflow_dag
from glue_magics.jobs.schedule import Schedule, parse_schedule

HOSTILE: dict[str, object] = {
    "quote": 'it\'s "quoted"',
    "subshell": "$(touch /tmp/glue-magics-pwned) `id` ; rm -rf ~",
    "newline": "line one\nline two\n')\nimport os\n",
    "jinja": "{{ dag.dag_id }} {% raw %}",
    "script": "run.sh",
    "count": 3,
    "flag": True,
    "list": [1, "two"],
}


def dag_call(tree: ast.Module) -> ast.Call:
    withs = [node for node in tree.body if isinstance(node, ast.With)]
    assert len(withs) == 1
    call = withs[0].items[0].context_expr
    assert isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "DAG"
    return call


def task_call(tree: ast.Module) -> ast.Call:
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "GlueMagicsJobRun"
    ]
    assert len(calls) == 1
    return calls[0]


def kwargs(call: ast.Call) -> dict[str, ast.expr]:
    return {kw.arg: kw.value for kw in call.keywords if kw.arg is not None}


def literal(call: ast.Call, name: str) -> object:
    return ast.literal_eval(kwargs(call)[name])


def parse(source: str) -> ast.Module:
    compile(source, "job_dag.py", "exec")
    return ast.parse(source)


def start_date_of(call: ast.Call) -> tuple[tuple[int, ...], str]:
    node = kwargs(call)["start_date"]
    assert isinstance(node, ast.Call) and ast.unparse(node.func) == "pendulum.datetime"
    args = tuple(ast.literal_eval(arg) for arg in node.args)
    return args, ast.literal_eval(kwargs(node)["tz"])


def test_generated_dag_compiles_and_says_what_it_should() -> None:
    schedule = parse_schedule("cron(0/5 8-17 ? * MON-FRI *)", "Europe/Paris")
    source = airflow_dag(
        "nightly_sales",
        schedule,
        catalog_url="postgresql://catalog.internal/glue",
        params={"region": "eu", "day": "2025-01-01"},
        catch_up="all",
        max_concurrent_runs=3,
        start_date=date(2025, 1, 1),
    )
    tree = parse(source)
    assert isinstance(tree.body[0], ast.Expr) and "nightly_sales" in str(
        ast.literal_eval(tree.body[0].value)
    )
    dag = dag_call(tree)
    assert literal(dag, "dag_id") == "nightly_sales"
    assert literal(dag, "schedule") == "*/5 8-17 * * 1-5"
    assert start_date_of(dag) == ((2025, 1, 1), "Europe/Paris")
    assert literal(dag, "catchup") is True
    assert literal(dag, "max_active_runs") == 3
    task = task_call(tree)
    assert literal(task, "task_id") == "run_job"
    assert literal(task, "skip_on_exit_code") is None
    assert shlex.split(str(literal(task, "bash_command"))) == [
        "glue-magics",
        "--catalog-url",
        "postgresql://catalog.internal/glue",
        "jobs",
        "run",
        "nightly_sales",
        "--wait",
        "--param",
        "region=eu",
        "--param",
        "day=2025-01-01",
    ]
    # the operator turns Jinja off and loads no template files
    classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    assert [c.name for c in classes] == ["GlueMagicsJobRun"]
    assigned = {
        target.id: ast.literal_eval(stmt.value)
        for stmt in classes[0].body
        if isinstance(stmt, ast.Assign)
        for target in stmt.targets
        if isinstance(target, ast.Name)
    }
    assert assigned == {"template_fields": (), "template_ext": ()}


def test_hostile_values_stay_literal(tmp_path: Path) -> None:
    printer = tmp_path / "print_args.py"
    printer.write_text("import json, sys\nprint(json.dumps(sys.argv[1:]))\n")
    job_name = "job'); import os; os.system('id') #\"\"\""
    source = airflow_dag(
        job_name,
        parse_schedule("@daily"),
        catalog_url=None,
        params=HOSTILE,
        command=f"{shlex.quote(sys.executable)} {shlex.quote(str(printer))}",
        start_date=date(2025, 1, 1),
    )
    tree = parse(source)
    # nothing but the expected top-level statements: no injected code
    kinds = [type(node).__name__ for node in tree.body]
    assert kinds == ["Expr", "ImportFrom", "Import", "Try", "ClassDef", "With"]
    assert literal(dag_call(tree), "dag_id") == "job____import_os__os.system__id_______"
    bash_command = str(literal(task_call(tree), "bash_command"))
    expected = [
        "jobs",
        "run",
        job_name,
        "--wait",
        "--param",
        'quote=it\'s "quoted"',
        "--param",
        "subshell=$(touch /tmp/glue-magics-pwned) `id` ; rm -rf ~",
        "--param",
        "newline=line one\nline two\n')\nimport os\n",
        "--param",
        "jinja={{ dag.dag_id }} {% raw %}",
        "--param",
        "script=run.sh",
        "--param",
        "count=3",
        "--param",
        "flag=true",
        "--param",
        'list=[1, "two"]',
    ]
    # a real bash receives exactly these words
    result = subprocess.run(
        ["bash", "-c", bash_command], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(result.stdout) == expected
    assert not Path("/tmp/glue-magics-pwned").exists()


@pytest.mark.parametrize(
    ("expr", "tz"),
    [
        ("cron(15 12 * * ? *)", "UTC"),
        ("cron(0 18 ? * MON-FRI *)", "America/New_York"),
        ("cron(0 8 1 * ? *)", "Asia/Kolkata"),
        ("cron(0/15 * * * ? *)", "UTC"),
        ("cron(0/10 * ? * MON-FRI *)", "Europe/Berlin"),
        ("cron(0/5 8-17 ? * MON-FRI *)", "Europe/Paris"),
        ("cron(30 2 ? * 1,7 *)", "Europe/Berlin"),
        ("cron(0 0 1/3 JAN-MAR ? *)", "UTC"),
        ("@weekly", "Australia/Sydney"),
        ("30 9 * * mon-fri", "UTC"),
    ],
)
def test_schedule_in_file_fires_like_the_job(expr: str, tz: str) -> None:
    schedule = parse_schedule(expr, tz)
    source = airflow_dag("job", schedule, catalog_url=None, params={}, start_date=date(2025, 3, 1))
    dag = dag_call(parse(source))
    cron = literal(dag, "schedule")
    _, dag_tz = start_date_of(dag)
    assert isinstance(cron, str) and isinstance(dag_tz, str)
    from_file = parse_schedule(cron, dag_tz)
    for start in (
        datetime(2025, 3, 1, tzinfo=timezone.utc),
        datetime(2025, 10, 20, tzinfo=timezone.utc),
    ):
        assert first_fires(from_file, start, 20) == first_fires(schedule, start, 20)


def first_fires(schedule: Schedule, start: datetime, count: int) -> list[datetime]:
    fires: list[datetime] = []
    current: datetime | None = start
    for _ in range(count):
        current = schedule.next_after(current) if current else None
        assert current is not None
        fires.append(current)
    return fires


@pytest.mark.parametrize(
    ("expr", "part"),
    [
        ("cron(15 10 ? * 6L *)", "day-of-week '6L' (standard cron has no L or #)"),
        ("cron(0 9 ? * 3#2 *)", "day-of-week '3#2' (standard cron has no L or #)"),
        ("cron(0 9 LW * ? *)", "day-of-month 'LW' (standard cron has no L or W)"),
        ("cron(0 9 15W * ? *)", "day-of-month '15W' (standard cron has no L or W)"),
        ("cron(0 9 L * ? *)", "day-of-month 'L' (standard cron has no L or W)"),
        ("cron(0 9 * * ? 2026-2030)", "year '2026-2030' (standard cron has no year field)"),
    ],
)
def test_schedules_without_five_field_equivalent_are_refused(expr: str, part: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        airflow_dag("job", parse_schedule(expr), catalog_url=None, params={})
    assert str(info.value) == (
        f"airflow export: schedule {expr!r} has no standard 5-field cron equivalent: {part}; "
        "Airflow cannot run it as is"
    )


@pytest.mark.parametrize(("policy", "catchup"), [("none", False), ("latest", False), ("all", True)])
def test_catch_up_policy_maps_to_catchup(policy: str, catchup: bool) -> None:
    source = airflow_dag(
        "job", parse_schedule("@daily"), catalog_url=None, params={}, catch_up=policy
    )
    assert literal(dag_call(parse(source)), "catchup") is catchup


def test_no_schedule_means_manual_runs_and_default_start_date() -> None:
    dag = dag_call(parse(airflow_dag("job", None, catalog_url=None, params={})))
    assert literal(dag, "schedule") is None
    (year, month, day), tz = start_date_of(dag)
    assert tz == "UTC"
    assert abs(date(year, month, day) - datetime.now(timezone.utc).date()) <= timedelta(days=1)
    assert literal(dag, "max_active_runs") == 1


def test_bad_export_options_are_refused() -> None:
    daily = parse_schedule("@daily")
    with pytest.raises(InvalidInputError, match="catch-up policy 'sometimes' is unknown"):
        airflow_dag("job", daily, catalog_url=None, params={}, catch_up="sometimes")
    with pytest.raises(InvalidInputError, match="max concurrent runs must be at least 1, got 0"):
        airflow_dag("job", daily, catalog_url=None, params={}, max_concurrent_runs=0)
    with pytest.raises(InvalidInputError, match="parameter name 'a=b' must be non-empty text"):
        airflow_dag("job", daily, catalog_url=None, params={"a=b": 1})
    for name in ("  ", "two\nlines"):
        with pytest.raises(InvalidInputError, match="invalid job name"):
            airflow_dag(name, daily, catalog_url=None, params={})
    with pytest.raises(InvalidInputError, match="catalog URL holds a password"):
        airflow_dag("job", daily, catalog_url="postgresql://me:secret@db/glue", params={})
