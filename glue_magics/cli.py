"""``glue-magics``: the command line over the same core as the magics.

    glue-magics [--json] [--catalog-url URL] catalog SUBCOMMAND ...

Exit status 0 on success, 1 on an error (one line on stderr), 2 on a malformed command line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from glue_magics import __version__
from glue_magics.commands import CommandLineError, CommandParser, HelpShown
from glue_magics.errors import GlueMagicsError


def build_parser() -> CommandParser:
    from glue_magics.commands.catalog import add_catalog_commands
    from glue_magics.commands.crawl import add_crawl_arguments
    from glue_magics.commands.dq import add_dq_subcommands
    from glue_magics.commands.etl import add_etl_subcommands
    from glue_magics.commands.jobs import add_jobs_commands, add_scheduler_arguments

    parser = CommandParser(
        prog="glue-magics", description="AWS Glue, re-created for Jupyter and the shell."
    )
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    parser.add_argument(
        "--catalog-url",
        help="catalog store URL (default: $GLUE_MAGICS_CATALOG_URL or SQLite in $GLUE_MAGICS_HOME)",
    )
    parser.add_argument("--version", action="version", version=f"glue-magics {__version__}")
    groups = parser.add_subparsers(
        dest="group", metavar="COMMAND", required=True, parser_class=CommandParser
    )
    catalog = groups.add_parser("catalog", help="browse and manage the Data Catalog")
    crawl = groups.add_parser(
        "crawl", help="crawl files, data lakes and databases into the catalog"
    )
    add_crawl_arguments(crawl)
    etl = groups.add_parser("etl", help="ETL runs and job bookmarks")
    add_etl_subcommands(
        etl.add_subparsers(
            dest="command", metavar="SUBCOMMAND", required=True, parser_class=CommandParser
        )
    )
    dq = groups.add_parser("dq", help="data quality: DQDL rulesets, evaluations and their history")
    add_dq_subcommands(
        dq.add_subparsers(
            dest="command", metavar="SUBCOMMAND", required=True, parser_class=CommandParser
        )
    )
    jobs = groups.add_parser("jobs", help="notebooks promoted to scheduled jobs, and their runs")
    add_jobs_commands(
        jobs.add_subparsers(
            dest="command", metavar="SUBCOMMAND", required=True, parser_class=CommandParser
        )
    )
    scheduler = groups.add_parser(
        "scheduler", help="run scheduled jobs (foreground; --once: one pass)"
    )
    add_scheduler_arguments(scheduler)
    add_catalog_commands(
        catalog.add_subparsers(
            dest="command", metavar="SUBCOMMAND", required=True, parser_class=CommandParser
        )
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except HelpShown:
        return 0
    except CommandLineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        from glue_magics.catalog import Catalog
        from glue_magics.display import to_json_text

        with Catalog(args.catalog_url) as catalog:
            result = _run(catalog, args)
        print(to_json_text(result) if args.json else str(result))
    except GlueMagicsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _run(catalog: Any, args: argparse.Namespace) -> Any:
    if args.group == "crawl":
        from glue_magics.commands.crawl import run_crawl_command
        from glue_magics.crawler.progress import NoProgress, TerminalProgress

        progress = TerminalProgress() if sys.stderr.isatty() else NoProgress()
        return run_crawl_command(catalog, args, progress)
    if args.group == "dq":
        from glue_magics.commands.dq import run_dq_command

        return run_dq_command(catalog, args)
    if args.group == "etl":
        from glue_magics.commands.etl import run_etl_command

        return run_etl_command(catalog, args)
    if args.group == "jobs":
        from glue_magics.commands.jobs import run_jobs_command

        return run_jobs_command(catalog, args)
    if args.group == "scheduler":
        from glue_magics.commands.jobs import run_scheduler_command

        return run_scheduler_command(catalog, args)
    from glue_magics.commands.catalog import run_catalog_command

    return run_catalog_command(catalog, args)


if __name__ == "__main__":
    sys.exit(main())
