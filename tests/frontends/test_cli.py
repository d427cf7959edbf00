"""The glue-magics CLI, run as a subprocess like a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from glue_magics import cli
from glue_magics.magics import catalog as catalog_magic

GLUE_MAGICS = str(Path(sys.executable).parent / "glue-magics")


def cli_run(url: str, *args: str, json_output: bool = False) -> subprocess.CompletedProcess[str]:
    command = [
        GLUE_MAGICS,
        "--catalog-url",
        url,
        *(["--json"] if json_output else []),
        "catalog",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def ok(url: str, *args: str) -> str:
    proc = cli_run(url, *args)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_catalog_workflow(catalog_url: str) -> None:
    ok(catalog_url, "create-database", "sales")
    ok(
        catalog_url,
        "create-table",
        "sales.orders",
        "--columns",
        "id bigint, amount double",
        "--partition-keys",
        "dt string",
    )
    assert "added 2 partition(s)" in ok(
        catalog_url, "add-partitions", "sales.orders", "2024-01-01", "dt=2024-01-02"
    )
    tables = ok(catalog_url, "tables", "sales", "--pattern", "ord*")
    assert "orders" in tables.splitlines()[2]
    parts = ok(catalog_url, "partitions", "sales.orders", "--where", "dt > '2024-01-01'")
    assert "2024-01-02" in parts and "2024-01-01 " not in parts
    assert "orders" in ok(catalog_url, "search", "amount")


def test_json_output(catalog_url: str) -> None:
    ok(catalog_url, "create-database", "sales")
    ok(
        catalog_url,
        "create-table",
        "sales.orders",
        "--columns",
        "id bigint",
        "--partition-keys",
        "dt string",
    )
    ok(catalog_url, "add-partitions", "sales.orders", "2024-01-01")
    shown = json.loads(cli_run(catalog_url, "show", "sales.orders", json_output=True).stdout)
    assert shown["name"] == "orders"
    assert shown["partition_count"] == 1
    assert shown["definition"]["columns"] == [{"name": "id", "type": "bigint", "comment": None}]
    parts = json.loads(cli_run(catalog_url, "partitions", "sales.orders", json_output=True).stdout)
    assert parts["partitions"][0]["values"] == ["2024-01-01"]
    assert parts["next_token"] is None


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["show", "sales.nope"], 1, "error: table sales.nope not found"),
        (["show", "nope.nope"], 1, "error: database 'nope' not found"),
        (["partitions", "sales.orders", "--where", "dt ="], 1, "error: expected a value for 'dt'"),
        (["drop", "sales"], 1, "error: add --yes to drop database sales"),
        (["create-database", "sales"], 1, "error: database 'sales' already exists"),
        (["no-such-command"], 2, "error: glue-magics catalog: argument SUBCOMMAND: invalid choice"),
        (["versions"], 2, "the following arguments are required: DB.TABLE"),
    ],
)
def test_errors(catalog_url: str, args: list[str], status: int, message: str) -> None:
    ok(catalog_url, "create-database", "sales")
    ok(
        catalog_url,
        "create-table",
        "sales.orders",
        "--columns",
        "id bigint",
        "--partition-keys",
        "dt string",
    )
    proc = cli_run(catalog_url, *args)
    assert proc.returncode == status
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1
    assert message in proc.stderr


def test_default_catalog_lives_in_glue_home(glue_home: Path) -> None:
    proc = subprocess.run(
        [GLUE_MAGICS, "catalog", "create-database", "sales"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert proc.stdout.strip() == "created database sales"
    assert (glue_home / "catalog.db").exists()


def _options(parser) -> dict[str, set[str]]:  # type: ignore[no-untyped-def]
    sub = next(a for a in parser._actions if a.dest == "command")
    return {
        name: {s for a in p._actions for s in a.option_strings} - {"-o", "--output"}
        for name, p in sub.choices.items()
    }


def test_magic_and_cli_share_subcommands_and_options() -> None:
    groups = next(a for a in cli.build_parser()._actions if a.dest == "group")
    assert _options(groups.choices["catalog"]) == _options(catalog_magic.build_parser())


@pytest.mark.parametrize("group", ["catalog", "crawl", "etl"])
def test_help_of_every_group(group: str) -> None:
    proc = subprocess.run(
        [GLUE_MAGICS, group, "--help"], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"usage: glue-magics {group}")
