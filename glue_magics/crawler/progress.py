"""Progress reporting for long work: front-ends pass a bar, the core only counts."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def start(self, total: int, description: str) -> None: ...
    def advance(self, count: int = 1) -> None: ...
    def finish(self) -> None: ...


class NoProgress:
    def start(self, total: int, description: str) -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass

    def finish(self) -> None:
        pass


class TerminalProgress:
    """A tqdm bar on stderr, for the CLI."""

    def __init__(self) -> None:
        self._bar = None

    def start(self, total: int, description: str) -> None:
        from tqdm import tqdm

        self.finish()
        self._bar = tqdm(total=total, desc=description, unit="file", leave=False)

    def advance(self, count: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(count)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
