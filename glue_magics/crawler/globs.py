"""Glob patterns (Glue's exclude patterns) compiled to regular expressions."""

from __future__ import annotations

import re

from glue_magics.errors import InvalidInputError


def glob_regex(pattern: str, *, ignore_case: bool = False) -> re.Pattern[str]:
    """A glob as a regex: ``*`` and ``?`` within one folder, ``**`` across folders (``**/`` also
    matches no folder), ``[abc]`` / ``[!abc]``, ``{a,b}`` alternatives, ``\\`` escapes."""
    body, rest = _glob(pattern, 0, in_braces=False)
    if rest != len(pattern):
        raise InvalidInputError(f"invalid exclude pattern {pattern!r}: unmatched '}}'")
    return re.compile(body, (re.IGNORECASE if ignore_case else 0) | re.DOTALL)


def _glob(pattern: str, i: int, *, in_braces: bool) -> tuple[str, int]:
    out: list[str] = []
    while i < len(pattern):
        ch = pattern[i]
        if in_braces and ch in ",}":
            break
        if ch == "*":
            if pattern.startswith("**/", i):
                out.append("(?:.*/)?")
                i += 3
                continue
            if pattern.startswith("**", i):
                out.append(".*")
                i += 2
                continue
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "\\":
            i += 1
            out.append(re.escape(pattern[i] if i < len(pattern) else "\\"))
        elif ch == "[":
            end = pattern.find("]", i + 2)
            if end < 0:
                raise InvalidInputError(f"invalid exclude pattern {pattern!r}: unclosed '['")
            members = pattern[i + 1 : end]
            negate = members.startswith("!")
            members = members[1:] if negate else members
            out.append(f"[{'^' if negate else ''}{re.escape(members)}]")
            i = end
        elif ch == "{":
            alternatives = []
            i += 1
            while True:
                alt, i = _glob(pattern, i, in_braces=True)
                alternatives.append(alt)
                if i >= len(pattern):
                    raise InvalidInputError(f"invalid exclude pattern {pattern!r}: unclosed '{{'")
                if pattern[i] == "}":
                    break
                i += 1  # past ','
            out.append(f"(?:{'|'.join(alternatives)})")
        elif ch == "}" and not in_braces:
            return "".join(out), i
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out), i
