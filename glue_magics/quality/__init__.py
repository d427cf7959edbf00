"""Data quality: Glue's DQDL rulesets (and Great Expectations suites) evaluated locally on pandas
or Spark, with results stored and trended in the catalog.

    from glue_magics import quality
    result = quality.evaluate(df, 'Rules = [ IsComplete "id", RowCount > 0 ]')
    result.to_dataframe()        # Rule, Outcome, FailureReason, EvaluatedMetrics

Nothing heavy is imported here: pandas, Spark and Great Expectations load on first use.
"""

from __future__ import annotations

from typing import Any

from glue_magics.quality.dqdl import DQDLError, Issue, Ruleset, parse

_API = {
    "evaluate",
    "evaluate_gate",
    "GateResult",
    "save_ruleset",
    "run_saved",
    "history",
    "to_gx_suite",
    "validate",
    "resolve_ruleset",
}


def __getattr__(name: str) -> Any:
    if name in _API:
        from glue_magics.quality import api

        return getattr(api, name)
    if name == "recommend":
        from glue_magics.quality.recommendations import recommend

        return recommend
    if name in ("EvaluationResult", "RuleResult", "AnalyzerResult"):
        from glue_magics.quality import results

        return getattr(results, name)
    raise AttributeError(f"module 'glue_magics.quality' has no attribute {name!r}")


__all__ = ["DQDLError", "Issue", "Ruleset", "parse", *sorted(_API), "recommend"]
