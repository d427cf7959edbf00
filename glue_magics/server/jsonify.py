"""Catalog objects as the JSON the REST API returns (dates as ISO 8601 text in UTC)."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date, datetime
from typing import Any

from glue_magics.catalog.objects import Column, Database, DQResult, Run, Table, VersionDiff
from glue_magics.catalog.preview import Preview


def plain(value: Any) -> Any:
    """Dataclasses, tuples and dates as JSON-ready values."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def column(col: Column, *, partition_key: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {"name": col.name, "type": col.type, "comment": col.comment}
    if partition_key:
        data["partition_key"] = True
    return data


def database(db: Database, table_count: int | None = None) -> dict[str, Any]:
    data = plain(db)
    if table_count is not None:
        data["table_count"] = table_count
    return data


def table_summary(table: Table) -> dict[str, Any]:
    """What a list row shows: no columns, only their count."""
    d = table.definition
    return {
        "database": table.database,
        "name": table.name,
        "classification": d.classification,
        "table_type": d.table_type,
        "description": d.description,
        "location": d.location,
        "column_count": len(d.columns),
        "partition_keys": [k.name for k in d.partition_keys],
        "version": table.version,
        "updated_at": plain(table.updated_at),
        "record_count": _count(d.parameters.get("recordCount")),
    }


def table_detail(table: Table) -> dict[str, Any]:
    d = table.definition
    data = table_summary(table)
    data.update(
        {
            "columns": [column(c) for c in d.columns],
            "partition_keys": [column(k, partition_key=True) for k in d.partition_keys],
            "input_format": d.input_format,
            "output_format": d.output_format,
            "serde_library": d.serde_library,
            "serde_parameters": dict(d.serde_parameters),
            "parameters": dict(d.parameters),
            "owner": d.owner,
            "created_at": plain(table.created_at),
        }
    )
    return data


def run(item: Run) -> dict[str, Any]:
    data = plain(item)
    data["seconds"] = (
        round((item.ended_at - item.started_at).total_seconds(), 3) if item.ended_at else None
    )
    return data


def dq_result(item: DQResult) -> dict[str, Any]:
    data = plain(item)
    data["kind"] = "dq"
    data["rules_total"] = len(item.rules)
    return data


def version_diff(diff: VersionDiff) -> dict[str, Any]:
    return {
        "database": diff.database,
        "table": diff.table,
        "old_version": diff.old_version,
        "new_version": diff.new_version,
        "added_columns": [column(c) for c in diff.added_columns],
        "removed_columns": [column(c) for c in diff.removed_columns],
        "changed_columns": [{"old": column(o), "new": column(n)} for o, n in diff.changed_columns],
        "changed_fields": [
            {"field": f.field, "old": plain(f.old), "new": plain(f.new)}
            for f in diff.changed_fields
        ],
    }


def preview(result: Preview) -> dict[str, Any]:
    keys = set(result.partition_keys)
    return {
        "database": result.database,
        "table": result.table,
        "columns": [column(c, partition_key=c.name in keys) for c in result.columns],
        "rows": result.rows,
        "more": result.more,
        "source": result.source,
        "files_read": result.files_read,
        "partitions_read": result.partitions_read,
        "notes": result.notes,
        "seconds": result.seconds,
    }


def _count(text: str | None) -> int | None:
    return int(text) if text is not None and text.isdigit() else None
