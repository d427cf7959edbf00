"""Hive type strings, as Glue stores them in column definitions.

``normalize_type`` validates a type string and returns its canonical, lower-case spelling; it accepts
``bigint``, ``decimal(10,2)``, ``array<struct<a:int,b:string>>``, ``map<string,double>`` and so on.
"""

from __future__ import annotations

import re

from glue_magics.errors import InvalidInputError

PRIMITIVE_TYPES = frozenset(
    {
        "boolean",
        "tinyint",
        "smallint",
        "int",
        "integer",
        "bigint",
        "float",
        "double",
        "string",
        "binary",
        "date",
        "timestamp",
        "interval",
        "void",
    }
)
INTEGER_TYPES = frozenset({"tinyint", "smallint", "int", "integer", "bigint"})
BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1
#: Hive's limits: char(1..255), varchar(1..65535).
MAX_LENGTHS = {"char": 255, "varchar": 65535}
_INTEGER = re.compile(r"-?[0-9]+")
_TOKEN = re.compile(r"\s*(?:([a-z_][a-z0-9_]*|`[^`]+`)|([0-9]+)|([<>(),:]))")


class _TypeParser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[str] = []
        pos = 0
        stripped = text.strip().lower()
        while pos < len(stripped):
            m = _TOKEN.match(stripped, pos)
            if not m or m.end() == pos:
                raise self.error(f"unexpected {stripped[pos:]!r}")
            self.tokens.append(m.group(0).strip())
            pos = m.end()
        self.i = 0

    def error(self, reason: str) -> InvalidInputError:
        return InvalidInputError(f"invalid Hive type {self.text!r}: {reason}")

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        tok = self.peek()
        if tok is None or (expected is not None and tok != expected):
            raise self.error(f"expected {expected or 'more'}, got {tok or 'end of text'!r}")
        self.i += 1
        return tok

    def number(self) -> int:
        tok = self.take()
        if not tok.isdigit():
            raise self.error(f"expected a number, got {tok!r}")
        return int(tok)

    def parse(self) -> str:
        result = self.type_()
        if self.peek() is not None:
            raise self.error(f"unexpected {self.peek()!r} after {result!r}")
        return result

    def type_(self) -> str:
        name = self.take()
        if name in PRIMITIVE_TYPES:
            return "int" if name == "integer" else name
        if name == "decimal":
            if self.peek() != "(":
                return "decimal(10,0)"
            self.take("(")
            precision = self.number()
            scale = 0
            if self.peek() == ",":
                self.take(",")
                scale = self.number()
            self.take(")")
            if not 1 <= precision <= 38 or scale > precision:
                raise self.error("decimal precision must be 1-38 and scale at most the precision")
            return f"decimal({precision},{scale})"
        if name in ("char", "varchar"):
            self.take("(")
            length = self.number()
            self.take(")")
            if not 1 <= length <= MAX_LENGTHS[name]:
                raise self.error(f"{name} length must be 1-{MAX_LENGTHS[name]}")
            return f"{name}({length})"
        if name == "array":
            self.take("<")
            inner = self.type_()
            self.take(">")
            return f"array<{inner}>"
        if name == "map":
            self.take("<")
            key = self.type_()
            self.take(",")
            value = self.type_()
            self.take(">")
            return f"map<{key},{value}>"
        if name == "struct":
            self.take("<")
            fields = []
            while True:
                field = self.take()
                if field in "<>(),:":
                    raise self.error(f"expected a field name, got {field!r}")
                self.take(":")
                fields.append(f"{field}:{self.type_()}")
                if self.peek() != ",":
                    break
                self.take(",")
            self.take(">")
            return f"struct<{','.join(fields)}>"
        if name == "uniontype":
            self.take("<")
            members = [self.type_()]
            while self.peek() == ",":
                self.take(",")
                members.append(self.type_())
            self.take(">")
            return f"uniontype<{','.join(members)}>"
        raise self.error(f"unknown type {name!r}")


def normalize_type(type_string: str) -> str:
    """Validate a Hive type string and return it in canonical lower-case form."""
    if not isinstance(type_string, str) or not type_string.strip():
        raise InvalidInputError(f"invalid Hive type {type_string!r}: empty")
    return _TypeParser(type_string).parse()


def parse_bigint(text: str) -> int | None:
    """``text`` as an integer if it is an optional '-' and ASCII digits within the range of a bigint
    (what SQL can cast), else None. Python's int() also takes '1_000', ' 1' and non-ASCII digits."""
    if not isinstance(text, str) or not _INTEGER.fullmatch(text):
        return None
    number = int(text)
    return number if BIGINT_MIN <= number <= BIGINT_MAX else None


def base_type(type_string: str) -> str:
    """``decimal(10,2)`` -> ``decimal``; ``array<int>`` -> ``array``."""
    return re.split(r"[<(]", type_string, maxsplit=1)[0]
