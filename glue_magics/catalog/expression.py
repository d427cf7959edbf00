r"""Glue's partition expression language, compiled to a SQL condition.

Supported, as in Glue's GetPartitions: ``=  <>  !=  >  <  >=  <=``, ``AND``, ``OR``, ``NOT``, parentheses,
``IN (...)``, ``BETWEEN x AND y``, ``LIKE`` (``%`` and ``_``), ``IS [NOT] NULL``. Keys are partition keys
(optionally in backticks); values are single-quoted strings (``''`` escapes a quote) or numbers.
Like Glue, keys of type string, char, varchar, date, timestamp and the integer types can be compared;
integer keys compare as numbers (values must fit a bigint), the others as strings (ISO dates sort
correctly as strings).

Both backends give the same answer:

* Strings compare by code point (byte order of UTF-8), whatever the server's collation: on PostgreSQL
  ``<``, ``>``, ``<=``, ``>=`` and ``BETWEEN`` use ``COLLATE "C"``, which is what SQLite does anyway.
  (``=``, ``<>`` and ``IN`` do not depend on the collation, and keep using the index.)
* ``LIKE`` is case-sensitive, as in Hive and Glue: ``name LIKE 'a%'`` does not match ``Apple``.
  ``%`` matches any run of characters and ``_`` any one character. As in Hive's ``LIKE``, a backslash
  right before ``%`` or ``_`` makes it literal (``'100\%'`` matches ``100%``, ``'a\_b'`` matches
  ``a_b``); any other backslash is an ordinary character (``'a\b'`` matches ``a\b``). There is no
  ``ESCAPE`` clause. In SQL this becomes ``LIKE ... ESCAPE '\'`` on PostgreSQL and ``GLOB`` on
  SQLite (whose ``LIKE`` ignores case).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Text, and_, cast, literal, not_, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement, Grouping
from sqlalchemy.sql.visitors import InternalTraversal

from glue_magics.catalog.objects import Column
from glue_magics.catalog.types import INTEGER_TYPES, base_type, parse_bigint
from glue_magics.errors import ExpressionError

_STRING_TYPES = frozenset({"string", "char", "varchar", "date", "timestamp"})
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'(?:[^']|'')*')
      | (?P<number>-?[0-9]+(?:\.[0-9]+)?)
      | (?P<op><>|!=|>=|<=|=|<|>)
      | (?P<punct>[(),])
      | (?P<word>`[^`]+`|[A-Za-z_][A-Za-z0-9_\-]*)
    )""",
    re.VERBOSE,
)
_KEYWORDS = frozenset({"and", "or", "not", "in", "between", "like", "is", "null"})


@dataclass(frozen=True)
class _Token:
    kind: str  # string | number | op | punct | word | keyword | end
    text: str
    pos: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m:
            snippet = text[pos:].strip()[:20]
            raise ExpressionError(f"cannot read partition expression at {snippet!r}")
        kind = m.lastgroup or ""
        value, start = m.group(kind), m.start(kind)
        if kind == "word" and value.lower() in _KEYWORDS:
            kind, value = "keyword", value.lower()
        tokens.append(_Token(kind, value, start))
        pos = m.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


ColumnFor = Callable[[int], ColumnElement[str | None]]


