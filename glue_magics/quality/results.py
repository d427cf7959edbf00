"""Evaluation results in Glue's shape: per rule ``Rule``, ``Outcome`` (PASS / FAIL / ERROR),
``FailureReason`` and ``EvaluatedMetrics``; analyzers' metrics; an overall score."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

PASS, FAIL, ERROR = "PASS", "FAIL", "ERROR"
GLUE_COLUMNS = ["Rule", "Outcome", "FailureReason", "EvaluatedMetrics"]


def clean_metrics(metrics: dict[str, Any]) -> dict[str, float]:
    """EvaluatedMetrics are doubles (Glue's map<string,double>); undefined values are left out."""
    out: dict[str, float] = {}
    for key, value in metrics.items():
        if isinstance(value, bool):
            value = float(value)
        if isinstance(value, numbers.Real) and math.isfinite(float(value)):
            out[key] = float(value)
    return out


@dataclass
class RuleResult:
    name: str  # Rule_1, Rule_2, ...
    rule: str  # the DQDL text
    outcome: str
    failure_reason: str | None = None
    evaluated_metrics: dict[str, float] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    where: str | None = None
    message: str | None = None  # a note that is not a failure (e.g. no history yet)
    gx: dict[str, Any] | None = None  # the expectation that judged it, and its verdict

    @property
    def passed(self) -> bool:
        return self.outcome == PASS

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "Name": self.name,
            "Rule": self.rule,
            "Outcome": self.outcome,
            "FailureReason": self.failure_reason,
            "EvaluatedMetrics": dict(self.evaluated_metrics),
        }
        if self.labels:
            record["Labels"] = dict(self.labels)
        if self.where is not None:
            record["Where"] = self.where
        if self.message:
            record["EvaluationMessage"] = self.message
        if self.gx is not None:
            record["GreatExpectations"] = self.gx
        return record


@dataclass
class AnalyzerResult:
    name: str
    analyzer: str
    evaluated_metrics: dict[str, float] = field(default_factory=dict)
    message: str | None = None
    where: str | None = None

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "Name": self.name,
            "Analyzer": self.analyzer,
            "EvaluatedMetrics": dict(self.evaluated_metrics),
        }
        if self.message:
            record["EvaluationMessage"] = self.message
        if self.where is not None:
            record["Where"] = self.where
        return record


@dataclass
class EvaluationResult:
    """One evaluation of a ruleset (DQDL or a GX suite) on one dataset."""

    rules: list[RuleResult]
    analyzers: list[AnalyzerResult] = field(default_factory=list)
    target: str | None = None
    ruleset_name: str | None = None
    engine: str = "pandas"  # pandas | spark
    source: str = "dqdl"  # dqdl | gx
    started_at: datetime | None = None
    completed_at: datetime | None = None
    run_id: int | None = None  # the DQ run (or the ETL / job run it belongs to)
    stored: bool = False
    rows: Any = None  # the data with row-level outcome columns, when asked for
    gx_suite: dict[str, Any] | None = None  # DQDL rules mapped to a GX suite
    gx_result: dict[str, Any] | None = None  # GX's own validation result (GX suite input)

    @property
    def score(self) -> float:
        """Passed rules / all rules (Glue's Score); 1.0 for a ruleset of analyzers only."""
        if not self.rules:
            return 1.0
        return sum(r.passed for r in self.rules) / len(self.rules)

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.rules)

    def counts(self) -> dict[str, int]:
        return {
            "rules_passed": sum(r.outcome == PASS for r in self.rules),
            "rules_failed": sum(r.outcome == FAIL for r in self.rules),
            "rules_errored": sum(r.outcome == ERROR for r in self.rules),
        }

    @property
    def seconds(self) -> float | None:
        if self.started_at is None or self.completed_at is None:
            return None
        return (self.completed_at - self.started_at).total_seconds()

    def failed_rules(self) -> list[RuleResult]:
        return [r for r in self.rules if not r.passed]

    def records(self) -> list[dict[str, Any]]:
        """What the catalog stores: rule records, then analyzer records."""
        return [r.to_record() for r in self.rules] + [a.to_record() for a in self.analyzers]

    def to_dataframe(self) -> pd.DataFrame:
        """Glue's rule outcomes: Rule, Outcome, FailureReason, EvaluatedMetrics."""
        import pandas as pd

        return pd.DataFrame(
            [[r.rule, r.outcome, r.failure_reason, dict(r.evaluated_metrics)] for r in self.rules],
            columns=GLUE_COLUMNS,
        )

    def analyzers_dataframe(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(
            [[a.analyzer, dict(a.evaluated_metrics)] for a in self.analyzers],
            columns=["Analyzer", "EvaluatedMetrics"],
        )

    def summary(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "ruleset": self.ruleset_name,
            "score": self.score,
            "engine": self.engine,
            "source": self.source,
            "run_id": self.run_id,
            "started_at": self.started_at,
            "completed_at": self.completed_at,
            **self.counts(),
        }

    def __repr__(self) -> str:
        c = self.counts()
        return (
            f"<EvaluationResult {self.target or 'data'} score={self.score:.2f} "
            f"passed={c['rules_passed']} failed={c['rules_failed']} errors={c['rules_errored']}>"
        )
