"""notebooks/quality.ipynb: Glue's DQDL rules (and Great Expectations suites) run locally."""

CELLS = [
    (
        "md",
        """# Data quality with DQDL

`%%dq` evaluates AWS Glue Data Quality rulesets (DQDL) on a pandas DataFrame, a Spark DataFrame
or a catalog table, right here: no Glue job, no AWS account. Rules with a Great Expectations
equivalent are judged by Great Expectations; results come back in Glue's shape (`Rule`,
`Outcome`, `FailureReason`, `EvaluatedMetrics`) and every evaluation is kept in the catalog, so
dynamic rules such as `RowCount > avg(last(3))` have a history to compare with.""",
    ),
    ("code", "%load_ext glue_magics"),
    (
        "code",
        """import pandas as pd

orders = pd.DataFrame({
    "order_id": [1, 2, 3, 3, None],
    "amount": [9.5, 20.0, 250.0, 7.25, 1.0],
    "country": ["US", "CA", "US", "XX", None],
    "email": ["a@x.io", "b@x.io", None, "not-an-email", "e@x.io"],
})
orders""",
    ),
    (
        "md",
        """## A ruleset on a DataFrame

The cell body is DQDL. `-o results` keeps the rule outcomes as a DataFrame; `--row-level rows`
keeps the data with Glue's row-level columns (`DataQualityRulesPass`, `...Fail`, `...Skip`,
`DataQualityEvaluationResult`).""",
    ),
    (
        "code",
        """%%dq --df orders -o results --row-level rows
Rules = [
    RowCount between 3 and 10,
    IsComplete "order_id",
    IsUnique "order_id",
    Completeness "country" > 0.7,
    ColumnValues "country" in ["US", "CA"] with threshold > 0.5,
    ColumnValues "amount" between 0 and 100,
    ColumnValues "email" matches "[^@]+@[^@]+",
    Mean "amount" < 100,
    (ColumnValues "country" != "XX") and (IsComplete "amount")
]""",
    ),
    ("code", "results"),
    ("md", "Which rows broke which rules:"),
    (
        "code",
        """rows[rows["DataQualityEvaluationResult"] == "Failed"][["order_id", "amount", "DataQualityRulesFail"]]""",
    ),
    (
        "md",
        """## Dynamic rules and history

Each evaluation is stored in the catalog under its target (`dataframe:orders` here; the table
name for tables). A dynamic rule compares today's metric with the stored ones; on the first run
there is nothing to compare with yet, and it says so.""",
    ),
    (
        "code",
        """%%dq --df orders --name orders_volume --no-gx
Rules = [ RowCount >= 0.5 * avg(last(3)) ]""",
    ),
    ("code", """orders = pd.concat([orders, orders], ignore_index=True)"""),
    (
        "code",
        """%%dq --df orders --name orders_volume --no-gx
Rules = [ RowCount >= 0.5 * avg(last(3)) ]""",
    ),
    ("code", "%dq history dataframe:orders --metric Dataset.*.RowCount"),
    (
        "md",
        """## A catalog table, on Spark

Crawl a small Parquet dataset into the catalog, then check the table by name. `--save` keeps the
ruleset in the catalog, attached to the table (with its Great Expectations suite), so
`%dq run NAME` runs it again later.""",
    ),
    (
        "code",
        """import tempfile
from pathlib import Path

customers_dir = Path(tempfile.mkdtemp(prefix="dq_lake_")) / "customers"
customers_dir.mkdir()
pd.DataFrame({
    "customer_id": [7, 8, 9, 10],
    "country": ["PT", "SE", "PT", None],
    "signup": pd.to_datetime(["2024-01-05", "2024-02-11", "2024-03-02", "2024-03-09"]).date,
}).to_parquet(customers_dir / "part-0.parquet", index=False)""",
    ),
    ("code", "%crawl {customers_dir} --database demo_dq --name demo_dq_customers"),
    (
        "code",
        """%%dq --table demo_dq.customers --name customers_rules --save
Rules = [
    IsPrimaryKey "customer_id",
    ColumnValues "country" in ["PT", "SE", NULL],
    ColumnValues "signup" > "2023-12-31",
    ColumnCount = 3
]""",
    ),
    ("code", "%dq list"),
    (
        "md",
        """`%dq recommend` drafts a starter ruleset from the table's column statistics, like Glue's
rule recommendations.""",
    ),
    ("code", "%dq recommend demo_dq.customers"),
    (
        "md",
        """## Great Expectations suites

A cell whose body is a GX expectation suite (JSON) is evaluated by Great Expectations as it is,
and its results are stored the same way.""",
    ),
    (
        "code",
        """%%dq --table demo_dq.customers
{"name": "customers_suite",
 "expectations": [
   {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "customer_id"}},
   {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "country", "value_set": ["PT", "SE"]}}
 ]}""",
    ),
    (
        "md",
        """## From Python

The same engine is a library: `quality.evaluate` for results, `quality.evaluate_gate` to split
rows that pass from rows to quarantine before a write.""",
    ),
    (
        "code",
        """from glue_magics import quality

gate = quality.evaluate_gate(orders, 'Rules = [ ColumnValues "amount" < 100, IsComplete "order_id" ]', store=False)
gate.ok, len(gate.passed), len(gate.failed)""",
    ),
]
