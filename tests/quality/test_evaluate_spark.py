"""Evaluation on a real local Spark: the same metric values as pandas, one aggregate pass for all
aggregate rules, where clauses as conditional aggregates, references, row-level outcomes, and
catalog tables read through the catalog bridge."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from glue_magics.quality import evaluate, evaluate_gate

from .conftest import NOW, orders_frame, to_spark
from .test_evaluate_pandas import CASES, REFERENCE


def ruleset(rules: list[str]) -> str:
    return "Rules = [\n    " + ",\n    ".join(rules) + "\n]"


@pytest.mark.parametrize("use_gx", [True, False], ids=["gx", "native"])
def test_every_rule_computes_the_same_metrics_as_on_pandas(spark_orders: Any, use_gx: bool) -> None:
    rules = [rule for rule, _, _ in CASES]
    result = evaluate(spark_orders, ruleset(rules), now=NOW, use_gx=use_gx)
    assert result.engine == "spark"
    for (rule, outcome, metrics), got in zip(CASES, result.rules, strict=True):
        assert got.rule == rule
        assert got.outcome == outcome, (rule, got.failure_reason)
        shown = {k: v for k, v in got.evaluated_metrics.items() if k in metrics}
        assert shown == pytest.approx(metrics), rule


def jobs_of(spark: Any, action: Callable[[], Any]) -> tuple[Any, int]:
    """Run ``action`` as one job group; how many Spark jobs it ran."""
    group = f"dq-test-{uuid.uuid4().hex[:8]}"
    context = spark.sparkContext
    context.setJobGroup(group, "counting")
    try:
        value = action()
    finally:
        context.setLocalProperty("spark.jobGroup.id", None)
    return value, len(context.statusTracker().getJobIdsForGroup(group))


def test_all_aggregate_rules_take_one_pass(spark: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from pyspark.sql import functions as F

    df = spark.range(1000).select(
        F.col("id"),
        (F.col("id") % 7).alias("bucket"),
        F.when(F.col("id") % 10 == 0, None)
        .otherwise(F.concat(F.lit("n"), F.col("id")))
        .alias("name"),
    )
    rules = ruleset(
        [
            "RowCount = 1000",
            'Completeness "name" = 0.9',
            'IsComplete "id"',
            'Mean "id" = 499.5',
            'Sum "bucket" > 0',
            'StandardDeviation "id" > 0',
            'ColumnCorrelation "id" "bucket" < 1',
            'ColumnLength "name" <= 4',
            'ColumnValues "bucket" between -1 and 7',
            'RowCount > 10 where "bucket = 3"',
        ]
    )
    _, plain = jobs_of(spark, lambda: df.agg(F.count("id"), F.avg("id")).collect())
    result, jobs = jobs_of(spark, lambda: evaluate(df, rules, use_gx=True))
    assert result.passed, [(r.rule, r.failure_reason) for r in result.rules]
    assert jobs == plain  # one aggregation (Spark's adaptive execution runs it as 2 jobs)
    assert result.rules[-1].evaluated_metrics == {"Dataset.*.RowCount": 143}
    # Frequency rules add one grouping per column set, shared by the rules that use it.
    from glue_magics.quality.spark_engine import SparkEngine

    groupings: list[Any] = []
    original = SparkEngine._freq

    def counted(self: SparkEngine, f: Any) -> Any:
        groupings.append(f.columns)
        return original(self, f)

    monkeypatch.setattr(SparkEngine, "_freq", counted)
    result = evaluate(
        df,
        ruleset(
            [
                "RowCount > 0",
                'IsUnique "id"',
                'Uniqueness "id" = 1',
                'DistinctValuesCount "bucket" = 7',
            ]
        ),
    )
    assert result.passed and sorted(groupings) == [("bucket",), ("id",)]


def test_a_bad_where_clause_fails_its_rule_only(spark_orders: Any) -> None:
    good, bad, other = evaluate(
        spark_orders,
        ruleset(
            [
                "RowCount = 5",
                'Mean "amount" > 1 where "no_such_column > 1"',
                'Completeness "name" > 0.5 where "amount >"',
            ]
        ),
    ).rules
    assert good.outcome == "PASS"
    assert bad.outcome == "ERROR" and "no_such_column" in (bad.failure_reason or "")
    assert other.outcome == "ERROR" and other.failure_reason


def test_references_on_spark(spark: Any, spark_orders: Any) -> None:
    reference = spark.createDataFrame(REFERENCE)
    rows, integrity, schema, agg, sql = evaluate(
        spark_orders,
        ruleset(
            [
                'RowCountMatch "ref" = 2.5',
                'ReferentialIntegrity "country" "ref.{country}" = 0.6',
                'SchemaMatch "ref" > 0.3',
                'AggregateMatch "sum(amount)" "sum(ref.amount)" = 1.0',
                'CustomSql "select count(*) from primary p join ref r on p.country = r.country" = 3',
            ]
        ),
        references={"ref": reference},
    ).rules
    assert [r.outcome for r in (rows, integrity, schema, agg, sql)] == ["PASS"] * 5, [
        r.failure_reason for r in (rows, integrity, schema, agg, sql)
    ]
    assert integrity.evaluated_metrics == {"Column.ref.ReferentialIntegrity": 0.6}
    assert schema.evaluated_metrics == {"Dataset.ref.SchemaMatch": pytest.approx(2 / 6)}
    assert not spark.catalog.tableExists("primary")  # temporary views are dropped


def test_dataset_match_on_spark(spark: Any) -> None:
    mine = spark.createDataFrame(
        pd.DataFrame({"k": [1, 2, 3, 4], "v": ["a", "b", "c", "d"], "w": [1, 2, 3, 4]})
    )
    theirs = spark.createDataFrame(
        pd.DataFrame({"key": [1, 2, 3, 5], "v": ["a", "B", "c", "d"], "w2": [1, 2, 0, 4]})
    )
    (match,) = evaluate(
        mine, 'Rules = [ DatasetMatch "ref" "k->key" "v,w->w2" = 0.25 ]', references={"ref": theirs}
    ).rules
    assert match.outcome == "PASS" and match.evaluated_metrics == {"Dataset.ref.DatasetMatch": 0.25}


def test_row_level_outcomes_on_spark(spark: Any, spark_orders: Any) -> None:
    result = evaluate(
        spark_orders,
        ruleset(
            [
                "RowCount > 0",
                'IsComplete "id"',
                'ColumnValues "amount" < 100',
                'IsUnique "id"',
                'Completeness "name" > 0.1 where "amount < 100"',
                'CustomSql "select amount from primary where amount < 100"',
                'ReferentialIntegrity "country" "ref.{country}" > 0.5',
            ]
        ),
        row_level=True,
        now=NOW,
        references={"ref": spark.createDataFrame(REFERENCE)},
    )
    rows = {r["amount"]: r for r in result.rows.collect()}
    assert {a: r["DataQualityEvaluationResult"] for a, r in rows.items()} == {
        5: "Passed",
        10: "Passed",
        250: "Failed",
        7: "Failed",
        1: "Failed",
    }
    assert rows[250]["DataQualityRulesFail"] == [
        'ColumnValues "amount" < 100',
        'IsUnique "id"',
        'CustomSql "select amount from primary where amount < 100"',
    ]
    assert rows[1]["DataQualityRulesFail"] == [
        'IsComplete "id"',
        'ReferentialIntegrity "country" "ref.{country}" > 0.5',
    ]
    assert rows[250]["DataQualityRulesSkip"] == [
        "RowCount > 0",
        'Completeness "name" > 0.1 where "amount < 100"',
    ]


@pytest.mark.parametrize("kind", ["spark", "pandas"])
def test_the_etl_gate_splits_passing_and_failing_rows(spark: Any, kind: str) -> None:
    frame = orders_frame()
    df = (
        to_spark(
            spark,
            frame,
            "id double, amount bigint, name string, country string, code string, ordered timestamp",
        )
        if kind == "spark"
        else frame
    )
    gate = evaluate_gate(
        df, 'Rules = [ RowCount > 3, ColumnValues "amount" < 100, IsComplete "id" ]'
    )
    assert not gate.ok and gate.result.score == pytest.approx(1 / 3)
    passed = gate.passed.toPandas() if kind == "spark" else gate.passed
    failed = gate.failed.toPandas() if kind == "spark" else gate.failed
    assert list(passed.columns) == list(frame.columns)
    assert sorted(passed["amount"].tolist()) == [5, 7, 10]
    assert sorted(failed["amount"].tolist()) == [1, 250]
    reasons = {
        a: list(f) for a, f in zip(failed["amount"], failed["DataQualityRulesFail"], strict=True)
    }
    assert reasons == {250: ['ColumnValues "amount" < 100'], 1: ['IsComplete "id"']}


def test_a_catalog_table_by_name(
    spark: Any, sqlite_catalog: Any, lake_table: Callable[..., str]
) -> None:
    name = lake_table("sales", "orders", orders_frame().drop(columns=["ordered"]))
    result = evaluate(
        name,
        'Rules = [ RowCount = 5, IsComplete "id", ColumnValues "country" in ["US", "CA"] with threshold > 0.5 ]',
        catalog=sqlite_catalog,
        spark=spark,
    )
    assert [r.outcome for r in result.rules] == ["PASS", "FAIL", "PASS"]
    assert result.target == "sales.orders" and result.stored
    (stored,) = sqlite_catalog.list_dq_results("sales.orders")
    assert stored.score == pytest.approx(2 / 3) and stored.run_id == result.run_id
    (run,) = sqlite_catalog.list_runs("dq")
    assert run.state == "SUCCEEDED" and run.target == "sales.orders"
    assert run.metrics["rules_failed"] == 1 and run.metrics["engine"] == "spark"


def test_a_gx_suite_on_spark(spark_orders: Any) -> None:
    suite = {
        "name": "s",
        "expectations": [
            {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "id"}},
            {"type": "expect_table_row_count_to_equal", "kwargs": {"value": 5}},
        ],
    }
    result = evaluate(spark_orders, suite)
    assert sorted(r.outcome for r in result.rules) == ["FAIL", "PASS"]
    assert result.engine == "spark" and result.source == "gx"
