"""DQDL parser: every rule type, every condition family, every class of error with line and column."""

from __future__ import annotations

import pytest

from glue_magics.errors import InvalidInputError
from glue_magics.quality import dqdl
from glue_magics.quality.catalogue import RULE_TYPES
from glue_magics.quality.dqdl import (
    BinOp,
    Call,
    Composite,
    DQDLError,
    Duration,
    Keyword,
    Now,
    Num,
    Rule,
    Size,
    Str,
    parse,
)

#: One valid rule (or analyzer) per rule type of the catalogue.
EXAMPLES = {
    "RowCount": "RowCount between 10 and 20",
    "RowCountMatch": 'RowCountMatch "reference" >= 0.9',
    "ColumnCount": "ColumnCount = 4",
    "Completeness": 'Completeness "First_Name" > 0.95 where "weightinkgs > 10"',
    "IsComplete": 'IsComplete "email" where "Customer_ID between 1 and 50"',
    "ColumnDataType": 'ColumnDataType "colA" = "INTEGER" with threshold > 0.9',
    "ColumnNamesMatchPattern": 'ColumnNamesMatchPattern "^[a-z_]+$"',
    "ColumnExists": 'ColumnExists "Customer_ID"',
    "ColumnCorrelation": 'ColumnCorrelation "colA" "colB" > 0.8',
    "Uniqueness": 'Uniqueness "id" "day" > 0.95',
    "IsUnique": 'IsUnique "email"',
    "IsPrimaryKey": 'IsPrimaryKey "id" "day"',
    "Mean": 'Mean "Star_Rating" > 3',
    "Sum": 'Sum "transaction_total" > 500000',
    "StandardDeviation": 'StandardDeviation "abc" < 10.0',
    "Variance": 'Variance "abc" between 1 and 2',
    "Entropy": 'Entropy "Star_Rating" > 1',
    "DistinctValuesCount": 'DistinctValuesCount "State" > 3',
    "UniqueValueRatio": 'UniqueValueRatio "test_score" between 0 and 0.5',
    "ColumnLength": 'ColumnLength "Postal_Code" = 5',
    "ColumnValues": 'ColumnValues "Country" in [ "US", "CA", "UK", NULL, EMPTY, WHITESPACES_ONLY ]',
    "DataFreshness": 'DataFreshness "Order_Date" <= 24 hours',
    "CustomSql": 'CustomSql "select count(*) from primary" between 10 and 20',
    "ReferentialIntegrity": 'ReferentialIntegrity "city,state" "reference.{ref_city,ref_state}" = 1.0',
    "DatasetMatch": 'DatasetMatch "reference" "ID_1->ID_ref1,ID_2->ID_ref2" "Amount1->Amount2" >= 0.9',
    "SchemaMatch": 'SchemaMatch "reference" = 1.0',
    "AggregateMatch": 'AggregateMatch "avg(ratings)" "avg(reference.ratings)" >= 0.9',
    "DetectAnomalies": 'DetectAnomalies of Completeness of "colA"',
    "FileMatch": 'FileMatch "s3://bucket/file.csv" in ["3ee0d8617ac041793154713e5ef8f319"] with hashAlgorithm = "MD5"',
    "FileUniqueness": 'FileUniqueness "s3://bucket/" > 0.5',
    "FileFreshness": 'FileFreshness "s3://bucket/" > (now() - 24 hours)',
    "FileSize": 'FileSize "s3://bucket/file.csv" between 1 B and 1 GB',
}


def test_every_rule_type_has_an_example() -> None:
    assert set(EXAMPLES) | {"AllStatistics"} == set(RULE_TYPES)


@pytest.mark.parametrize("rule_type", sorted(EXAMPLES))
def test_every_rule_type_parses(rule_type: str) -> None:
    ruleset = parse(f"Rules = [ {EXAMPLES[rule_type]} ]")
    (rule,) = ruleset.rules
    assert isinstance(rule, Rule) and rule.type == rule_type
    assert rule.text == EXAMPLES[rule_type]
    assert (rule.pos.line, rule.pos.column) == (1, 11)


