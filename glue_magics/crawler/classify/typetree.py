"""Hive type strings as small trees, so types can be widened field by field.

A primitive is its type string (``"bigint"``, ``"decimal(10,2)"``); complex types are the dataclasses
below. ``void`` stands for "only nulls seen so far" while inferring and never reaches a catalog.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VOID = "void"


@dataclass(frozen=True)
class Array:
    element: HiveType


@dataclass(frozen=True)
class Map:
    key: HiveType
    value: HiveType


@dataclass(frozen=True)
class Struct:
    fields: tuple[tuple[str, HiveType], ...]


@dataclass(frozen=True)
class UnionType:
    members: tuple[HiveType, ...]


HiveType = str | Array | Map | Struct | UnionType

_TOKEN = re.compile(r"\s*(`[^`]*`|[A-Za-z_][A-Za-z0-9_]*|\d+|[<>(),:])")
_PLAIN_FIELD = re.compile(r"[a-z_][a-z0-9_]*")


class TypeSyntaxError(ValueError):
    pass


def parse(text: str) -> HiveType:
    """Parse a Hive type string (as ``normalize_type`` accepts it) into a tree."""
    tokens = _tokenize(text)
    pos, tree = _parse_type(tokens, 0, text)
    if pos != len(tokens):
        raise TypeSyntaxError(f"unexpected {tokens[pos]!r} in {text!r}")
    return tree


def render(tree: HiveType) -> str:
    if isinstance(tree, str):
        return tree
    if isinstance(tree, Array):
        return f"array<{render(tree.element)}>"
    if isinstance(tree, Map):
        return f"map<{render(tree.key)},{render(tree.value)}>"
    if isinstance(tree, Struct):
        return "struct<" + ",".join(f"{field_name(n)}:{render(t)}" for n, t in tree.fields) + ">"
    return "uniontype<" + ",".join(render(m) for m in tree.members) + ">"


def field_name(name: str) -> str:
    """A struct field name as it must appear inside a type string: backquoted unless plain."""
    if _PLAIN_FIELD.fullmatch(name):
        return name
    # A backquote cannot be escaped in Hive type strings.
    return "`" + name.replace("`", "_") + "`"


def replace_void(tree: HiveType, default: str = "string") -> HiveType:
    """Give never-typed (null-only) parts a concrete type: Hive has no usable void columns."""
    if isinstance(tree, str):
        return default if tree == VOID else tree
    if isinstance(tree, Array):
        return Array(replace_void(tree.element, default))
    if isinstance(tree, Map):
        return Map(replace_void(tree.key, default), replace_void(tree.value, default))
    if isinstance(tree, Struct):
        return Struct(tuple((n, replace_void(t, default)) for n, t in tree.fields))
    return UnionType(tuple(replace_void(m, default) for m in tree.members))


def _tokenize(text: str) -> list[str]:
    tokens = []
    pos = 0
    stripped = text.strip()
    while pos < len(stripped):
        m = _TOKEN.match(stripped, pos)
        if not m:
            raise TypeSyntaxError(f"unexpected {stripped[pos:]!r} in {text!r}")
        tokens.append(m.group(1))
        pos = m.end()
    return tokens


def _expect(tokens: list[str], pos: int, token: str, text: str) -> int:
    if pos >= len(tokens) or tokens[pos] != token:
        raise TypeSyntaxError(f"expected {token!r} in {text!r}")
    return pos + 1


def _parse_type(tokens: list[str], pos: int, text: str) -> tuple[int, HiveType]:
    if pos >= len(tokens):
        raise TypeSyntaxError(f"unexpected end of {text!r}")
    name = tokens[pos].lower()
    pos += 1
    if name == "array":
        pos, element = _parse_type(tokens, _expect(tokens, pos, "<", text), text)
        return _expect(tokens, pos, ">", text), Array(element)
    if name == "map":
        pos, key = _parse_type(tokens, _expect(tokens, pos, "<", text), text)
        pos, value = _parse_type(tokens, _expect(tokens, pos, ",", text), text)
        return _expect(tokens, pos, ">", text), Map(key, value)
    if name == "struct":
        pos = _expect(tokens, pos, "<", text)
        fields: list[tuple[str, HiveType]] = []
        while True:
            if pos >= len(tokens) or tokens[pos] in "<>(),:":
                raise TypeSyntaxError(f"expected a field name in {text!r}")
            field = tokens[pos].strip("`").lower()
            pos, ftype = _parse_type(tokens, _expect(tokens, pos + 1, ":", text), text)
            fields.append((field, ftype))
            if pos < len(tokens) and tokens[pos] == ",":
                pos += 1
                continue
            return _expect(tokens, pos, ">", text), Struct(tuple(fields))
    if name == "uniontype":
        pos = _expect(tokens, pos, "<", text)
        members: list[HiveType] = []
        while True:
            pos, member = _parse_type(tokens, pos, text)
            members.append(member)
            if pos < len(tokens) and tokens[pos] == ",":
                pos += 1
                continue
            return _expect(tokens, pos, ">", text), UnionType(tuple(members))
    if pos < len(tokens) and tokens[pos] == "(":
        # decimal(p,s), char(n), varchar(n)
        end = tokens.index(")", pos) if ")" in tokens[pos:] else -1
        if end < 0:
            raise TypeSyntaxError(f"unclosed '(' in {text!r}")
        return end + 1, name + "(" + "".join(tokens[pos + 1 : end]) + ")"
    if name == "integer":
        name = "int"
    if name == "decimal":
        name = "decimal(10,0)"
    return pos, name
