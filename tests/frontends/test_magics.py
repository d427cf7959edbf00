"""%catalog in a real IPython InteractiveShell."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell

from glue_magics.catalog import Catalog
from glue_magics.commands import CommandLineError
from glue_magics.errors import AlreadyExistsError, EntityNotFoundError, InvalidInputError


@pytest.fixture(scope="module")
def ipython() -> InteractiveShell:
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "glue_magics")
    return shell


@pytest.fixture
def shell(ipython: InteractiveShell, catalog_url: str) -> Iterator[InteractiveShell]:
    """The shell, with %catalog pointed at a fresh catalog (through its config trait)."""
    magics = ipython.magics_manager.registry["CatalogMagics"]
    magics.catalog_url = catalog_url
    ipython.user_ns.pop("out", None)
    yield ipython
    magics.catalog_url = None


def run(shell: InteractiveShell, line: str):  # type: ignore[no-untyped-def]
    return shell.run_line_magic("catalog", line)


def failing(
    shell: InteractiveShell, line: str, capsys: pytest.CaptureFixture[str]
) -> tuple[BaseException, str]:
    result = shell.run_cell(f"%catalog {line}")
    assert result.error_in_exec is not None, f"%catalog {line} should fail"
    return result.error_in_exec, capsys.readouterr().err


@pytest.fixture
def sales(shell: InteractiveShell) -> InteractiveShell:
    run(shell, "create-database sales --description 'Sales data'")
    run(
        shell,
        "create-table sales.orders --columns 'id bigint, amount decimal(10,2), customer string' "
        "--partition-keys 'dt string, hour int' --classification parquet --description 'All orders'",
    )
    values = [f"2024-01-0{d}/{h}" for d in (1, 2, 3) for h in range(4)]
    run(shell, "add-partitions sales.orders " + " ".join(values))
    return shell


def test_load_is_fast_and_light() -> None:
    code = (
        "import sys, time; from IPython.core.interactiveshell import InteractiveShell; "
        "sh = InteractiveShell.instance(); t = time.perf_counter(); "
        "sh.run_line_magic('load_ext', 'glue_magics'); "
        "print(time.perf_counter() - t); "
        "print(','.join(m for m in ('pyspark', 'great_expectations', 'sqlalchemy', 'pandas') if m in sys.modules)); "
        "print('catalog' in sh.magics_manager.magics['line'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[1] == "", f"loading imported {out[1]}"
    assert out[2] == "True"


def test_config_line_enables_extension(tmp_path: Path) -> None:
    """c.InteractiveShellApp.extensions = ['glue_magics'] is all a profile needs."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "IPython",
            f"--ipython-dir={tmp_path}",
            "--InteractiveShellApp.extensions=['glue_magics']",
            "-c",
            "%catalog create-database from_config",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "created database from_config" in proc.stdout


def test_config_trait_selects_catalog(sales: InteractiveShell, catalog_url: str) -> None:
    with Catalog(catalog_url) as cat:
        assert [d.name for d in cat.list_databases()] == ["sales"]


def test_databases_and_tables(sales: InteractiveShell) -> None:
    run(sales, "create-table sales.customers --columns 'id bigint, name string'")
    run(sales, "create-database crm")
    assert [r[0] for r in run(sales, "databases").rows] == ["crm", "sales"]
    assert [r[1] for r in run(sales, "tables sales").rows] == ["customers", "orders"]
    assert [r[1] for r in run(sales, "tables sales --pattern 'ord*'").rows] == ["orders"]
    assert [r[1] for r in run(sales, "tables").rows] == ["customers", "orders"]


def test_show(sales: InteractiveShell) -> None:
    result = run(sales, "show sales.orders -o out")
    fields = dict(result.fields)
    assert fields["classification"] == "parquet"
    assert fields["partitions"] == 12
    assert fields["version"] == 1
    assert fields["location"].endswith("/warehouse/sales/orders")
    frame = sales.user_ns["out"]
    assert isinstance(frame, pd.DataFrame)
    assert list(frame["column"]) == ["id", "amount", "customer", "dt", "hour"]
    assert list(frame["partition key"]) == ["", "", "", "yes", "yes"]
    html = result._repr_html_()
    assert "<table>" in html and "decimal(10,2)" in html


def test_partitions_where_limit_and_paging(sales: InteractiveShell) -> None:
    result = run(
        sales,
        "partitions sales.orders --where \"hour >= 2 AND dt <> '2024-01-02'\" --limit 3 -o out",
    )
    assert [r[:2] for r in result.rows] == [
        ["2024-01-01", "2"],
        ["2024-01-01", "3"],
        ["2024-01-03", "2"],
    ]
    assert result.footer.startswith("3 shown of 4 matching; next page: --next-token ")
    token = result.footer.rsplit(" ", 1)[1]
    rest = run(
        sales,
        f"partitions sales.orders --where \"hour >= 2 AND dt <> '2024-01-02'\" --next-token {token}",
    )
    assert [r[:2] for r in rest.rows] == [["2024-01-03", "3"]]
    assert list(sales.user_ns["out"].columns) == ["dt", "hour", "location", "created"]


