"""``%%etl`` (a transform cell) and ``%etl`` / ``glue-magics etl`` (its runs and bookmarks)."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from glue_magics.catalog import Catalog
from glue_magics.commands import CommandParser
from glue_magics.display import DetailResult, MessageResult, Result, TableResult
from glue_magics.etl.gate import DQ_ACTIONS
from glue_magics.etl.spec import FORMATS, LANGS, MODES, EtlSpec, make_spec


def build_cell_parser(parents: list[argparse.ArgumentParser] | None = None) -> CommandParser:
    parser = CommandParser(
        prog="%%etl",
        description="Transform catalog tables with SQL or PySpark and write the result atomically.",
        parents=parents or [],
    )
    parser.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="ALIAS=DB.TABLE",
        help="a catalog table, visible to the body as ALIAS (repeatable)",
    )
    parser.add_argument(
        "--target", required=True, help="DB.TABLE (created if absent), a folder, or a jdbc: URL"
    )
    parser.add_argument("--format", choices=FORMATS, default="parquet")
    parser.add_argument(
        "--partition-by",
        action="append",
        default=[],
        metavar="COLUMN",
        help="partition columns (repeatable or comma-separated)",
    )
    parser.add_argument("--mode", choices=MODES, default="overwrite")
    parser.add_argument(
        "--lang",
        choices=LANGS,
        default="sql",
        help="sql: the body is a query; python: it assigns `result`",
    )
    parser.add_argument(
        "--bookmark",
        action="store_true",
        help="read only data that earlier successful runs did not (Glue job bookmarks)",
    )
    parser.add_argument(
        "--bookmark-key",
        metavar="COLUMN",
        help="JDBC sources: the increasing key the bookmark follows",
    )
    parser.add_argument(
        "--schema-evolution", action="store_true", help="let an append change the table's schema"
    )
    parser.add_argument(
        "--job", metavar="NAME", help="the job the bookmarks belong to (default: the target)"
    )
    parser.add_argument("--jdbc-table", metavar="SCHEMA.TABLE", help="the table of a jdbc: target")
    parser.add_argument(
        "--secret-ref", help="a JDBC target's password: env:VAR or keyring:SERVICE/USER"
    )
    parser.add_argument(
        "--dq",
        metavar="RULESET",
        help="gate the write with a data-quality ruleset (a saved ruleset's name or DQDL text)",
    )
    parser.add_argument(
        "--dq-action",
        choices=DQ_ACTIONS,
        help="when a rule fails: fail (write nothing, the default), warn (write and record), "
        "quarantine (failing rows go to TARGET_quarantine)",
    )
    return parser


def spec_from(args: argparse.Namespace, body: str) -> EtlSpec:
    return make_spec(
        sources=args.source,
        target=args.target,
        body=body,
        format=args.format,
        partition_by=args.partition_by,
        mode=args.mode,
        lang=args.lang,
        bookmark=args.bookmark,
        bookmark_key=args.bookmark_key,
        schema_evolution=args.schema_evolution,
        job=args.job,
        jdbc_table=args.jdbc_table,
        secret_ref=args.secret_ref,
        dq=args.dq,
        dq_action=args.dq_action,
    )


def etl_report(result: Any) -> DetailResult:
    """An ``EtlResult`` as the notebook shows it."""
    fields: list[tuple[str, Any]] = [
        ("state", result.state),
        ("run", result.run_id),
        ("mode", result.mode),
        ("rows written", result.rows_written),
        ("files written", result.files_written),
        ("bytes written", result.bytes_written),
        ("partitions written", len(result.partitions_written)),
        ("table version", result.table_version),
        ("table created", "yes" if result.created_table else None),
        ("schema changes", result.schema_changes or None),
        ("bookmarked files read", result.new_files_read or None),
        ("data quality", _gate_summary(result.dq)),
        ("seconds", round(result.seconds, 3)),
    ]
    data = {
        "job": result.job,
        "target": result.target,
        "run_id": result.run_id,
        "state": result.state,
        **result.metrics(),
    }
    return DetailResult(
        title=f"{result.target} <- job {result.job}",
        fields=[(k, v) for k, v in fields if v is not None],
        data=data,
    )


def add_etl_subcommands(
    subparsers: Any, parents: list[argparse.ArgumentParser] | None = None
) -> None:
    parents = parents or []
    p = subparsers.add_parser("runs", help="recent ETL runs", parents=parents)
    p.add_argument("--target", help="only runs that wrote this target (DB.TABLE or path)")
    p.add_argument("--limit", type=int, default=50)
    p = subparsers.add_parser(
        "bookmarks", help="how far each job has read its sources", parents=parents
    )
    p.add_argument("--job", help="only this job's bookmarks")
    p = subparsers.add_parser(
        "reset-bookmarks",
        help="forget a job's bookmarks: its next run reads everything",
        parents=parents,
    )
    p.add_argument("job")


def run_etl_command(catalog: Catalog, args: argparse.Namespace) -> Result:
    if args.command == "runs":
        runs = catalog.list_runs("etl", target=args.target, limit=args.limit)
        return TableResult(
            columns=[
                "run",
                "job",
                "target",
                "state",
                "started",
                "seconds",
                "rows written",
                "error",
            ],
            rows=[
                [
                    r.id,
                    r.name,
                    r.target,
                    r.state,
                    r.started_at,
                    r.metrics.get("seconds"),
                    r.metrics.get("rows_written"),
                    r.error,
                ]
                for r in runs
            ],
            data=[asdict(r) for r in runs],
        )
    if args.command == "bookmarks":
        marks = catalog.list_bookmarks(args.job)
        return TableResult(
            columns=["job", "source", "files processed", "key", "run", "updated"],
            rows=[
                [
                    b.job,
                    b.source,
                    len(b.state.get("files", [])),
                    b.state.get("key"),
                    b.run_id,
                    b.updated_at,
                ]
                for b in marks
            ],
            data=[asdict(b) for b in marks],
        )
    count = catalog.reset_bookmarks(args.job)
    return MessageResult(f"reset {count} bookmark(s) of job {args.job}")


def _gate_summary(dq: dict[str, Any] | None) -> str | None:
    if not dq:
        return None
    verdict = "passed" if dq["passed"] else f"failed: {'; '.join(dq['failed_rules'])}"
    text = f"{dq['ruleset']} ({dq['action']}) {verdict}, score {dq['score']:.0%}"
    if dq["rows_quarantined"]:
        text += f", {dq['rows_quarantined']} rows quarantined"
    return text
