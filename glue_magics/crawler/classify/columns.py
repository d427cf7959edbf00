"""Top-level column names the way Glue writes them: lower-cased, trimmed, never empty, unique."""

from __future__ import annotations

from collections.abc import Sequence

from glue_magics.catalog.names import MAX_NAME_LENGTH

_MAX_LISTED = 5


def clean_names(raw: Sequence[str]) -> tuple[list[str], list[str]]:
    """Return the cleaned names and notes on what had to change.

    Spaces, unicode and SQL keywords are kept, as Glue keeps them; an empty name becomes ``col<i>``
    and a repeated one ``name_1``, ``name_2``, ..."""
    base = []
    truncated = 0
    for i, name in enumerate(raw):
        cleaned = "".join(ch if ch.isprintable() else "_" for ch in name.strip().lower())
        if len(cleaned) > MAX_NAME_LENGTH:
            cleaned = cleaned[:MAX_NAME_LENGTH].rstrip()
            truncated += 1
        base.append(cleaned or f"col{i}")
    taken = set(base)
    used: set[str] = set()
    names = []
    renamed = []
    for name in base:
        if name in used:
            suffix = 1
            while (new := _suffixed(name, suffix)) in taken or new in used:
                suffix += 1
            renamed.append(f"{name!r} -> {new!r}")
            name = new
        used.add(name)
        names.append(name)
    notes = []
    if renamed:
        listed = ", ".join(renamed[:_MAX_LISTED])
        more = f" and {len(renamed) - _MAX_LISTED} more" if len(renamed) > _MAX_LISTED else ""
        notes.append(f"duplicate column names renamed: {listed}{more}")
    if truncated:
        notes.append(f"{truncated} column name(s) cut to {MAX_NAME_LENGTH} characters")
    return names, notes


def _suffixed(name: str, suffix: int) -> str:
    tail = f"_{suffix}"
    return name[: MAX_NAME_LENGTH - len(tail)] + tail
