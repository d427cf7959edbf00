"""``%promote``: make the notebook a scheduled job; ``%jobs``: list, run and watch jobs."""

from __future__ import annotations

import os
from pathlib import Path

from IPython.core.magic import line_magic, magics_class

from glue_magics.commands import CommandParser, HelpShown
from glue_magics.display import Result
from glue_magics.errors import InvalidInputError
from glue_magics.magics.base import GlueMagics, subcommand_parser


def build_parser() -> CommandParser:
    from glue_magics.commands.jobs import add_jobs_commands

    return subcommand_parser(
        "%jobs", "Jobs: notebooks promoted to scheduled jobs, and their runs.", add_jobs_commands
    )


def build_promote_parser() -> CommandParser:
    from glue_magics.commands.jobs import add_promote_arguments
    from glue_magics.magics.base import output_option

    parser = CommandParser(
        prog="%promote",
        description="Promote this notebook (as saved) to a job; again: a new version.",
        parents=[output_option()],
    )
    add_promote_arguments(parser, notebook_required=False)
    return parser


@magics_class
class JobsMagics(GlueMagics):
    @line_magic
    def promote(self, line: str) -> Result | None:
        """``%promote NAME [--schedule EXPR] [--param K=V ...] [--dq DB.T=RULESET ...] ...``:
        store the saved notebook as the next version of job NAME. ``%promote --help`` lists
        every option."""
        from glue_magics.commands.jobs import promote_from_args

        try:
            args = self.parse(build_promote_parser(), line or "--help")
        except HelpShown:
            return None
        notebook = args.notebook or self.notebook_path()
        return self.publish(promote_from_args(self.open_catalog(), args, notebook), args.output)

    @line_magic
    def jobs(self, line: str) -> Result | None:
        """Jobs and their runs: ``%jobs --help`` lists the subcommands.

        %jobs list | show NAME | versions NAME | diff NAME V1 V2
        %jobs run NAME [--param K=V ...] [--wait] | runs [NAME] | logs RUN_ID | stop RUN_ID
        %jobs pause NAME | resume NAME | delete NAME --yes | export NAME --airflow [--output FILE]
        Every subcommand takes ``-o VAR`` to store its result as a pandas DataFrame.
        """
        from glue_magics.commands.jobs import run_jobs_command

        try:
            args = self.parse(build_parser(), line or "--help")
        except HelpShown:
            return None
        return self.publish(run_jobs_command(self.open_catalog(), args), args.output)

    def notebook_path(self) -> str:
        """The notebook this kernel runs: ``__session__`` (set by ipykernel) or $JPY_SESSION_NAME."""
        ns = self.shell.user_ns if self.shell is not None else {}
        for candidate in (ns.get("__session__"), os.environ.get("JPY_SESSION_NAME")):
            if isinstance(candidate, str) and candidate.endswith(".ipynb"):
                path = Path(candidate).expanduser()
                for found in (path, Path.cwd() / path.name):
                    if found.is_file():
                        return str(found)
        raise InvalidInputError("cannot tell which notebook this kernel runs; pass --notebook PATH")
