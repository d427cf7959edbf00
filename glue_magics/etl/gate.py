"""Data-quality gates on ``%%etl`` writes: a DQDL ruleset decides what may be written.

``fail`` writes nothing when a rule fails, ``warn`` writes everything and records the result,
``quarantine`` writes the passing rows to the target and the failing ones, with the names of the
rules they broke, to ``<target>_quarantine``. A scheduled job gates its writes without touching the
notebook: it sets ``GLUE_MAGICS_DQ_GATES`` to ``{"db.table": "ruleset"}`` in the kernel, which
gates (``fail``) every ``%%etl`` into those tables that has no ``--dq`` of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from glue_magics.errors import GlueMagicsError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from glue_magics.catalog import Catalog
    from glue_magics.etl.spec import EtlSpec

DQ_ACTIONS = ("fail", "warn", "quarantine")
GATES_VARIABLE = "GLUE_MAGICS_DQ_GATES"  # read by glue_magics.jobs.context
QUARANTINE_SUFFIX = "_quarantine"
FAILED_RULES_COLUMN = "dq_failed_rules"


class DataQualityGateError(GlueMagicsError):
    """A ``fail`` gate stopped a write."""


@dataclass
class GateOutcome:
    ruleset: str
    action: str
    passed: bool
    score: float
    failed_rules: list[str]
    rows_quarantined: int = 0

    def metrics(self) -> dict[str, Any]:
        return {
            "ruleset": self.ruleset,
            "action": self.action,
            "passed": self.passed,
            "score": round(self.score, 4),
            "failed_rules": self.failed_rules,
            "rows_quarantined": self.rows_quarantined,
        }


def gate_for(spec: EtlSpec) -> tuple[str, str] | None:
    """(ruleset, action) gating this write: the cell's ``--dq``, else the job's gate, else none."""
    from glue_magics.jobs.context import gate_for as job_gate

    if spec.dq:
        return spec.dq, spec.dq_action
    ruleset = job_gate(spec.target.name)
    return (ruleset, "fail") if ruleset else None


def apply_gate(
    df: DataFrame, spec: EtlSpec, catalog: Catalog, run_id: int
) -> tuple[DataFrame, DataFrame | None, GateOutcome | None]:
    """(rows to write, rows to quarantine or None, the outcome); raises when a ``fail`` gate fails.

    The evaluation is stored in the catalog under the ETL run, whatever the action.
    """
    from glue_magics.quality.api import evaluate, evaluate_gate

    gate = gate_for(spec)
    if gate is None:
        return df, None, None
    ruleset, action = gate
    target = spec.target.name
    if action != "quarantine":
        result = evaluate(df, ruleset, catalog=catalog, target=target, run_id=run_id, use_gx=False)
        outcome = _outcome(ruleset, action, result)
        if action == "fail" and not result.passed:
            raise DataQualityGateError(
                f"data quality gate {ruleset!r} failed on {target}: "
                f"{len(outcome.failed_rules)} of {len(result.rules)} rules failed "
                f"({'; '.join(outcome.failed_rules)}); nothing was written"
            )
        return df, None, outcome
    split = evaluate_gate(df, ruleset, catalog=catalog, target=target, run_id=run_id, use_gx=False)
    split.rows.cache()  # both halves are written from one evaluation
    outcome = _outcome(ruleset, action, split.result)
    failed = split.failed.select(
        *[f"`{c}`" for c in df.columns], split.failed["DataQualityRulesFail"]
    ).withColumnRenamed("DataQualityRulesFail", FAILED_RULES_COLUMN)
    return split.passed, failed, outcome


def _outcome(ruleset: str, action: str, result: Any) -> GateOutcome:
    failed = [r.rule for r in result.rules if not r.passed]
    return GateOutcome(ruleset, action, result.passed, result.score, failed)
