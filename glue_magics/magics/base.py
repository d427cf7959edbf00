"""What every glue_magics magic shares: configuration, the kernel's catalog, and output."""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Callable
from typing import Any

from IPython.core.magic import Magics
from traitlets import Unicode

from glue_magics.commands import CommandParser
from glue_magics.display import Result


def output_option() -> argparse.ArgumentParser:
    """``-o VAR``: the parent parser that gives every magic subcommand the same option."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "-o", "--output", metavar="VAR", help="store the result as a pandas DataFrame in VAR"
    )
    return parent


def subcommand_parser(
    prog: str, description: str, add_commands: Callable[..., None]
) -> CommandParser:
    """A magic's parser of subcommands, each with ``-o VAR``."""
    parser = CommandParser(prog=prog, description=description)
    subparsers = parser.add_subparsers(
        dest="command", metavar="SUBCOMMAND", required=True, parser_class=CommandParser
    )
    add_commands(subparsers, parents=[output_option()])
    return parser


class GlueMagics(Magics):
    """Base of the glue_magics magics. Configure with ``c.GlueMagics.catalog_url = ...``."""

    catalog_url = Unicode(
        None,
        allow_none=True,
        help="Catalog store URL (sqlite:///PATH or postgresql+psycopg://...); "
        "default: $GLUE_MAGICS_CATALOG_URL, else $GLUE_MAGICS_HOME/catalog.db",
    ).tag(config=True)
    warehouse = Unicode(
        None,
        allow_none=True,
        help="Default location of new tables; default $GLUE_MAGICS_HOME/warehouse",
    ).tag(config=True)

    def open_catalog(self) -> Any:
        """The kernel's catalog, opened on first use (keeps ``%load_ext`` fast)."""
        from glue_magics.catalog import open_catalog

        return open_catalog(self.catalog_url, warehouse=self.warehouse)

    def in_notebook(self) -> bool:
        """A kernel with a front-end that renders widgets (not a terminal IPython)."""
        return type(self.shell).__name__ == "ZMQInteractiveShell"

    @staticmethod
    def parse(parser: CommandParser, line: str) -> argparse.Namespace:
        return parser.parse_args(shlex.split(line))

    def publish(self, result: Result, output: str | None) -> Result:
        """Store ``result`` as a DataFrame in the user's ``output`` variable; return it for display."""
        if output:
            if not output.isidentifier():
                from glue_magics.errors import InvalidInputError

                raise InvalidInputError(f"-o needs a Python variable name, got {output!r}")
            self.shell.user_ns[output] = result.to_dataframe()  # type: ignore[union-attr]
        return result
