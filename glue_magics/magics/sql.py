"""``%%sql``: Spark SQL over the catalog, with notebook variables bound as literals."""

from __future__ import annotations

from typing import Any

from IPython.core.magic import line_cell_magic, magics_class

from glue_magics.commands import CommandParser, HelpShown
from glue_magics.display import Result, TableResult
from glue_magics.magics.base import GlueMagics, output_option


def build_parser() -> CommandParser:
    parser = CommandParser(
        prog="%%sql",
        description="Run Spark SQL on the catalog's tables. {var} and :var bind notebook variables as literals.",
        parents=[output_option()],
    )
    parser.add_argument(
        "--limit", type=int, default=100, help="rows to fetch and show (default 100)"
    )
    return parser


@magics_class
class SqlMagics(GlueMagics):
    @line_cell_magic
    def sql(self, line: str, cell: str | None = None) -> Result | None:
        """Run Spark SQL on catalog tables: ``%%sql [-o VAR] [--limit N]`` then the query.

        ``{var}`` or ``:var`` in the query bind the notebook variable ``var`` as a literal value
        (never pasted into the SQL). ``-o VAR`` stores the rows shown as a pandas DataFrame.
        """
        from glue_magics.spark.progress import spark_job
        from glue_magics.spark.session import manager
        from glue_magics.spark.sql import run_sql
        from glue_magics.spark.tables import bridge_for

        options, query = (line, cell) if cell is not None else ("", line)
        try:
            args = self.parse(build_parser(), options)
        except HelpShown:
            return None
        if manager.livy is not None:  # Apache Livy (glue_magics/spark/livy.py): runs there
            result = manager.livy.sql(
                query,
                self.shell.user_ns,  # type: ignore[union-attr]
                limit=args.limit,
                verbose_errors=manager.verbose_errors,
            )
        else:
            spark = manager.session()
            bridge = bridge_for(self.open_catalog())
            with spark_job(spark, "%%sql", show_progress=self.in_notebook()):
                _, result = run_sql(
                    spark,
                    bridge,
                    query,
                    self.shell.user_ns,  # type: ignore[union-attr]
                    limit=args.limit,
                    verbose_errors=manager.verbose_errors,
                )
            manager.touch()
        frame = result.frame
        if args.output:
            self.shell.user_ns[args.output] = frame  # type: ignore[union-attr]
        if result.statement:
            return None
        footer = (
            f"first {args.limit} rows; more with --limit" if result.more else f"{len(frame)} row(s)"
        )
        rows: list[list[Any]] = frame.astype(object).where(frame.notna(), None).values.tolist()
        return TableResult(columns=[str(c) for c in frame.columns], rows=rows, footer=footer)
