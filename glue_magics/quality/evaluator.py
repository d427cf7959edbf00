"""Evaluating a parsed DQDL ruleset on one engine (Spark or pandas).

Planning asks every rule for the metrics it needs; the engine computes all scalar aggregates in one
pass (and value frequencies once per column set); then each rule is judged. Rules with a Great
Expectations equivalent are judged by the expectation (GX), the others natively. A rule that cannot
be evaluated (a missing column, bad SQL, an absent reference) is an ERROR outcome, never a crash.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from glue_magics.quality import conditions as c
from glue_magics.quality import model as m
from glue_magics.quality.catalogue import EXCLUDED_AT_ROW_LEVEL_IN_COMPOSITES, RULE_TYPES
from glue_magics.quality.dqdl import (
    Condition,
    Keyword,
    Node,
    Rule,
    Ruleset,
    Str,
    column_mappings,
    leaves,
    parse_aggregate,
    split_columns,
    split_reference_columns,
)
from glue_magics.quality.results import ERROR, FAIL, PASS, AnalyzerResult, RuleResult, clean_metrics

# -- outcomes


class RuleError(Exception):
    """The rule cannot be evaluated on this data: its outcome is ERROR with this message."""


class Undefined(Exception):
    """The metric has no value here (no rows, only NULLs): the rule fails with this reason."""


class Untranslatable(Exception):
    """A GX metric the engines do not compute; the rule is judged natively instead."""


@dataclass
class Verdict:
    outcome: str
    reason: str | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    message: str | None = None
    gx: dict[str, Any] | None = None


@dataclass
class MetricPlan:
    """How to get the value a rule's condition compares (``key`` is Glue's metric name)."""

    key: str
    value: Callable[[], Any]
    extra: dict[str, Callable[[], Any]] = field(default_factory=dict)
    gx: Callable[[], dict[str, Any] | None] | None = None


class Computed:
    def __init__(
        self, aggs: dict[m.Agg, Any], freqs: dict[m.Freq, m.FreqStats], errors: dict[object, str]
    ) -> None:
        self.aggs, self.freqs, self.errors = aggs, freqs, errors

    def agg(self, a: m.Agg) -> Any:
        if a in self.errors:
            raise RuleError(self.errors[a])
        return self.aggs[a]

    def freq(self, f: m.Freq) -> m.FreqStats:
        if f in self.errors:
            raise RuleError(self.errors[f])
        return self.freqs[f]


class History:
    """Stored values of metrics for dynamic rules: newest first, per metric name and where clause."""

    def __init__(self, records: Sequence[Sequence[dict[str, Any]]] = ()) -> None:
        self._records = [list(r) for r in records]

    @classmethod
    def from_catalog(cls, catalog: Any, target: str, limit: int = 100) -> History:
        return cls([r.rules for r in catalog.list_dq_results(target, limit=limit)])

    def values(self, key: str, where: str | None) -> list[float]:
        out: list[float] = []
        for rules in self._records:
            for record in rules:
                metrics = record.get("EvaluatedMetrics") if isinstance(record, dict) else None
                if (
                    isinstance(metrics, dict)
                    and key in metrics
                    and record.get("Where") == where
                    and isinstance(metrics[key], (int, float))
                ):
                    out.append(float(metrics[key]))
                    break
        return out


def _fmt(value: Any) -> str:
    return c.describe_value(value)


def _not_met(value: Any) -> str:
    return f"Value: {_fmt(value)} does not meet the constraint requirement!"


def _rows_passed(fraction: float) -> str:
    return f"{fraction * 100:.2f} % of rows passed the threshold"


# -- the evaluator


class Evaluator:
    def __init__(
        self,
        engine: Any,
        *,
        references: dict[str, Any] | None = None,
        history: History | None = None,
        now: datetime,
        use_gx: bool = True,
        data_path: str | None = None,
    ) -> None:
        self.engine = engine
        self.refs = references or {}
        self.history = history or History()
        self.now = now
        self.data_path = data_path
        self.gx: Any = None
        if use_gx:
            from glue_magics.quality.gx import bridge

            self.gx = bridge()
        self.aggs: list[m.Agg] = []
        self.freqs: list[m.Freq] = []
        self.ref_aggs: dict[str, list[m.Agg]] = {}
        self.ref_computed: dict[str, Computed] = {}
        self.computed = Computed({}, {}, {})
        self.mapped: list[tuple[str, Any]] = []
        self.unmapped: list[str] = []

    # -- planning helpers
    def need(self, a: m.Agg) -> Callable[[], Any]:
        self.aggs.append(a)
        return lambda: self.computed.agg(a)

    def need_freq(self, f: m.Freq) -> Callable[[], m.FreqStats]:
        self.freqs.append(f)
        return lambda: self.computed.freq(f)

    def need_ref(self, alias: str, a: m.Agg) -> Callable[[], Any]:
        self.reference(alias)
        self.ref_aggs.setdefault(alias, []).append(a)
        return lambda: self.ref_computed[alias].agg(a)

    def reference(self, alias: str) -> Any:
        engine = self.refs.get(alias)
        if engine is None:
            known = f"; given: {', '.join(sorted(self.refs))}" if self.refs else ""
            raise RuleError(f"reference dataset {alias!r} was not given{known}")
        return engine

    def column(self, name: str, engine: Any = None) -> str:
        engine = engine or self.engine
        found = engine.resolve(name)
        if found is None:
            raise RuleError(f"Column {name} does not exist in the data")
        return str(found)

    def numeric(self, rule: Rule, name: str) -> str:
        col = self.column(name)
        if self.engine.family(col) not in (m.NUMERIC, m.BOOLEAN):
            raise RuleError(
                f"{rule.type} needs a numeric column; {col} is {self.engine.type_name(col)}"
            )
        return col

    # -- running
    def run(
        self, ruleset: Ruleset, row_level: bool = False
    ) -> tuple[list[RuleResult], list[AnalyzerResult], Any]:
        judges: list[tuple[Node, Callable[[], Verdict], Any]] = []
        for node in ruleset.rules:
            judge, check = self.plan_node(node)
            judges.append((node, judge, check))
        analyzer_plans = [(a, self.plan_analyzer(a)) for a in ruleset.analyzers]
        self.compute()
        results = []
        for i, (node, judge, _) in enumerate(judges, start=1):
            verdict = _safe(judge)
            labels = dict(ruleset.default_labels)
            labels.update(dict(node.labels))
            results.append(
                RuleResult(
                    name=f"Rule_{i}",
                    rule=node.text,
                    outcome=verdict.outcome,
                    failure_reason=verdict.reason,
                    evaluated_metrics=clean_metrics(verdict.metrics),
                    labels=labels,
                    where=node.where if isinstance(node, Rule) else None,
                    message=verdict.message,
                    gx=verdict.gx,
                )
            )
        analyzers = []
        for i, (rule, plans) in enumerate(analyzer_plans, start=1):
            metrics: dict[str, Any] = {}
            notes = []
            for plan in plans:
                try:
                    metrics[plan.key] = plan.value()
                    for key, getter in plan.extra.items():
                        metrics[key] = getter()
                except (RuleError, Undefined) as exc:
                    notes.append(str(exc))
            analyzers.append(
                AnalyzerResult(
                    f"Analyzer_{i}",
                    rule.text,
                    clean_metrics(metrics),
                    "; ".join(notes) or None,
                    where=rule.where,
                )
            )
        rows = None
        if row_level:
            checks = [(node.text, check, _node_where(node)) for node, _, check in judges]
            views = {alias: self.refs[alias] for alias in self.refs}
            rows = self.engine.with_outcomes(checks, views)
        return results, analyzers, rows

    def compute(self) -> None:
        aggs, freqs, errors = self.engine.compute(self.aggs, self.freqs)
        self.computed = Computed(aggs, freqs, errors)
        for alias, wanted in self.ref_aggs.items():
            a, f, e = self.refs[alias].compute(wanted, [])
            self.ref_computed[alias] = Computed(a, f, e)

    # -- nodes
    def plan_node(self, node: Node) -> tuple[Callable[[], Verdict], Any]:
        if isinstance(node, Rule):
            return self.plan_rule(node)
        left, lcheck = self.plan_node(node.left)
        right, rcheck = self.plan_node(node.right)

        def judge() -> Verdict:
            a, b = _safe(left), _safe(right)
            metrics = {**a.metrics, **b.metrics}
            outcomes = (a.outcome, b.outcome)
            if ERROR in outcomes:
                reason = "; ".join(v.reason for v in (a, b) if v.outcome == ERROR and v.reason)
                return Verdict(ERROR, reason, metrics)
            ok = (PASS in outcomes) if node.op == "or" else outcomes == (PASS, PASS)
            if ok:
                return Verdict(PASS, None, metrics)
            reasons = [v.reason for v in (a, b) if v.outcome != PASS and v.reason]
            return Verdict(FAIL, "; ".join(reasons) or None, metrics)

        check = None
        if _row_combinable(node.left, lcheck) and _row_combinable(node.right, rcheck):
            lp = _scoped(lcheck, _node_where(node.left))
            rp = _scoped(rcheck, _node_where(node.right))
            check = m.conj(lp, rp) if node.op == "and" else m.disj(lp, rp)
        return judge, check

    def plan_rule(self, rule: Rule) -> tuple[Callable[[], Verdict], Any]:
        try:
            method = getattr(self, f"rule_{rule.type}", None)
            if method is not None:
                planned: tuple[Callable[[], Verdict], Any] = method(rule)
                return planned
            return self.metric_rule(rule), None
        except (RuleError, c.ConditionError) as exc:
            message = str(exc)
            return (lambda: Verdict(ERROR, message)), None

    def metric_rule(self, rule: Rule) -> Callable[[], Verdict]:
        """A rule whose number condition compares one metric."""
        plan = self.metric(rule)
        cond = rule.condition
        assert cond is not None

        def judge() -> Verdict:
            metrics: dict[str, Any] = {}
            gx = plan.gx() if plan.gx else None
            try:
                value = plan.value()
                metrics[plan.key] = value
                for key, getter in plan.extra.items():
                    metrics[key] = getter()
            except Undefined as exc:
                return Verdict(FAIL, str(exc), metrics, gx=gx)
            return self.check(rule, cond, plan.key, value, metrics, gx)

        return judge

    def check(
        self,
        rule: Rule,
        cond: Condition,
        key: str,
        value: Any,
        metrics: dict[str, Any],
        gx: dict[str, Any] | None = None,
    ) -> Verdict:
        if value is None:
            return Verdict(FAIL, "Value could not be computed (no values)", metrics, gx=gx)
        try:
            ok = c.check_number(cond, float(value), lambda: self.history.values(key, rule.where))
        except c.NoHistory:
            note = f"no stored history of {key} yet: the dynamic rule passes until there is"
            return Verdict(PASS, None, metrics, message=note, gx=gx)
        if ok:
            return Verdict(PASS, None, metrics, gx=gx)
        return Verdict(FAIL, _not_met(value), metrics, gx=gx)

    # -- GX
    def gx_expectation(
        self,
        rule: Rule,
        class_name: str,
        kwargs: dict[str, Any],
        column: str | None = None,
        cond_pred: m.Pred | None = None,
    ) -> Callable[[], Any] | None:
        """Plan a rule's GX expectation; a function giving its validation result. None when GX
        is off or the expectation needs a metric the engines do not compute."""
        if self.gx is None:
            self.unmapped.append(rule.text)
            return None
        if rule.where is not None:
            kwargs = {**kwargs, "row_condition": rule.where, "condition_parser": "spark"}
        try:
            expectation = self.gx.expectation(class_name, **kwargs)
            deps = self.gx.dependencies(expectation)
            getters = {
                mc.id: self._gx_metric(mc, rule.where, column, cond_pred) for mc in deps.values()
            }
        except Untranslatable:
            self.unmapped.append(rule.text)
            return None
        self.mapped.append((rule.text, expectation))
        memo: list[Any] = []

        def result() -> Any:
            if not memo:
                memo.append(self.gx.validate(expectation, {k: g() for k, g in getters.items()}))
            return memo[0]

        return result

    def _gx_metric(
        self, mc: Any, where: str | None, column: str | None, cond_pred: m.Pred | None
    ) -> Callable[[], Any]:
        name = mc.metric_name
        if name == "table.row_count":
            return self.need(m.Agg("rows", where=where))
        if name == "table.column_count":
            return lambda: len(self.engine.columns)
        if name == "table.columns":
            return lambda: list(self.engine.columns)
        if name.endswith(".unexpected_values"):
            return lambda: []
        if column is None:
            raise Untranslatable(name)
        if name == "column_values.nonnull.unexpected_count":
            return self.need(m.Agg("count_if", pred=m.IsNull(column), where=where))
        if name == "column_values.unique.unexpected_count":
            stats = self.need_freq(m.Freq((column,), where))
            return lambda: stats().duplicated
        if name == "column.distinct_values.count":
            stats = self.need_freq(m.Freq((column,), where))
            return lambda: stats().distinct
        if name in ("column.mean", "column.sum"):
            fn = "mean" if name == "column.mean" else "sum"
            return self.need(m.Agg(fn, m.Col(column), where=where))
        if name.endswith(".unexpected_count") and cond_pred is not None:
            pred = m.conj(m.not_null(column), m.Not(cond_pred))
            return self.need(m.Agg("count_if", pred=pred, where=where))
        raise Untranslatable(name)

    @staticmethod
    def gx_detail(evr: Any) -> dict[str, Any]:
        return {"expectation": evr.expectation_config.type, "success": bool(evr.success)}

    def gx_bounds(self, cond: Condition | None) -> dict[str, Any] | None:
        if cond is None:
            return {}
        bounds = c.static_bounds(cond)
        if bounds is None:
            return None
        low, high, strict_min, strict_max = bounds
        out: dict[str, Any] = {"min_value": low, "max_value": high}
        if strict_min:
            out["strict_min"] = True
        if strict_max:
            out["strict_max"] = True
        return out

    # -- metrics of number rules
    def metric(self, rule: Rule) -> MetricPlan:
        method = getattr(self, f"metric_{rule.type}", None)
        if method is None:
            raise RuleError(f"{rule.type} is not supported here")
        plan: MetricPlan = method(rule)
        return plan

    def _gx_observed(
        self, rule: Rule, class_name: str, key: str, native: Callable[[], Any], column: str | None
    ) -> MetricPlan:
        kwargs = self.gx_bounds(rule.condition) or {}
        if column is not None:
            kwargs["column"] = column
        result = self.gx_expectation(rule, class_name, kwargs, column)
        if result is None:
            return MetricPlan(key, native)
        evr = result

        def value() -> Any:
            return evr().result.get("observed_value")

        return MetricPlan(key, value, gx=lambda: self.gx_detail(evr()))

    def metric_RowCount(self, rule: Rule) -> MetricPlan:
        key = "Dataset.*.RowCount"
        native = self.need(m.Agg("rows", where=rule.where))
        return self._gx_observed(rule, "ExpectTableRowCountToBeBetween", key, native, None)

    def metric_ColumnCount(self, rule: Rule) -> MetricPlan:
        return self._gx_observed(
            rule,
            "ExpectTableColumnCountToBeBetween",
            "Dataset.*.ColumnCount",
            lambda: len(self.engine.columns),
            None,
        )

    def metric_Mean(self, rule: Rule) -> MetricPlan:
        col = self.numeric(rule, rule.params[0])
        native = self.need(m.Agg("mean", m.Col(col), where=rule.where))
        plan = self._gx_observed(
            rule, "ExpectColumnMeanToBeBetween", f"Column.{col}.Mean", native, col
        )
        return _defined(plan, f"Column {col} has no values to average")

    def metric_Sum(self, rule: Rule) -> MetricPlan:
        col = self.numeric(rule, rule.params[0])
        native = self.need(m.Agg("sum", m.Col(col), where=rule.where))
        plan = self._gx_observed(
            rule, "ExpectColumnSumToBeBetween", f"Column.{col}.Sum", native, col
        )
        return _defined(plan, f"Column {col} has no values to sum")

    def metric_StandardDeviation(self, rule: Rule) -> MetricPlan:
        # Glue's is the population deviation; GX's expectation uses the sample one: native.
        col = self.numeric(rule, rule.params[0])
        get = self.need(m.Agg("stddev", m.Col(col), where=rule.where))
        self.unmapped.append(rule.text)
        return _defined(
            MetricPlan(f"Column.{col}.StandardDeviation", get), f"Column {col} has no values"
        )

    def metric_Variance(self, rule: Rule) -> MetricPlan:
        col = self.numeric(rule, rule.params[0])
        get = self.need(m.Agg("variance", m.Col(col), where=rule.where))
        self.unmapped.append(rule.text)
        return _defined(MetricPlan(f"Column.{col}.Variance", get), f"Column {col} has no values")

    def _completeness(self, rule: Rule, col: str) -> tuple[Callable[[], float], Any]:
        """Completeness of a column, from GX's not-null expectation when GX is on."""
        result = self.gx_expectation(rule, "ExpectColumnValuesToNotBeNull", {"column": col}, col)
        if result is not None:
            evr = result

            def from_gx() -> float:
                r = evr().result
                total = r.get("element_count") or 0
                if total == 0:
                    raise Undefined("Value could not be computed: no rows")
                return 1.0 - (r.get("unexpected_count") or 0) / total

            return from_gx, lambda: self.gx_detail(evr())
        rows = self.need(m.Agg("rows", where=rule.where))
        nulls = self.need(m.Agg("count_if", pred=m.IsNull(col), where=rule.where))

        def native() -> float:
            total = rows()
            if not total:
                raise Undefined("Value could not be computed: no rows")
            return 1.0 - nulls() / total

        return native, None

    def metric_Completeness(self, rule: Rule) -> MetricPlan:
        col = self.column(rule.params[0])
        value, gx = self._completeness(rule, col)
        return MetricPlan(f"Column.{col}.Completeness", value, gx=gx)

    def _freq_plan(self, rule: Rule, columns: Sequence[str]) -> Callable[[], m.FreqStats]:
        cols = tuple(self.column(x) for x in columns)
        return self.need_freq(m.Freq(cols, rule.where))

    @staticmethod
    def _name(columns: Sequence[str], metric: str) -> str:
        if len(columns) == 1:
            return f"Column.{columns[0]}.{metric}"
        return f"Multicolumn.{','.join(columns)}.{metric}"

    def metric_Uniqueness(self, rule: Rule) -> MetricPlan:
        stats = self._freq_plan(rule, rule.params)
        cols = [self.column(x) for x in rule.params]

        def value() -> float:
            s = stats()
            if s.rows == 0:
                raise Undefined("Value could not be computed: no non-NULL values")
            return s.unique / s.rows

        self.unmapped.append(rule.text)
        return MetricPlan(self._name(cols, "Uniqueness"), value)

    def metric_DistinctValuesCount(self, rule: Rule) -> MetricPlan:
        col = self.column(rule.params[0])
        stats = self.need_freq(m.Freq((col,), rule.where))
        return self._gx_observed(
            rule,
            "ExpectColumnUniqueValueCountToBeBetween",
            f"Column.{col}.DistinctValuesCount",
            lambda: stats().distinct,
            col,
        )

    def metric_UniqueValueRatio(self, rule: Rule) -> MetricPlan:
        col = self.column(rule.params[0])
        stats = self.need_freq(m.Freq((col,), rule.where))

        def value() -> float:
            s = stats()
            if s.distinct == 0:
                raise Undefined("Value could not be computed: no non-NULL values")
            return s.unique / s.distinct

        self.unmapped.append(rule.text)
        return MetricPlan(f"Column.{col}.UniqueValueRatio", value)

    def metric_Entropy(self, rule: Rule) -> MetricPlan:
        col = self.column(rule.params[0])
        stats = self.need_freq(m.Freq((col,), rule.where))

        def value() -> float:
            s = stats()
            if s.entropy is None:
                raise Undefined("Value could not be computed: no non-NULL values")
            return s.entropy

        self.unmapped.append(rule.text)
        return MetricPlan(f"Column.{col}.Entropy", value)

    def metric_ColumnCorrelation(self, rule: Rule) -> MetricPlan:
        a = self.numeric(rule, rule.params[0])
        b = self.numeric(rule, rule.params[1])
        get = self.need(m.Agg("corr", m.Col(a), m.Col(b), where=rule.where))
        self.unmapped.append(rule.text)
        return _defined(
            MetricPlan(f"Multicolumn.{a},{b}.ColumnCorrelation", get),
            f"Value could not be computed: {a} and {b} need two rows of values that vary",
        )

    def metric_CustomSql(self, rule: Rule) -> MetricPlan:
        query = rule.params[0]
        self.unmapped.append(rule.text)

        def value() -> float:
            try:
                rows = self.engine.sql(query, self.refs)
            except Exception as exc:
                raise RuleError(f"CustomSql failed: {_one_line(exc)}") from None
            if len(rows) != 1 or len(rows[0]) != 1:
                shape = f"{len(rows)} row(s)" + (f" of {len(rows[0])} columns" if rows else "")
                raise RuleError(f"CustomSql must return a single value, got {shape}")
            v = rows[0][0]
            if isinstance(v, bool):
                return float(v)
            if not isinstance(v, (int, float)):
                try:
                    return float(v)
                except (TypeError, ValueError):
                    raise RuleError(f"CustomSql returned {v!r}, not a number") from None
            return float(v)

        return MetricPlan("Dataset.*.CustomSQL", value)

    def metric_RowCountMatch(self, rule: Rule) -> MetricPlan:
        alias = rule.params[0]
        rows = self.need(m.Agg("rows"))
        ref_rows = self.need_ref(alias, m.Agg("rows"))
        self.unmapped.append(rule.text)

        def value() -> float:
            theirs = ref_rows()
            if not theirs:
                raise Undefined(f"Value could not be computed: {alias} has no rows")
            return float(rows()) / theirs

        return MetricPlan(
            f"Dataset.{alias}.RowCountMatch",
            value,
            extra={"Dataset.*.RowCount": rows, f"Dataset.{alias}.RowCount": ref_rows},
        )

    def metric_ReferentialIntegrity(self, rule: Rule) -> MetricPlan:
        cols = [self.column(x) for x in split_columns(rule.params[0])]
        alias, ref_names = split_reference_columns(rule.params[1])
        ref = self.reference(alias)
        ref_cols = [self.column(x, ref) for x in ref_names]
        self.unmapped.append(rule.text)

        def value() -> float:
            present, total = self.engine.key_fraction_present(cols, ref, ref_cols)
            if not total:
                raise Undefined("Value could not be computed: no rows")
            return present / total

        return MetricPlan(f"Column.{alias}.ReferentialIntegrity", value)

    def metric_DatasetMatch(self, rule: Rule) -> MetricPlan:
        alias = rule.params[0]
        ref = self.reference(alias)
        keys = [(self.column(a), self.column(b, ref)) for a, b in column_mappings(rule.params[1])]
        if len(rule.params) > 2:
            matches = [
                (self.column(a), self.column(b, ref)) for a, b in column_mappings(rule.params[2])
            ]
        else:
            key_names = {k for k, _ in keys}
            matches = [
                (col, self.column(col, ref)) for col in self.engine.columns if col not in key_names
            ]
        self.unmapped.append(rule.text)

        def value() -> float:
            same, total, problem = self.engine.dataset_match(ref, keys, matches)
            if problem:
                raise RuleError(problem)
            if not total:
                raise Undefined("Value could not be computed: no rows")
            return same / total

        return MetricPlan(f"Dataset.{alias}.DatasetMatch", value)

    def metric_SchemaMatch(self, rule: Rule) -> MetricPlan:
        alias = rule.params[0]
        ref = self.reference(alias)
        self.unmapped.append(rule.text)

        def value() -> float:
            mine = {x.lower(): self.engine.type_name(x) for x in self.engine.columns}
            theirs = {x.lower(): ref.type_name(x) for x in ref.columns}
            names = set(mine) | set(theirs)
            if not names:
                return 1.0
            same = sum(1 for n in names if n in mine and n in theirs and mine[n] == theirs[n])
            return same / len(names)

        return MetricPlan(f"Dataset.{alias}.SchemaMatch", value)

    def metric_AggregateMatch(self, rule: Rule) -> MetricPlan:
        sides: list[Callable[[], Any]] = []
        names: list[str] = []
        for param in rule.params:
            parsed = parse_aggregate(param)
            assert parsed is not None
            op, alias, name = parsed
            fn = "mean" if op == "avg" else "sum"
            if alias and alias != "primary":
                ref = self.reference(alias)
                col = self.column(name, ref)
                sides.append(self.need_ref(alias, m.Agg(fn, m.Col(col))))
            else:
                col = self.numeric(rule, name)
                sides.append(self.need(m.Agg(fn, m.Col(col))))
            names.append(col)
        self.unmapped.append(rule.text)

        def value() -> float:
            a, b = sides[0](), sides[1]()
            if a is None or b is None or b == 0:
                raise Undefined(f"Value could not be computed: {rule.params[1]} is {_fmt(b)}")
            return float(a) / float(b)

        key = names[0] if names[0] == names[1] else f"{names[0]},{names[1]}"
        return MetricPlan(f"Column.{key}.AggregateMatch", value)

    def metric_FileUniqueness(self, rule: Rule) -> MetricPlan:
        files = self._files(rule)
        self.unmapped.append(rule.text)

        def value() -> float:
            found = files()
            if not found:
                raise Undefined("Value could not be computed: no files")
            hashes = [_file_hash(fs, p, "MD5") for fs, p, _ in found]
            counts: dict[str, int] = {}
            for h in hashes:
                counts[h] = counts.get(h, 0) + 1
            return sum(1 for h in hashes if counts[h] == 1) / len(hashes)

        return MetricPlan("Dataset.*.FileUniqueness", value)

    # -- rules with their own judges
    def rule_IsComplete(self, rule: Rule) -> tuple[Callable[[], Verdict], Any]:
        col = self.column(rule.params[0])
        value, gx = self._completeness(rule, col)
        key = f"Column.{col}.Completeness"

        def judge() -> Verdict:
            detail = gx() if gx else None
            try:
                v = value()
            except Undefined as exc:
                return Verdict(FAIL, str(exc), gx=detail)
            metrics = {key: v}
            if v == 1.0:
                return Verdict(PASS, None, metrics, gx=detail)
            return Verdict(FAIL, _not_met(v), metrics, gx=detail)

        return judge, m.not_null(col)

    def rule_Completeness(self, rule: Rule) -> tuple[Callable[[], Verdict], Any]:
        col = self.column(rule.params[0])
        return self.metric_rule(rule), m.not_null(col)

    def _uniqueness_judge(
        self, rule: Rule, cols: list[str], complete: bool
    ) -> Callable[[], Verdict]:
        key = self._name(cols, "Uniqueness")
        gx_result = None
        if len(cols) == 1 and not complete:
            gx_result = self.gx_expectation(
                rule, "ExpectColumnValuesToBeUnique", {"column": cols[0]}, cols[0]
            )
        stats = self.need_freq(m.Freq(tuple(cols), rule.where))
        nulls = [self.need(m.Agg("count_if", pred=m.IsNull(x), where=rule.where)) for x in cols]
        rows = self.need(m.Agg("rows", where=rule.where))
        if gx_result is None:
            self.unmapped.append(rule.text)

        def judge() -> Verdict:
            metrics: dict[str, Any] = {}
            detail = None
            if gx_result is not None:
                r = gx_result().result
                detail = self.gx_detail(gx_result())
                present = (r.get("element_count") or 0) - (r.get("missing_count") or 0)
                uniqueness = (
                    None if present <= 0 else (present - (r.get("unexpected_count") or 0)) / present
                )
            else:
                s = stats()
                uniqueness = None if s.rows == 0 else s.unique / s.rows
            total = rows()
            if complete:
                for x, n in zip(cols, nulls, strict=True):
                    metrics[f"Column.{x}.Completeness"] = 1.0 - n() / total if total else None
            metrics[key] = uniqueness
            if uniqueness is None:
                return Verdict(
                    FAIL, "Value could not be computed: no non-NULL values", metrics, gx=detail
                )
            incomplete = complete and any(n() for n in nulls)
            if uniqueness == 1.0 and not incomplete:
                return Verdict(PASS, None, metrics, gx=detail)
            if incomplete:
                worst = min(v for k, v in metrics.items() if k.endswith("Completeness"))
                return Verdict(FAIL, _not_met(worst), metrics, gx=detail)
            return Verdict(FAIL, _not_met(uniqueness), metrics, gx=detail)

        return judge

    def rule_IsUnique(self, rule: Rule) -> tuple[Callable[[], Verdict], Any]:
        cols = [self.column(x) for x in rule.params]
        return self._uniqueness_judge(rule, cols, complete=False), ("unique", tuple(cols), False)

    def rule_IsPrimaryKey(self, rule: Rule) -> tuple[Callable[[], Verdict], Any]:
        cols = [self.column(x) for x in rule.params]
        return self._uniqueness_judge(rule, cols, complete=True), ("unique", tuple(cols), True)

    def rule_Uniqueness(self, rule: Rule) -> tuple[Callable[[], Verdict], Any]:
        cols = tuple(self.column(x) for x in rule.params)
        return self.metric_rule(rule), ("unique", cols, False)

    def rule_ColumnExists(self, rule: Rule) -> tuple[Callable[[], Verdict], Any]:
        name = rule.params[0]
        gx_result = self.gx_expectation(rule, "ExpectColumnToExist", {"column": name})

        def judge() -> Verdict:
            detail = self.gx_detail(gx_result()) if gx_result is not None else None
            if self.engine.resolve(name) is not None:
                return Verdict(PASS, None, gx=detail)
            return Verdict(FAIL, f"Column {name} does not exist", gx=detail)

        return judge, None

    def rule_ColumnNamesMatchPattern(self, rule: Rule) -> tuple[Callable[[], Verdict], Any]:
        pattern = re.compile(rule.params[0])
        self.unmapped.append(rule.text)

        def judge() -> Verdict:
            names = list(self.engine.columns)
            bad = [n for n in names if not pattern.fullmatch(n)]
            ratio = 1.0 if not names else (len(names) - len(bad)) / len(names)
            metrics = {"Dataset.*.ColumnNamesPatternMatchRatio": ratio}
            if not bad:
                return Verdict(PASS, None, metrics)
            shown = ", ".join(bad[:5]) + (" ..." if len(bad) > 5 else "")
            return Verdict(FAIL, f"Columns that do not match the pattern: {shown}", metrics)

        return judge, None

    def _row_rule(
        self,
        rule: Rule,
        col: str,
        pred: m.Pred,
        compliance_key: str,
        extra: dict[str, Callable[[], Any]] | None = None,
        gx: tuple[str, dict[str, Any], m.Pred, bool] | None = None,
    ) -> Callable[[], Verdict]:
        """A per-row rule: every row in scope must pass, or ``with threshold`` of them."""
        threshold = rule.threshold
        gx_result = None
        if gx is not None:
            gx_result = self.gx_expectation(rule, gx[0], {"column": col, **gx[1]}, col, gx[2])
        elif self.gx is not None:
            self.unmapped.append(rule.text)
        rows = self.need(m.Agg("rows", where=rule.where))
        passes = None if gx_result else self.need(m.Agg("count_if", pred=pred, where=rule.where))

        # The example of a failing value is looked up only when the rule fails: it would cost
        # every evaluation an aggregate in the shared pass.
        def example() -> Any:
            return self.engine.first_value(m.Col(col), m.Not(pred), rule.where)

        def judge() -> Verdict:
            detail = None
            if gx_result is not None:
                r = gx_result().result
                detail = self.gx_detail(gx_result())
                total = r.get("element_count") or 0
                missing = r.get("missing_count") or 0
                ok_rows = total - missing - (r.get("unexpected_count") or 0)
                if gx[3]:  # type: ignore[index]
                    ok_rows += missing
            else:
                total = rows()
                ok_rows = passes()  # type: ignore[misc]
            metrics: dict[str, Any] = {k: g() for k, g in (extra or {}).items()}
            if not total:
                return Verdict(FAIL, "Value could not be computed: no rows", metrics, gx=detail)
            compliance = ok_rows / total
            metrics[compliance_key] = compliance
            if threshold is not None:
                if c.check_number(threshold, compliance):
                    return Verdict(PASS, None, metrics, gx=detail)
                return Verdict(FAIL, _rows_passed(compliance), metrics, gx=detail)
            if ok_rows == total:
                return Verdict(PASS, None, metrics, gx=detail)
            return Verdict(FAIL, _not_met(example()), metrics, gx=detail)

        return judge

    def rule_ColumnValues(self, rule: Rule) -> tuple[Callable[[], Verdict], Any]:
        col = self.column(rule.params[0])
        cond = rule.condition
        assert cond is not None
        family = self.engine.family(col)
        pred = c.value_pred(cond, col, family, self.now)
        extra: dict[str, Callable[[], Any]] = {}
        if cond.family == "number":
            value = m.Col(col, None if family == m.NUMERIC else "double")
            extra[f"Column.{col}.Minimum"] = self.need(m.Agg("min", value, where=rule.where))
            extra[f"Column.{col}.Maximum"] = self.need(m.Agg("max", value, where=rule.where))
        gx = self._column_values_gx(cond, pred)
        judge = self._row_rule(rule, col, pred, f"Column.{col}.ColumnValues.Compliance", extra, gx)
        return judge, pred

    def _column_values_gx(
        self, cond: Condition, pred: m.Pred
    ) -> tuple[str, dict[str, Any], m.Pred, bool] | None:
        if cond.family not in ("number", "string") or cond.dynamic:
            return None
        if any(isinstance(o, Keyword) for o in cond.operands):
            return None
        op = cond.op
        nulls = c.nulls_pass(cond)
        values = [o.value if isinstance(o, Str) else c.number(o, None) for o in cond.operands]
        if op in ("in", "="):
            return "ExpectColumnValuesToBeInSet", {"value_set": values}, pred, nulls
        if op in ("not in", "!="):
            return "ExpectColumnValuesToNotBeInSet", {"value_set": values}, pred, nulls
        if op == "matches":
            regex = f"^(?:{values[0]})$"
            return "ExpectColumnValuesToMatchRegex", {"regex": regex}, pred, nulls
        if op == "not matches":
            regex = f"^(?:{values[0]})$"
            return "ExpectColumnValuesToNotMatchRegex", {"regex": regex}, pred, nulls
        bounds = self.gx_bounds(cond) if cond.family == "number" else None
        if bounds:
            return "ExpectColumnValuesToBeBetween", bounds, pred, nulls
        return None

    def rule_ColumnLength(self, rule: Rule) -> tuple[Callable[[], Verdict], Any]:
        col = self.column(rule.params[0])
        cond = rule.condition
        assert cond is not None
        pred = c.value_pred(cond, col, m.TEXT, self.now, length=True)
        extra = {
            f"Column.{col}.MaximumLength": self.need(m.Agg("max", m.Length(col), where=rule.where)),
            f"Column.{col}.MinimumLength": self.need(m.Agg("min", m.Length(col), where=rule.where)),
        }
        gx = None
        bounds = self.gx_bounds(cond)
        if bounds:
            # GX skips NULLs; Glue counts them as length 0, so they pass when 0 would.
            nulls = c.check_number(cond, 0.0)
            if cond.op == "=":
                gx = (
                    "ExpectColumnValueLengthsToEqual",
                    {"value": int(bounds["min_value"])},
                    pred,
                    nulls,
                )
            elif (
                float(bounds.get("min_value") or 0).is_integer()
                and float(bounds.get("max_value") or 0).is_integer()
            ):
                gx = ("ExpectColumnValueLengthsToBeBetween", bounds, pred, nulls)
        judge = self._row_rule(rule, col, pred, f"Column.{col}.ColumnLength.Compliance", extra, gx)
        return judge, pred

    def rule_ColumnDataType(self, rule: Rule) -> tuple[Callable[[], Verdict], Any]:
        col = self.column(rule.params[0])
        cond = rule.condition
        assert cond is not None
        types = [o.value for o in cond.operands if isinstance(o, Str)]
        castable = m.disj(*[m.Castable(col, t) for t in types]) if types else m.FALSE
        negate = cond.op in ("!=", "not in")
        pred = m.disj(m.IsNull(col), m.Not(castable)) if negate else castable
        judge = self._row_rule(rule, col, pred, f"Column.{col}.ColumnDataType.Compliance")
        return judge, pred

    def rule_DataFreshness(self, rule: Rule) -> tuple[Callable[[], Verdict], Any]:
        col = self.column(rule.params[0])
        cond = rule.condition
        assert cond is not None
        pred = _duration_pred(cond, m.Age(col, self.now.timestamp()))
        judge = self._row_rule(rule, col, pred, f"Column.{col}.DataFreshness.Compliance")

        def freshness() -> Verdict:
            verdict = judge()
            if verdict.outcome == FAIL and verdict.reason and verdict.reason.startswith("Value:"):
                share = verdict.metrics.get(f"Column.{col}.DataFreshness.Compliance")
                if share is not None:
                    verdict.reason = _rows_passed(share)
            return verdict

        return freshness, pred

    def rule_CustomSql(self, rule: Rule) -> tuple[Callable[[], Verdict], Any]:
        if rule.condition is not None:
            return self.metric_rule(rule), None
        query = rule.params[0]
        rows = self.need(m.Agg("rows"))
        threshold = rule.threshold
        self.unmapped.append(rule.text)

        def judge() -> Verdict:
            try:
                returned = self.engine.sql_count(query, self.refs)
            except Exception as exc:
                return Verdict(ERROR, f"CustomSql failed: {_one_line(exc)}")
            total = rows()
            if not total:
                return Verdict(FAIL, "Value could not be computed: no rows")
            share = min(1.0, returned / total)
            metrics = {"Dataset.*.CustomSQL.Compliance": share}
            ok = c.check_number(threshold, share) if threshold else returned >= total
            if ok:
                return Verdict(PASS, None, metrics)
            return Verdict(FAIL, _rows_passed(share), metrics)

        member: tuple[Any, ...] | None = None
        selected = _selected_column(query)
        if selected and self.engine.resolve(selected):
            member = ("member", [self.column(selected)], query, [])
        return judge, member

    def rule_ReferentialIntegrity(self, rule: Rule) -> tuple[Callable[[], Verdict], Any]:
        cols = [self.column(x) for x in split_columns(rule.params[0])]
        alias, ref_names = split_reference_columns(rule.params[1])
        ref = self.reference(alias)
        ref_cols = [self.column(x, ref) for x in ref_names]
        return self.metric_rule(rule), ("member", cols, ref, ref_cols)

    def rule_DetectAnomalies(self, rule: Rule) -> tuple[Callable[[], Verdict], Any]:
        inner = Rule(
            type=rule.params[0],
            params=rule.params[1:],
            condition=None,
            where=None,
            threshold=None,
            tags=(),
            labels=(),
            text=rule.text,
            pos=rule.pos,
        )
        saved, self.gx = self.gx, None  # the metric only: no expectation judges it
        try:
            plan = self.metric(inner)
        finally:
            self.gx = saved
        self.unmapped.append(rule.text)

        def judge() -> Verdict:
            try:
                value = plan.value()
            except Undefined as exc:
                return Verdict(FAIL, str(exc))
            metrics = {plan.key: value}
            past = self.history.values(plan.key, None)[:10]
            if value is None:
                return Verdict(FAIL, "Value could not be computed (no values)", metrics)
            if len(past) < 3:
                note = f"{len(past)} stored value(s) of {plan.key}: anomaly detection needs 3"
                return Verdict(PASS, None, metrics, message=note)
            mean = sum(past) / len(past)
            spread = math.sqrt(sum((p - mean) ** 2 for p in past) / len(past))
            low, high = mean - 3 * spread, mean + 3 * spread
            metrics[f"{plan.key}.LowerBound"] = low
            metrics[f"{plan.key}.UpperBound"] = high
            if low <= float(value) <= high:
                return Verdict(PASS, None, metrics)
            return Verdict(
                FAIL,
                f"Value: {_fmt(value)} is outside the expected range [{_fmt(low)}, {_fmt(high)}] "
                f"from the last {len(past)} value(s)",
                metrics,
            )

        return judge, None

    # -- file rules (experimental in Glue)
    def _files(self, rule: Rule) -> Callable[[], list[tuple[Any, str, dict[str, Any]]]]:
        path = rule.params[0] if rule.params else self.data_path
        if not path:
            raise RuleError(f"{rule.type} needs a DataPath (a folder or file) for this data")

        def found() -> list[tuple[Any, str, dict[str, Any]]]:
            import fsspec

            try:
                fs, root = fsspec.core.url_to_fs(path)
                infos = fs.find(root, detail=True) if fs.isdir(root) else {root: fs.info(root)}
            except Exception as exc:
                raise RuleError(f"cannot list {path}: {_one_line(exc)}") from None
            out = []
            for name, info in sorted(infos.items()):
                base = name.rstrip("/").rsplit("/", 1)[-1]
                if info.get("type") == "file" and not base.startswith((".", "_")):
                    out.append((fs, name, info))
            return out

        return found

    def rule_FileSize(self, rule: Rule) -> tuple[Callable[[], Verdict], Any]:
        files = self._files(rule)
        cond = rule.condition
        assert cond is not None
        self.unmapped.append(rule.text)

        def judge() -> Verdict:
            found = files()
            if not found:
                return Verdict(FAIL, "no files found")
            sizes = [float(info.get("size") or 0) for _, _, info in found]
            ok = [c.check_scalar(cond, s) for s in sizes]
            return self._files_verdict(rule, ok, {"Dataset.*.FileSize.Maximum": max(sizes)})

        return judge, None

    def rule_FileFreshness(self, rule: Rule) -> tuple[Callable[[], Verdict], Any]:
        files = self._files(rule)
        cond = rule.condition
        assert cond is not None
        self.unmapped.append(rule.text)

        def judge() -> Verdict:
            found = files()
            if not found:
                return Verdict(FAIL, "no files found")
            times = [_mtime(fs, p, info) for fs, p, info in found]
            if cond.family == "duration":
                ok = [
                    t is not None and c.check_scalar(cond, self.now.timestamp() - t) for t in times
                ]
            else:
                ok = [t is not None and c.check_date(cond, t, self.now) for t in times]
            newest = max((t for t in times if t is not None), default=None)
            return self._files_verdict(rule, ok, {"Dataset.*.FileFreshness.Newest": newest})

        return judge, None

    def _files_verdict(self, rule: Rule, ok: list[bool], metrics: dict[str, Any]) -> Verdict:
        share = sum(ok) / len(ok)
        metrics = {
            **metrics,
            f"Dataset.*.{rule.type}.Compliance": share,
            "Dataset.*.FileCount": len(ok),
        }
        passed = c.check_number(rule.threshold, share) if rule.threshold else all(ok)
        if passed:
            return Verdict(PASS, None, metrics)
        return Verdict(FAIL, f"{sum(ok)} of {len(ok)} files meet the condition", metrics)

    def rule_FileMatch(self, rule: Rule) -> tuple[Callable[[], Verdict], Any]:
        tag = rule.tag("hashAlgorithm")
        algorithm = "MD5"
        if tag is not None and tag.operands and isinstance(tag.operands[0], Str):
            algorithm = tag.operands[0].value.upper()
        if algorithm not in _HASHES:
            raise RuleError(f"unknown hashAlgorithm {algorithm!r}: use MD5, SHA-1 or SHA-256")
        first = Rule(rule.type, rule.params[:1], None, None, None, (), (), rule.text, rule.pos)
        files = self._files(first)
        self.unmapped.append(rule.text)
        other = None
        if len(rule.params) > 1:
            second = Rule(
                rule.type, rule.params[1:2], None, None, None, (), (), rule.text, rule.pos
            )
            other = self._files(second)
        cond = rule.condition

        def judge() -> Verdict:
            mine = sorted(_file_hash(fs, p, algorithm) for fs, p, _ in files())
            if not mine:
                return Verdict(FAIL, "no files found")
            if other is not None:
                theirs = sorted(_file_hash(fs, p, algorithm) for fs, p, _ in other())
                if mine == theirs:
                    return Verdict(PASS)
                return Verdict(FAIL, f"the files of {rule.params[0]} and {rule.params[1]} differ")
            if cond is None:
                return Verdict(ERROR, 'FileMatch needs a second path or in ["hash", ...]')
            wanted = {o.value.lower() for o in cond.operands if isinstance(o, Str)}
            ok = [h.lower() in wanted for h in mine]
            if cond.op in ("not in", "!="):
                ok = [not x for x in ok]
            if all(ok):
                return Verdict(PASS)
            return Verdict(
                FAIL, f"{len(ok) - sum(ok)} file(s) have a {algorithm} checksum not listed"
            )

        return judge, None

    # -- analyzers
    def plan_analyzer(self, rule: Rule) -> list[MetricPlan]:
        try:
            if rule.type == "AllStatistics":
                return self._all_statistics(rule)
            if rule.type == "ColumnValues":
                col = self.column(rule.params[0])
                value = m.Col(col, None if self.engine.family(col) == m.NUMERIC else "double")
                return [
                    MetricPlan(
                        f"Column.{col}.Minimum", self.need(m.Agg("min", value, where=rule.where))
                    ),
                    MetricPlan(
                        f"Column.{col}.Maximum", self.need(m.Agg("max", value, where=rule.where))
                    ),
                ]
            if rule.type == "ColumnLength":
                col = self.column(rule.params[0])
                return [
                    MetricPlan(
                        f"Column.{col}.MaximumLength",
                        self.need(m.Agg("max", m.Length(col), where=rule.where)),
                    ),
                    MetricPlan(
                        f"Column.{col}.MinimumLength",
                        self.need(m.Agg("min", m.Length(col), where=rule.where)),
                    ),
                ]
            saved, self.gx = self.gx, None  # analyzers only compute metrics: no expectations
            try:
                return [self.metric(rule)]
            finally:
                self.gx = saved
        except RuleError as exc:
            message = str(exc)

            def fail() -> Any:
                raise RuleError(message)

            return [MetricPlan("error", fail)]

    def _all_statistics(self, rule: Rule) -> list[MetricPlan]:
        col = self.column(rule.params[0])
        where = rule.where
        rows = self.need(m.Agg("rows", where=where))
        nulls = self.need(m.Agg("count_if", pred=m.IsNull(col), where=where))
        stats = self.need_freq(m.Freq((col,), where))

        def completeness() -> float | None:
            total = rows()
            return None if not total else 1.0 - nulls() / total

        def uniqueness() -> float | None:
            s = stats()
            return None if not s.rows else s.unique / s.rows

        plans = [
            MetricPlan("Dataset.*.RowCount", rows),
            MetricPlan(f"Column.{col}.Completeness", completeness),
            MetricPlan(f"Column.{col}.Uniqueness", uniqueness),
            MetricPlan(f"Column.{col}.DistinctValuesCount", lambda: stats().distinct),
        ]
        family = self.engine.family(col)
        if family == m.NUMERIC:
            for fn, name in [
                ("min", "Minimum"),
                ("max", "Maximum"),
                ("mean", "Mean"),
                ("sum", "Sum"),
                ("stddev", "StandardDeviation"),
            ]:
                plans.append(
                    MetricPlan(
                        f"Column.{col}.{name}", self.need(m.Agg(fn, m.Col(col), where=where))
                    )
                )
        elif family == m.TEXT:
            plans.append(
                MetricPlan(
                    f"Column.{col}.MaximumLength",
                    self.need(m.Agg("max", m.Length(col), where=where)),
                )
            )
            plans.append(
                MetricPlan(
                    f"Column.{col}.MinimumLength",
                    self.need(m.Agg("min", m.Length(col), where=where)),
                )
            )
        return plans


