"""Parameters: read from the parameters cell, typed by their defaults, injected as literals."""

from __future__ import annotations

import ast

import pytest
from nbformat.v4 import new_code_cell, new_notebook

from glue_magics.errors import InvalidInputError
from glue_magics.jobs.params import (
    INJECTED_TAG,
    coerce,
    inject,
    injected_source,
    parse_assignments,
    read_parameters,
    resolve_arguments,
)

DEFAULTS = {
    "rows": 10,
    "ratio": 0.5,
    "dry_run": False,
    "region": "eu",
    "since": None,
    "tables": ["a"],
    "opts": {"k": 1},
}


def notebook(parameters: str) -> object:
    nb = new_notebook()
    cell = new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [new_code_cell("import os"), cell, new_code_cell("print(rows)")]
    return nb


def test_defaults_are_read_with_their_types() -> None:
    nb = notebook(
        '"""Job parameters."""\nrows = 10  # how many\nratio: float = 0.5\ndry_run = False\n'
        "region = 'eu'\nsince = None\ntables = ['a']\nopts = {'k': 1}\n"
    )
    assert read_parameters(nb) == DEFAULTS


def test_no_parameters_cell_means_no_parameters() -> None:
    nb = new_notebook()
    nb.cells = [new_code_cell("x = 1")]
    assert read_parameters(nb) == {}


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("rows = int('3')", "'rows' is not a literal"),
        ("import os", "only 'name = literal' assignments"),
        ("a, b = 1, 2", "assign to a plain name"),
        ("rows = (", "syntax error on line 1"),
        ("when = {1: 2}", "dictionary keys must be text"),
        ("n = float('nan')", "'n' is not a literal"),
    ],
)
def test_a_parameters_cell_that_is_not_plain_literals_is_refused(source: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        read_parameters(notebook(source))


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("rows", "5", 5),
        ("rows", " -7 ", -7),
        ("ratio", "2", 2.0),
        ("ratio", "1e-3", 0.001),
        ("dry_run", "true", True),
        ("dry_run", "No", False),
        ("region", "us east", "us east"),
        ("region", "5", "5"),
        ("since", "2024-01-01", "2024-01-01"),
        ("since", "[1, 2]", [1, 2]),
        ("tables", '["x", "y"]', ["x", "y"]),
        ("opts", "{'k': 2, 'm': [1]}", {"k": 2, "m": [1]}),
    ],
)
def test_text_is_converted_to_the_default_type(key: str, text: str, value: object) -> None:
    result = coerce(key, text, DEFAULTS[key])
    assert result == value and type(result) is type(value)


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        ("rows", "abc", "invalid value for parameter 'rows': 'abc' is not an int (default 10)"),
        ("rows", "5.5", "'5.5' is not an int"),
        ("ratio", "fast", "'fast' is not a float"),
        ("ratio", "inf", "it must be finite"),
        ("dry_run", "maybe", "'maybe' is not a bool; use true or false"),
        ("tables", "a,b", "is not a list; write it as a literal"),
        ("tables", "{'a': 1}", "is not a list"),
        ("opts", "[1]", "is not a dict"),
        ("opts", "__import__('os')", "is not a dict"),
    ],
)
def test_text_that_does_not_fit_is_refused_in_one_line(key: str, text: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=None) as err:
        coerce(key, text, DEFAULTS[key])
    assert message in str(err.value) and "\n" not in str(err.value)


def test_typed_values_are_checked_too() -> None:
    assert coerce("ratio", 3, 0.5) == 3.0
    with pytest.raises(InvalidInputError, match="is not an int"):
        coerce("rows", True, 10)
    with pytest.raises(InvalidInputError, match="not supported"):
        coerce("since", object(), None)


def test_precedence_defaults_then_run_then_fixed() -> None:
    args = resolve_arguments(
        {"rows": 10, "region": "eu"}, {"rows": "5", "region": "us"}, {"region": "fixed"}
    )
    assert args == {"rows": 5, "region": "fixed"}


def test_unknown_parameters_are_refused_unless_the_job_allows_them() -> None:
    with pytest.raises(InvalidInputError, match="unknown parameter 'colour'"):
        resolve_arguments({"rows": 10}, {"colour": "red"})
    assert resolve_arguments({"rows": 10}, {"colour": "red"}, allow_extra=True) == {
        "rows": 10,
        "colour": "red",
    }


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (["rows"], "write KEY=VALUE"),
        (["1x=2"], "invalid parameter name '1x'"),
        (["class=2"], "invalid parameter name 'class'"),
        (["a=1", "a=2"], "'a' is given twice"),
    ],
)
def test_malformed_assignments_are_refused(items: list[str], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        parse_assignments(items)


def test_the_injected_cell_holds_safe_literals_after_the_parameters_cell() -> None:
    nb = notebook("rows = 10")
    tricky = "'); import os; os.system('echo pwned') #"
    inject(nb, {"rows": 5, "region": tricky, "opts": {"a": [1, None]}}, "run 1")
    inject(nb, {"rows": 6}, "run 2")  # replaces the first one
    injected = [c for c in nb.cells if INJECTED_TAG in c.metadata.get("tags", [])]
    assert len(injected) == 1 and nb.cells.index(injected[0]) == 2
    tree = ast.parse(injected[0].source)
    assert all(isinstance(node, ast.Assign) for node in tree.body)
    namespace: dict[str, object] = {}
    exec(injected_source({"region": tricky, "ratio": 0.1}, "x"), {}, namespace)
    assert namespace == {"region": tricky, "ratio": 0.1}
