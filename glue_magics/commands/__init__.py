"""Command-line grammar shared by the magics and the ``glue-magics`` CLI.

Each module defines one command group once (its subcommands and option names) and how to run it
against the core; the magics and the CLI only choose how to render the result.
"""

from __future__ import annotations

import argparse
from typing import NoReturn

from glue_magics.errors import GlueMagicsError


class CommandLineError(GlueMagicsError):
    """The command line itself is wrong (unknown subcommand, missing argument)."""


class HelpShown(Exception):
    """``--help`` was printed; nothing else to do."""


class CommandParser(argparse.ArgumentParser):
    """An ArgumentParser that raises instead of exiting, so a magic never kills the kernel."""

    def error(self, message: str) -> NoReturn:
        raise CommandLineError(f"{self.prog}: {message} (see {self.prog} --help)")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if status:
            raise CommandLineError(message or f"{self.prog}: failed")
        raise HelpShown()
