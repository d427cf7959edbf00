"""DQDL, Glue's Data Quality Definition Language: a tokenizer, a recursive-descent parser and the
semantic checks of Glue's own parser (rule types, parameter counts, where / threshold support,
condition families). Written from the public language description (glue.md §5.1-5.3).

``parse(text)`` returns a :class:`Ruleset` or raises :class:`DQDLError` listing every problem with
its line and column; a ruleset with any error is never evaluated.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, time

from glue_magics.errors import InvalidInputError
from glue_magics.quality.catalogue import (
    DATA_SOURCE_KEYS,
    DATA_TYPES,
    DATE,
    DURATION,
    FUNCTIONS,
    METADATA_KEYS,
    NUMBER,
    RULE_TYPES,
    SIZE,
    STRING,
    RuleType,
)

# -- errors


@dataclass(frozen=True)
class Issue:
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


class DQDLError(InvalidInputError):
    """A ruleset that does not parse or does not pass the semantic checks; ``.issues`` has them all."""

    def __init__(self, issues: list[Issue], source: str | None = None) -> None:
        self.issues = sorted(issues, key=lambda i: (i.line, i.column))
        self.source = source
        first = self.issues[0]
        more = f" (and {len(self.issues) - 1} more)" if len(self.issues) > 1 else ""
        where = f"{source}: " if source else ""
        super().__init__(f"invalid DQDL: {where}{first}{more}")

    def lines(self) -> list[str]:
        """Compiler-style lines, ``FILE:LINE:COLUMN: message``."""
        prefix = f"{self.source}:" if self.source else ""
        return [f"{prefix}{i.line}:{i.column}: {i.message}" for i in self.issues]


class _Abort(Exception):
    """A syntax error: parsing stops (semantic errors are collected and parsing goes on)."""


# -- tokens


@dataclass(frozen=True)
class Token:
    kind: str  # STR NUM IDENT VAR OP EOF
    text: str
    value: object
    line: int
    column: int
    start: int
    end: int


_PUNCT = (
    "!=",
    ">=",
    "<=",
    "->",
    "[",
    "]",
    "(",
    ")",
    "{",
    "}",
    ",",
    "=",
    ">",
    "<",
    "+",
    "-",
    "*",
    "/",
    ":",
)
_IDENT = re.compile(r"[A-Za-z0-9_.]+")
_NUMBER = re.compile(r"\d+(\.\d+)?([eE][+-]?\d+)?$|\.\d+$")
_SPACE = re.compile(r"[ \t\r\f\v]+")


def tokenize(text: str) -> Iterator[Token]:
    pos, line, line_start = 0, 1, 0
    n = len(text)
    while pos < n:
        ch = text[pos]
        if ch == "\n":
            pos, line, line_start = pos + 1, line + 1, pos + 1
            continue
        m = _SPACE.match(text, pos)
        if m:
            pos = m.end()
            continue
        col = pos - line_start + 1
        if ch == "#":
            end = text.find("\n", pos)
            pos = n if end < 0 else end
            continue
        if ch == '"':
            value, end = _string(text, pos, line, col)
            yield Token("STR", text[pos:end], value, line, col, pos, end)
            pos = end
            continue
        if ch == "$":
            m = _IDENT.match(text, pos + 1)
            if not m:
                raise _lex_error(line, col, "'$' must be followed by a variable name")
            yield Token("VAR", text[pos : m.end()], m.group(), line, col, pos, m.end())
            pos = m.end()
            continue
        m = _IDENT.match(text, pos)
        if m:
            word = m.group()
            if _NUMBER.match(word):
                yield Token("NUM", word, float(word), line, col, pos, m.end())
            else:
                yield Token("IDENT", word, word, line, col, pos, m.end())
            pos = m.end()
            continue
        for p in _PUNCT:
            if text.startswith(p, pos):
                yield Token("OP", p, p, line, col, pos, pos + len(p))
                pos += len(p)
                break
        else:
            raise _lex_error(line, col, f"unexpected character {ch!r}")
    yield Token("EOF", "", None, line, pos - line_start + 1, n, n)


def _string(text: str, pos: int, line: int, col: int) -> tuple[str, int]:
    out = []
    i = pos + 1
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append({"n": "\n", "t": "\t"}.get(nxt, nxt))
            i += 2
            continue
        if ch == '"':
            return "".join(out), i + 1
        if ch == "\n":
            break
        out.append(ch)
        i += 1
    raise _lex_error(line, col, 'unterminated string: a closing " is missing')


class _LexError(Exception):
    def __init__(self, issue: Issue) -> None:
        self.issue = issue


def _lex_error(line: int, col: int, message: str) -> _LexError:
    return _LexError(Issue(line, col, message))


# -- the syntax tree


@dataclass(frozen=True)
class Pos:
    line: int
    column: int


@dataclass(frozen=True)
class Num:
    value: float


@dataclass(frozen=True)
class NullValue:
    """NULL in a number or date position."""


@dataclass(frozen=True)
class BinOp:
    op: str
    left: NumExpr
    right: NumExpr


@dataclass(frozen=True)
class Neg:
    operand: NumExpr


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[NumExpr, ...]


NumExpr = Num | NullValue | BinOp | Neg | Call


@dataclass(frozen=True)
class Str:
    value: str


@dataclass(frozen=True)
class Keyword:
    name: str  # NULL | EMPTY | WHITESPACES_ONLY


@dataclass(frozen=True)
class Now:
    """``now()`` shifted by ``offset`` seconds: ``(now() - 3 days)``."""

    offset: float = 0.0


@dataclass(frozen=True)
class Duration:
    seconds: float
    text: str


@dataclass(frozen=True)
class Size:
    bytes: float
    text: str


Operand = Num | NullValue | BinOp | Neg | Call | Str | Keyword | Now | Duration | Size

_DURATION_UNITS = {
    "day": 86400.0,
    "days": 86400.0,
    "hour": 3600.0,
    "hours": 3600.0,
    "minute": 60.0,
    "minutes": 60.0,
}
_SIZE_UNITS = {"B": 1.0, "KB": 1024.0, "MB": 1024.0**2, "GB": 1024.0**3, "TB": 1024.0**4}
_KEYWORDS = {"NULL", "EMPTY", "WHITESPACES_ONLY"}
_COMPARISONS = (">", ">=", "<", "<=", "=", "!=")


@dataclass(frozen=True)
class Condition:
    """``op`` is one of between, not between, >, >=, <, <=, =, !=, in, not in, matches,
    not matches; ``family`` is number, string, date, duration, size, or any (only NULL / EMPTY /
    WHITESPACES_ONLY keywords)."""

    op: str
    operands: tuple[Operand, ...]
    family: str
    text: str
    pos: Pos

    @property
    def dynamic(self) -> bool:
        return any(_calls(o) for o in self.operands)


def _calls(expr: Operand) -> bool:
    if isinstance(expr, Call):
        return True
    if isinstance(expr, BinOp):
        return _calls(expr.left) or _calls(expr.right)
    if isinstance(expr, Neg):
        return _calls(expr.operand)
    return False


@dataclass(frozen=True)
class Rule:
    type: str
    params: tuple[str, ...]
    condition: Condition | None
    where: str | None
    threshold: Condition | None
    tags: tuple[tuple[str, Condition], ...]
    labels: tuple[tuple[str, str], ...]
    text: str
    pos: Pos

    @property
    def spec(self) -> RuleType:
        return RULE_TYPES[self.type]

    def tag(self, name: str) -> Condition | None:
        return next((c for n, c in self.tags if n == name), None)


@dataclass(frozen=True)
class Composite:
    op: str  # and | or
    left: Node
    right: Node
    text: str
    pos: Pos
    labels: tuple[tuple[str, str], ...] = ()


Node = Rule | Composite


def leaves(node: Node) -> Iterator[Rule]:
    if isinstance(node, Rule):
        yield node
    else:
        yield from leaves(node.left)
        yield from leaves(node.right)


@dataclass
class Ruleset:
    text: str
    rules: list[Node] = field(default_factory=list)
    analyzers: list[Rule] = field(default_factory=list)
    metadata: dict[str, object] = field(default_factory=dict)
    data_sources: dict[str, object] = field(default_factory=dict)
    variables: dict[str, str | list[str]] = field(default_factory=dict)
    default_labels: tuple[tuple[str, str], ...] = ()

    def all_rules(self) -> Iterator[Rule]:
        for node in self.rules:
            yield from leaves(node)
        yield from self.analyzers

    def reference_aliases(self) -> list[str]:
        """Aliases of additional data sources the rules use (RowCountMatch "reference" ...)."""
        found: list[str] = []
        for rule in self.all_rules():
            for alias in reference_aliases(rule):
                if alias not in found:
                    found.append(alias)
        return found


def reference_aliases(rule: Rule) -> list[str]:
    if rule.type in ("RowCountMatch", "DatasetMatch", "SchemaMatch"):
        return [rule.params[0]]
    if rule.type == "ReferentialIntegrity":
        alias, _ = split_reference_columns(rule.params[1])
        return [alias]
    if rule.type == "AggregateMatch":
        out = []
        for expr in rule.params:
            parsed = parse_aggregate(expr)
            if parsed and parsed[1]:
                out.append(parsed[1])
        return out
    return []


_AGGREGATE = re.compile(r"^\s*(sum|avg)\s*\(\s*(?:([A-Za-z0-9_]+)\.)?([^()]+?)\s*\)\s*$", re.I)


def parse_aggregate(expr: str) -> tuple[str, str | None, str] | None:
    """``"sum(reference.amount)"`` -> ("sum", "reference", "amount")."""
    m = _AGGREGATE.match(expr)
    if not m:
        return None
    return m.group(1).lower(), m.group(2), m.group(3).strip()


def split_reference_columns(param: str) -> tuple[str, list[str]]:
    """``"reference.{a,b}"`` or ``"reference.a"`` -> ("reference", ["a", "b"])."""
    alias, _, rest = param.partition(".")
    rest = rest.strip()
    if rest.startswith("{") and rest.endswith("}"):
        rest = rest[1:-1]
    return alias.strip(), [c.strip() for c in rest.split(",") if c.strip()]


def split_columns(param: str) -> list[str]:
    return [c.strip() for c in param.split(",") if c.strip()]


def column_mappings(param: str) -> list[tuple[str, str]]:
    """``"ID1->ID11,ID2"`` -> [("ID1", "ID11"), ("ID2", "ID2")]."""
    pairs = []
    for part in split_columns(param):
        left, arrow, right = part.partition("->")
        pairs.append((left.strip(), (right if arrow else left).strip()))
    return pairs


# -- dates


_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")
_TIME_FORMATS = ("%I:%M %p", "%I:%M%p", "%H:%M", "%H:%M:%S")


def parse_date(text: str) -> datetime | time | None:
    """A DQDL date literal: ``"2024-01-31"``, ``"2024-01-31 10:00:00"``, or a time of day
    (``"9:30 AM"``, ``"21:45"``)."""
    value = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            pass
    for fmt in _TIME_FORMATS:
        try:
            return datetime.strptime(value.upper(), fmt).time()
        except ValueError:
            pass
    return None


# -- the parser


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = list(tokenize(text))
        self.i = 0
        self.issues: list[Issue] = []
        self.variables: dict[str, str | list[str]] = {}

    # token helpers
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def peek(self, k: int = 1) -> Token:
        return self.tokens[min(self.i + k, len(self.tokens) - 1)]

    def advance(self) -> Token:
        tok = self.tokens[self.i]
        if tok.kind != "EOF":
            self.i += 1
        return tok

    def is_op(self, text: str, tok: Token | None = None) -> bool:
        tok = tok or self.tok
        return tok.kind == "OP" and tok.text == text

    def is_word(self, *words: str, tok: Token | None = None, case: bool = False) -> bool:
        tok = tok or self.tok
        if tok.kind != "IDENT":
            return False
        text = tok.text if case else tok.text.lower()
        return text in (words if case else [w.lower() for w in words])

    def expect_op(self, text: str, what: str) -> Token:
        if not self.is_op(text):
            self.fail(self.tok, f"expected {what} ({text!r}), found {describe(self.tok)}")
        return self.advance()

    def fail(self, tok: Token, message: str) -> None:
        self.issues.append(Issue(tok.line, tok.column, message))
        raise _Abort

    def error(self, pos: Pos | Token, message: str) -> None:
        self.issues.append(Issue(pos.line, pos.column, message))

    def source(self, start: Token, end_exclusive: int | None = None) -> str:
        end_tok = self.tokens[(end_exclusive if end_exclusive is not None else self.i) - 1]
        return " ".join(self.text[start.start : end_tok.end].split())

    # document
    def document(self) -> Ruleset:
        ruleset = Ruleset(self.text)
        seen: set[str] = set()
        while self.tok.kind != "EOF":
            tok = self.tok
            if tok.kind != "IDENT" or not self.is_op("=", self.peek()):
                self.fail(
                    tok,
                    f"expected a section (Rules = [...], Analyzers = [...], Metadata = {{...}}) "
                    f"or a variable (name = ...), found {describe(tok)}",
                )
            name = tok.text
            if name in seen and name in (
                "Rules",
                "Analyzers",
                "Metadata",
                "DataSources",
                "DefaultLabels",
            ):
                self.error(tok, f"{name} is defined twice")
            seen.add(name)
            self.advance()
            self.advance()  # '='
            if name == "Rules":
                ruleset.rules = self.rule_list(tok)
            elif name == "Analyzers":
                ruleset.analyzers = self.analyzer_list(tok)
            elif name == "Metadata":
                ruleset.metadata = self.dictionary(tok, METADATA_KEYS, "Metadata")
            elif name == "DataSources":
                ruleset.data_sources = self.dictionary(tok, DATA_SOURCE_KEYS, "DataSources")
            elif name == "DefaultLabels":
                ruleset.default_labels = self.label_list()
            else:
                self.variable(tok)
        ruleset.variables = dict(self.variables)
        if "Rules" not in seen and "Analyzers" not in seen:
            self.error(self.tok, "the ruleset has no Rules = [...] (nor Analyzers = [...])")
        elif not ruleset.rules and not ruleset.analyzers:
            self.error(self.tok, "the ruleset is empty: Rules = [ ] needs at least one rule")
        return ruleset

    def variable(self, name_tok: Token) -> None:
        if name_tok.text in self.variables:
            self.error(name_tok, f"variable {name_tok.text!r} is defined twice")
        if self.tok.kind == "STR":
            self.variables[name_tok.text] = str(self.advance().value)
            return
        if self.is_op("["):
            self.advance()
            values = [self.string_value("a quoted string")]
            while self.is_op(","):
                self.advance()
                values.append(self.string_value("a quoted string"))
            self.expect_op("]", "the end of the list")
            self.variables[name_tok.text] = values
            return
        self.fail(
            self.tok, f"a variable is a quoted string or a list of them, found {describe(self.tok)}"
        )

    def string_value(self, what: str) -> str:
        if self.tok.kind != "STR":
            self.fail(self.tok, f"expected {what}, found {describe(self.tok)}")
        return str(self.advance().value)

    def dictionary(self, section: Token, keys: frozenset[str], name: str) -> dict[str, object]:
        self.expect_op("{", f"a dictionary after {name} =")
        out: dict[str, object] = {}
        while not self.is_op("}"):
            key_tok = self.tok
            key = self.string_value("a quoted key")
            if key not in keys:
                self.error(
                    key_tok,
                    f"unknown {name} key {key!r}: use {', '.join(repr(k) for k in sorted(keys))}",
                )
            self.expect_op(":", "':' after the key")
            if self.is_op("["):
                self.advance()
                items = [self.string_value("a quoted string")]
                while self.is_op(","):
                    self.advance()
                    items.append(self.string_value("a quoted string"))
                self.expect_op("]", "the end of the list")
                out[key] = items
            else:
                out[key] = self.string_value("a quoted string or a list")
            if not self.is_op(","):
                break
            self.advance()
        self.expect_op("}", "the end of the dictionary")
        return out

    def label_list(self) -> tuple[tuple[str, str], ...]:
        self.expect_op("[", "a list of labels")
        labels: list[tuple[str, str]] = []
        while not self.is_op("]"):
            key = self.string_value('a label, "key" = "value"')
            if not (self.is_op("=") or self.is_op(":")):
                self.fail(self.tok, f"expected '=' in a label, found {describe(self.tok)}")
            self.advance()
            labels.append((key, self.string_value("a quoted label value")))
            if not self.is_op(","):
                break
            self.advance()
        self.expect_op("]", "the end of the labels")
        return tuple(labels)

    # rules
    def rule_list(self, section: Token) -> list[Node]:
        self.expect_op("[", "'[' after Rules =")
        nodes: list[Node] = []
        if self.is_op("]"):
            self.advance()
            return nodes
        nodes.append(self.top_level_rule())
        while self.is_op(","):
            self.advance()
            nodes.append(self.top_level_rule())
        if not self.is_op("]"):
            self.fail(
                self.tok,
                f"expected ',' or ']' after a rule, found {describe(self.tok)}"
                + (" (is a closing parenthesis missing?)" if self.is_op(")") else ""),
            )
        self.advance()
        return nodes

    def analyzer_list(self, section: Token) -> list[Rule]:
        self.expect_op("[", "'[' after Analyzers =")
        analyzers: list[Rule] = []
        if self.is_op("]"):
            self.advance()
            return analyzers
        while True:
            rule = self.dq_rule(analyzer=True)
            analyzers.append(rule)
            if not self.is_op(","):
                break
            self.advance()
        self.expect_op("]", "',' or ']' after an analyzer")
        return analyzers

    def top_level_rule(self) -> Node:
        return self.or_rule()

    def or_rule(self) -> Node:
        start = self.tok
        left = self.and_rule()
        while self.is_word("or"):
            self.advance()
            right = self.and_rule()
            left = Composite("or", left, right, self.source(start), Pos(start.line, start.column))
        return left

    def and_rule(self) -> Node:
        start = self.tok
        left = self.atom_rule()
        while self.is_word("and"):
            self.advance()
            right = self.atom_rule()
            left = Composite("and", left, right, self.source(start), Pos(start.line, start.column))
        return left

    def atom_rule(self) -> Node:
        if self.is_op("("):
            open_tok = self.advance()
            inner = self.or_rule()
            if not self.is_op(")"):
                self.fail(
                    self.tok,
                    f"expected ')' to close the '(' at line {open_tok.line}, column "
                    f"{open_tok.column}, found {describe(self.tok)}",
                )
            self.advance()
            if self.is_word("labels"):
                labels = self.rule_labels()
                if isinstance(inner, Composite):
                    inner = Composite(
                        inner.op, inner.left, inner.right, inner.text, inner.pos, labels
                    )
            return inner
        return self.dq_rule()

    def dq_rule(self, analyzer: bool = False) -> Rule:
        start = self.tok
        if start.kind != "IDENT":
            self.fail(start, f"expected a rule type, found {describe(start)}")
        self.advance()
        name = start.text
        params: list[str] = []
        while True:
            tok = self.tok
            if self.is_word("of", "and") and self._is_param(self.peek()):
                self.advance()
                tok = self.tok
            if not self._is_param(tok):
                break
            params.append(self.param_value())
        condition = None
        if self._starts_condition():
            condition = self.condition()
        where: str | None = None
        where_tok: Token | None = None
        threshold: Condition | None = None
        tags: list[tuple[str, Condition]] = []
        labels: tuple[tuple[str, str], ...] = ()
        while True:
            if self.is_word("where"):
                where_tok = self.advance()
                if self.tok.kind != "STR":
                    self.fail(
                        self.tok,
                        f"expected a quoted predicate after where, found {describe(self.tok)}",
                    )
                where = str(self.advance().value)
                if not where.strip():
                    self.error(where_tok, "the where clause is empty")
            elif self.is_word("with"):
                with_tok = self.advance()
                if self.tok.kind != "IDENT":
                    self.fail(
                        self.tok,
                        f"expected a name after with (with threshold > 0.9), found {describe(self.tok)}",
                    )
                tag_tok = self.advance()
                if not self._starts_condition():
                    self.fail(
                        self.tok,
                        f"expected a condition after with {tag_tok.text}, found {describe(self.tok)}",
                    )
                cond = self.condition()
                if tag_tok.text == "threshold":
                    threshold = cond
                else:
                    tags.append((tag_tok.text, cond))
                    known = RULE_TYPES.get(name)
                    if known is not None and tag_tok.text not in known.tags:
                        self.error(tag_tok, f"{name} does not support with {tag_tok.text}")
                _ = with_tok
            elif self.is_word("labels"):
                labels = self.rule_labels()
            else:
                break
        rule = Rule(
            type=name,
            params=tuple(params),
            condition=condition,
            where=where,
            threshold=threshold,
            tags=tuple(tags),
            labels=labels,
            text=self.source(start),
            pos=Pos(start.line, start.column),
        )
        self.check_rule(rule, start, where_tok, analyzer)
        return rule

    def rule_labels(self) -> tuple[tuple[str, str], ...]:
        self.advance()
        self.expect_op("=", "'=' after labels")
        return self.label_list()

    def _is_param(self, tok: Token) -> bool:
        if tok.kind in ("STR", "VAR"):
            return True
        return tok.kind == "IDENT" and tok.text.lower() not in _RESERVED

    def param_value(self) -> str:
        tok = self.advance()
        if tok.kind == "VAR":
            value = self.variables.get(str(tok.value))
            if value is None:
                self.error(tok, f"undefined variable ${tok.value}")
                return ""
            if isinstance(value, list):
                self.error(tok, f"${tok.value} is a list; a rule parameter must be a string")
                return ""
            return value
        return str(tok.value)

    def _starts_condition(self) -> bool:
        tok = self.tok
        if tok.kind == "OP" and tok.text in _COMPARISONS:
            return True
        if self.is_word("between", "in", "matches"):
            return True
        return self.is_word("not") and self.is_word("between", "in", "matches", tok=self.peek())

    # conditions
    def condition(self) -> Condition:
        start = self.tok
        negate = False
        if self.is_word("not"):
            self.advance()
            negate = True
        tok = self.advance()
        operands: list[Operand]
        if tok.kind == "IDENT" and tok.text.lower() == "between":
            low = self.operand()
            if not self.is_word("and"):
                self.fail(
                    self.tok, f"expected 'and' in between ... and ..., found {describe(self.tok)}"
                )
            self.advance()
            high = self.operand()
            op, operands = "between", [low, high]
        elif tok.kind == "IDENT" and tok.text.lower() == "in":
            op, operands = "in", self.operand_list()
        elif tok.kind == "IDENT" and tok.text.lower() == "matches":
            if self.tok.kind == "VAR":
                value = self.variables.get(str(self.tok.value))
                if not isinstance(value, str):
                    self.error(self.tok, f"${self.tok.value} is not a string variable")
                self.advance()
                operands = [Str(value if isinstance(value, str) else "")]
            else:
                operands = [Str(self.string_value("a quoted regular expression"))]
            op = "matches"
        else:
            op = tok.text
            if negate:
                self.fail(tok, f"'not' goes before between, in or matches, not before {tok.text!r}")
            operands = [self.operand()]
        if negate:
            op = "not " + op
        pos = Pos(start.line, start.column)
        text = self.source(start)
        family = self.family(operands, start)
        cond = Condition(op, tuple(operands), family, text, pos)
        self.check_condition(cond, start)
        return cond

    def operand_list(self) -> list[Operand]:
        if self.tok.kind == "VAR":
            tok = self.advance()
            value = self.variables.get(str(tok.value))
            if value is None:
                self.error(tok, f"undefined variable ${tok.value}")
                return [Str("")]
            return [Str(v) for v in ([value] if isinstance(value, str) else value)]
        self.expect_op("[", "'[' to start a list")
        items = [self.operand()]
        while self.is_op(","):
            self.advance()
            items.append(self.operand())
        self.expect_op("]", "',' or ']' in the list")
        return items

    def operand(self) -> Operand:
        tok = self.tok
        if tok.kind == "STR":
            self.advance()
            return Str(str(tok.value))
        if tok.kind == "VAR":
            self.advance()
            value = self.variables.get(str(tok.value))
            if value is None:
                self.error(tok, f"undefined variable ${tok.value}")
                return Str("")
            if isinstance(value, list):
                self.error(tok, f"${tok.value} is a list; use it with in: in ${tok.value}")
                return Str("")
            return Str(value)
        if tok.kind == "IDENT" and tok.text.upper() in _KEYWORDS:
            self.advance()
            return Keyword(tok.text.upper())
        if self._is_now(0):
            return self.date_expression(parenthesized=False)
        if self.is_op("(") and self._is_now(1):
            self.advance()
            expr = self.date_expression(parenthesized=True)
            self.expect_op(")", "')' after the date expression")
            return expr
        if tok.kind == "NUM" and self.peek().kind == "IDENT":
            unit = self.peek().text
            if unit.lower() in _DURATION_UNITS:
                self.advance()
                self.advance()
                return Duration(
                    float(tok.text) * _DURATION_UNITS[unit.lower()], f"{tok.text} {unit}"
                )
            if unit.upper() in _SIZE_UNITS:
                self.advance()
                self.advance()
                return Size(float(tok.text) * _SIZE_UNITS[unit.upper()], f"{tok.text} {unit}")
        return self.number_expression()

    def _is_now(self, k: int) -> bool:
        """Is the token ``k`` ahead ``now`` followed by ``(``?"""
        tok = self.peek(k)
        return (
            tok.kind == "IDENT" and tok.text.lower() == "now" and self.is_op("(", self.peek(k + 1))
        )

    def date_expression(self, parenthesized: bool) -> Now:
        self.advance()  # now
        self.expect_op("(", "'(' after now")
        self.expect_op(")", "')' after now(")
        if self.is_op("+") or self.is_op("-"):
            sign = 1.0 if self.advance().text == "+" else -1.0
            amount = self.tok
            if amount.kind != "NUM":
                self.fail(
                    amount, f"expected a number of days, hours or minutes, found {describe(amount)}"
                )
            self.advance()
            unit = self.tok
            if unit.kind != "IDENT" or unit.text.lower() not in _DURATION_UNITS:
                self.fail(unit, f"expected days, hours or minutes, found {describe(unit)}")
            self.advance()
            return Now(sign * float(amount.text) * _DURATION_UNITS[unit.text.lower()])
        return Now(0.0)

    def number_expression(self) -> NumExpr:
        left = self.term()
        while self.is_op("+") or self.is_op("-"):
            op = self.advance().text
            left = BinOp(op, left, self.term())
        return left

    def term(self) -> NumExpr:
        left = self.unary()
        while self.is_op("*") or self.is_op("/"):
            op = self.advance().text
            left = BinOp(op, left, self.unary())
        return left

    def unary(self) -> NumExpr:
        if self.is_op("-"):
            self.advance()
            inner = self.unary()
            return Num(-inner.value) if isinstance(inner, Num) else Neg(inner)
        return self.atom()

    def atom(self) -> NumExpr:
        tok = self.tok
        if tok.kind == "NUM":
            self.advance()
            return Num(float(tok.text))
        if self.is_op("("):
            self.advance()
            inner = self.number_expression()
            self.expect_op(")", "')'")
            return inner
        if tok.kind == "IDENT" and self.is_op("(", self.peek()):
            self.advance()
            self.advance()
            args: list[NumExpr] = []
            if not self.is_op(")"):
                args.append(self.number_expression())
                while self.is_op(","):
                    self.advance()
                    args.append(self.number_expression())
            self.expect_op(")", f"')' to close {tok.text}(")
            name = tok.text.lower()
            if name not in FUNCTIONS:
                close = difflib.get_close_matches(name, list(FUNCTIONS), n=1)
                hint = f"; did you mean {close[0]}?" if close else ""
                self.error(tok, f"unknown function {tok.text}(){hint}")
            else:
                low, high = FUNCTIONS[name]
                if len(args) < low or (high is not None and len(args) > high):
                    want = str(low) if low == high else f"{low} or more"
                    self.error(tok, f"{name}() takes {want} argument(s), got {len(args)}")
                if (
                    name == "last"
                    and args
                    and not (
                        isinstance(args[0], Num)
                        and args[0].value >= 1
                        and args[0].value == int(args[0].value)
                    )
                ):
                    self.error(tok, "last(k) needs a whole number k >= 1")
            return Call(name, tuple(args))
        if tok.kind == "IDENT" and tok.text.upper() == "NULL":
            self.advance()
            return NullValue()
        self.fail(tok, f"expected a number, a quoted string or a list, found {describe(tok)}")
        raise AssertionError  # unreachable

    def family(self, operands: list[Operand], start: Token) -> str:
        kinds = set()
        for o in operands:
            if isinstance(o, Keyword):
                continue
            if isinstance(o, Str):
                kinds.add(STRING)
            elif isinstance(o, Now):
                kinds.add(DATE)
            elif isinstance(o, Duration):
                kinds.add(DURATION)
            elif isinstance(o, Size):
                kinds.add(SIZE)
            else:
                kinds.add(NUMBER)
        if not kinds:
            return "any"
        if kinds == {STRING, DATE}:
            return DATE
        if len(kinds) > 1:
            self.error(start, f"the condition mixes {' and '.join(sorted(kinds))} values")
            return sorted(kinds)[0]
        return kinds.pop()

    def check_condition(self, cond: Condition, start: Token) -> None:
        op = cond.op
        if cond.family == STRING and op.removeprefix("not ") in ("between", ">", ">=", "<", "<="):
            # Ordered comparisons of quoted values are date comparisons.
            for o in cond.operands:
                if isinstance(o, Str) and parse_date(o.value) is None:
                    self.error(
                        start, f"{o.value!r} is not a date (YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)"
                    )
            object.__setattr__(cond, "family", DATE)
        if op.endswith("matches"):
            pattern = cond.operands[0]
            try:
                re.compile(pattern.value if isinstance(pattern, Str) else "")
            except re.error as exc:
                self.error(start, f"invalid regular expression: {exc}")
        if cond.family in (DURATION, SIZE, DATE) and op.endswith("matches"):
            self.error(start, "matches needs a quoted regular expression")
        for o in cond.operands:
            if isinstance(o, Keyword) and op not in ("=", "!=", "in", "not in"):
                self.error(start, f"{o.name} can only be used with =, != or in [...]")
        if cond.family == NUMBER and op.endswith("matches"):
            self.error(start, "matches needs a quoted regular expression")

    # semantics
    def check_rule(self, rule: Rule, start: Token, where_tok: Token | None, analyzer: bool) -> None:
        spec = RULE_TYPES.get(rule.type)
        if spec is None:
            close = difflib.get_close_matches(rule.type, list(RULE_TYPES), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            self.error(start, f"Rule Type: {rule.type} is not valid{hint}")
            return
        kind = "analyzer" if analyzer else "rule"
        if analyzer and not spec.analyzer:
            self.error(start, f"{rule.type} cannot be used as an analyzer")
        if not analyzer and not spec.rule:
            self.error(start, f"{rule.type} is analyzer-only: put it in Analyzers = [...]")
        count = len(rule.params)
        if count < spec.min_params or (spec.max_params is not None and count > spec.max_params):
            self.error(
                start,
                f"{rule.type} takes {spec.arity()} ({', '.join(spec.params) or 'none'}), "
                f"got {count}",
            )
        for p in rule.params:
            if not p.strip():
                self.error(start, f"{rule.type}: a parameter is empty")
        if analyzer:
            if rule.condition is not None:
                self.error(rule.condition.pos, f"an analyzer takes no condition: {rule.type}")
            return
        cond = rule.condition
        if cond is None:
            if not spec.boolean and not spec.condition_optional:
                self.error(
                    start,
                    f"{rule.type} needs a condition (for example {_EXAMPLE.get(rule.type, '> 0')})",
                )
        elif spec.boolean:
            self.error(cond.pos, f"{rule.type} is a boolean rule and takes no condition")
        else:
            self.check_family(rule, spec, cond)
        if rule.where is not None and not spec.where:
            assert where_tok is not None
            self.error(where_tok, f"{rule.type} does not support a where clause")
        if rule.threshold is not None:
            if not spec.threshold:
                self.error(rule.threshold.pos, f"{rule.type} does not support with threshold")
            elif rule.threshold.family != NUMBER or rule.threshold.op.endswith("in"):
                self.error(rule.threshold.pos, "with threshold needs a number condition: > 0.9")
            elif rule.threshold.dynamic:
                self.error(rule.threshold.pos, "with threshold does not take dynamic expressions")
        if rule.type == "ColumnDataType" and cond is not None:
            for o in cond.operands:
                if isinstance(o, Str) and o.value.lower() not in DATA_TYPES:
                    self.error(
                        cond.pos,
                        f"unknown data type {o.value!r}: use Boolean, Date, Timestamp, Integer, "
                        "Double, Float or Long",
                    )
        if rule.type == "ColumnNamesMatchPattern" and rule.params:
            try:
                re.compile(rule.params[0])
            except re.error as exc:
                self.error(start, f"invalid regular expression: {exc}")
        if rule.type == "AggregateMatch":
            for p in rule.params:
                if parse_aggregate(p) is None:
                    self.error(
                        start, f"{p!r} is not an aggregate: use sum(column) or avg(alias.column)"
                    )
        if rule.type == "ReferentialIntegrity" and len(rule.params) == 2:
            alias, cols = split_reference_columns(rule.params[1])
            if not alias or not cols:
                self.error(start, f"{rule.params[1]!r} must be alias.column or alias.{{col1,col2}}")
            elif len(cols) != len(split_columns(rule.params[0])):
                self.error(
                    start, "ReferentialIntegrity needs as many reference columns as primary columns"
                )
        if rule.type == "DetectAnomalies" and rule.params:
            target = RULE_TYPES.get(rule.params[0])
            if (
                target is None
                or target.boolean
                or not target.rule
                or rule.params[0] == "DetectAnomalies"
            ):
                self.error(
                    start,
                    f"DetectAnomalies needs a metric rule type (RowCount, Completeness ...), got {rule.params[0]!r}",
                )
            elif len(rule.params) - 1 < target.min_params:
                self.error(start, f"DetectAnomalies of {rule.params[0]} needs {target.arity()}")
        _ = kind

    def check_family(self, rule: Rule, spec: RuleType, cond: Condition) -> None:
        family = cond.family
        allowed = spec.conditions
        if family == "any":
            if STRING not in allowed and DATE not in allowed and rule.type != "ColumnValues":
                self.error(cond.pos, f"{rule.type} compares numbers; NULL/EMPTY need ColumnValues")
            return
        if family not in allowed:
            want = " or ".join(sorted(allowed))
            example = _EXAMPLE.get(rule.type, "> 0")
            self.error(
                cond.pos, f"{rule.type} needs a {want} condition, like {example}; got {cond.text!r}"
            )
            return
        if cond.dynamic and not spec.dynamic:
            self.error(
                cond.pos, f"{rule.type} does not support dynamic expressions (last, avg, ...)"
            )
        if cond.dynamic:
            for o in cond.operands:
                if isinstance(o, Call) and o.name == "last":
                    self.error(
                        cond.pos,
                        "last(k) is a list of values: use avg(last(k)), min(...), max(...) or index(last(k), i)",
                    )
        if rule.type == "ColumnDataType" and cond.op not in ("=", "!=", "in", "not in"):
            self.error(cond.pos, 'ColumnDataType takes = "Type" or in ["Type", ...]')


_RESERVED = {
    "and",
    "or",
    "between",
    "in",
    "not",
    "matches",
    "where",
    "with",
    "labels",
    "null",
    "empty",
    "whitespaces_only",
    "now",
}

_EXAMPLE = {
    "DataFreshness": "<= 24 hours",
    "ColumnDataType": '= "Integer"',
    "FileSize": "< 1 GB",
    "FileFreshness": "> (now() - 1 days)",
    "Completeness": "> 0.95",
    "RowCount": "> 0",
}


def describe(tok: Token) -> str:
    if tok.kind == "EOF":
        return "the end of the text"
    if tok.kind == "STR":
        return f"the string {tok.text}"
    return repr(tok.text)


def parse(text: str, source: str | None = None) -> Ruleset:
    """Parse and check a DQDL ruleset; raise DQDLError with every problem found."""
    if not isinstance(text, str):
        raise InvalidInputError(f"a ruleset is DQDL text, not {type(text).__name__}")
    if not text.strip():
        raise DQDLError([Issue(1, 1, "the ruleset is empty: write Rules = [ ... ]")], source)
    try:
        parser = _Parser(text)
    except _LexError as exc:
        raise DQDLError([exc.issue], source) from None
    try:
        ruleset = parser.document()
    except _Abort:
        raise DQDLError(parser.issues, source) from None
    if parser.issues:
        raise DQDLError(parser.issues, source)
    return ruleset


def issues(text: str) -> list[Issue]:
    """The problems of a ruleset (empty when valid)."""
    try:
        parse(text)
    except DQDLError as err:
        return err.issues
    return []
