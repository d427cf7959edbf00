"""The data-quality API every front-end calls: evaluate a ruleset (DQDL or a GX suite) on a pandas
DataFrame, a Spark DataFrame or a catalog table; store the result in the catalog; gate an ETL write.
"""

from __future__ import annotations

import json
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from glue_magics.errors import EntityNotFoundError, GlueMagicsError, InvalidInputError
from glue_magics.quality.dqdl import Ruleset, parse
from glue_magics.quality.results import ERROR, FAIL, PASS, EvaluationResult, RuleResult

if TYPE_CHECKING:
    from glue_magics.catalog import Catalog


@dataclass
class Data:
    """A dataset resolved to an engine: what it is called and where its files are."""

    engine: Any
    name: str | None = None  # db.table for catalog tables
    path: str | None = None  # the table's location


def is_gx_suite(ruleset: object) -> bool:
    """GX suites come as a dict or as JSON text (DQDL never starts with '{')."""
    if isinstance(ruleset, Mapping):
        return True
    return isinstance(ruleset, str) and ruleset.lstrip().startswith("{")


def resolve_data(data: Any, catalog: Catalog | None = None, spark: Any = None) -> Data:
    """A pandas DataFrame, a Spark DataFrame, or ``"db.table"`` (read with the kernel's Spark)."""
    if isinstance(data, Data):
        return data
    if isinstance(data, str):
        return _table(data, catalog, spark)
    module = type(data).__module__
    if module.startswith("pyspark."):
        from glue_magics.quality.spark_engine import SparkEngine

        return Data(SparkEngine(data))
    if module.startswith("pandas."):
        import pandas as pd

        if isinstance(data, pd.DataFrame):
            from glue_magics.quality.pandas_engine import PandasEngine

            return Data(PandasEngine(data))
    raise InvalidInputError(
        f"data quality needs a pandas or Spark DataFrame or a catalog table name, not {type(data).__name__}"
    )


def _table(name: str, catalog: Catalog | None, spark: Any) -> Data:
    from glue_magics.catalog import open_catalog
    from glue_magics.catalog.names import split_table_name
    from glue_magics.quality.spark_engine import SparkEngine

    database, table = split_table_name(name)
    catalog = catalog or open_catalog()
    entry = catalog.get_table(database, table)
    if spark is None:
        from glue_magics.spark.session import manager

        spark = manager.session()
    from glue_magics.spark.tables import bridge_for

    full = f"{database}.{table}"
    bridge_for(catalog).ensure(spark, [full])
    return Data(SparkEngine(spark.table(full)), full, entry.location)