def test_analyzers_and_an_empty_rules_list() -> None:
    ruleset = parse(
        'Rules = [ ]\nAnalyzers = [ RowCount, AllStatistics "a", Completeness "b" where "c > 1" ]'
    )
    assert ruleset.rules == []
    assert [a.type for a in ruleset.analyzers] == ["RowCount", "AllStatistics", "Completeness"]
    assert ruleset.analyzers[2].where == "c > 1"


def test_parameters_and_their_connector_words() -> None:
    ruleset = parse(
        'Rules = [ ColumnCorrelation "a" and "b" > 0.5, DetectAnomalies of RowCount, '
        "IsPrimaryKey of id_col ]"
    )
    assert [r.params for r in ruleset.rules] == [("a", "b"), ("RowCount",), ("id_col",)]  # type: ignore[union-attr]


def test_metadata_data_sources_variables_labels_and_comments() -> None:
    ruleset = parse(
        """# quality of the orders feed
Metadata = { "Version": "1.0" }
DataSources = { "Primary": "orders", "AdditionalDataSources": ["reference"] }
allowed = ["US", "CA"]
query = "select count(*) from primary"
DefaultLabels = ["team" = "sales"]
Rules = [
    ColumnValues "country" in $allowed labels = ["priority" = "high"],  # trailing comment
    CustomSql $query > 0
]"""
    )
    assert ruleset.metadata == {"Version": "1.0"}
    assert ruleset.data_sources == {"Primary": "orders", "AdditionalDataSources": ["reference"]}
    assert ruleset.variables == {"allowed": ["US", "CA"], "query": "select count(*) from primary"}
    assert ruleset.default_labels == (("team", "sales"),)
    first, second = ruleset.rules
    assert isinstance(first, Rule) and first.labels == (("priority", "high"),)
    assert first.condition is not None
    assert first.condition.operands == (Str("US"), Str("CA"))
    assert isinstance(second, Rule) and second.params == ("select count(*) from primary",)


def test_composite_rules_bind_and_tighter_than_or() -> None:
    (node,) = parse('Rules = [ (IsComplete "a") or (IsComplete "b") and (IsUnique "c") ]').rules
    assert isinstance(node, Composite) and node.op == "or"
    assert isinstance(node.right, Composite) and node.right.op == "and"
    (nested,) = parse(
        'Rules = [ (RowCount > 0) or ((IsComplete "colA") and (IsUnique "colA")) ]'
    ).rules
    assert isinstance(nested, Composite) and isinstance(nested.right, Composite)
    assert nested.text == '(RowCount > 0) or ((IsComplete "colA") and (IsUnique "colA"))'


# -- condition families


def condition(text: str, rule: str = 'ColumnValues "c"') -> dqdl.Condition:
    (node,) = parse(f"Rules = [ {rule} {text} ]").rules
    assert isinstance(node, Rule) and node.condition is not None
    return node.condition


@pytest.mark.parametrize(
    ("text", "op", "operands"),
    [
        ("between 1 and 5", "between", (Num(1), Num(5))),
        ("not between -1 and 5.5", "not between", (Num(-1), Num(5.5))),
        ("> 0.95", ">", (Num(0.95),)),
        (">= 1e3", ">=", (Num(1000),)),
        ("< 7", "<", (Num(7),)),
        ("<= 7", "<=", (Num(7),)),
        ("= 3", "=", (Num(3),)),
        ("!= 3", "!=", (Num(3),)),
        ("in [1, 2, 3]", "in", (Num(1), Num(2), Num(3))),
        ("not in [1, NULL]", "not in", (Num(1), Keyword("NULL"))),
    ],
)
def test_number_conditions(text: str, op: str, operands: tuple[object, ...]) -> None:
    cond = condition(text)
    assert (cond.op, cond.operands, cond.family) == (op, operands, "number")


@pytest.mark.parametrize(
    ("text", "op", "operands"),
    [
        ('= "US"', "=", (Str("US"),)),
        ('!= "US"', "!=", (Str("US"),)),
        ('in ["a", "b\\"q"]', "in", (Str("a"), Str('b"q'))),
        ('not in ["a"]', "not in", (Str("a"),)),
        ('matches "[a-zA-Z]*"', "matches", (Str("[a-zA-Z]*"),)),
        ('not matches "x+"', "not matches", (Str("x+"),)),
        ("= EMPTY", "=", (Keyword("EMPTY"),)),
        ("!= null", "!=", (Keyword("NULL"),)),
        ("in [WHITESPACES_ONLY, NULL]", "in", (Keyword("WHITESPACES_ONLY"), Keyword("NULL"))),
    ],
)
def test_string_conditions(text: str, op: str, operands: tuple[object, ...]) -> None:
    cond = condition(text)
    assert (cond.op, cond.operands) == (op, operands)


