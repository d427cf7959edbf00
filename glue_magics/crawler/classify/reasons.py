"""One-line reasons for FileSchema.error."""

from __future__ import annotations

_MAX = 300


def one_line(err: BaseException | str) -> str:
    """An exception's message on one line, never empty, never huge."""
    text = " ".join(str(err).split())
    if not text and isinstance(err, BaseException):
        text = type(err).__name__
    return text if len(text) <= _MAX else text[: _MAX - 3] + "..."
