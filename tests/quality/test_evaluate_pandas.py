"""Evaluation on pandas: the metric values of every rule type, Glue's NULL semantics, where clauses,
thresholds, composites, references, SQL, row-level outcomes; the same through GX and natively."""

from __future__ import annotations

import hashlib
import math
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from glue_magics.quality import evaluate, to_gx_suite
from glue_magics.quality.results import RuleResult

from .conftest import NOW, orders_frame


def run(df: Any, rules: list[str], **options: Any) -> list[RuleResult]:
    options.setdefault("now", NOW)
    text = "Rules = [\n    " + ",\n    ".join(rules) + "\n]"
    return evaluate(df, text, **options).rules


def one(df: Any, rule: str, **options: Any) -> RuleResult:
    return run(df, [rule], **options)[0]


@pytest.fixture(params=[True, False], ids=["gx", "native"])
def use_gx(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


ORDERS = orders_frame()
COUNTRY_ENTROPY = -(0.5 * math.log(0.5) + 2 * 0.25 * math.log(0.25))

# (rule, outcome, expected EvaluatedMetrics) on the orders frame.
CASES: list[tuple[str, str, dict[str, float]]] = [
    ("RowCount = 5", "PASS", {"Dataset.*.RowCount": 5}),
    ('RowCount = 3 where "amount > 6"', "PASS", {"Dataset.*.RowCount": 3}),
    ("ColumnCount = 6", "PASS", {"Dataset.*.ColumnCount": 6}),
    ('Completeness "id" > 0.8', "FAIL", {"Column.id.Completeness": 0.8}),
    (
        'Completeness "name" = 0.5 where "country = \'US\'"',
        "PASS",
        {"Column.name.Completeness": 0.5},
    ),
    ('IsComplete "amount"', "PASS", {"Column.amount.Completeness": 1.0}),
    ('IsComplete "id"', "FAIL", {"Column.id.Completeness": 0.8}),
    ('Uniqueness "id" = 0.5', "PASS", {"Column.id.Uniqueness": 0.5}),
    ('IsUnique "amount"', "PASS", {"Column.amount.Uniqueness": 1.0}),
    ('IsUnique "id"', "FAIL", {"Column.id.Uniqueness": 0.5}),
    ('IsUnique "id" "amount"', "PASS", {"Multicolumn.id,amount.Uniqueness": 1.0}),
    (
        'IsPrimaryKey "id" "amount"',
        "FAIL",
        {
            "Column.id.Completeness": 0.8,
            "Column.amount.Completeness": 1.0,
            "Multicolumn.id,amount.Uniqueness": 1.0,
        },
    ),
    (
        'IsPrimaryKey "amount"',
        "PASS",
        {"Column.amount.Completeness": 1.0, "Column.amount.Uniqueness": 1.0},
    ),
    ('Mean "amount" between 54 and 55', "PASS", {"Column.amount.Mean": 54.6}),
    ('Sum "amount" = 273', "PASS", {"Column.amount.Sum": 273}),
    ('Sum "amount" = 22 where "amount < 100"', "FAIL", {"Column.amount.Sum": 23}),
    (
        'StandardDeviation "amount" > 90',
        "PASS",
        {"Column.amount.StandardDeviation": float(np.std([5, 10, 250, 7, 1]))},
    ),
    (
        'Variance "amount" < 1',
        "FAIL",
        {"Column.amount.Variance": float(np.var([5, 10, 250, 7, 1]))},
    ),
    ('DistinctValuesCount "country" = 3', "PASS", {"Column.country.DistinctValuesCount": 3}),
    ('UniqueValueRatio "country" > 0.6', "PASS", {"Column.country.UniqueValueRatio": 2 / 3}),
    ('Entropy "country" > 1', "PASS", {"Column.country.Entropy": COUNTRY_ENTROPY}),
    (
        'ColumnCorrelation "id" "amount" > 0.5',
        "PASS",
        {
            "Multicolumn.id,amount.ColumnCorrelation": float(
                np.corrcoef([1, 2, 3, 3], [5, 10, 250, 7])[0, 1]
            )
        },
    ),
    (
        'ColumnLength "name" <= 3',
        "FAIL",
        {
            "Column.name.MaximumLength": 4,
            "Column.name.MinimumLength": 0,
            "Column.name.ColumnLength.Compliance": 0.8,
        },
    ),
    (
        'ColumnLength "name" <= 3 with threshold >= 0.8',
        "PASS",
        {"Column.name.ColumnLength.Compliance": 0.8},
    ),
    (
        'ColumnLength "name" > 0',
        "FAIL",
        {"Column.name.ColumnLength.Compliance": 0.8},
    ),  # NULL: length 0
    (
        'ColumnValues "amount" between 0 and 100',
        "FAIL",
        {
            "Column.amount.Minimum": 1,
            "Column.amount.Maximum": 250,
            "Column.amount.ColumnValues.Compliance": 0.8,
        },
    ),
    (
        'ColumnValues "country" in ["US", "CA"]',
        "FAIL",
        {"Column.country.ColumnValues.Compliance": 0.6},
    ),
    (
        'ColumnValues "country" in ["US", "CA"] with threshold > 0.5',
        "PASS",
        {"Column.country.ColumnValues.Compliance": 0.6},
    ),
    ('ColumnValues "country" != "XX"', "FAIL", {"Column.country.ColumnValues.Compliance": 0.8}),
    (
        'ColumnValues "country" not in ["XX", NULL]',
        "FAIL",
        {"Column.country.ColumnValues.Compliance": 0.6},
    ),
    (
        'ColumnValues "country" in ["US", "CA", "XX", NULL]',
        "PASS",
        {"Column.country.ColumnValues.Compliance": 1.0},
    ),
    ('ColumnValues "name" matches "[a-z]+"', "FAIL", {"Column.name.ColumnValues.Compliance": 0.8}),
    ('ColumnValues "name" not matches "b+"', "FAIL", {"Column.name.ColumnValues.Compliance": 0.6}),
    ('ColumnValues "name" != EMPTY', "PASS", {"Column.name.ColumnValues.Compliance": 1.0}),
    ('ColumnValues "code" > 0', "FAIL", {"Column.code.ColumnValues.Compliance": 0.4}),
    (
        'ColumnValues "ordered" > (now() - 2 days)',
        "FAIL",
        {"Column.ordered.ColumnValues.Compliance": 0.6},
    ),
    (
        'ColumnValues "ordered" between "2024-05-01" and "2024-06-02" with threshold = 0.8',
        "PASS",
        {"Column.ordered.ColumnValues.Compliance": 0.8},
    ),
    ('ColumnDataType "code" = "Integer"', "FAIL", {"Column.code.ColumnDataType.Compliance": 0.8}),
    (
        'ColumnDataType "code" in ["INTEGER", "Double"] with threshold > 0.7',
        "PASS",
        {"Column.code.ColumnDataType.Compliance": 0.8},
    ),
    ('ColumnDataType "name" = "Integer"', "FAIL", {"Column.name.ColumnDataType.Compliance": 0.2}),
    (
        'DataFreshness "ordered" <= 24 hours',
        "FAIL",
        {"Column.ordered.DataFreshness.Compliance": 0.6},
    ),
    (
        'DataFreshness "ordered" <= 30 days where "ordered IS NOT NULL"',
        "PASS",
        {"Column.ordered.DataFreshness.Compliance": 1.0},
    ),
    ('ColumnNamesMatchPattern "[a-z]+"', "PASS", {"Dataset.*.ColumnNamesPatternMatchRatio": 1.0}),
    ('ColumnNamesMatchPattern "[a-m]+"', "FAIL", {"Dataset.*.ColumnNamesPatternMatchRatio": 1 / 6}),
    ('ColumnExists "amount"', "PASS", {}),
    ('ColumnExists "AMOUNTS"', "FAIL", {}),
    (
        'CustomSql "select count(*) from primary where amount > 6" = 3',
        "PASS",
        {"Dataset.*.CustomSQL": 3},
    ),
    (
        'CustomSql "select id from primary where amount < 100" with threshold > 0.5',
        "PASS",
        {"Dataset.*.CustomSQL.Compliance": 0.8},
    ),
    (
        'CustomSql "select id from primary where amount < 100"',
        "FAIL",
        {"Dataset.*.CustomSQL.Compliance": 0.8},
    ),
    (
        '(IsComplete "amount") and (ColumnValues "country" != "XX")',
        "FAIL",
        {"Column.amount.Completeness": 1.0, "Column.country.ColumnValues.Compliance": 0.8},
    ),
    (
        '(IsComplete "id") or (RowCount > 1)',
        "PASS",
        {"Column.id.Completeness": 0.8, "Dataset.*.RowCount": 5},
    ),
]


@pytest.mark.parametrize(("rule", "outcome", "metrics"), CASES, ids=[c[0] for c in CASES])
def test_metric_values_and_outcomes(
    rule: str, outcome: str, metrics: dict[str, float], use_gx: bool
) -> None:
    result = one(ORDERS, rule, use_gx=use_gx)
    assert result.outcome == outcome, result.failure_reason
    shown = {k: v for k, v in result.evaluated_metrics.items() if k in metrics}
    assert shown == pytest.approx(metrics)
    if "Compliance" not in " ".join(metrics):
        assert result.evaluated_metrics.keys() == metrics.keys()
    if outcome == "FAIL":
        assert result.failure_reason


def test_failure_reasons_read_like_glue(use_gx: bool) -> None:
    amount, country, nulls, fresh, mean = run(
        ORDERS,
        [
            'ColumnValues "amount" < 100',
            'ColumnValues "country" in ["US", "CA", "XX"]',
            'ColumnValues "country" in ["US", "CA", "XX"] with threshold > 0.9',
            'DataFreshness "ordered" <= 24 hours',
            'Mean "amount" > 100',
        ],
        use_gx=use_gx,
    )
    assert amount.failure_reason == "Value: 250 does not meet the constraint requirement!"
    assert country.failure_reason == "Value: NULL does not meet the constraint requirement!"
    assert nulls.failure_reason == "80.00 % of rows passed the threshold"
    assert fresh.failure_reason == "60.00 % of rows passed the threshold"
    assert mean.failure_reason == "Value: 54.6 does not meet the constraint requirement!"


def test_rules_that_cannot_be_evaluated_are_errors_not_crashes(use_gx: bool) -> None:
    results = run(
        ORDERS,
        [
            'ColumnValues "missing" > 3',
            'Mean "name" > 1',
            'Completeness "id" > 0.5 where "no_such_column > 1"',
            'CustomSql "select nope from primary" > 1',
            'CustomSql "select id, amount from primary" > 1',
            'RowCountMatch "reference" > 0.5',
            "RowCount > 0",
        ],
        use_gx=use_gx,
    )
    assert [r.outcome for r in results] == ["ERROR"] * 6 + ["PASS"]
    assert results[0].failure_reason == "Column missing does not exist in the data"
    assert results[1].failure_reason == "Mean needs a numeric column; name is string"
    assert "no_such_column" in (results[2].failure_reason or "")
    assert (results[3].failure_reason or "").startswith("CustomSql failed:")
    assert (
        results[4].failure_reason
        == "CustomSql must return a single value, got 5 row(s) of 2 columns"
    )
    assert results[5].failure_reason == "reference dataset 'reference' was not given"


def test_column_names_match_like_spark_case_insensitively() -> None:
    assert one(ORDERS, 'IsComplete "AMOUNT"').outcome == "PASS"


def test_empty_data_fails_metric_rules_with_a_reason(use_gx: bool) -> None:
    empty = ORDERS.iloc[0:0]
    count, complete, mean, values = run(
        empty,
        [
            "RowCount = 0",
            'Completeness "id" > 0.5',
            'Mean "amount" > 1',
            'ColumnValues "amount" > 0',
        ],
        use_gx=use_gx,
    )
    assert count.outcome == "PASS" and count.evaluated_metrics == {"Dataset.*.RowCount": 0}
    assert (complete.outcome, complete.failure_reason) == (
        "FAIL",
        "Value could not be computed: no rows",
    )
    assert mean.outcome == "FAIL" and mean.failure_reason
    assert values.outcome == "FAIL"


def test_score_results_and_glue_columns() -> None:
    result = evaluate(
        ORDERS, 'Rules = [ RowCount = 5, IsComplete "id", Mean "zz" > 1 ] Analyzers = [ RowCount ]'
    )
    assert result.score == pytest.approx(1 / 3)
    assert result.counts() == {"rules_passed": 1, "rules_failed": 1, "rules_errored": 1}
    frame = result.to_dataframe()
    assert list(frame.columns) == ["Rule", "Outcome", "FailureReason", "EvaluatedMetrics"]
    assert frame["Outcome"].tolist() == ["PASS", "FAIL", "ERROR"]
    assert frame["EvaluatedMetrics"][0] == {"Dataset.*.RowCount": 5.0}
    records = result.records()
    assert records[0]["Name"] == "Rule_1" and records[-1]["Analyzer"] == "RowCount"
    assert not result.stored and result.engine == "pandas"


def test_labels_default_and_per_rule() -> None:
    result = evaluate(
        ORDERS,
        'DefaultLabels = ["team" = "sales"] Rules = [ RowCount > 0 labels = ["team" = "core", "tier" = "1"], IsComplete "amount" ]',
    )
    assert [r.labels for r in result.rules] == [
        {"team": "core", "tier": "1"},
        {"team": "sales"},
    ]


def test_analyzers_compute_metrics_without_outcomes() -> None:
    result = evaluate(
        ORDERS,
        'Rules = [] Analyzers = [ AllStatistics "amount", AllStatistics "name", Completeness "id", '
        'ColumnLength "name", ColumnValues "amount", Mean "nope" ]',
    )
    amount, name, complete, length, values, missing = result.analyzers
    assert result.rules == [] and result.score == 1.0
    assert amount.evaluated_metrics == pytest.approx(
        {
            "Dataset.*.RowCount": 5,
            "Column.amount.Completeness": 1.0,
            "Column.amount.Uniqueness": 1.0,
            "Column.amount.DistinctValuesCount": 5,
            "Column.amount.Minimum": 1,
            "Column.amount.Maximum": 250,
            "Column.amount.Mean": 54.6,
            "Column.amount.Sum": 273,
            "Column.amount.StandardDeviation": float(np.std([5, 10, 250, 7, 1])),
        }
    )
    assert name.evaluated_metrics["Column.name.MaximumLength"] == 4
    assert complete.evaluated_metrics == {"Column.id.Completeness": 0.8}
    assert length.evaluated_metrics == {
        "Column.name.MaximumLength": 4,
        "Column.name.MinimumLength": 0,
    }
    assert values.evaluated_metrics == {"Column.amount.Minimum": 1, "Column.amount.Maximum": 250}
    assert (
        missing.evaluated_metrics == {}
        and missing.message == "Column nope does not exist in the data"
    )


# -- references


REFERENCE = pd.DataFrame({"country": ["US", "CA"], "amount": [100, 173]})


def test_reference_rules() -> None:
    rows, integrity, schema, agg, avg = run(
        ORDERS,
        [
            'RowCountMatch "ref" = 2.5',
            'ReferentialIntegrity "country" "ref.{country}" = 0.6',
            'SchemaMatch "ref" > 0.3',
            'AggregateMatch "sum(amount)" "sum(ref.amount)" = 1.0',
            'AggregateMatch "avg(amount)" "avg(ref.amount)" < 1',
        ],
        references={"ref": REFERENCE},
    )
    assert rows.evaluated_metrics == {
        "Dataset.ref.RowCountMatch": 2.5,
        "Dataset.*.RowCount": 5,
        "Dataset.ref.RowCount": 2,
    }
    assert integrity.evaluated_metrics == {"Column.ref.ReferentialIntegrity": 0.6}
    # Same name and type: country (string), amount (bigint) -> 2 of the 6 names.
    assert schema.evaluated_metrics == {"Dataset.ref.SchemaMatch": pytest.approx(2 / 6)}
    assert agg.evaluated_metrics == {"Column.amount.AggregateMatch": 1.0}
    assert avg.evaluated_metrics == {"Column.amount.AggregateMatch": pytest.approx(54.6 / 136.5)}
    assert [r.outcome for r in (rows, integrity, schema, agg, avg)] == ["PASS"] * 5


def test_dataset_match_joins_on_a_unique_key() -> None:
    mine = pd.DataFrame({"k": [1, 2, 3, 4], "v": ["a", "b", "c", None], "w": [1, 2, 3, 4]})
    theirs = pd.DataFrame({"key": [1, 2, 3, 5], "v": ["a", "B", "c", None], "w2": [1, 2, 0, 4]})
    all_cols, some, bad = run(
        mine,
        [
            'DatasetMatch "ref" "k->key" "v,w->w2" = 0.25',
            'DatasetMatch "ref" "k->key" "v" = 0.5',
            'DatasetMatch "ref" "v" "w->w2" > 0',
        ],
        references={"ref": theirs},
    )
    assert all_cols.outcome == "PASS", all_cols.failure_reason
    assert some.evaluated_metrics == {"Dataset.ref.DatasetMatch": 0.5}
    assert (bad.outcome, bad.failure_reason) == (
        "ERROR",
        "Provided key map not suitable for given data frames",
    )


# -- row level


def test_row_level_outcomes_like_glue() -> None:
    result = evaluate(
        ORDERS,
        'Rules = [ RowCount > 0, IsComplete "id", ColumnValues "amount" < 100, '
        'IsUnique "id", Completeness "name" > 0.1 where "amount < 100" ]',
        row_level=True,
    )
    rows = result.rows
    assert list(rows.columns[-4:]) == [
        "DataQualityRulesPass",
        "DataQualityRulesFail",
        "DataQualityRulesSkip",
        "DataQualityEvaluationResult",
    ]
    assert rows["DataQualityEvaluationResult"].tolist() == [
        "Passed",
        "Passed",
        "Failed",
        "Failed",
        "Failed",
    ]
    assert rows["DataQualityRulesFail"][2] == ['ColumnValues "amount" < 100', 'IsUnique "id"']
    assert rows["DataQualityRulesFail"][4] == ['IsComplete "id"']
    assert rows["DataQualityRulesSkip"][2] == [
        "RowCount > 0",
        'Completeness "name" > 0.1 where "amount < 100"',
    ]
    assert rows["DataQualityRulesPass"][0] == [
        'IsComplete "id"',
        'ColumnValues "amount" < 100',
        'IsUnique "id"',
        'Completeness "name" > 0.1 where "amount < 100"',
    ]


def test_row_level_composites_and_references() -> None:
    result = evaluate(
        ORDERS,
        'Rules = [ (ColumnValues "amount" < 100) or (ColumnValues "country" = "XX"), '
        '(Completeness "id" > 0.5) and (IsComplete "amount"), '
        'ReferentialIntegrity "country" "ref.{country}" > 0.5 ]',
        row_level=True,
        references={"ref": REFERENCE},
    )
    first, second, third = (r.rule for r in result.rules)
    fail = result.rows["DataQualityRulesFail"].tolist()
    skip = result.rows["DataQualityRulesSkip"].tolist()
    assert [first in f for f in fail] == [False, False, True, False, False]
    assert all(second in s for s in skip)  # Completeness has no row-level result in composites
    assert [third in f for f in fail] == [False, False, False, True, True]


# -- GX


def test_gx_judges_the_rules_it_maps() -> None:
    result = evaluate(
        ORDERS,
        'Rules = [ RowCount = 5, Mean "amount" > 100, ColumnValues "country" in ["US"], '
        'StandardDeviation "amount" > 1 ]',
    )
    count, mean, values, deviation = result.rules
    assert count.gx == {"expectation": "expect_table_row_count_to_be_between", "success": True}
    assert mean.gx == {"expectation": "expect_column_mean_to_be_between", "success": False}
    assert values.gx == {"expectation": "expect_column_values_to_be_in_set", "success": False}
    assert deviation.gx is None  # Glue's is the population deviation; GX's the sample one
    suite = result.gx_suite
    assert suite is not None
    assert [e["type"] for e in suite["expectations"]] == [
        "expect_table_row_count_to_be_between",
        "expect_column_mean_to_be_between",
        "expect_column_values_to_be_in_set",
    ]
    assert suite["expectations"][1]["kwargs"] == {
        "column": "amount",
        "min_value": 100.0,
        "strict_min": True,
    }
    assert suite["meta"]["dqdl_not_mapped"] == ['StandardDeviation "amount" > 1']


def test_an_exported_suite_run_by_gx_agrees_with_dqdl() -> None:
    """The GX suite of a ruleset, validated the plain GX way, gives GX's verdicts on the same
    numbers our single pass computed."""
    rules = (
        'Rules = [ RowCount = 5, IsComplete "amount", Mean "amount" between 50 and 60, '
        'Sum "amount" < 100, ColumnValues "amount" <= 250, DistinctValuesCount "country" = 3, '
        'ColumnValues "name" matches "[a-e]+", ColumnLength "name" <= 4 ]'
    )
    ours = evaluate(ORDERS, rules)
    suite = to_gx_suite(rules, "orders")
    theirs = evaluate(ORDERS, suite)
    assert theirs.source == "gx" and theirs.ruleset_name == "orders"
    by_rule = {e["meta"]["dqdl"]: e["type"] for e in suite["expectations"]}
    assert len(by_rule) == 8
    gx_success = {r.rule.split("(")[0]: r.outcome for r in theirs.rules}
    for mine in ours.rules:
        assert mine.gx is not None
        assert (gx_success[mine.gx["expectation"]] == "PASS") is mine.gx["success"] or (
            mine.gx["expectation"] in ("expect_column_values_to_match_regex",)
        )


def test_a_gx_suite_is_evaluated_as_it_is() -> None:
    suite = {
        "name": "orders_suite",
        "expectations": [
            {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "id"}},
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {"column": "amount", "min_value": 0, "max_value": 100},
            },
            {"type": "expect_table_row_count_to_equal", "kwargs": {"value": 5}},
            {
                "type": "expect_column_mean_to_be_between",
                "kwargs": {"column": "name", "min_value": 1},
            },
        ],
    }
    result = evaluate(ORDERS, suite)
    by_type = {r.rule.split("(")[0]: r for r in result.rules}
    nulls = by_type["expect_column_values_to_not_be_null"]
    assert nulls.outcome == "FAIL" and nulls.evaluated_metrics["Column.id.UnexpectedCount"] == 1
    assert (
        by_type["expect_column_values_to_be_between"].evaluated_metrics[
            "Column.amount.UnexpectedPercent"
        ]
        == 20
    )
    assert by_type["expect_table_row_count_to_equal"].outcome == "PASS"
    assert by_type["expect_column_mean_to_be_between"].outcome == "ERROR"
    assert result.gx_result is not None and result.gx_result["success"] is False
    # JSON text works too.
    import json

    assert evaluate(ORDERS, json.dumps(suite)).score == result.score


