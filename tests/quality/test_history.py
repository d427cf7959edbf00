"""Results in the catalog: every evaluation is a run and a stored result, and dynamic rules
(last(k), avg, min, max, std, index, arithmetic) and DetectAnomalies compare with that history."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from glue_magics.catalog import Catalog
from glue_magics.quality import evaluate, history
from glue_magics.quality.evaluator import History

from .conftest import NOW


def frame(rows: int, nulls: int = 0) -> pd.DataFrame:
    return pd.DataFrame({"x": [None] * nulls + list(range(rows - nulls))})


def check(catalog: Catalog, rows: int, rules: str, nulls: int = 0, **options: object):  # type: ignore[no-untyped-def]
    return evaluate(
        frame(rows, nulls),
        rules,
        catalog=catalog,
        target="feeds.daily",
        now=NOW,
        use_gx=False,
        **options,  # type: ignore[arg-type]
    )


def test_every_evaluation_is_a_run_and_a_stored_result(catalog: Catalog) -> None:
    result = check(
        catalog, 4, 'Rules = [ RowCount = 4, Completeness "x" > 0.9 ]', ruleset_name="daily"
    )
    assert result.stored and result.target == "feeds.daily"
    (stored,) = catalog.list_dq_results("feeds.daily")
    assert stored.ruleset == "daily" and stored.score == 1.0 and stored.run_id == result.run_id
    assert stored.rules[0] == {
        "Name": "Rule_1",
        "Rule": "RowCount = 4",
        "Outcome": "PASS",
        "FailureReason": None,
        "EvaluatedMetrics": {"Dataset.*.RowCount": 4.0},
    }
    (run,) = catalog.list_runs("dq", target="feeds.daily")
    assert (run.name, run.state, run.metrics["rules_passed"], run.metrics["score"]) == (
        "daily",
        "SUCCEEDED",
        2,
        1.0,
    )
    assert run.metrics["engine"] == "pandas" and run.metrics["source"] == "dqdl"


def test_results_can_belong_to_an_etl_or_job_run(catalog: Catalog) -> None:
    etl = catalog.start_run("etl", "load_daily", target="feeds.daily")
    check(catalog, 3, "Rules = [ RowCount > 0 ]", run_id=etl.id)
    assert catalog.list_runs("dq") == []
    (stored,) = catalog.list_dq_results("feeds.daily")
    assert stored.run_id == etl.id


def test_without_a_catalog_or_with_no_store_nothing_is_recorded(catalog: Catalog) -> None:
    evaluate(frame(3), "Rules = [ RowCount > 0 ]", target="feeds.daily", use_gx=False)
    check(catalog, 3, "Rules = [ RowCount > 0 ]", store=False)
    assert catalog.list_dq_results("feeds.daily") == [] and catalog.list_runs("dq") == []


def test_a_failed_evaluation_marks_its_run_failed_and_stores_no_result(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    from glue_magics.quality.evaluator import Evaluator

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the engine went away\nwith details")

    monkeypatch.setattr(Evaluator, "run", broken)
    with pytest.raises(RuntimeError, match="the engine went away"):
        check(catalog, 3, "Rules = [ RowCount > 0 ]")
    (run,) = catalog.list_runs("dq")
    assert run.state == "FAILED" and run.error == "the engine went away"
    assert catalog.list_dq_results("feeds.daily") == []


def test_dynamic_rules_compare_with_the_stored_history(catalog: Catalog) -> None:
    rules = "Rules = [ RowCount >= avg(last(2)), RowCount between min(last(3)) - 1 and max(last(3)) + 1 ]"
    first = check(catalog, 10, rules)
    assert [r.outcome for r in first.rules] == ["PASS", "PASS"]
    assert first.rules[0].message == (
        "no stored history of Dataset.*.RowCount yet: the dynamic rule passes until there is"
    )
    second = check(catalog, 20, rules)  # history: 10 -> 20 is outside 9..11
    assert [r.outcome for r in second.rules] == ["PASS", "FAIL"]
    third = check(catalog, 12, rules)  # history: 20, 10 -> avg 15; range 9..21
    assert [r.outcome for r in third.rules] == ["FAIL", "PASS"]
    assert third.rules[0].failure_reason == "Value: 12 does not meet the constraint requirement!"
    fourth = check(catalog, 30, rules)  # history: 12, 20, 10 -> avg(12, 20) = 16; range 9..21
    assert [r.outcome for r in fourth.rules] == ["PASS", "FAIL"]
    assert [r.score for r in history(catalog, "feeds.daily")] == [0.5, 0.5, 0.5, 1.0]


def test_history_is_per_metric_and_where_clause(catalog: Catalog) -> None:
    check(catalog, 10, 'Rules = [ Completeness "x" > 0, RowCount > 0 where "x > 5" ]', nulls=5)
    result = check(
        catalog,
        10,
        'Rules = [ Completeness "x" >= avg(last(1)), RowCount <= index(last(1), 0) where "x > 5" ]',
        nulls=2,
    )
    completeness, filtered = result.rules
    assert completeness.outcome == "PASS"  # 0.8 >= 0.5
    assert filtered.evaluated_metrics == {"Dataset.*.RowCount": 2.0}
    assert filtered.outcome == "FAIL"  # 2 <= 4 would pass; it compares with the filtered count 4


def test_detect_anomalies_needs_three_values_then_flags_outliers(catalog: Catalog) -> None:
    rules = "Rules = [ DetectAnomalies of RowCount ]"
    for rows in (100, 102, 98):
        result = check(catalog, rows, rules)
        assert result.rules[0].outcome == "PASS"
    assert "anomaly detection needs 3" in (result.rules[0].message or "")
    normal = check(catalog, 101, rules).rules[0]
    assert normal.outcome == "PASS"
    assert normal.evaluated_metrics["Dataset.*.RowCount"] == 101
    assert normal.evaluated_metrics["Dataset.*.RowCount.LowerBound"] < 98
    odd = check(catalog, 500, rules).rules[0]
    assert odd.outcome == "FAIL" and "outside the expected range" in (odd.failure_reason or "")
    completeness = 'Rules = [ DetectAnomalies of Completeness of "x" ]'
    assert check(catalog, 10, completeness).rules[0].evaluated_metrics == {
        "Column.x.Completeness": 1.0
    }


def test_analyzer_metrics_are_history_too(catalog: Catalog) -> None:
    check(catalog, 40, "Rules = [] Analyzers = [ RowCount ]")
    (rule,) = check(catalog, 50, "Rules = [ RowCount > 1.2 * avg(last(1)) ]").rules
    assert rule.outcome == "PASS"  # 50 > 48


def test_the_history_reader() -> None:
    past = History(
        [
            [{"EvaluatedMetrics": {"m": 3.0}}, {"EvaluatedMetrics": {"m": 99.0}}],
            [{"EvaluatedMetrics": {"m": 2.0}, "Where": "a > 1"}],
            [{"EvaluatedMetrics": {"m": "bad"}}, "garbage"],
            [{"EvaluatedMetrics": {"m": 1.0}}],
        ]
    )
    assert past.values("m", None) == [3.0, 1.0]
    assert past.values("m", "a > 1") == [2.0]
    assert past.values("other", None) == []


def test_results_are_timestamped_in_order(catalog: Catalog) -> None:
    first = check(catalog, 1, "Rules = [ RowCount > 0 ]")
    second = check(catalog, 2, "Rules = [ RowCount > 0 ]")
    assert first.started_at is not None and second.completed_at is not None
    assert second.completed_at - first.started_at >= timedelta(0)
    newest, oldest = catalog.list_dq_results("feeds.daily")
    assert newest.evaluated_at >= oldest.evaluated_at  # type: ignore[operator]
