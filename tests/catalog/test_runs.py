"""Run records, lineage edges and data-quality results."""

from __future__ import annotations

from typing import Any

import pytest

from glue_magics.catalog import Catalog
from glue_magics.errors import EntityNotFoundError, GlueMagicsError, InvalidInputError

from .helpers import assert_one_line, refused, snapshot


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


@pytest.mark.xfail(
    reason="runs.py add_lineage()/record_dq_result(): an unknown run_id reaches the foreign key "
    "and raises SQLAlchemy's IntegrityError (multi-line) instead of EntityNotFoundError",
    strict=True,
)
@pytest.mark.parametrize("method", ["lineage", "dq"])
def test_an_unknown_run_id_is_not_found(catalog: Catalog, method: str) -> None:
    with refused(catalog, EntityNotFoundError):
        if method == "lineage":
            catalog.add_lineage("a", "b", run_id=12345)
        else:
            catalog.record_dq_result("b", 1.0, [], run_id=12345)


@pytest.mark.xfail(
    reason="runs.py record_dq_result(): a non-number score fails the range comparison with a "
    "TypeError instead of InvalidInputError",
    strict=True,
)
def test_a_non_number_score_is_refused(catalog: Catalog) -> None:
    with refused(catalog, InvalidInputError):
        catalog.record_dq_result("t", "0.5", [])  # type: ignore[arg-type]


@pytest.mark.xfail(
    reason="runs.py list_runs()/list_dq_results() do not check limit: a negative limit fails in "
    "PostgreSQL with DataError and means 'no limit' in SQLite",
    strict=True,
)
@pytest.mark.parametrize("method", ["list_runs", "list_dq_results"])
def test_a_negative_limit_is_refused(catalog: Catalog, method: str) -> None:
    args = () if method == "list_runs" else ("t",)

    with refused(catalog, GlueMagicsError):
        getattr(catalog, method)(*args, limit=-1)


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
def test_long_text_is_handled_alike_on_both_backends(
    catalog: Catalog, call: Any, xfail_on: Any
) -> None:
    xfail_on(
        "postgresql",
        "runs.py/connections.py do not check the length of free-text fields stored in "
        "VARCHAR(n) columns (models.py): SQLite stores 600 characters, PostgreSQL raises "
        "SQLAlchemy's DataError 'value too long'",
    )
    before = snapshot(catalog)
    try:
        call(catalog, "x" * 600)
    except InvalidInputError as exc:  # refusing alike on both backends would be fine too
        assert_one_line(exc)
        assert snapshot(catalog) == before
    else:
        assert snapshot(catalog)["change_seq"] == before["change_seq"] + 1


@pytest.mark.xfail(
    reason="runs.py start_run(): the name is not checked; None reaches the NOT NULL column and "
    "raises SQLAlchemy's IntegrityError",
    strict=True,
)
def test_a_run_needs_a_name(catalog: Catalog) -> None:
    with refused(catalog, InvalidInputError):
        catalog.start_run("etl", None)  # type: ignore[arg-type]