@pytest.mark.parametrize(
    ("text", "operands"),
    [
        ("> now()", (Now(0),)),
        ("> (now() - 3 days)", (Now(-3 * 86400),)),
        ("<= now() + 4 hours", (Now(4 * 3600),)),
        ('> "2024-01-31"', (Str("2024-01-31"),)),
        (
            'between "2024-01-01" and "2024-01-31 23:59:59"',
            (Str("2024-01-01"), Str("2024-01-31 23:59:59")),
        ),
    ],
)
def test_date_conditions(text: str, operands: tuple[object, ...]) -> None:
    cond = condition(text)
    assert cond.family == "date" and cond.operands == operands


def test_date_literals_and_times_of_day() -> None:
    assert dqdl.parse_date("2024-02-03").isoformat() == "2024-02-03T00:00:00"  # type: ignore[union-attr]
    assert dqdl.parse_date("9:30 AM").isoformat() == "09:30:00"  # type: ignore[union-attr]
    assert dqdl.parse_date("21:45").isoformat() == "21:45:00"  # type: ignore[union-attr]
    assert dqdl.parse_date("yesterday") is None


def test_duration_and_size_conditions() -> None:
    fresh = condition("between 2 days and 90 minutes", 'DataFreshness "d"')
    assert fresh.family == "duration"
    assert fresh.operands == (Duration(172800, "2 days"), Duration(5400, "90 minutes"))
    size = condition("between 1 B and 2 KB", "FileSize")
    assert size.family == "size" and size.operands == (Size(1, "1 B"), Size(2048, "2 KB"))
    assert condition("< 1 TB", "FileSize").operands == (Size(1024.0**4, "1 TB"),)


def test_dynamic_expressions() -> None:
    cond = condition(
        "between min(last(5)) - 1 and max(last(5)) * 2 + index(last(3), 1)", 'Completeness "c"'
    )
    low, high = cond.operands
    assert low == BinOp("-", Call("min", (Call("last", (Num(5),)),)), Num(1))
    assert isinstance(high, BinOp) and high.op == "+"
    assert cond.dynamic
    assert condition("> avg(last(10)) - std(last(10))", "RowCount").dynamic
    assert condition("<= percentile(last(10), 90)", "RowCount").dynamic
    assert not condition("> (1 + 2) * 3", "RowCount").dynamic


def test_where_threshold_tags_and_labels_in_any_order() -> None:
    (rule,) = parse(
        'Rules = [ ColumnValues "x" > 5 with threshold >= 0.5 where "y = 1" labels = ["a" = "b"] ]'
    ).rules
    assert isinstance(rule, Rule)
    assert rule.where == "y = 1" and rule.labels == (("a", "b"),)
    assert rule.threshold is not None and rule.threshold.op == ">="


def test_helpers_for_reference_parameters() -> None:
    assert dqdl.split_reference_columns("reference.{a, b}") == ("reference", ["a", "b"])
    assert dqdl.split_reference_columns("ref.zipcode") == ("ref", ["zipcode"])
    assert dqdl.column_mappings("ID1->ID11, ID2") == [("ID1", "ID11"), ("ID2", "ID2")]
    assert dqdl.parse_aggregate("sum(reference.amount)") == ("sum", "reference", "amount")
    assert dqdl.parse_aggregate("median(x)") is None
    ruleset = parse(
        'Rules = [ RowCountMatch "r1" > 0.5, ReferentialIntegrity "a" "r2.{b}" > 0.5, '
        'AggregateMatch "sum(a)" "sum(r3.b)" > 0.5 ]'
    )
    assert ruleset.reference_aliases() == ["r1", "r2", "r3"]


# -- errors: each class, with line and column