class _PerDialect(ColumnElement[Any]):
    """One SQL expression written two ways: ``sqlite`` for SQLite, ``other`` for every other dialect."""

    inherit_cache = True
    _traverse_internals = [
        ("other", InternalTraversal.dp_clauseelement),
        ("sqlite", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, other: ColumnElement[Any], sqlite: ColumnElement[Any]) -> None:
        self.other = other
        self.sqlite = sqlite
        self.type = other.type

    def self_group(self, against: Any = None) -> ColumnElement[Any]:
        return Grouping(self) if against is not None else self

    def _negate(self) -> ColumnElement[Any]:
        return _PerDialect(not_(self.other), not_(self.sqlite))


@compiles(_PerDialect)
def _compile_other(element: _PerDialect, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.other, **kw)


@compiles(_PerDialect, "sqlite")
def _compile_sqlite(element: _PerDialect, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.sqlite, **kw)


def _code_point_order(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """``column`` compared by code point: SQLite's BINARY collation does that; PostgreSQL's default
    collation may not (en_US sorts ``a < B``), so there it is ``COLLATE "C"``. Compare it with
    ``_text()`` values: SQLAlchemy would repeat the COLLATE after each bound value, which PostgreSQL
    does not take in ``BETWEEN x COLLATE "C" AND ...``."""
    return _PerDialect(column.collate("C"), column)


def _text(value: object) -> ColumnElement[Any]:
    return literal(value, Text())


def _like_parts(pattern: str) -> list[str]:
    """A Glue/Hive LIKE pattern as a list of ``%``, ``_`` and one-character literals (``\\%``, ``\\_``
    become the literal characters)."""
    parts: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and pattern[i + 1 : i + 2] in ("%", "_"):
            parts.append("\\" + pattern[i + 1])
            i += 2
            continue
        parts.append(char)
        i += 1
    return parts


def _like(column: ColumnElement[Any], pattern: str) -> ColumnElement[bool]:
    """Case-sensitive LIKE with Hive's escapes: ``LIKE ... ESCAPE '\\'`` (PostgreSQL), ``GLOB`` (SQLite)."""
    like, glob = [], []
    for part in _like_parts(pattern):
        if part == "%":
            like.append("%")
            glob.append("*")
        elif part == "_":
            like.append("_")
            glob.append("?")
        else:
            char = part[-1]
            like.append("\\" + char if char in "%_\\" else char)
            glob.append(f"[{char}]" if char in "*?[" else char)
    return _PerDialect(
        column.like("".join(like), escape="\\"),
        column.op("GLOB", is_comparison=True)("".join(glob)),
    )


class _Compiler:
    def __init__(self, text: str, keys: Sequence[Column], column_for: ColumnFor) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0
        self.keys = {k.name.lower(): (i, k) for i, k in enumerate(keys)}
        self.column_for = column_for

    # -- token helpers
    def peek(self) -> _Token:
        return self.tokens[self.i]

    def next(self) -> _Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def accept(self, kind: str, text: str | None = None) -> bool:
        tok = self.peek()
        if tok.kind == kind and (text is None or tok.text == text):
            self.i += 1
            return True
        return False

    def expect(self, kind: str, text: str | None = None) -> _Token:
        tok = self.peek()
        if tok.kind != kind or (text is not None and tok.text != text):
            wanted = text or kind
            got = tok.text or "end of expression"
            raise ExpressionError(f"expected {wanted!r} but found {got!r} in {self.text!r}")
        return self.next()

    # -- grammar
    def compile(self) -> ColumnElement[bool]:
        if self.peek().kind == "end":
            raise ExpressionError("partition expression is empty")
        result = self.or_()
        if self.peek().kind != "end":
            raise ExpressionError(f"unexpected {self.peek().text!r} in {self.text!r}")
        return result

    def or_(self) -> ColumnElement[bool]:
        parts = [self.and_()]
        while self.accept("keyword", "or"):
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else or_(*parts)

    def and_(self) -> ColumnElement[bool]:
        parts = [self.not_()]
        while self.accept("keyword", "and"):
            parts.append(self.not_())
        return parts[0] if len(parts) == 1 else and_(*parts)

    def not_(self) -> ColumnElement[bool]:
        if self.accept("keyword", "not"):
            return not_(self.not_())
        if self.accept("punct", "("):
            inner = self.or_()
            self.expect("punct", ")")
            return inner
        return self.predicate()

    def predicate(self) -> ColumnElement[bool]:
        key_tok = self.expect("word")
        index, key = self._key(key_tok.text)
        column = self.column_for(index)
        numeric = base_type(key.type) in INTEGER_TYPES
        target = cast(column, BigInteger) if numeric else column
        # Equality does not depend on the collation (and can use the index); order does.
        ordered = target if numeric else _code_point_order(column)

        tok = self.peek()
        if tok.kind == "op":
            self.next()
            value = self.literal(key, numeric)
            op = "<>" if tok.text == "!=" else tok.text
            if op in ("=", "<>"):
                return self._eq(target, op, value)
            return ordered.op(op, is_comparison=True)(value if numeric else _text(value))
        if self.accept("keyword", "is"):
            negate = self.accept("keyword", "not")
            self.expect("keyword", "null")
            return column.is_not(None) if negate else column.is_(None)
        negate = self.accept("keyword", "not")
        cond: ColumnElement[bool]
        if self.accept("keyword", "in"):
            self.expect("punct", "(")
            values = [self.literal(key, numeric)]
            while self.accept("punct", ","):
                values.append(self.literal(key, numeric))
            self.expect("punct", ")")
            cond = target.in_(values)
        elif self.accept("keyword", "between"):
            low = self.literal(key, numeric)
            self.expect("keyword", "and")
            high = self.literal(key, numeric)
            if not numeric:
                low, high = _text(low), _text(high)
            cond = ordered.between(low, high)
        elif self.accept("keyword", "like"):
            pattern = self.expect("string")
            cond = _like(column, _unquote(pattern.text))
        else:
            got = self.peek().text or "end of expression"
            raise ExpressionError(
                f"expected an operator after {key.name!r} but found {got!r} in {self.text!r}"
            )
        return not_(cond) if negate else cond

    @staticmethod
    def _eq(target: ColumnElement[Any], op: str, value: object) -> ColumnElement[bool]:
        return target == value if op == "=" else target != value

    def _key(self, word: str) -> tuple[int, Column]:
        name = word.strip("`").lower()
        if name not in self.keys:
            known = ", ".join(self.keys) or "none"
            raise ExpressionError(f"{word!r} is not a partition key (partition keys: {known})")
        index, key = self.keys[name]
        kind = base_type(key.type)
        if kind not in _STRING_TYPES and kind not in INTEGER_TYPES:
            raise ExpressionError(
                f"partition key {key.name!r} has type {key.type}; expressions support string, "
                "date, timestamp and integer keys"
            )
        return index, key

    def literal(self, key: Column, numeric: bool) -> object:
        tok = self.next()
        if tok.kind == "string":
            text = _unquote(tok.text)
        elif tok.kind == "number":
            text = tok.text
        else:
            got = tok.text or "end of expression"
            raise ExpressionError(f"expected a value for {key.name!r} but found {got!r}")
        if not numeric:
            return text
        number = parse_bigint(text)
        if number is None:
            raise ExpressionError(
                f"partition key {key.name!r} is {key.type}; {text!r} is not an integer "
                "(digits 0-9 with an optional '-', within the range of a bigint)"
            )
        return number


def _unquote(token: str) -> str:
    return token[1:-1].replace("''", "'")


def compile_expression(
    text: str, keys: Sequence[Column], column_for: ColumnFor
) -> ColumnElement[bool]:
    """Compile a partition expression over ``keys`` into a SQL condition.

    ``column_for(i)`` returns the SQL column that holds the i-th partition value.
    Raises ExpressionError (one line) for anything malformed or an unknown key.
    """
    if not isinstance(text, str):
        raise ExpressionError("partition expression must be a string")
    return _Compiler(text, keys, column_for).compile()
