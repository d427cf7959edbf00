"""%%dq / %dq in a real IPython shell and ``glue-magics dq`` (in-process and as a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell

from glue_magics import cli
from glue_magics.catalog import Catalog
from glue_magics.commands import CommandLineError
from glue_magics.errors import EntityNotFoundError, InvalidInputError
from glue_magics.quality import DQDLError

from .conftest import orders_frame

GLUE_MAGICS = str(Path(sys.executable).parent / "glue-magics")
RULES = 'Rules = [ RowCount = 5, IsComplete "id", ColumnValues "amount" < 100 ]'


@pytest.fixture
def shell(sqlite_url: str) -> Iterator[InteractiveShell]:
    ipython = InteractiveShell.instance()
    ipython.run_line_magic("load_ext", "glue_magics")
    magics = ipython.magics_manager.registry["DqMagics"]
    magics.catalog_url = sqlite_url
    ipython.user_ns["orders"] = orders_frame()
    yield ipython
    magics.catalog_url = None
    for name in ("out", "rows", "orders"):
        ipython.user_ns.pop(name, None)


def cell(shell: InteractiveShell, line: str, body: str = RULES) -> Any:
    return shell.run_cell_magic("dq", line, body)


def test_cell_on_a_dataframe_renders_glue_results_with_badges(shell: InteractiveShell) -> None:
    report = cell(shell, "--df orders --no-gx -o out --row-level rows")
    fields = dict(report.fields)
    assert fields["score"] == "0.33 (1 of 3 rules passed)"
    assert fields["target"] == "dataframe:orders" and fields["recorded"].startswith("run ")
    out = shell.user_ns["out"]
    assert list(out.columns) == ["Rule", "Outcome", "FailureReason", "EvaluatedMetrics"]
    assert out["Outcome"].tolist() == ["PASS", "FAIL", "FAIL"]
    assert out["EvaluatedMetrics"][0] == {"Dataset.*.RowCount": 5.0}
    page = report._repr_html_()
    assert page.count(">PASS</span>") == 1 and page.count(">FAIL</span>") == 2
    assert "background:#cf222e" in page
    assert "DataQualityEvaluationResult" in shell.user_ns["rows"].columns
    line = next(x for x in str(report).splitlines() if x.startswith('ColumnValues "amount" < 100'))
    assert line.split()[4:6] == ["FAIL", "Value:"] and "Value: 250 does not meet" in line


def test_save_then_run_list_show_history_delete(shell: InteractiveShell, sqlite_url: str) -> None:
    saved = cell(shell, "--name orders_rules --save")
    assert dict(saved.fields) == {"valid": "yes (DQDL, 3 entries)", "saved as": "orders_rules"}
    listed = shell.run_line_magic("dq", "list -o out")
    assert listed.rows[0][:3] == ["orders_rules", None, 3]
    assert shell.user_ns["out"]["ruleset"].tolist() == ["orders_rules"]
    shown = shell.run_line_magic("dq", "show orders_rules")
    assert shown.sections[0].rows[0] == [RULES]
    assert shown.sections[1].rows[0][0] == "expect_table_row_count_to_be_between"
    run = shell.run_line_magic("dq", "run orders_rules --df orders --no-gx")
    assert dict(run.fields)["ruleset"] == "orders_rules"
    cell(shell, "--name orders_rules --df orders --no-gx", "# the saved one")  # no rules: run it
    history = shell.run_line_magic("dq", "history dataframe:orders --metric Dataset.*.RowCount")
    assert [r[1] for r in history.rows] == ["orders_rules", "orders_rules"]
    assert [r[-1] for r in history.rows] == [5.0, 5.0]
    assert shell.run_line_magic("dq", "delete orders_rules").text == "deleted ruleset orders_rules"
    with Catalog(sqlite_url) as catalog:
        assert catalog.list_rulesets() == []


def test_a_gx_suite_in_a_cell(shell: InteractiveShell) -> None:
    suite = json.dumps(
        {
            "name": "s",
            "expectations": [
                {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "id"}}
            ],
        }
    )
    report = cell(shell, "--df orders", suite)
    assert dict(report.fields)["engine"] == "pandas (GX suite)"
    assert report.result.rules[0].outcome == "FAIL"


@pytest.mark.parametrize(
    ("line", "body", "error", "message"),
    [
        ("--df orders", 'Rules = [ Foo "x" ]', DQDLError, "line 1, column 11: Rule Type: Foo"),
        ("--df nothing", RULES, InvalidInputError, "--df nothing: no such variable"),
        ("--df orders --table a.b", RULES, InvalidInputError, "--table or --df, not both"),
        ("--save", RULES, InvalidInputError, "--save needs --name"),
        ("--df orders", "# nothing", InvalidInputError, "write a DQDL ruleset in the cell"),
        ("--name nope --df orders", "# nothing", EntityNotFoundError, "ruleset 'nope' not found"),
        (
            "--df orders --reference ref",
            RULES,
            InvalidInputError,
            "--reference takes ALIAS=DB.TABLE",
        ),
        ("--df orders -o 1x", RULES, InvalidInputError, "-o needs a Python variable name"),
        (
            "--df orders --row-level 1x",
            RULES,
            InvalidInputError,
            "--row-level needs a Python variable",
        ),
        ("--df orders --nope", RULES, CommandLineError, "unrecognized arguments: --nope"),
        ("--df orders", '{"expectations": 5}', InvalidInputError, '"expectations" list'),
        ("--df orders", "{not json", InvalidInputError, "not valid JSON: line 1, column 2"),
    ],
)
def test_cell_errors(
    shell: InteractiveShell,
    line: str,
    body: str,
    error: type,
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = shell.run_cell(f"%%dq {line}\n{body}")
    assert isinstance(result.error_in_exec, error)
    assert message in str(result.error_in_exec)
    err = capsys.readouterr().err
    assert "Traceback" not in err and message.split(":")[0] in err


def test_help_prints_usage(shell: InteractiveShell, capsys: pytest.CaptureFixture[str]) -> None:
    assert shell.run_line_magic("dq", "") is None
    assert "run" in capsys.readouterr().out
    assert shell.run_cell_magic("dq", "--help", "x") is None
    assert "--row-level VAR" in capsys.readouterr().out


def test_magic_on_a_catalog_table_with_spark(
    shell: InteractiveShell, spark: Any, lake_table: Callable[..., str]
) -> None:
    name = lake_table("sales", "orders", orders_frame().drop(columns=["ordered"]))
    report = cell(shell, f"--table {name} --name orders_rules --save -o out")
    assert dict(report.fields)["engine"] == "spark"
    assert shell.user_ns["out"]["Outcome"].tolist() == ["PASS", "FAIL", "FAIL"]
    again = shell.run_line_magic("dq", "run orders_rules")
    assert dict(again.fields)["target"] == "sales.orders"
    history = shell.run_line_magic("dq", f"history {name} --ruleset orders_rules")
    assert len(history.rows) == 2
    recommended = shell.run_line_magic("dq", f"recommend {name} --save starter")
    rules = [row[0] for row in recommended.sections[0].rows]
    assert "RowCount between 4 and 7" in rules and 'IsComplete "amount"' in rules
    assert 'ColumnValues "country" in ["CA", "US", "XX", NULL]' in rules
    assert 'Completeness "id" >= 0.72' in rules
    run = shell.run_line_magic("dq", "run starter")
    assert run.result.passed, [(r.rule, r.failure_reason) for r in run.result.rules]


# -- the command line


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_validate_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path, "good.dqdl", RULES)
    bad = write(tmp_path, "bad.dqdl", 'Rules = [\n  IsComplete "a" > 1,\n  Foo "x"\n]\n')
    assert cli.main(["dq", "validate", good]) == 0
    assert capsys.readouterr().out.strip() == f"{good}: valid, 3 rule(s), 0 analyzer(s)"
    assert cli.main(["dq", "validate", bad]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"error: {bad}:2:18: IsComplete is a boolean rule and takes no condition",
        f"{bad}:3:3: Rule Type: Foo is not valid",
    ]
    assert cli.main(["dq", "validate", str(tmp_path / "missing.dqdl")]) == 1
    assert "cannot read" in capsys.readouterr().err
    assert cli.main(["dq", "validate"]) == 2
    suite = write(
        tmp_path,
        "suite.json",
        '{"expectations": [{"type": "expect_column_to_exist", "kwargs": {"column": "a"}}]}',
    )
    assert cli.main(["dq", "validate", suite]) == 0
    assert "valid GX suite, 1 expectation(s)" in capsys.readouterr().out


def test_validate_as_a_real_command(tmp_path: Path) -> None:
    good = write(tmp_path, "good.dqdl", RULES)
    bad = write(tmp_path, "bad.dqdl", "Rules = [ RowCount ]")
    ok = subprocess.run([GLUE_MAGICS, "dq", "validate", good], capture_output=True, text=True)
    assert ok.returncode == 0 and "valid" in ok.stdout
    failed = subprocess.run([GLUE_MAGICS, "dq", "validate", bad], capture_output=True, text=True)
    assert failed.returncode == 1
    assert (
        failed.stderr.strip() == f"error: {bad}:1:11: RowCount needs a condition (for example > 0)"
    )
    piped = subprocess.run(
        [GLUE_MAGICS, "dq", "validate", "-"],
        input="Rules = [ Mean ]",
        capture_output=True,
        text=True,
    )
    assert piped.returncode == 1 and "<stdin>:1:11:" in piped.stderr


def test_cli_save_list_show_eval_history_delete(
    tmp_path: Path,
    sqlite_url: str,
    spark: Any,
    lake_table: Callable[..., str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    name = lake_table("sales", "orders", orders_frame().drop(columns=["ordered"]))
    rules = write(tmp_path, "orders.dqdl", RULES)
    base = ["--catalog-url", sqlite_url]
    assert cli.main([*base, "dq", "save", "orders_rules", "--file", rules, "--table", name]) == 0
    assert capsys.readouterr().out.strip() == "saved ruleset orders_rules, attached to sales.orders"
    assert cli.main([*base, "--json", "dq", "list"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert listed["name"] == "orders_rules" and listed["gx_suite"]["expectations"]
    assert (
        cli.main([*base, "dq", "eval", rules, "--table", name, "--name", "adhoc", "--no-gx"]) == 0
    )
    out = capsys.readouterr().out
    assert "score            0.33 (1 of 3 rules passed)" in out
    assert cli.main([*base, "--json", "dq", "run", "orders_rules"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["target"] == "sales.orders" and report["rules_failed"] == 2
    assert (
        report["rules"][1]["FailureReason"]
        == "Value: 0.8 does not meet the constraint requirement!"
    )
    assert cli.main([*base, "dq", "history", name, "--metric", "Column.id.Completeness"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split()[-1] == "Column.id.Completeness" and lines[3].split()[-1] == "0.8"
    assert cli.main([*base, "dq", "delete", "orders_rules"]) == 0
    assert cli.main([*base, "dq", "show", "orders_rules"]) == 1
    assert "ruleset 'orders_rules' not found" in capsys.readouterr().err
    assert cli.main([*base, "dq", "eval", rules]) == 1
    assert "needs --table" in capsys.readouterr().err


def test_magic_and_cli_share_options() -> None:
    from glue_magics.magics.dq import build_line_parser

    def options(parser: Any, command: str) -> set[str]:
        sub = next(a for a in parser._actions if a.dest == "command").choices[command]
        return {o for a in sub._actions for o in a.option_strings}

    magic = build_line_parser()
    command_line = next(a for a in cli.build_parser()._actions if a.dest == "group").choices["dq"]
    for name in ("run", "history", "recommend", "list", "show", "delete", "validate", "save"):
        notebook_only = {"--df", "--row-level", "-o", "--output"}
        assert options(magic, name) - notebook_only == options(command_line, name), name