def problems(text: str) -> list[tuple[int, int, str]]:
    with pytest.raises(DQDLError) as info:
        parse(text)
    return [(i.line, i.column, i.message) for i in info.value.issues]


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        # lexical
        ('Rules = [ IsComplete "a ]', 1, 22, "unterminated string"),
        ("Rules = [ RowCount > 1 ; ]", 1, 24, "unexpected character ';'"),
        ("Rules = [ CustomSql $ > 1 ]", 1, 21, "'$' must be followed by a variable name"),
        # syntax
        ("Rules = [ RowCount > 1", 1, 23, "expected ',' or ']' after a rule, found the end"),
        ("Rules [ RowCount > 1 ]", 1, 1, "expected a section"),
        ("Rules = RowCount > 1", 1, 9, "expected '[' after Rules ="),
        ("Rules = [ RowCount between 1 5 ]", 1, 30, "expected 'and' in between"),
        ('Rules = [ (IsComplete "a") and (IsUnique "b" ]', 1, 46, "expected ')' to close"),
        ("Rules = [ RowCount > ]", 1, 22, "expected a number"),
        ("Rules = [ RowCount not > 1 ]", 1, 20, "expected ',' or ']'"),
        ("Rules = [ , ]", 1, 11, "expected a rule type"),
        (
            'Metadata = { "Version" "1" } Rules = [ RowCount > 0 ]',
            1,
            24,
            "expected ':' after the key",
        ),
        ("Rules = [ RowCount > 1 ]\nx = 5", 2, 5, "a variable is a quoted string"),
        ("Rules = [ RowCount > (now() - 3 weeks) ]", 1, 33, "expected days, hours or minutes"),
        # semantic
        (
            'Rules = [ IsComplet "a" ]',
            1,
            11,
            "Rule Type: IsComplet is not valid; did you mean IsComplete?",
        ),
        ('Rules = [ RowCount "id" > 100 ]', 1, 11, "RowCount takes 0 parameter(s) (none), got 1"),
        (
            'Rules = [ ColumnCorrelation "a" > 0.1 ]',
            1,
            11,
            "ColumnCorrelation takes 2 parameter(s)",
        ),
        ('Rules = [ Mean "a" ]', 1, 11, "Mean needs a condition"),
        (
            'Rules = [ IsComplete "c" > 0.05 ]',
            1,
            26,
            "IsComplete is a boolean rule and takes no condition",
        ),
        ('Rules = [ ColumnDataType "c" ]', 1, 11, "ColumnDataType needs a condition"),
        ('Rules = [ DataFreshness "d" > 5 ]', 1, 29, "DataFreshness needs a duration condition"),
        ('Rules = [ Mean "a" > "x" ]', 1, 20, "not a date"),
        (
            'Rules = [ Completeness "a" matches "x" ]',
            1,
            28,
            "Completeness needs a number condition",
        ),
        (
            'Rules = [ ColumnCount > 3 where "a > 1" ]',
            1,
            27,
            "ColumnCount does not support a where clause",
        ),
        ('Rules = [ Completeness "a" > 0.5 where "  " ]', 1, 34, "the where clause is empty"),
        (
            'Rules = [ Mean "a" > 1 with threshold > 0.5 ]',
            1,
            39,
            "Mean does not support with threshold",
        ),
        (
            'Rules = [ ColumnValues "a" > 1 with threshold in [1] ]',
            1,
            47,
            "with threshold needs a number condition",
        ),
        (
            'Rules = [ ColumnValues "a" > 1 with colour = "red" ]',
            1,
            37,
            "does not support with colour",
        ),
        ('Rules = [ AllStatistics "a" ]', 1, 11, "AllStatistics is analyzer-only"),
        (
            'Rules = [] Analyzers = [ IsComplete "a" ]',
            1,
            26,
            "IsComplete cannot be used as an analyzer",
        ),
        ('Rules = [] Analyzers = [ Mean "a" > 1 ]', 1, 35, "an analyzer takes no condition"),
        (
            'Metadata = {"Versio": "1"} Rules = [RowCount > 1]',
            1,
            13,
            "unknown Metadata key 'Versio'",
        ),
        (
            'DataSources = {"Reference": "x"} Rules = [RowCount > 1]',
            1,
            16,
            "unknown DataSources key",
        ),
        ("Rules = [ RowCount > 1 ] Rules = [RowCount > 2]", 1, 26, "Rules is defined twice"),
        ('v = "a" v = "b" Rules = [ IsComplete $v ]', 1, 9, "variable 'v' is defined twice"),
        ('Rules = [ ColumnValues "a" in $nope ]', 1, 31, "undefined variable $nope"),
        (
            'v = ["a"] Rules = [ IsComplete $v ]',
            1,
            32,
            "$v is a list; a rule parameter must be a string",
        ),
        ("Rules = [ ]", 1, 12, "the ruleset is empty"),
        ('Metadata = {"Version": "1"}', 1, 28, "the ruleset has no Rules"),
        ("Rules = [ RowCount > foo(2) ]", 1, 22, "unknown function foo()"),
        ("Rules = [ RowCount > avg() ]", 1, 22, "avg() takes 1 or more argument(s), got 0"),
        ("Rules = [ RowCount > avg(last(0)) ]", 1, 26, "last(k) needs a whole number k >= 1"),
        ("Rules = [ RowCount > last(2) ]", 1, 20, "last(k) is a list of values"),
        (
            'Rules = [ ColumnLength "a" > avg(last(3)) ]',
            1,
            28,
            "ColumnLength does not support dynamic expressions",
        ),
        ('Rules = [ ColumnValues "a" matches "[" ]', 1, 28, "invalid regular expression"),
        ('Rules=[ColumnValues "d" > "notadate"]', 1, 25, "'notadate' is not a date"),
        ('Rules = [ ColumnValues "a" > NULL ]', 1, 28, "NULL can only be used with =, != or in"),
        (
            'Rules = [ ColumnValues "a" in [1, "b"] ]',
            1,
            28,
            "the condition mixes number and string values",
        ),
        ('Rules = [ ColumnDataType "a" = "Text" ]', 1, 30, "unknown data type 'Text'"),
        ('Rules = [ AggregateMatch "median(a)" "sum(b)" > 1 ]', 1, 11, "is not an aggregate"),
        (
            'Rules = [ ReferentialIntegrity "a,b" "ref.{x}" > 0.9 ]',
            1,
            11,
            "as many reference columns",
        ),
        (
            "Rules = [ DetectAnomalies of IsComplete ]",
            1,
            11,
            "DetectAnomalies needs a metric rule type",
        ),
        (
            'Rules = [ FileMatch "a" "b" with hashAlgorithm = "MD5" with colour = "x" ]',
            1,
            61,
            "does not support with colour",
        ),
    ],
)
def test_errors_have_line_column_and_reason(
    text: str, line: int, column: int, message: str
) -> None:
    found = problems(text)
    assert any((ln, col) == (line, column) and message in msg for ln, col, msg in found), found