def test_search(sales: InteractiveShell) -> None:
    run(
        sales,
        "create-table sales.refunds --columns 'order_id bigint, reason string' --description 'Refunded orders'",
    )
    assert [r[1] for r in run(sales, "search orders").rows] == ["orders", "refunds"]
    assert [r[1] for r in run(sales, "search refunded").rows] == ["refunds"]
    assert run(sales, "search nothing-like-this").rows == []


def test_versions_diff_restore(sales: InteractiveShell, catalog_url: str) -> None:
    with Catalog(catalog_url) as cat:
        cat.update_table(
            "sales",
            "orders",
            columns=[{"name": "id", "type": "string"}, {"name": "note", "type": "string"}],
        )
    assert [r[0] for r in run(sales, "versions sales.orders").rows] == [2, 1]
    diff = run(sales, "diff sales.orders 1 2")
    changes = {(r[0], r[1]) for r in diff.rows}
    assert changes == {
        ("added column", "note"),
        ("removed column", "amount"),
        ("removed column", "customer"),
        ("changed column", "id"),
    }
    assert (
        str(run(sales, "restore sales.orders 1"))
        == "restored sales.orders to version 1 (now version 3)"
    )
    assert run(sales, "diff sales.orders 1 3").rows == []


def test_drop_needs_yes(sales: InteractiveShell, capsys: pytest.CaptureFixture[str]) -> None:
    error, err = failing(sales, "drop sales.orders", capsys)
    assert isinstance(error, InvalidInputError)
    assert (
        err.strip()
        == "InvalidInputError: add --yes to drop table sales.orders and its 12 partition(s)"
    )
    assert [r[1] for r in run(sales, "tables sales").rows] == ["orders"]
    assert str(run(sales, "drop sales.orders --yes")) == "dropped table sales.orders"
    assert str(run(sales, "drop sales --yes")) == "dropped database sales and its 0 table(s)"
    assert run(sales, "databases").rows == []


@pytest.mark.parametrize(
    ("line", "error_type"),
    [
        ("show sales.missing", EntityNotFoundError),
        ("show nodots", InvalidInputError),
        ("create-database sales", AlreadyExistsError),
        ("create-database 'bad name'", InvalidInputError),
        ("partitions sales.orders --where 'year = 1'", InvalidInputError),
        ("partitions sales.orders --where 'hour >'", InvalidInputError),
        ("partitions sales.orders --limit 0", InvalidInputError),
        ("add-partitions sales.orders 2024-01-01/0", AlreadyExistsError),
        ("add-partitions sales.orders 2024-01-09/x", InvalidInputError),
        ("add-partitions sales.orders hour=1/dt=2024-01-09", InvalidInputError),
        ("create-table sales.t2 --columns 'id'", InvalidInputError),
        ("create-table sales.t2 --columns 'id notatype'", InvalidInputError),
        ("diff sales.orders 1 9", EntityNotFoundError),
        ("frobnicate", CommandLineError),
        ("show", CommandLineError),
        ("diff sales.orders one two", CommandLineError),
        ("tables -o 'not a var'", InvalidInputError),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    sales: InteractiveShell,
    catalog_url: str,
    capsys: pytest.CaptureFixture[str],
    line: str,
    error_type: type[Exception],
) -> None:
    with Catalog(catalog_url) as cat:
        before = cat.change_seq()
        capsys.readouterr()
        error, err = failing(sales, line, capsys)
        assert isinstance(error, error_type)
        assert len(err.strip().splitlines()) == 1, err
        assert "Traceback" not in err
        assert cat.change_seq() == before


def test_help_prints_usage(shell: InteractiveShell, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(shell, "--help") is None
    out = capsys.readouterr().out
    assert "usage: %catalog" in out and "partitions" in out
    assert run(shell, "partitions --help") is None
    assert "--where EXPR" in capsys.readouterr().out


def test_if_exists_flags_make_cells_rerunnable(shell: InteractiveShell) -> None:
    assert str(run(shell, "drop demo --yes --if-exists")) == "demo does not exist; nothing dropped"
    assert str(run(shell, "create-database demo --if-not-exists")) == "database demo is ready"
    assert str(run(shell, "create-database demo --if-not-exists")) == "database demo is ready"
    assert (
        str(run(shell, "drop demo --yes --if-exists")) == "dropped database demo and its 0 table(s)"
    )
