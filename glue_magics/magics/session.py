"""``%session``: the kernel's Spark session (local, standalone cluster, Spark Connect or Livy)."""

from __future__ import annotations

import shlex

from IPython.core.magic import line_magic, magics_class

from glue_magics.commands import CommandLineError, CommandParser, HelpShown
from glue_magics.display import Result
from glue_magics.magics.base import GlueMagics, output_option


def build_parser() -> CommandParser:
    from glue_magics.commands.session import build_session_parser

    return build_session_parser("%session", parents=[output_option()])


@magics_class
class SessionMagics(GlueMagics):
    @line_magic
    def session(self, line: str) -> Result | None:
        """Show and control the Spark session: ``%session --help`` lists the options.

        %session                                   status: state, master, app, Spark UI, config
        %session start | stop | restart [KEY=VALUE ...]
        %session conf KEY=VALUE [KEY=VALUE ...]    before the session starts
        %session --master local[4] | spark://HOST:PORT
        %session --remote sc://HOST:PORT           a Spark Connect server
        %session --livy http://HOST:8998 [--livy-kind pyspark|sql] [--livy-conf K=V ...]
                                                   an Apache Livy server, for %%sql only
        %session --idle-timeout MIN | off          stop the JVM after MIN minutes unused
        %session --verbose-errors on | off         Spark errors with their Java details
        """
        from glue_magics.commands.session import run_session_command
        from glue_magics.spark.session import manager

        try:
            words = shlex.split(line)
        except ValueError as err:
            raise CommandLineError(f"%session: {err}") from err
        try:
            # Intermixed: `%session restart --master URL spark.a=1` reads as written.
            args = build_parser().parse_intermixed_args(words)
        except HelpShown:
            return None
        return self.publish(run_session_command(manager, args), args.output)
