"""``%%dq``: data-quality rules (DQDL or a GX suite) on a table or DataFrame; ``%dq run|history|
recommend|list|show|delete|validate|save`` as a line."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from IPython.core.magic import line_cell_magic, magics_class

from glue_magics.commands import CommandParser, HelpShown
from glue_magics.display import Result
from glue_magics.magics.base import GlueMagics, output_option


def build_line_parser() -> CommandParser:
    from glue_magics.commands.dq import add_dq_subcommands

    parser = CommandParser(prog="%dq", description="Data-quality rulesets, runs and history.")
    subparsers = parser.add_subparsers(
        dest="command", metavar="SUBCOMMAND", required=True, parser_class=CommandParser
    )
    add_dq_subcommands(subparsers, parents=[output_option()], notebook=True)
    return parser


@magics_class
class DqMagics(GlueMagics):
    @line_cell_magic
    def dq(self, line: str, cell: str | None = None) -> Result | None:
        """``%%dq --table DB.T [--name RULESET] [--save] [-o VAR]`` (or ``--df VAR``) with DQDL
        (or a GX suite as JSON) in the body; ``%dq run NAME``, ``%dq history DB.T``,
        ``%dq recommend DB.T`` as a line. ``%%dq --help`` lists every option."""
        from glue_magics.commands.dq import build_cell_parser, run_dq_cell, run_dq_command

        namespace = self.shell.user_ns  # type: ignore[union-attr]
        try:
            if cell is None:
                args = self.parse(build_line_parser(), line or "--help")
            else:
                args = self.parse(build_cell_parser([output_option()]), line)
        except HelpShown:
            return None
        catalog = self.open_catalog()
        if cell is None:
            result = run_dq_command(catalog, args, namespace, self._scope())
        else:
            result = run_dq_cell(catalog, args, cell, namespace, self._scope())
        rows_var = getattr(args, "row_level", None)
        if rows_var:
            from glue_magics.errors import InvalidInputError

            evaluation = getattr(result, "result", None)
            if not rows_var.isidentifier():
                raise InvalidInputError(
                    f"--row-level needs a Python variable name, got {rows_var!r}"
                )
            if evaluation is not None and evaluation.rows is not None:
                namespace[rows_var] = evaluation.rows
        return self.publish(result, args.output)

    def _scope(self) -> Callable[[str], AbstractContextManager[Any]]:
        """Spark work of a command runs as one job group: progress bar, cancel on interrupt."""

        @contextmanager
        def scope(what: str) -> Iterator[None]:
            from glue_magics.spark.progress import spark_job
            from glue_magics.spark.session import manager

            spark = manager.session()
            with spark_job(spark, what, show_progress=self.in_notebook()):
                yield
            manager.touch()

        return scope
