"""Each class of bad input to the data-quality API: a one-line error, and nothing recorded."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
import pytest

from glue_magics.catalog import Catalog
from glue_magics.errors import EntityNotFoundError, InvalidInputError
from glue_magics.quality import DQDLError, evaluate, evaluate_gate, run_saved

FRAME = pd.DataFrame({"a": [1, 2]})
RULES = "Rules = [ RowCount > 0 ]"


@pytest.fixture
def sales(sqlite_catalog: Catalog) -> Catalog:
    sqlite_catalog.create_database("sales")
    sqlite_catalog.create_table("sales", "orders", columns=[{"name": "a", "type": "bigint"}])
    sqlite_catalog.save_ruleset("loose", RULES)
    return sqlite_catalog


CASES: list[tuple[str, Any, type, str]] = [
    (
        "data of the wrong type",
        lambda c: evaluate([1, 2], RULES, catalog=c),
        InvalidInputError,
        "not list",
    ),
    (
        "a ruleset of the wrong type",
        lambda c: evaluate(FRAME, 5, catalog=c),
        InvalidInputError,
        "not int",
    ),
    (
        "an invalid ruleset",
        lambda c: evaluate(FRAME, "Rules = [ RowCount ]", catalog=c, target="t"),
        DQDLError,
        "line 1, column 11",
    ),
    (
        "an unknown saved ruleset",
        lambda c: evaluate(FRAME, "nope", catalog=c, target="t"),
        EntityNotFoundError,
        "ruleset 'nope' not found",
    ),
    (
        "a naive now",
        lambda c: evaluate(FRAME, RULES, catalog=c, target="t", now=datetime(2024, 1, 1)),
        InvalidInputError,
        "timezone-aware",
    ),
    (
        "a flag that is not a bool",
        lambda c: evaluate(FRAME, RULES, catalog=c, row_level="yes"),
        InvalidInputError,
        "True or False",
    ),
    (
        "an empty reference alias",
        lambda c: evaluate(FRAME, RULES, catalog=c, references={"": FRAME}),
        InvalidInputError,
        "alias must be a name",
    ),
    (
        "a reference of the wrong type",
        lambda c: evaluate(FRAME, RULES, catalog=c, references={"r": 3}),
        InvalidInputError,
        "not int",
    ),
    (
        "a malformed table name",
        lambda c: evaluate("orders", RULES, catalog=c),
        InvalidInputError,
        "DATABASE.TABLE",
    ),
    (
        "a table that does not exist",
        lambda c: evaluate("sales.nope", RULES, catalog=c),
        EntityNotFoundError,
        "table sales.nope not found",
    ),
    (
        "a suite that is not JSON",
        lambda c: evaluate(FRAME, "{oops", catalog=c, target="t"),
        InvalidInputError,
        "not valid JSON",
    ),
    (
        "a suite without expectations",
        lambda c: evaluate(FRAME, {"name": "s"}, catalog=c, target="t"),
        InvalidInputError,
        '"expectations" list',
    ),
    (
        "an unknown expectation",
        lambda c: evaluate(
            FRAME, {"expectations": [{"type": "expect_magic"}]}, catalog=c, target="t"
        ),
        InvalidInputError,
        "expectation 1 (expect_magic)",
    ),
    (
        "an expectation without a type",
        lambda c: evaluate(FRAME, {"expectations": [{"kwargs": {}}]}, catalog=c, target="t"),
        InvalidInputError,
        "expectation 1 of the suite has no type",
    ),
    (
        "row-level outcomes of a suite",
        lambda c: evaluate(FRAME, {"expectations": []}, catalog=c, row_level=True),
        InvalidInputError,
        "row-level outcomes need a DQDL ruleset",
    ),
    (
        "a gate with a suite",
        lambda c: evaluate_gate(FRAME, {"expectations": []}, catalog=c),
        InvalidInputError,
        "row-level outcomes need a DQDL ruleset",
    ),  # type: ignore[arg-type]
    (
        "a saved ruleset attached to no table",
        lambda c: run_saved(c, "loose"),
        InvalidInputError,
        "attached to no table",
    ),
]


@pytest.mark.parametrize(("what", "call", "error", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_and_records_nothing(
    sales: Catalog, what: str, call: Any, error: type, message: str
) -> None:
    before = sales.change_seq()
    with pytest.raises(error) as info:
        call(sales)
    assert message in str(info.value)
    assert "\n" not in str(info.value)
    assert sales.change_seq() == before
