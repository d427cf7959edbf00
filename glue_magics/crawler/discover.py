"""Listing what lies under a crawl target: local folders, files, and fsspec URLs (s3://, ...).

Listing never fails on one bad entry: an unreadable folder or a broken link is reported with its
reason and the walk goes on.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from glue_magics.crawler.globs import glob_regex
from glue_magics.crawler.model import FileInfo
from glue_magics.errors import EntityNotFoundError, InvalidInputError


@dataclass
class Listing:
    fs: Any  # fsspec.AbstractFileSystem
    root: str  # the target as the filesystem names it
    is_file: bool  # the target is one file, not a folder
    files: list[FileInfo] = field(default_factory=list)
    #: path -> reason, for entries that were passed over (unreadable, broken link, hidden, excluded)
    skipped: dict[str, str] = field(default_factory=dict)


def is_hidden(name: str) -> bool:
    """Marker and hidden files that Spark and Hive ignore too: _SUCCESS, _committed_*, .crc."""
    return name.startswith((".", "_"))


class _Excluder:
    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = [(p, glob_regex(p)) for p in patterns]

    def match(self, relative: str) -> str | None:
        for text, regex in self.patterns:
            if regex.fullmatch(relative):
                return text
        return None


def check_target(target: str, exclude: Sequence[str] = ()) -> None:
    """Fail early, before anything is saved, on a target that does not exist or a bad pattern."""
    import fsspec

    for pattern in exclude:
        glob_regex(pattern)
    try:
        fs, root = fsspec.core.url_to_fs(target)
        found = fs.exists(root)
    except (ImportError, ValueError) as exc:
        raise InvalidInputError(f"cannot open {target!r}: {exc}") from None
    if not found:
        raise EntityNotFoundError(f"crawl target {target!r} does not exist")


def list_target(target: str, exclude: Sequence[str] = ()) -> Listing:
    """Every data file under ``target`` with its size and modification time (or ETag)."""
    import fsspec
    from fsspec.implementations.local import LocalFileSystem

    try:
        fs, root = fsspec.core.url_to_fs(target)
    except (ImportError, ValueError) as exc:
        raise InvalidInputError(f"cannot open {target!r}: {exc}") from None
    excluder = _Excluder(exclude)
    try:
        info = fs.info(root)
    except FileNotFoundError:
        raise EntityNotFoundError(f"crawl target {target!r} does not exist") from None
    except PermissionError as exc:
        raise InvalidInputError(
            f"cannot read crawl target {target!r}: {exc.strerror or exc}"
        ) from None
    if info.get("type") != "directory":
        listing = Listing(fs, root, is_file=True)
        name = root.rstrip("/").rsplit("/", 1)[-1]
        listing.files.append(_file_info(root, (name,), info))
        return listing
    listing = Listing(fs, root.rstrip("/"), is_file=False)
    if isinstance(fs, LocalFileSystem):
        _walk_local(listing, excluder)
    else:
        _walk_fsspec(listing, excluder)
    listing.files.sort(key=lambda f: f.relative)
    return listing


def _file_info(path: str, relative: tuple[str, ...], info: dict[str, Any]) -> FileInfo:
    mtime = info.get("mtime") or info.get("LastModified") or info.get("last_modified")
    if mtime is not None and not isinstance(mtime, (int, float)):
        mtime = mtime.timestamp()
    etag = info.get("ETag") or info.get("etag")
    return FileInfo(
        path=path,
        relative=relative,
        size=int(info.get("size") or 0),
        mtime=float(mtime) if mtime is not None else None,
        etag=str(etag).strip('"') if etag else None,
    )


def _walk_local(listing: Listing, excluder: _Excluder) -> None:
    # os.scandir is several times faster than fsspec's generic walk for large trees.
    stack: list[tuple[str, tuple[str, ...]]] = [(listing.root, ())]
    while stack:
        folder, parts = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            listing.skipped[folder] = f"unreadable folder: {exc.strerror or exc}"
            continue
        for entry in entries:
            relative = (*parts, entry.name)
            rel_text = "/".join(relative)
            if is_hidden(entry.name):
                listing.skipped[entry.path] = "hidden or marker file (name starts with '.' or '_')"
                continue
            pattern = excluder.match(rel_text)
            if pattern:
                listing.skipped[entry.path] = f"excluded by {pattern!r}"
                continue
            try:
                st = entry.stat()
            except OSError as exc:
                reason = "broken link" if entry.is_symlink() else (exc.strerror or str(exc))
                listing.skipped[entry.path] = reason
                continue
            if stat.S_ISDIR(st.st_mode):
                stack.append((entry.path, relative))
            elif stat.S_ISREG(st.st_mode):
                listing.files.append(FileInfo(entry.path, relative, st.st_size, st.st_mtime))


def _walk_fsspec(listing: Listing, excluder: _Excluder) -> None:
    fs, root = listing.fs, listing.root
    for path, info in fs.find(root, detail=True, withdirs=False).items():
        rel_text = path[len(root) :].lstrip("/")
        if not rel_text or rel_text.endswith("/"):
            continue  # directory markers written by some object-store clients
        relative = tuple(rel_text.split("/"))
        if any(is_hidden(p) for p in relative):
            listing.skipped[path] = "hidden or marker file (name starts with '.' or '_')"
            continue
        pattern = excluder.match(rel_text)
        if pattern:
            listing.skipped[path] = f"excluded by {pattern!r}"
            continue
        if info.get("type") == "directory" or (info.get("size") == 0 and path.endswith("/")):
            continue
        listing.files.append(_file_info(path, relative, info))