def test_every_problem_is_reported_in_order_on_its_line() -> None:
    text = """Rules = [
    IsComplete "a" > 1,
    Foo "x",
    Mean "b" with threshold > 0.5
]"""
    found = problems(text)
    assert [(ln, col) for ln, col, _ in found] == [(2, 20), (3, 5), (4, 5), (4, 29)]
    with pytest.raises(DQDLError) as info:
        parse(text, source="orders.dqdl")
    assert str(info.value).startswith("invalid DQDL: orders.dqdl: line 2, column 20:")
    assert str(info.value).endswith("(and 3 more)")
    assert "\n" not in str(info.value)
    assert info.value.lines()[1] == "orders.dqdl:3:5: Rule Type: Foo is not valid"


def test_a_ruleset_with_an_error_evaluates_nothing() -> None:
    import pandas as pd

    from glue_magics.quality import evaluate

    with pytest.raises(DQDLError):
        evaluate(pd.DataFrame({"a": [1]}), 'Rules = [ RowCount > 0, Foo "a" ]', use_gx=False)


@pytest.mark.parametrize("text", ["", "   \n  # only a comment\n"])
def test_an_empty_ruleset_is_refused(text: str) -> None:
    assert (
        problems(text)[0][2].startswith("the ruleset is empty")
        or "no Rules" in problems(text)[0][2]
    )


def test_a_ruleset_must_be_text() -> None:
    with pytest.raises(InvalidInputError, match="DQDL text, not int"):
        parse(5)  # type: ignore[arg-type]


def test_issues_lists_problems_without_raising() -> None:
    assert dqdl.issues("Rules = [ RowCount > 0 ]") == []
    assert dqdl.issues("Rules = [ RowCount ]")[0].message.startswith("RowCount needs a condition")
