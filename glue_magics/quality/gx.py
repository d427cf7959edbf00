"""Great Expectations 1.x, loaded on first use: an ephemeral context (no files, no analytics, no
progress bars), DQDL rules mapped to expectations, and GX suites evaluated as they are.

DQDL rules with a GX equivalent are judged by the expectation itself (``metrics_validate``, the
step GX's own Validator runs after computing metrics). The metrics it asks for are computed by
glue_magics's engines in the ruleset's single pass, instead of GX's several passes per column.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from typing import Any

#: No partial lists of unexpected values: they cost GX one extra Spark job per expectation.
RESULT_FORMAT: dict[str, Any] = {"result_format": "BASIC", "partial_unexpected_count": 0}

_lock = threading.Lock()
_bridge: GXBridge | None = None


def bridge() -> GXBridge:
    """The process's GX context (creating it imports GX: seconds, once)."""
    global _bridge
    with _lock:
        if _bridge is None:
            _bridge = GXBridge()
        return _bridge


class GXBridge:
    def __init__(self) -> None:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        import logging

        import great_expectations as gx
        import great_expectations.expectations as gxe
        from great_expectations.data_context.types.base import ProgressBarsConfig

        logging.getLogger("great_expectations").setLevel(logging.ERROR)
        self.gx = gx
        self.gxe = gxe
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self.pandas = self.context.data_sources.add_pandas(name="glue_magics_pandas")
        self._spark: Any = None
        # Metric dependencies do not depend on the engine for the expectations we map.
        self.engine = self.pandas.get_execution_engine()

    @property
    def version(self) -> str:
        return str(self.gx.__version__)

    def expectation(self, class_name: str, **kwargs: Any) -> Any:
        return getattr(self.gxe, class_name)(**{k: v for k, v in kwargs.items() if v is not None})

    def dependencies(self, expectation: Any) -> dict[str, Any]:
        """The metrics (name -> MetricConfiguration) the expectation needs."""
        deps = expectation.get_validation_dependencies(
            execution_engine=self.engine, runtime_configuration={"result_format": RESULT_FORMAT}
        )
        return dict(deps.metric_configurations)

    def validate(self, expectation: Any, metrics: dict[Any, Any]) -> Any:
        """Judge ``expectation`` on already-computed metrics (MetricConfiguration id -> value)."""
        return expectation.metrics_validate(
            metrics,
            runtime_configuration={"result_format": dict(RESULT_FORMAT)},
            execution_engine=self.engine,
        )

    # -- GX suites as they are
    def suite(self, data: dict[str, Any] | str) -> Any:
        """An ExpectationSuite from its JSON (text or dict)."""
        from great_expectations.expectations.expectation_configuration import (
            ExpectationConfiguration,
        )

        from glue_magics.errors import InvalidInputError

        if isinstance(data, str):
            try:
                data = json.loads(data)
            except json.JSONDecodeError as exc:
                raise InvalidInputError(
                    f"the GX suite is not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}"
                ) from None
        if not isinstance(data, dict) or not isinstance(data.get("expectations"), list):
            raise InvalidInputError('a GX suite is a JSON object with an "expectations" list')
        expectations = []
        for i, item in enumerate(data["expectations"]):
            if not isinstance(item, dict) or not isinstance(
                item.get("type", item.get("expectation_type")), str
            ):
                raise InvalidInputError(f"expectation {i + 1} of the suite has no type")
            kind = str(item.get("type", item.get("expectation_type")))
            try:
                config = ExpectationConfiguration(
                    type=kind, kwargs=dict(item.get("kwargs") or {}), meta=item.get("meta")
                )
                expectations.append(config.to_domain_obj())
            except Exception as exc:
                message = (
                    str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                )
                raise InvalidInputError(f"expectation {i + 1} ({kind}): {message}") from None
        name = str(data.get("name") or data.get("expectation_suite_name") or "suite")
        return self.gx.ExpectationSuite(name=name, expectations=expectations)

    def run_suite(self, df: Any, suite: Any, kind: str) -> Any:
        """Validate a pandas or Spark DataFrame against a suite, the plain GX way."""
        source = self.pandas if kind == "pandas" else self._spark_source()
        asset = source.add_dataframe_asset(name=f"asset_{uuid.uuid4().hex[:12]}")
        try:
            definition = asset.add_batch_definition_whole_dataframe("whole")
            batch = definition.get_batch(batch_parameters={"dataframe": df})
            return batch.validate(suite, result_format=dict(RESULT_FORMAT))
        finally:
            source.delete_asset(asset.name)

    def _spark_source(self) -> Any:
        if self._spark is None:
            self._spark = self.context.data_sources.add_spark(name="glue_magics_spark")
        return self._spark


def suite_json(
    name: str, expectations: list[tuple[str, Any]], unmapped: list[str]
) -> dict[str, Any]:
    """A GX suite (JSON) of a DQDL ruleset: one expectation per mapped rule, the rule in meta."""
    items = []
    for rule_text, expectation in expectations:
        config = expectation.configuration.to_json_dict()
        config.pop("id", None)
        config.setdefault("meta", {})["dqdl"] = rule_text
        items.append(config)
    return {"name": name, "expectations": items, "meta": {"dqdl_not_mapped": unmapped}}
