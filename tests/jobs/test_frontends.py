"""``%promote`` / ``%jobs`` in a real IPython shell and ``glue-magics jobs`` as a subprocess: one
grammar, one-line errors with exit status 1 (2 for usage), JSON output."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from IPython.core.interactiveshell import InteractiveShell

from glue_magics import cli
from glue_magics.catalog import Catalog
from glue_magics.errors import InvalidInputError
from glue_magics.magics import jobs as jobs_magic
from tests.jobs.conftest import write_notebook

GLUE_MAGICS = str(Path(sys.executable).parent / "glue-magics")


def options(parser) -> set[str]:  # type: ignore[no-untyped-def]
    return {s for a in parser._actions for s in a.option_strings} - {
        "-o",
        "--output",
        "-h",
        "--help",
    }


def subcommand_options(parser) -> dict[str, set[str]]:  # type: ignore[no-untyped-def]
    sub = next(a for a in parser._actions if a.dest == "command")
    return {name: options(p) for name, p in sub.choices.items()}


def test_magic_and_cli_share_subcommands_and_options() -> None:
    groups = next(a for a in cli.build_parser()._actions if a.dest == "group")
    cli_jobs = subcommand_options(groups.choices["jobs"])
    magic_jobs = subcommand_options(jobs_magic.build_parser())
    assert cli_jobs == magic_jobs
    assert options(jobs_magic.build_promote_parser()) == cli_jobs["create"]
    assert {"--schedule", "--timezone", "--param", "--dq", "--timeout", "--retries"} <= cli_jobs[
        "create"
    ]
    assert {"--max-concurrency", "--catch-up", "--max-staleness", "--backend", "--tag"} <= cli_jobs[
        "create"
    ]


def subprocess_run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GLUE_MAGICS, "--catalog-url", url, *args], capture_output=True, text=True, timeout=300
    )


def in_process(
    capsys: pytest.CaptureFixture[str], url: str, *args: str
) -> subprocess.CompletedProcess[str]:
    """The CLI's main() in this process: the same code path, without a Python start-up."""
    capsys.readouterr()
    status = cli.main(["--catalog-url", url, *args])
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(list(args), status, out, err)


def test_cli_workflow(sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def cli_run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
        return in_process(capsys, url, *args)

    nb = write_notebook(tmp_path / "daily.ipynb", "rows = 10", "print('rows', rows)")
    proc = cli_run(
        sqlite_url, "jobs", "create", "daily", "--notebook", str(nb),
        "--schedule", "cron(15 6 ? * MON-FRI *)", "--timezone", "Europe/Paris", "--tag", "sales",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "as job daily, version 1; schedule: " in proc.stdout
    proc = cli_run(sqlite_url, "--json", "jobs", "list")
    [listed] = json.loads(proc.stdout)
    assert listed["name"] == "daily" and listed["next_run"] and listed["last_run"] is None
    assert listed["schedule_words"] == "at 06:15 Europe/Paris, Monday to Friday"
    proc = subprocess_run(sqlite_url, "jobs", "run", "daily", "--param", "rows=3", "--wait")
    assert proc.returncode == 0, proc.stderr
    assert "SUCCEEDED" in proc.stdout and "rows=3" in proc.stdout
    text = cli_run(sqlite_url, "jobs", "list").stdout
    assert "daily" in text and "SUCCEEDED" in text and "Monday to Friday" in text
    runs = json.loads(cli_run(sqlite_url, "--json", "jobs", "runs", "daily").stdout)
    assert [r["state"] for r in runs] == ["SUCCEEDED"]
    logs = cli_run(sqlite_url, "jobs", "logs", str(runs[0]["id"])).stdout
    assert "rows 3" in logs and "executed notebook" in logs
    assert "paused" in cli_run(sqlite_url, "jobs", "pause", "daily").stdout
    assert "(paused)" in cli_run(sqlite_url, "jobs", "list").stdout
    assert "resumed" in cli_run(sqlite_url, "jobs", "resume", "daily").stdout
    write_notebook(nb, "rows = 10", "print('rows', rows)", "print('new cell')")
    assert (
        "version 2" in cli_run(sqlite_url, "jobs", "create", "daily", "--notebook", str(nb)).stdout
    )
    diff = json.loads(cli_run(sqlite_url, "--json", "jobs", "diff", "daily", "1", "2").stdout)
    assert [(d["change"], d["new_cell"]) for d in diff] == [("added", 3)]
    versions = cli_run(sqlite_url, "jobs", "versions", "daily").stdout
    assert versions.splitlines()[2].startswith("2")
    dag = tmp_path / "daily_dag.py"
    proc = cli_run(sqlite_url, "jobs", "export", "daily", "--airflow", "--output", str(dag))
    assert proc.returncode == 0, proc.stderr
    compile(dag.read_text(), str(dag), "exec")
    assert "jobs run daily --wait" in dag.read_text()
    proc = cli_run(sqlite_url, "jobs", "delete", "daily")
    assert proc.returncode == 1 and "add --yes" in proc.stderr
    assert cli_run(sqlite_url, "jobs", "delete", "daily", "--yes").returncode == 0
    assert cli_run(sqlite_url, "--json", "jobs", "list").stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["jobs", "show", "nope"], 1, "error: job 'nope' not found"),
        (["jobs", "run", "p", "--param", "rows=many"], 1, "'many' is not an int"),
        (["jobs", "run", "p", "--param", "other=1"], 1, "unknown parameter 'other'"),
        (["jobs", "stop", "77"], 1, "error: job run 77 not found"),
        (["jobs", "logs", "77"], 1, "error: job run 77 not found"),
        (
            ["jobs", "create", "q", "--notebook", "missing.ipynb"],
            1,
            "notebook 'missing.ipynb' not found",
        ),
        (
            ["jobs", "create", "q", "--notebook", "NB", "--schedule", "cron(0 12 * *)"],
            1,
            "invalid schedule",
        ),
        (
            ["jobs", "create", "q", "--notebook", "NB", "--timezone", "Mars/Base"],
            1,
            "unknown timezone",
        ),
        (["jobs", "create", "q", "--notebook", "NB", "--retries", "-1"], 1, "--retries must be"),
        (["jobs", "create", "q", "--notebook", "NB", "--timeout", "0"], 1, "--timeout must be"),
        (
            ["jobs", "create", "q", "--notebook", "NB", "--dq", "orders"],
            1,
            "write DB.TABLE=RULESET",
        ),
        (["jobs", "create", "q", "--notebook", "NB", "--backend", "yarn"], 1, "yarn"),
        (["jobs", "create", "q", "--notebook", "NB", "--param", "x=1"], 1, "no such parameter"),
        (["jobs", "create", "bad name", "--notebook", "NB"], 1, "invalid job name"),
        (["jobs", "create", "q"], 2, "--notebook"),
        (["jobs", "create", "q", "--notebook", "NB", "--catch-up", "some"], 2, "invalid choice"),
        (["jobs", "runs", "--state", "DONE"], 2, "invalid choice"),
        (["scheduler", "--poll", "0"], 1, "--poll must be above 0"),
    ],
)
def test_cli_errors(
    sqlite_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    status: int,
    message: str,
) -> None:
    nb = write_notebook(tmp_path / "p.ipynb", "rows = 10", "print(rows)")
    create = in_process(capsys, sqlite_url, "jobs", "create", "p", "--notebook", str(nb))
    assert create.returncode == 0
    args = [str(nb) if a == "NB" else a for a in args]
    proc = in_process(capsys, sqlite_url, *args)
    assert proc.returncode == status, proc.stderr
    assert message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    with Catalog(sqlite_url) as cat:
        assert [j.name for j in cat.list_jobs()] == ["p"] and cat.list_job_runs() == []
        assert cat.get_job("p").version == 1


