"""``%crawl``: discover files, data lakes and databases into the catalog."""

from __future__ import annotations

from typing import Any

from IPython.core.magic import line_magic, magics_class

from glue_magics.commands import CommandParser, HelpShown
from glue_magics.display import Result
from glue_magics.magics.base import GlueMagics, output_option


def build_parser() -> CommandParser:
    from glue_magics.commands.crawl import build_crawl_parser

    return build_crawl_parser("%crawl", parents=[output_option()])


class WidgetProgress:
    """An ipywidgets bar in notebooks (a kernel with a front-end), nothing elsewhere."""

    def __init__(self, shell: Any) -> None:
        self.enabled = type(shell).__name__ == "ZMQInteractiveShell"
        self.bar: Any = None

    def start(self, total: int, description: str) -> None:
        if not self.enabled or total == 0:
            return
        import ipywidgets
        from IPython.display import display

        self.finish()
        self.bar = ipywidgets.IntProgress(min=0, max=total, description="reading", bar_style="info")
        self.label = ipywidgets.Label(f"0 / {total} files: {description}")
        self.box = ipywidgets.HBox([self.bar, self.label])
        display(self.box)

    def advance(self, count: int = 1) -> None:
        if self.bar is not None:
            self.bar.value += count
            if self.bar.value % 50 == 0 or self.bar.value == self.bar.max:
                self.label.value = f"{self.bar.value} / {self.bar.max} files"

    def finish(self) -> None:
        if self.bar is not None:
            self.box.close()
            self.bar = None


@magics_class
class CrawlMagics(GlueMagics):
    @line_magic
    def crawl(self, line: str) -> Result | None:
        """Crawl paths, URLs or databases into the catalog: ``%crawl --help`` lists the options.

        %crawl ./lake --database raw [--dry-run] [--table-level N] [--exclude GLOB] ...
        %crawl --run NAME | --list | --history NAME
        """
        from glue_magics.commands.crawl import run_crawl_command

        try:
            args = self.parse(build_parser(), line or "--help")
        except HelpShown:
            return None
        result = run_crawl_command(self.open_catalog(), args, WidgetProgress(self.shell))
        return self.publish(result, args.output)