# -- helpers


def _defined(plan: MetricPlan, reason: str) -> MetricPlan:
    get = plan.value

    def value() -> Any:
        v = get()
        if v is None or (isinstance(v, float) and math.isnan(v)):
            raise Undefined(reason)
        return v

    return MetricPlan(plan.key, value, plan.extra, plan.gx)


def _safe(judge: Callable[[], Verdict]) -> Verdict:
    try:
        return judge()
    except (RuleError, c.ConditionError) as exc:
        return Verdict(ERROR, str(exc))
    except Undefined as exc:
        return Verdict(FAIL, str(exc))


def _node_where(node: Node) -> str | None:
    return node.where if isinstance(node, Rule) else None


def _row_combinable(node: Node, check: Any) -> bool:
    if check is None or isinstance(check, tuple):
        return False
    return all(r.type not in EXCLUDED_AT_ROW_LEVEL_IN_COMPOSITES for r in leaves(node))


def _scoped(check: m.Pred, where: str | None) -> m.Pred:
    """Inside a composite, a rule's where clause limits its check: rows outside pass it."""
    if where is None:
        return check
    return m.disj(m.Not(m.Sql(where)), check)


def _duration_pred(cond: Condition, age: m.Age) -> m.Pred:
    seconds = [getattr(o, "seconds", None) for o in cond.operands]
    values = [s for s in seconds if s is not None]
    base = cond.op.removeprefix("not ")
    if base == "between":
        pred: m.Pred = m.conj(m.Compare(age, ">", values[0]), m.Compare(age, "<", values[1]))
    elif base == "in":
        pred = m.InSet(age, tuple(values))
    elif base == "!=":
        pred = m.Not(m.Compare(age, "=", values[0]))
        pred = m.conj(m.not_null(age.name), pred)
    else:
        pred = m.Compare(age, base, values[0])
    if cond.op.startswith("not "):
        pred = m.conj(m.not_null(age.name), m.Not(pred))
    return pred


_SELECT = re.compile(r"^\s*select\s+(?:distinct\s+)?([A-Za-z_][A-Za-z0-9_]*)\s+from\b", re.I)


def _selected_column(query: str) -> str | None:
    match = _SELECT.match(query)
    return match.group(1) if match else None


def _one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return (lines[0] if lines else type(exc).__name__)[:300]


_HASHES = {"MD5": "md5", "SHA-1": "sha1", "SHA1": "sha1", "SHA-256": "sha256", "SHA256": "sha256"}


def _file_hash(fs: Any, path: str, algorithm: str) -> str:
    digest = hashlib.new(_HASHES[algorithm])
    with fs.open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _mtime(fs: Any, path: str, info: dict[str, Any]) -> float | None:
    for key in ("mtime", "LastModified", "last_modified", "created"):
        value = info.get(key)
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, datetime):
            return value.timestamp()
    try:
        return float(fs.modified(path).timestamp())
    except Exception:
        return None


__all__ = ["RULE_TYPES", "EvaluationResult", "Evaluator", "History"]

from glue_magics.quality.results import EvaluationResult  # noqa: E402  (re-export)
