"""Staged writes: Spark writes next to the target, and the data moves into place only at commit.

Until ``apply`` nothing under the target changes; ``rollback`` undoes an applied commit (used
when the catalog transaction that follows fails); ``cleanup`` removes what was replaced. A
staging folder is a hidden sibling of the target, so moves are renames on one filesystem and
crawlers and Spark ignore it (names starting with '.').
"""

from __future__ import annotations

import posixpath
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from glue_magics.crawler.discover import is_hidden


@dataclass
class StagedFile:
    relative: str  # below the staging root: "dt=2024-01-01/part-0000.parquet"
    size: int

    @property
    def partition(self) -> str:
        return posixpath.dirname(self.relative)


@dataclass
class StagedWrite:
    fs: Any  # fsspec filesystem
    location: str  # the target folder
    staging: str
    mode: str
    files: list[StagedFile] = field(default_factory=list)
    _moved: list[tuple[str, str]] = field(default_factory=list)  # (from, to), in order
    _replaced: list[str] = field(default_factory=list)  # old data, deleted by cleanup()

    @property
    def partitions(self) -> list[str]:
        """Partition folders written, relative to the target: "dt=2024-01-01"."""
        return sorted({f.partition for f in self.files if f.partition})

    @property
    def bytes(self) -> int:
        return sum(f.size for f in self.files)

    def _move(self, source: str, destination: str) -> None:
        self.fs.mv(source, destination, recursive=True)
        self._moved.append((source, destination))

    def _set_aside(self, path: str) -> None:
        aside = f"{self.staging}.replaced/{uuid.uuid4().hex[:8]}"
        self.fs.makedirs(posixpath.dirname(aside), exist_ok=True)
        self._move(path, aside)
        self._replaced.append(aside)

    def apply(self) -> None:
        """Move the staged data into place, per the write mode."""
        fs = self.fs
        if self.mode == "overwrite":
            if fs.exists(self.location):
                self._set_aside(self.location)
            fs.makedirs(posixpath.dirname(self.location), exist_ok=True)
            self._move(self.staging, self.location)
            return
        if self.mode == "overwrite-partitions":
            for partition in self.partitions:
                target = f"{self.location}/{partition}"
                if fs.exists(target):
                    self._set_aside(target)
                fs.makedirs(posixpath.dirname(target), exist_ok=True)
                self._move(f"{self.staging}/{partition}", target)
            return
        for staged in self.files:  # append: file by file; Spark's file names are unique per write
            target = f"{self.location}/{staged.relative}"
            fs.makedirs(posixpath.dirname(target), exist_ok=True)
            self._move(f"{self.staging}/{staged.relative}", target)

    def rollback(self) -> None:
        """Put everything back where it was before ``apply``."""
        for source, destination in reversed(self._moved):
            self.fs.mv(destination, source, recursive=True)
        self._moved.clear()
        self._replaced.clear()

    def cleanup(self) -> None:
        for path in (self.staging, f"{self.staging}.replaced"):
            if self.fs.exists(path):
                self.fs.rm(path, recursive=True)


def staging_path(location: str, run_id: int) -> str:
    parent, name = posixpath.split(location.rstrip("/"))
    return f"{parent}/.{name}.staging-{run_id}-{uuid.uuid4().hex[:6]}"


def collect_staged(fs: Any, location: str, staging: str, mode: str) -> StagedWrite:
    """What Spark wrote into ``staging``: data files with sizes (markers and checksums left out)."""
    write = StagedWrite(fs, location, staging, mode)
    for path, info in sorted(fs.find(staging, detail=True).items()):
        relative = path[len(staging.rstrip("/")) + 1 :] if path.startswith(staging) else path
        if any(is_hidden(part) for part in relative.split("/")):
            continue
        write.files.append(StagedFile(relative, int(info.get("size") or 0)))
    return write


def partition_values(partition: str, keys: tuple[str, ...]) -> tuple[str, ...]:
    """ "dt=2024-01-01/hour=3" -> ("2024-01-01", "3"), decoding Spark's %XX escapes."""
    parts = dict(p.split("=", 1) for p in partition.split("/") if "=" in p)
    return tuple(unquote(parts[k]) for k in keys)