def resolve_ruleset(
    ruleset: str | Ruleset | Mapping[str, Any], catalog: Catalog | None = None
) -> tuple[Ruleset | dict[str, Any], str | None]:
    """(parsed DQDL or a GX suite dict, the saved ruleset's name). A bare name (no ``=``, no
    ``{``) is a saved ruleset in the catalog."""
    if isinstance(ruleset, Ruleset):
        return ruleset, None
    if isinstance(ruleset, Mapping):
        return dict(ruleset), None
    if not isinstance(ruleset, str):
        raise InvalidInputError(
            f"a ruleset is DQDL text, a GX suite or a saved name, not {type(ruleset).__name__}"
        )
    text = ruleset.strip()
    if text and "=" not in text and not text.startswith("{") and "\n" not in text:
        if catalog is None:
            from glue_magics.catalog import open_catalog

            catalog = open_catalog()
        saved = catalog.get_ruleset(text)
        if saved.dqdl is not None:
            return parse(saved.dqdl), saved.name
        assert saved.gx_suite is not None
        return dict(saved.gx_suite), saved.name
    if text.startswith("{"):
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInputError(
                f"the GX suite is not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from None
        if not isinstance(loaded, dict):
            raise InvalidInputError('a GX suite is a JSON object with an "expectations" list')
        return loaded, None
    return parse(ruleset), None


def evaluate(
    data: Any,
    ruleset: str | Ruleset | Mapping[str, Any],
    *,
    catalog: Catalog | None = None,
    target: str | None = None,
    ruleset_name: str | None = None,
    references: Mapping[str, Any] | None = None,
    store: bool = True,
    row_level: bool = False,
    run_id: int | None = None,
    use_gx: bool = True,
    now: datetime | None = None,
    data_path: str | None = None,
    spark: Any = None,
) -> EvaluationResult:
    """Evaluate a ruleset on ``data`` and, with a catalog and a target, store the result.

    ``data``: a pandas or Spark DataFrame, or ``"db.table"`` (its target by default).
    ``ruleset``: DQDL text, a parsed Ruleset, a GX suite (dict or JSON text), or a saved name.
    ``references``: alias -> DataFrame or ``"db.table"`` for RowCountMatch, ReferentialIntegrity,
    DatasetMatch, SchemaMatch, AggregateMatch and CustomSql. ``run_id``: record the result under
    this (ETL or job) run instead of a new ``dq`` run. ``row_level``: add Glue's per-row outcome
    columns (``result.rows``). ``use_gx``: judge mapped rules with Great Expectations.
    """
    if (
        not isinstance(store, bool)
        or not isinstance(row_level, bool)
        or not isinstance(use_gx, bool)
    ):
        raise InvalidInputError("store, row_level and use_gx are True or False")
    parsed, saved_name = resolve_ruleset(ruleset, catalog)
    ruleset_name = ruleset_name or saved_name
    suite = None
    if not isinstance(parsed, Ruleset):
        if row_level:
            raise InvalidInputError("row-level outcomes need a DQDL ruleset, not a GX suite")
        from glue_magics.quality.gx import bridge

        suite = bridge().suite(parsed)  # checked before anything is recorded
    resolved = resolve_data(data, catalog, spark)
    target = target or resolved.name
    refs = {}
    for alias, ref in (references or {}).items():
        if not isinstance(alias, str) or not alias:
            raise InvalidInputError(f"a reference alias must be a name, got {alias!r}")
        refs[alias] = resolve_data(ref, catalog, spark).engine
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        raise InvalidInputError("now must be timezone-aware")
    keep = store and catalog is not None and target is not None
    if catalog is None and store and target is not None and isinstance(data, str):
        from glue_magics.catalog import open_catalog

        catalog, keep = open_catalog(), True
    run = None
    if keep and run_id is None:
        assert catalog is not None and target is not None
        run = catalog.start_run("dq", ruleset_name or "adhoc", target=target)
    started = datetime.now(timezone.utc)
    try:
        if isinstance(parsed, Ruleset):
            result = _evaluate_dqdl(
                resolved, parsed, refs, catalog, target, row_level, use_gx, now, data_path
            )
        else:
            result = _evaluate_suite(resolved, suite)
            ruleset_name = ruleset_name or result.ruleset_name
    except BaseException as exc:
        if run is not None and catalog is not None:
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            catalog.finish_run(run.id, "FAILED", error=message[:2000])
        raise
    result.target, result.ruleset_name = target, ruleset_name
    result.started_at, result.completed_at = started, datetime.now(timezone.utc)
    if keep:
        assert catalog is not None and target is not None
        record_id = run.id if run is not None else run_id
        catalog.record_dq_result(
            target, result.score, result.records(), ruleset=ruleset_name, run_id=record_id
        )
        result.run_id, result.stored = record_id, True
        if run is not None:
            catalog.finish_run(
                run.id,
                "SUCCEEDED",
                metrics={
                    "score": result.score,
                    **result.counts(),
                    "engine": result.engine,
                    "source": result.source,
                    "seconds": round(result.seconds or 0.0, 3),
                },
            )
    return result


def _evaluate_dqdl(
    data: Data,
    ruleset: Ruleset,
    refs: dict[str, Any],
    catalog: Catalog | None,
    target: str | None,
    row_level: bool,
    use_gx: bool,
    now: datetime,
    data_path: str | None,
) -> EvaluationResult:
    from glue_magics.quality.evaluator import Evaluator, History

    history = History.from_catalog(catalog, target) if catalog is not None and target else History()
    evaluator = Evaluator(
        data.engine,
        references=refs,
        history=history,
        now=now,
        use_gx=use_gx,
        data_path=data_path or data.path,
    )
    rules, analyzers, rows = evaluator.run(ruleset, row_level=row_level)
    suite = None
    if evaluator.gx is not None:
        from glue_magics.quality.gx import suite_json

        suite = suite_json(target or "dataframe", evaluator.mapped, evaluator.unmapped)
    return EvaluationResult(
        rules, analyzers, engine=data.engine.kind, source="dqdl", rows=rows, gx_suite=suite
    )


def _evaluate_suite(data: Data, suite: Any) -> EvaluationResult:
    from glue_magics.quality.gx import bridge

    outcome = bridge().run_suite(data.engine.df, suite, data.engine.kind)
    rules = [_rule_from_gx(i, r) for i, r in enumerate(outcome.results, start=1)]
    return EvaluationResult(
        rules,
        engine=data.engine.kind,
        source="gx",
        ruleset_name=suite.name,
        gx_result=outcome.to_json_dict(),
    )


def _rule_from_gx(index: int, evr: Any) -> RuleResult:
    """One GX expectation result in Glue's shape."""
    config = evr.expectation_config
    kwargs = {k: v for k, v in dict(config.kwargs).items() if k != "batch_id"}
    text = f"{config.type}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"
    result = dict(evr.result or {})
    column = kwargs.get("column")
    scope = f"Column.{column}" if column else "Dataset.*"
    metrics: dict[str, Any] = {}
    observed = result.get("observed_value")
    if isinstance(observed, numbers.Real) and not isinstance(observed, bool):
        metrics[f"{scope}.ObservedValue"] = observed
    for key, name in [
        ("element_count", "ElementCount"),
        ("unexpected_count", "UnexpectedCount"),
        ("unexpected_percent", "UnexpectedPercent"),
        ("missing_count", "MissingCount"),
    ]:
        if isinstance(result.get(key), numbers.Real):
            metrics[f"{scope}.{name}"] = result[key]
    raised = _raised(evr.exception_info)
    if raised is not None:
        return RuleResult(f"Rule_{index}", text, ERROR, raised, _clean(metrics))
    if evr.success:
        return RuleResult(f"Rule_{index}", text, PASS, None, _clean(metrics))
    if "unexpected_count" in result:
        reason = (
            f"{result.get('unexpected_count')} of {result.get('element_count')} rows are "
            f"unexpected ({float(result.get('unexpected_percent') or 0):.2f} % of non-NULL values)"
        )
    elif observed is not None:
        reason = f"Observed value {observed!r} does not meet the expectation"
    else:
        reason = "The expectation failed"
    return RuleResult(f"Rule_{index}", text, FAIL, reason, _clean(metrics))


def _raised(info: Any) -> str | None:
    """The message of an exception GX caught (top level, or per metric in GX 1.x)."""
    if not isinstance(info, dict):
        return None
    entries = (
        [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
    )
    for entry in entries:
        if entry.get("raised_exception"):
            message = str(entry.get("exception_message") or "the expectation raised an error")
            lines = message.strip().splitlines()
            return (lines[0] if lines else message)[:500]
    return None


def _clean(metrics: dict[str, Any]) -> dict[str, float]:
    from glue_magics.quality.results import clean_metrics

    return clean_metrics(metrics)


# -- the %%etl gate


@dataclass
class GateResult:
    """An evaluation split by row: ``passed`` rows (the data's own columns) may be written;
    ``failed`` rows carry DataQualityRulesFail (the rules they broke) and the other outcome
    columns, for a quarantine table. ``ok``: every rule passed at the dataset level."""

    result: EvaluationResult
    rows: Any
    passed: Any
    failed: Any

    @property
    def ok(self) -> bool:
        return self.result.passed


def evaluate_gate(
    df: Any,
    ruleset: str | Ruleset,
    *,
    catalog: Catalog | None = None,
    target: str | None = None,
    ruleset_name: str | None = None,
    run_id: int | None = None,
    references: Mapping[str, Any] | None = None,
    store: bool = True,
    use_gx: bool = True,
) -> GateResult:
    """Evaluate ``ruleset`` (DQDL text, a Ruleset, or a saved ruleset's name) on a Spark or
    pandas DataFrame about to be written to ``target``, with row-level outcomes.

    The returned frames are lazy on Spark (each write recomputes them; cache ``rows`` to
    evaluate once). Dataset-level rules (RowCount, Mean, ...) have no row-level result: they
    appear in DataQualityRulesSkip and only decide ``ok``.
    """
    result = evaluate(
        df,
        ruleset,
        catalog=catalog,
        target=target,
        ruleset_name=ruleset_name,
        references=references,
        store=store,
        row_level=True,
        run_id=run_id,
        use_gx=use_gx,
    )
    rows = result.rows
    if rows is None:
        raise InvalidInputError("the gate needs a DQDL ruleset")
    original = [c for c in rows.columns if not str(c).startswith("DataQuality")]
    if type(rows).__module__.startswith("pyspark."):
        from pyspark.sql import functions as F

        flag = F.col("DataQualityEvaluationResult")
        passed = rows.where(flag == "Passed").select(*[F.col(f"`{c}`") for c in original])
        failed = rows.where(flag == "Failed")
    else:
        mask = rows["DataQualityEvaluationResult"] == "Passed"
        passed = rows.loc[mask, original].reset_index(drop=True)
        failed = rows.loc[~mask].reset_index(drop=True)
    return GateResult(result, rows, passed, failed)


# -- saved rulesets


def save_ruleset(
    catalog: Catalog,
    name: str,
    ruleset: str | Mapping[str, Any],
    *,
    target: str | None = None,
    description: str | None = None,
    overwrite: bool = True,
    with_gx_suite: bool = True,
) -> Any:
    """Save DQDL (with its GX suite when ``with_gx_suite``) or a GX suite under ``name``."""
    if is_gx_suite(ruleset):
        suite, _ = resolve_ruleset(ruleset)
        assert isinstance(suite, dict)
        return catalog.save_ruleset(
            name, None, target=target, gx_suite=suite, description=description, overwrite=overwrite
        )
    assert isinstance(ruleset, str)
    parsed = parse(ruleset)
    suite_json = to_gx_suite(parsed, name) if with_gx_suite else None
    return catalog.save_ruleset(
        name,
        ruleset,
        target=target,
        gx_suite=suite_json,
        description=description,
        overwrite=overwrite,
    )


def to_gx_suite(ruleset: Ruleset | str, name: str = "suite") -> dict[str, Any]:
    """The GX suite equivalent of a DQDL ruleset (rules without an equivalent are listed in
    ``meta.dqdl_not_mapped``), built on an empty frame so no data is read."""
    import pandas as pd

    from glue_magics.quality.evaluator import Evaluator
    from glue_magics.quality.gx import suite_json
    from glue_magics.quality.pandas_engine import PandasEngine

    parsed = parse(ruleset) if isinstance(ruleset, str) else ruleset
    columns: list[str] = []
    for rule in parsed.all_rules():
        if rule.type in ("ColumnCount", "ColumnNamesMatchPattern", "CustomSql"):
            continue
        for p in rule.params:
            for col in p.split(","):
                if col.strip() and "(" not in col and "{" not in col and col.strip() not in columns:
                    columns.append(col.strip())
    frame = pd.DataFrame({c: pd.Series([], dtype="float64") for c in columns})
    evaluator = Evaluator(PandasEngine(frame), now=datetime.now(timezone.utc), use_gx=True)
    for node in parsed.rules:
        evaluator.plan_node(node)
    return suite_json(name, evaluator.mapped, evaluator.unmapped)


def validate(text: str, source: str | None = None) -> Ruleset:
    """Check a ruleset without data; raise DQDLError (line and column of each problem)."""
    return parse(text, source)


def history(
    catalog: Catalog, target: str, *, ruleset: str | None = None, limit: int = 50
) -> list[Any]:
    """Stored results for ``target``, newest first (optionally of one ruleset)."""
    results = catalog.list_dq_results(target, limit=limit)
    if ruleset is not None:
        results = [r for r in results if r.ruleset == ruleset]
    return results


def run_saved(
    catalog: Catalog,
    name: str,
    *,
    data: Any = None,
    references: Mapping[str, Any] | None = None,
    store: bool = True,
    row_level: bool = False,
    spark: Any = None,
) -> EvaluationResult:
    """Evaluate a saved ruleset on its table (or on ``data``)."""
    saved = catalog.get_ruleset(name)
    if data is None:
        if saved.target is None:
            raise InvalidInputError(
                f"ruleset {name!r} is attached to no table: give the data to check"
            )
        data = saved.target
    body: Any = saved.dqdl if saved.dqdl is not None else saved.gx_suite
    return evaluate(
        data,
        body,
        catalog=catalog,
        ruleset_name=saved.name,
        references=references,
        store=store,
        row_level=row_level,
        spark=spark,
    )


__all__ = [
    "EntityNotFoundError",
    "GateResult",
    "GlueMagicsError",
    "evaluate",
    "evaluate_gate",
    "history",
    "resolve_data",
    "run_saved",
    "save_ruleset",
    "to_gx_suite",
    "validate",
]