# -- files (experimental in Glue)


def test_file_rules(tmp_path: Path) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "a.csv").write_text("x\n1\n")
    (folder / "b.csv").write_text("x\n1\n")
    (folder / "c.csv").write_text("x\n2\n" * 300)
    (folder / "_SUCCESS").write_text("")
    old = time.time() - 10 * 86400
    os.utime(folder / "c.csv", (old, old))
    digest = hashlib.md5(b"x\n1\n").hexdigest()
    now = pd.Timestamp.now(tz="UTC").to_pydatetime()
    results = run(
        ORDERS,
        [
            f'FileSize "{folder}" < 1 KB',
            f'FileSize "{folder}" < 1 KB with threshold > 0.5',
            f'FileFreshness "{folder}" > (now() - 2 days)',
            f'FileFreshness "{folder / "a.csv"}" > (now() - 2 days)',
            f'FileMatch "{folder / "a.csv"}" "{folder / "b.csv"}"',
            f'FileMatch "{folder / "a.csv"}" "{folder / "c.csv"}"',
            f'FileMatch "{folder / "a.csv"}" in ["{digest}"] with hashAlgorithm = "MD5"',
            f'FileUniqueness "{folder}" > 0.5',
            "FileSize < 1 KB",
        ],
        now=now,
    )
    assert [r.outcome for r in results] == [
        "FAIL",
        "PASS",
        "FAIL",
        "PASS",
        "PASS",
        "FAIL",
        "PASS",
        "FAIL",
        "ERROR",
    ]
    assert results[1].evaluated_metrics["Dataset.*.FileSize.Compliance"] == pytest.approx(2 / 3)
    assert results[7].evaluated_metrics["Dataset.*.FileUniqueness"] == pytest.approx(1 / 3)
    assert "needs a DataPath" in (results[8].failure_reason or "")
