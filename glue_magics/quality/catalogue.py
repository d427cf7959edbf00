"""The DQDL rule types: parameters, what their condition compares, and where each is allowed.

Facts from Glue's public DQDL reference (glue.md §5.2), written down here as data: the parser checks
rulesets against it, the evaluator dispatches on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Condition families a rule's condition may use.
NUMBER, STRING, DATE, DURATION, SIZE = "number", "string", "date", "duration", "size"


@dataclass(frozen=True)
class RuleType:
    name: str
    params: tuple[str, ...]  # parameter names, for messages
    min_params: int
    max_params: int | None  # None: any number (variable arguments)
    conditions: frozenset[str]  # families allowed; empty: a boolean rule (no condition)
    condition_optional: bool = False  # NUMBER|BOOLEAN rules (CustomSql) and FileMatch
    where: bool = False  # supports `where "<predicate>"`
    threshold: bool = False  # supports `with threshold <condition>`
    dynamic: bool = False  # its condition may use last(k), avg(...), ...
    rule: bool = True  # allowed in Rules
    analyzer: bool = False  # allowed in Analyzers
    tags: frozenset[str] = frozenset()  # `with NAME ...` tags besides threshold

    @property
    def boolean(self) -> bool:
        return not self.conditions

    def arity(self) -> str:
        if self.max_params is None:
            return f"at least {self.min_params} parameter(s)"
        if self.min_params == self.max_params:
            return f"{self.min_params} parameter(s)"
        return f"{self.min_params} to {self.max_params} parameters"


def _t(
    name: str,
    params: tuple[str, ...] = (),
    *,
    conditions: tuple[str, ...] = (NUMBER,),
    min_params: int | None = None,
    max_params: int | None = -1,
    **flags: Any,
) -> RuleType:
    low = len(params) if min_params is None else min_params
    high = len(params) if max_params == -1 else max_params
    return RuleType(name, params, low, high, frozenset(conditions), **flags)


_COL = ("TargetColumn",)
_AGG: dict[str, Any] = {"where": True, "dynamic": True, "analyzer": True}

RULE_TYPES: dict[str, RuleType] = {
    t.name: t
    for t in [
        _t("RowCount", **_AGG),
        _t("RowCountMatch", ("ReferenceDatasetAlias",), dynamic=True),
        _t("ColumnCount", dynamic=True, analyzer=True),
        _t("Completeness", _COL, **_AGG),
        _t("IsComplete", _COL, conditions=(), where=True),
        _t(
            "ColumnDataType",
            _COL,
            conditions=(STRING,),
            where=True,
            threshold=True,
        ),
        _t("ColumnNamesMatchPattern", ("PatternToMatch",), conditions=()),
        _t("ColumnExists", _COL, conditions=()),
        _t("ColumnCorrelation", ("TargetColumn1", "TargetColumn2"), **_AGG),
        _t("Uniqueness", _COL, max_params=None, **_AGG),
        _t("IsUnique", _COL, conditions=(), max_params=None, where=True),
        _t("IsPrimaryKey", _COL, conditions=(), max_params=None, where=True),
        _t("Mean", _COL, **_AGG),
        _t("Sum", _COL, **_AGG),
        _t("StandardDeviation", _COL, **_AGG),
        _t("Variance", _COL, **_AGG),
        _t("Entropy", _COL, **_AGG),
        _t("DistinctValuesCount", _COL, **_AGG),
        _t("UniqueValueRatio", _COL, **_AGG),
        _t("ColumnLength", _COL, where=True, threshold=True, analyzer=True),
        _t(
            "ColumnValues",
            _COL,
            conditions=(NUMBER, STRING, DATE),
            where=True,
            threshold=True,
            analyzer=True,
        ),
        _t("DataFreshness", _COL, conditions=(DURATION,), where=True),
        _t(
            "CustomSql",
            ("CustomSqlStatement",),
            condition_optional=True,
            threshold=True,
            dynamic=True,
        ),
        _t(
            "ReferentialIntegrity",
            ("PrimaryDatasetColumns", "ReferenceDatasetColumns"),
            dynamic=True,
        ),
        _t(
            "DatasetMatch",
            ("ReferenceDatasetAlias", "KeyColumnMappings", "MatchColumnMappings"),
            min_params=2,
            dynamic=True,
        ),
        _t("SchemaMatch", ("ReferenceDatasetAlias",), dynamic=True),
        _t("AggregateMatch", ("AggregateExpression1", "AggregateExpression2"), dynamic=True),
        _t("DetectAnomalies", ("MetricParameter",), conditions=(), max_params=None),
        _t("AllStatistics", _COL, conditions=(), rule=False, analyzer=True),
        # Experimental file rules: DataPath defaults to the table's location.
        _t(
            "FileMatch",
            ("DataPath", "CompareDataPath"),
            conditions=(STRING,),
            condition_optional=True,
            min_params=1,
            tags=frozenset({"hashAlgorithm"}),
        ),
        _t("FileUniqueness", ("DataPath",), min_params=0),
        _t(
            "FileFreshness",
            ("DataPath",),
            conditions=(DATE, DURATION),
            min_params=0,
            threshold=True,
            tags=frozenset({"timeZone"}),
        ),
        _t("FileSize", ("DataPath",), conditions=(SIZE,), min_params=0, threshold=True),
    ]
}

#: Rule types whose per-row results Glue leaves out of row-level outcomes inside composite rules.
EXCLUDED_AT_ROW_LEVEL_IN_COMPOSITES = frozenset(
    {"Completeness", "Uniqueness", "StandardDeviation", "ReferentialIntegrity", "DatasetMatch"}
)

#: Data types ColumnDataType accepts (Glue's list, plus the ones Spark casts to as well).
DATA_TYPES = {
    "boolean": "Boolean",
    "date": "Date",
    "timestamp": "Timestamp",
    "integer": "Integer",
    "int": "Integer",
    "double": "Double",
    "float": "Float",
    "long": "Long",
    "short": "Short",
    "byte": "Byte",
    "decimal": "Decimal",
    "string": "String",
}

#: Functions of dynamic-rule expressions and how many arguments they take (min, max; None: any).
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "last": (1, 1),
    "avg": (1, None),
    "average": (1, None),
    "min": (1, None),
    "max": (1, None),
    "sum": (1, None),
    "std": (1, None),
    "stddev": (1, None),
    "index": (2, 2),
    "percentile": (2, 2),
}

METADATA_KEYS = frozenset({"Version"})
DATA_SOURCE_KEYS = frozenset({"Primary", "AdditionalDataSources"})
