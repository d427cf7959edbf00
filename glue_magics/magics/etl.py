"""``%%etl``: a transform cell that lands as a cataloged table; ``%etl runs|bookmarks``."""

from __future__ import annotations

from typing import Any

from IPython.core.magic import line_cell_magic, magics_class

from glue_magics.commands import CommandParser, HelpShown
from glue_magics.display import Result
from glue_magics.magics.base import GlueMagics, output_option, subcommand_parser


def build_line_parser() -> CommandParser:
    from glue_magics.commands.etl import add_etl_subcommands

    return subcommand_parser("%etl", "ETL runs and job bookmarks.", add_etl_subcommands)


@magics_class
class EtlMagics(GlueMagics):
    @line_cell_magic
    def etl(self, line: str, cell: str | None = None) -> Result | None:
        """``%%etl --source A=DB.T ... --target DB.T [--format F] [--partition-by C] [--mode M]``
        with a SQL body (or ``--lang python``, assigning ``result``); ``%etl runs`` and
        ``%etl bookmarks`` as a line. ``%%etl --help`` lists every option."""
        if cell is None:
            return self._subcommand(line)
        from glue_magics.commands.etl import build_cell_parser, etl_report, spec_from
        from glue_magics.etl.runner import run_etl
        from glue_magics.spark.progress import spark_job
        from glue_magics.spark.session import manager
        from glue_magics.spark.tables import bridge_for

        try:
            args = self.parse(build_cell_parser([output_option()]), line)
        except HelpShown:
            return None
        spec = spec_from(args, cell)
        catalog = self.open_catalog()
        spark = manager.session()
        bridge = bridge_for(catalog)
        with spark_job(spark, f"%%etl -> {spec.target.name}", show_progress=self.in_notebook()):
            result = run_etl(catalog, spark, bridge, spec, self.shell.user_ns)  # type: ignore[union-attr]
        manager.touch()
        if args.output:
            self.shell.user_ns[args.output] = self._target_frame(spark, bridge, spec)  # type: ignore[union-attr]
        return etl_report(result)

    @staticmethod
    def _target_frame(spark: Any, bridge: Any, spec: Any) -> Any:
        """``-o VAR``: the written target as a Spark DataFrame."""
        if spec.target.kind == "table":
            bridge.ensure(spark, [spec.target.name])
            return spark.table(spec.target.name)
        return (
            spark.read.format(spec.format)
            .option("header", spec.format == "csv")
            .load(spec.target.path)
        )

    def _subcommand(self, line: str) -> Result | None:
        from glue_magics.commands.etl import run_etl_command

        try:
            args = self.parse(build_line_parser(), line or "--help")
        except HelpShown:
            return None
        return self.publish(run_etl_command(self.open_catalog(), args), args.output)
