"""Run records, lineage edges and data-quality results."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from glue_magics.catalog import Catalog
from glue_magics.errors import EntityNotFoundError, InvalidInputError

from .helpers import assert_one_line, refused, refused_by_each, snapshot


def test_a_run_from_start_to_finish(catalog: Catalog) -> None:
    started = catalog.start_run("crawl", "nightly", target="sales.orders")

    assert (started.kind, started.name, started.state, started.target) == (
        "crawl",
        "nightly",
        "RUNNING",
        "sales.orders",
    )
    assert started.ended_at is None and started.started_at.tzinfo is not None
    catalog.finish_run(started.id, "SUCCEEDED", metrics={"tables": 2})
    finished = catalog.finish_run(
        started.id, "FAILED", metrics={"errors": 1}, error="disk full", log="line 1\nline 2"
    )
    assert (finished.state, finished.metrics, finished.error) == (
        "FAILED",
        {"tables": 2, "errors": 1},
        "disk full",
    )
    assert finished.ended_at is not None and finished.ended_at.tzinfo is not None
    assert catalog.run_log(started.id) == "line 1\nline 2"
    assert catalog.list_runs() == [finished]


def test_list_runs_newest_first_with_filters_and_limit(catalog: Catalog) -> None:
    runs = [
        catalog.start_run(kind, f"run{i}", target=target)
        for i, (kind, target) in enumerate(
            [("crawl", "a"), ("etl", "b"), ("crawl", "b"), ("dq", "a"), ("job", None)]
        )
    ]
    ids = [r.id for r in runs]

    assert [r.id for r in catalog.list_runs()] == ids[::-1]
    assert [r.id for r in catalog.list_runs("crawl")] == [ids[2], ids[0]]
    assert [r.id for r in catalog.list_runs(target="b")] == [ids[2], ids[1]]
    assert [r.id for r in catalog.list_runs("crawl", target="a")] == [ids[0]]
    assert [r.id for r in catalog.list_runs(limit=2)] == [ids[4], ids[3]]


def test_lineage_edges_upstream_and_downstream(catalog: Catalog) -> None:
    run = catalog.start_run("etl", "build")
    raw = catalog.add_lineage("s3://raw/orders", "sales.orders", run_id=run.id, code_hash="abc")
    catalog.add_lineage("sales.orders", "sales.daily")
    catalog.add_lineage("sales.orders", "sales.monthly")
    catalog.add_lineage("other.x", "other.y")

    lineage = catalog.get_lineage("sales.orders")

    assert (raw.source, raw.target, raw.run_id, raw.code_hash) == (
        "s3://raw/orders",
        "sales.orders",
        run.id,
        "abc",
    )
    assert lineage["upstream"] == [raw]
    assert [e.target for e in lineage["downstream"]] == ["sales.daily", "sales.monthly"]
    assert catalog.get_lineage("nothing") == {"upstream": [], "downstream": []}


def test_dq_results_newest_first_per_target(catalog: Catalog) -> None:
    run = catalog.start_run("dq", "checks", target="sales.orders")
    rules = [{"rule": "IsComplete id", "passed": True}, {"rule": "RowCount > 0", "passed": False}]
    first = catalog.record_dq_result("sales.orders", 0.5, rules, ruleset="basic", run_id=run.id)
    second = catalog.record_dq_result("sales.orders", 1.0, [], ruleset="basic")
    catalog.record_dq_result("sales.other", 0.0, [])

    results = catalog.list_dq_results("sales.orders")

    assert results == [second, first]
    assert (first.score, first.rules, first.ruleset, first.run_id) == (0.5, rules, "basic", run.id)
    assert [r.score for r in catalog.list_dq_results("sales.orders", limit=1)] == [1.0]
    assert catalog.list_dq_results("nothing") == []


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda c, run: c.start_run("spark", "x"), InvalidInputError),
        (lambda c, run: c.finish_run(run, "RUNNING"), InvalidInputError),
        (lambda c, run: c.finish_run(run, "succeeded"), InvalidInputError),
        (lambda c, run: c.finish_run(run + 100, "SUCCEEDED"), EntityNotFoundError),
        (lambda c, run: c.run_log(run + 100), EntityNotFoundError),
        (lambda c, run: c.record_dq_result("t", 1.5, []), InvalidInputError),
        (lambda c, run: c.record_dq_result("t", -0.1, []), InvalidInputError),
        (lambda c, run: c.record_dq_result("t", float("nan"), []), InvalidInputError),
    ],
    ids=[
        "unknown-kind",
        "non-final-state",
        "lower-case-state",
        "finish-unknown-run",
        "log-of-unknown-run",
        "score-above-1",
        "score-below-0",
        "score-nan",
    ],
)
def test_bad_run_input_is_refused(catalog: Catalog, call: Any, error: type[Exception]) -> None:
    run = catalog.start_run("job", "existing")

    with refused(catalog, error):
        call(catalog, run.id)

    assert catalog.list_runs()[0].state == "RUNNING"


@pytest.mark.parametrize("method", ["lineage", "dq"])
def test_an_unknown_run_id_is_not_found(catalog: Catalog, method: str) -> None:
    with refused(catalog, EntityNotFoundError):
        if method == "lineage":
            catalog.add_lineage("a", "b", run_id=12345)
        else:
            catalog.record_dq_result("b", 1.0, [], run_id=12345)


def test_a_non_number_score_is_refused(catalog: Catalog) -> None:
    scores: list[Any] = ["0.5", True, None, [0.5], float("inf")]
    calls = {repr(score): partial(catalog.record_dq_result, "t", score, []) for score in scores}
    refused_by_each(catalog, InvalidInputError, calls, match="score")


@pytest.mark.parametrize("method", ["list_runs", "list_dq_results"])
def test_a_negative_limit_is_refused(catalog: Catalog, method: str) -> None:
    args = () if method == "list_runs" else ("t",)
    limits: list[Any] = [-1, 0, True, "5", 1.5, None, 2**63]
    calls = {repr(n): partial(getattr(catalog, method), *args, limit=n) for n in limits}

    refused_by_each(catalog, InvalidInputError, calls, match="limit")


LONG_TEXT: list[tuple[str, Any]] = [
    ("run-name", lambda c, text: c.start_run("etl", text)),
    ("run-target", lambda c, text: c.start_run("etl", "x", target=text)),
    ("lineage-source", lambda c, text: c.add_lineage(text, "b")),
    ("lineage-code-hash", lambda c, text: c.add_lineage("a", "b", code_hash=text)),
    ("dq-target", lambda c, text: c.record_dq_result(text, 1.0, [])),
    ("dq-ruleset", lambda c, text: c.record_dq_result("t", 1.0, [], ruleset=text)),
    ("connection-username", lambda c, text: c.create_connection("dw", "jdbc:x", username=text)),
]


@pytest.mark.parametrize("call", [c for _, c in LONG_TEXT], ids=[n for n, _ in LONG_TEXT])
def test_long_text_is_handled_alike_on_both_backends(catalog: Catalog, call: Any) -> None:
    before = snapshot(catalog)
    try:
        call(catalog, "x" * 600)
    except InvalidInputError as exc:  # refusing alike on both backends would be fine too
        assert_one_line(exc)
        assert snapshot(catalog) == before
    else:
        assert snapshot(catalog)["change_seq"] == before["change_seq"] + 1


def test_a_run_needs_a_name(catalog: Catalog) -> None:
    names: list[Any] = [None, "", "   ", 5, "a\x00b"]
    calls = {repr(name): partial(catalog.start_run, "etl", name) for name in names}
    refused_by_each(catalog, InvalidInputError, calls, match="run name")


LONGEST: list[tuple[str, Any]] = [
    ("run-name", lambda c, n: c.start_run("etl", "x" * n(255))),
    ("run-target", lambda c, n: c.start_run("etl", "x", target="x" * n(511))),
    ("lineage-source", lambda c, n: c.add_lineage("x" * n(511), "b")),
    ("lineage-target", lambda c, n: c.add_lineage("a", "x" * n(511))),
    ("lineage-code-hash", lambda c, n: c.add_lineage("a", "b", code_hash="x" * n(64))),
    ("dq-target", lambda c, n: c.record_dq_result("x" * n(511), 1.0, [])),
    ("dq-ruleset", lambda c, n: c.record_dq_result("t", 1.0, [], ruleset="x" * n(255))),
    (
        "connection-username",
        lambda c, n: c.create_connection("dw", "jdbc:x", username="x" * n(255)),
    ),
    ("bookmark-job", lambda c, n: c.set_bookmark("x" * n(255), "s", {})),
    ("bookmark-source", lambda c, n: c.set_bookmark("job", "x" * n(511), {})),
]


def test_text_up_to_the_column_size_is_kept_and_longer_text_refused(catalog: Catalog) -> None:
    for label, call in LONGEST:
        before = catalog.change_seq()
        call(catalog, lambda size: size)
        assert catalog.change_seq() == before + 1, label

    calls = {label: partial(call, catalog, lambda size: size + 1) for label, call in LONGEST}
    refused_by_each(catalog, InvalidInputError, calls, match="at most")


BAD_REFERENCES: list[tuple[str, Any]] = [
    ("finish-run-id-string", lambda c, run: c.finish_run(str(run), "SUCCEEDED")),
    ("finish-run-id-true", lambda c, run: c.finish_run(True, "SUCCEEDED")),
    ("finish-run-id-negative", lambda c, run: c.finish_run(-1, "SUCCEEDED")),
    ("finish-metrics-list", lambda c, run: c.finish_run(run, "SUCCEEDED", metrics=[1])),
    ("finish-state-list", lambda c, run: c.finish_run(run, ["SUCCEEDED"])),
    ("start-kind-list", lambda c, run: c.start_run(["etl"], "x")),
    ("run-log-id-string", lambda c, run: c.run_log(str(run))),
    ("lineage-run-id-string", lambda c, run: c.add_lineage("a", "b", run_id=str(run))),
    ("lineage-run-id-huge", lambda c, run: c.add_lineage("a", "b", run_id=2**70)),
    ("lineage-no-source", lambda c, run: c.add_lineage(None, "b")),
    ("lineage-empty-target", lambda c, run: c.add_lineage("a", "")),
    ("dq-run-id-float", lambda c, run: c.record_dq_result("t", 1.0, [], run_id=float(run))),
    ("dq-rules-not-a-list", lambda c, run: c.record_dq_result("t", 1.0, "rules")),
    ("dq-no-target", lambda c, run: c.record_dq_result(None, 1.0, [])),
    ("bookmark-state-list", lambda c, run: c.set_bookmark("job", "src", [1])),
    ("bookmark-run-id-string", lambda c, run: c.set_bookmark("job", "src", {}, run_id="1")),
    ("bookmark-no-job", lambda c, run: c.set_bookmark(None, "src", {})),
]


def test_malformed_run_ids_and_arguments_are_invalid_input(catalog: Catalog) -> None:
    run = catalog.start_run("job", "existing")
    calls = {label: partial(call, catalog, run.id) for label, call in BAD_REFERENCES}

    refused_by_each(catalog, InvalidInputError, calls)
