"""``%catalog``: browse and manage the Data Catalog from a notebook."""

from __future__ import annotations

from IPython.core.magic import line_magic, magics_class

from glue_magics.commands import CommandParser, HelpShown
from glue_magics.display import Result
from glue_magics.magics.base import GlueMagics, subcommand_parser


def build_parser() -> CommandParser:
    from glue_magics.commands.catalog import add_catalog_commands

    return subcommand_parser(
        "%catalog", "Browse and manage the Data Catalog.", add_catalog_commands
    )


@magics_class
class CatalogMagics(GlueMagics):
    @line_magic
    def catalog(self, line: str) -> Result | None:
        """Browse and manage the Data Catalog: ``%catalog --help`` lists the subcommands.

        %catalog databases
        %catalog tables [DB] [--pattern P]
        %catalog show DB.TABLE
        %catalog partitions DB.TABLE [--where EXPR] [--limit N]
        %catalog search TEXT
        %catalog versions DB.TABLE | diff DB.TABLE V1 V2 | restore DB.TABLE V
        %catalog create-database NAME | create-table DB.TABLE --columns ... | add-partitions DB.TABLE V1/V2 ...
        %catalog drop DB[.TABLE] --yes
        Every subcommand takes ``-o VAR`` to store its result as a pandas DataFrame.
        """
        from glue_magics.commands.catalog import run_catalog_command

        try:
            args = self.parse(build_parser(), line or "--help")
        except HelpShown:
            return None
        return self.publish(run_catalog_command(self.open_catalog(), args), args.output)