def test_a_failed_run_fails_the_command(sqlite_url: str, tmp_path: Path) -> None:
    nb = write_notebook(tmp_path / "f.ipynb", None, "1 / 0")
    subprocess_run(sqlite_url, "jobs", "create", "f", "--notebook", str(nb))
    proc = subprocess_run(sqlite_url, "jobs", "run", "f", "--wait")
    assert proc.returncode == 1
    assert proc.stderr.strip().startswith(
        "error: job run 1 of f ended FAILED in cell 1: ZeroDivisionError"
    )


@pytest.mark.parametrize("group", ["jobs", "scheduler"])
def test_help(group: str) -> None:
    proc = subprocess.run(
        [GLUE_MAGICS, group, "--help"], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"usage: glue-magics {group}")


@pytest.fixture(scope="module")
def ipython() -> InteractiveShell:
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "glue_magics")
    return shell


@pytest.fixture
def shell(ipython: InteractiveShell, catalog_url: str) -> Iterator[InteractiveShell]:
    magics = ipython.magics_manager.registry["JobsMagics"]
    magics.catalog_url = catalog_url
    ipython.user_ns.pop("__session__", None)
    yield ipython
    magics.catalog_url = None
    ipython.user_ns.pop("__session__", None)


def test_promote_finds_the_notebook_it_runs_in(
    shell: InteractiveShell, tmp_path: Path, catalog_url: str
) -> None:
    nb = write_notebook(tmp_path / "mine.ipynb", "day = '2024-01-01'", "print(day)")
    shell.user_ns["__session__"] = str(nb)
    result = shell.run_line_magic(
        "promote", "mine --schedule @hourly --param day=2024-02-01 --retries 1 --tag t"
    )
    assert "promoted mine.ipynb as job mine, version 1; schedule: every hour" in str(result)
    listed = shell.run_line_magic("jobs", "list -o frame")
    assert listed.rows[0][0] == "mine"
    assert list(shell.user_ns["frame"]["job"]) == ["mine"]
    shown = shell.run_line_magic("jobs", "show mine")
    assert dict(shown.fields)["retries"] == 1
    assert "<table>" in shown._repr_html_()
    assert Catalog(catalog_url).get_job("mine").parameters == {"day": "2024-02-01"}


def test_promote_without_a_notebook_says_what_to_do(shell: InteractiveShell) -> None:
    with pytest.raises(InvalidInputError, match="pass --notebook PATH"):
        shell.run_line_magic("promote", "orphan")
    result = shell.run_cell("%promote orphan")
    assert isinstance(result.error_in_exec, InvalidInputError)
