"""%%etl --dq: a data-quality ruleset decides what an ETL write may land."""

from __future__ import annotations

import json

import pytest

from glue_magics.catalog import Catalog
from glue_magics.commands.etl import build_cell_parser, spec_from
from glue_magics.errors import EntityNotFoundError, InvalidInputError
from glue_magics.etl.gate import GATES_VARIABLE, DataQualityGateError
from glue_magics.spark.catalog_bridge import CatalogBridge
from tests.spark.test_etl import etl, read

ALL = "SELECT * FROM o"
SMALL = 'Rules = [ ColumnValues "amount" < 3 ]'  # 2 of each day's 4 orders pass
FINE = 'Rules = [ RowCount = 12, IsComplete "order_id" ]'
GATED = {"sources": ["o=raw.orders"], "target": "analytics.daily", "partition_by": ["dt"]}


def quarantined(spark, cat: Catalog) -> list:  # type: ignore[no-untyped-def]
    CatalogBridge(cat).ensure(spark, ["analytics.daily_quarantine"])
    return spark.table("analytics.daily_quarantine").collect()


def tables(cat: Catalog) -> list[str]:
    return sorted(t.name for t in cat.list_tables("analytics"))


def test_fail_writes_nothing_and_records_why(spark, cat: Catalog) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DataQualityGateError, match=r"1 of 1 rules failed .*nothing was written"):
        etl(spark, cat, ALL, dq=SMALL, **GATED)
    assert tables(cat) == []
    [run] = cat.list_runs(kind="etl")
    assert run.state == "FAILED" and "data quality gate" in (run.error or "")
    [stored] = cat.list_dq_results("analytics.daily")
    assert stored.run_id == run.id and stored.score == 0.0


def test_passing_gate_writes_everything(spark, cat: Catalog) -> None:  # type: ignore[no-untyped-def]
    result = etl(spark, cat, ALL, dq=FINE, **GATED)
    assert result.rows_written == 12
    assert result.dq == {
        "ruleset": FINE,
        "action": "fail",
        "passed": True,
        "score": 1.0,
        "failed_rules": [],
        "rows_quarantined": 0,
    }
    [run] = cat.list_runs(kind="etl")
    assert run.id == result.run_id and run.metrics["dq"]["passed"] is True


def test_warn_writes_and_records(spark, cat: Catalog) -> None:  # type: ignore[no-untyped-def]
    result = etl(spark, cat, ALL, dq=SMALL, dq_action="warn", **GATED)
    assert result.rows_written == 12
    assert result.dq and result.dq["passed"] is False
    assert result.dq["failed_rules"] == ['ColumnValues "amount" < 3']
    assert len(read(spark, cat, "analytics.daily")) == 12


def test_quarantine_splits_rows(spark, cat: Catalog) -> None:  # type: ignore[no-untyped-def]
    result = etl(spark, cat, ALL, dq=SMALL, dq_action="quarantine", **GATED)
    assert result.rows_written == 6 and result.dq and result.dq["rows_quarantined"] == 6
    assert tables(cat) == ["daily", "daily_quarantine"]
    kept = read(spark, cat, "analytics.daily")
    assert sorted({row[1] for row in kept}) == [0.0, 1.5]  # (order_id, amount, customer, dt)
    quarantine = cat.get_table("analytics", "daily_quarantine")
    assert [k.name for k in quarantine.partition_keys] == ["dt"]
    assert "dq_failed_rules" in [c.name for c in quarantine.columns]
    rows = quarantined(spark, cat)
    assert sorted({r.amount for r in rows}) == [3.0, 4.5]
    assert {tuple(r.dq_failed_rules) for r in rows} == {('ColumnValues "amount" < 3',)}
    # A second run appends to the quarantine and replaces the target.
    etl(spark, cat, ALL, dq=SMALL, dq_action="quarantine", **GATED)
    assert len(quarantined(spark, cat)) == 12
    assert len(read(spark, cat, "analytics.daily")) == 6


def test_saved_ruleset_gates_through_the_job_variable(
    spark, cat: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    cat.save_ruleset("small_orders", SMALL)
    monkeypatch.setenv(GATES_VARIABLE, json.dumps({"analytics.daily": "small_orders"}))
    with pytest.raises(DataQualityGateError, match="gate 'small_orders' failed"):
        etl(spark, cat, ALL, **GATED)
    assert tables(cat) == []
    assert etl(spark, cat, ALL, **{**GATED, "target": "analytics.other"}).rows_written == 12


@pytest.mark.parametrize(
    ("options", "env", "error", "message"),
    [
        ({"dq_action": "warn"}, None, InvalidInputError, "--dq-action goes with --dq"),
        ({"dq": SMALL, "dq_action": "drop"}, None, InvalidInputError, "invalid --dq-action"),
        ({"dq": " "}, None, InvalidInputError, "--dq needs a ruleset"),
        (
            {"dq": SMALL, "dq_action": "quarantine", "target": "/tmp/somewhere"},
            None,
            InvalidInputError,
            "quarantine needs a catalog table",
        ),
        ({"dq": "no_such_rules"}, None, EntityNotFoundError, "no_such_rules"),
        ({"dq": "Rules = [ IsComplete ]"}, None, InvalidInputError, "IsComplete takes 1 parameter"),
        ({}, "{not json", InvalidInputError, f"{GATES_VARIABLE} is not JSON"),
    ],
)
def test_bad_gate_input_writes_nothing(
    spark,  # type: ignore[no-untyped-def]
    cat: Catalog,
    monkeypatch: pytest.MonkeyPatch,
    options: dict,
    env: str | None,
    error: type,
    message: str,
) -> None:
    if env is not None:
        monkeypatch.setenv(GATES_VARIABLE, env)
    with pytest.raises(error, match=message):
        etl(spark, cat, ALL, **{**GATED, **options})
    assert tables(cat) == []


def test_cell_options_reach_the_spec() -> None:
    args = build_cell_parser().parse_args(
        ["--target", "a.b", "--dq", "rules", "--dq-action", "quarantine"]
    )
    spec = spec_from(args, "SELECT 1")
    assert (spec.dq, spec.dq_action) == ("rules", "quarantine")
