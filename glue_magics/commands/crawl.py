"""``crawl`` commands: ``%crawl ...`` and ``glue-magics crawl ...``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from glue_magics.catalog import Catalog
from glue_magics.commands import CommandParser
from glue_magics.crawler.options import (
    DELETE_BEHAVIOR,
    GROUPING,
    RECRAWL,
    UPDATE_BEHAVIOR,
    CrawlOptions,
)
from glue_magics.crawler.progress import Progress
from glue_magics.display import DetailResult, Result, TableResult
from glue_magics.errors import InvalidInputError

if TYPE_CHECKING:
    from glue_magics.crawler.run import CrawlResult


def add_crawl_arguments(parser: argparse.ArgumentParser) -> None:
    """The crawl command line; the same in the magic and the CLI."""
    parser.add_argument(
        "targets",
        nargs="*",
        metavar="PATH_OR_URL",
        help="folders, files, s3://... or database URLs",
    )
    parser.add_argument(
        "--database", help="catalog database to write tables into (created if missing)"
    )
    parser.add_argument("--name", help="crawler name (default: database_target)")
    parser.add_argument("--table-prefix", default="", help="prefix for the names of new tables")
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip matching paths (repeatable; '**' crosses folders)",
    )
    parser.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="PATH",
        help="database targets: Glue include path 'db/schema/table' with %% wildcards (repeatable)",
    )
    parser.add_argument(
        "--secret-ref",
        help="database targets: the password's reference, env:VAR or keyring:SERVICE/USER",
    )
    parser.add_argument("--sample-size", type=int, help="read only N new files per folder")
    parser.add_argument("--recrawl", choices=list(RECRAWL), default="everything")
    parser.add_argument("--update-behavior", choices=list(UPDATE_BEHAVIOR), default="update")
    parser.add_argument("--delete-behavior", choices=list(DELETE_BEHAVIOR), default="deprecate")
    parser.add_argument("--grouping", choices=list(GROUPING), default="default")
    parser.add_argument(
        "--table-level", type=int, help="depth of table roots; the target is level 1"
    )
    parser.add_argument(
        "--table-threshold", type=int, help="fail, writing nothing, if more tables would be created"
    )
    parser.add_argument(
        "--partitions-inherit-schema",
        action="store_true",
        help="partitions keep the table's schema",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="write nothing; show the plan and why"
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--run", metavar="NAME", help="run a saved crawler again")
    action.add_argument("--list", action="store_true", help="list saved crawlers")
    action.add_argument("--history", metavar="NAME", help="past runs of a crawler")


def build_crawl_parser(
    prog: str, parents: list[argparse.ArgumentParser] | None = None
) -> CommandParser:
    parser = CommandParser(
        prog=prog,
        description="Crawl files, data lakes and databases into the catalog.",
        parents=parents or [],
    )
    add_crawl_arguments(parser)
    return parser


def run_crawl_command(
    catalog: Catalog, args: argparse.Namespace, progress: Progress | None = None
) -> Result:
    from glue_magics.crawler.run import crawl, recrawl  # pyarrow: only when crawling

    if args.list:
        return _list(catalog)
    if args.history:
        return _history(catalog, args.history)
    if args.run:
        return crawl_report(recrawl(catalog, args.run, dry_run=args.dry_run, progress=progress))
    if not args.targets:
        raise InvalidInputError(
            "give a path or URL to crawl, or --run NAME, --list, --history NAME"
        )
    if not args.database:
        raise InvalidInputError("--database is required: the catalog database to write tables into")
    options = CrawlOptions(
        table_prefix=args.table_prefix,
        exclude=tuple(args.exclude),
        sample_size=args.sample_size,
        recrawl=args.recrawl,
        update_behavior=args.update_behavior,
        delete_behavior=args.delete_behavior,
        grouping=args.grouping,
        table_level=args.table_level,
        table_threshold=args.table_threshold,
        partitions_inherit_schema=args.partitions_inherit_schema,
        connection_secret=args.secret_ref,
    )
    result = crawl(
        catalog,
        args.targets,
        args.database,
        name=args.name,
        options=options,
        include=args.include,
        dry_run=args.dry_run,
        progress=progress,
    )
    return crawl_report(result)


def crawl_report(result: CrawlResult) -> DetailResult:
    """A crawl as the notebook and the terminal show it: summary, tables, why, problems."""
    metrics = result.metrics()
    fields: list[tuple[str, Any]] = [
        ("state", "DRY RUN (nothing written)" if result.dry_run else result.state),
        ("run", result.run_id),
        ("database", result.database),
        ("seconds", metrics["seconds"]),
        (
            "files",
            f"{result.files_listed} listed, {result.files_read} read, {result.files_unchanged} unchanged, "
            f"{len(result.failed)} failed, {len(result.skipped)} skipped",
        ),
        (
            "tables created/updated/deprecated/deleted",
            "{tables_created}/{tables_updated}/{tables_deprecated}/{tables_deleted}".format(
                **metrics
            ),
        ),
        (
            "partitions added/updated/removed",
            "{partitions_added}/{partitions_updated}/{partitions_removed}".format(**metrics),
        ),
    ]
    tables = TableResult(
        title="Tables found",
        columns=[
            "table",
            "location",
            "classification",
            "partition keys",
            "partitions",
            "files",
            "columns",
            "why",
        ],
        rows=[
            [
                t.name,
                t.location,
                t.classification + (f"+{t.compression}" if t.compression else ""),
                [k.name for k in t.partition_keys],
                len(t.partitions),
                len(t.files),
                len(t.columns),
                t.reason,
            ]
            for report in result.targets
            for t in report.tables
        ],
    )
    sections = [tables] if tables.rows else []
    sections.append(
        TableResult(
            title="Changes" if not result.dry_run else "Planned changes",
            columns=["action", "table", "detail"],
            rows=[[c.action, c.table, c.detail] for c in result.plan.changes],
        )
    )
    decisions = [[r.target, d] for r in result.targets for d in r.decisions]
    if decisions:
        sections.append(
            TableResult(
                title="Why: grouping decisions", columns=["target", "decision"], rows=decisions
            )
        )
    if result.failed:
        sections.append(
            TableResult(
                title="Files that could not be read",
                columns=["file", "reason"],
                rows=[list(i) for i in result.failed.items()],
            )
        )
    if result.skipped:
        sections.append(
            TableResult(
                title="Files passed over",
                columns=["file", "reason"],
                rows=[list(i) for i in list(result.skipped.items())[:200]],
            )
        )
    if result.notes:
        sections.append(
            TableResult(title="Notes", columns=["note"], rows=[[n] for n in result.notes])
        )
    data = {
        "crawler": result.crawler,
        "run_id": result.run_id,
        "state": result.state,
        "dry_run": result.dry_run,
        "database": result.database,
        **metrics,
        "tables": [
            {
                "name": t.name,
                "location": t.location,
                "classification": t.classification,
                "partition_keys": [k.name for k in t.partition_keys],
                "partitions": len(t.partitions),
                "files": len(t.files),
                "why": t.reason,
            }
            for r in result.targets
            for t in r.tables
        ],
        "decisions": [
            {"target": r.target, "decision": d} for r in result.targets for d in r.decisions
        ],
        "skipped_files": result.skipped,
    }
    return DetailResult(
        title=f"crawler {result.crawler}", fields=fields, sections=sections, data=data
    )


def _list(catalog: Catalog) -> TableResult:
    crawlers = catalog.list_crawlers()
    rows = []
    for c in crawlers:
        last = next(iter(catalog.list_runs("crawl", limit=1, name=c.name)), None)
        rows.append(
            [
                c.name,
                c.database,
                list(c.targets),
                last.state if last else None,
                last.started_at if last else None,
            ]
        )
    return TableResult(
        columns=["crawler", "database", "targets", "last state", "last run"],
        rows=rows,
        data=[
            {
                "name": c.name,
                "database": c.database,
                "targets": list(c.targets),
                "options": c.options,
            }
            for c in crawlers
        ],
    )


def _history(catalog: Catalog, name: str) -> TableResult:
    crawler = catalog.get_crawler(name)
    runs = catalog.list_runs("crawl", name=crawler.name, limit=100)
    rows = []
    for r in runs:
        m = r.metrics
        seconds = round((r.ended_at - r.started_at).total_seconds(), 3) if r.ended_at else None
        rows.append(
            [
                r.id,
                r.state,
                r.started_at,
                seconds,
                m.get("tables_created"),
                m.get("tables_updated"),
                m.get("partitions_added"),
                m.get("files_read"),
                m.get("files_failed"),
                r.error,
            ]
        )
    return TableResult(
        title=f"runs of crawler {crawler.name}",
        columns=[
            "run",
            "state",
            "started",
            "seconds",
            "tables created",
            "tables updated",
            "partitions added",
            "files read",
            "files failed",
            "error",
        ],
        rows=rows,
        data=[
            {
                "id": r.id,
                "state": r.state,
                "started_at": r.started_at,
                "ended_at": r.ended_at,
                "metrics": r.metrics,
                "error": r.error,
            }
            for r in runs
        ],
    )
