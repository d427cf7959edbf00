"""notebooks/etl.ipynb: crawl, query with %%sql, transform with %%etl into a cataloged table."""

CELLS = [
    (
        "md",
        """# From raw files to a cataloged table

Crawl a folder, query it with `%%sql`, and turn it into a new partitioned table with `%%etl`.
Spark starts on the first cell that needs it (locally by default; `%session --master` or
`%session --remote` point it at a cluster or a Spark Connect server). Every write is atomic and
lands in the Data Catalog with a new table version, partitions, statistics and lineage.""",
    ),
    ("code", "%load_ext glue_magics"),
    (
        "code",
        """import tempfile
from pathlib import Path

import pandas as pd

lake = Path(tempfile.mkdtemp(prefix="lake_"))
for i, day in enumerate(["2024-01-01", "2024-01-02", "2024-01-03"]):
    folder = lake / "orders" / f"dt={day}"
    folder.mkdir(parents=True)
    pd.DataFrame({"order_id": [10 * i + 1, 10 * i + 2, 10 * i + 3], "customer_id": [7, 8, 7],
                  "amount": [9.5, 20.0, 3.25 + i]}).to_parquet(folder / "part-0.parquet", index=False)
(lake / "customers").mkdir()
(lake / "customers" / "customers.csv").write_text("id,name,country\\n7,ana,PT\\n8,bo,SE\\n")""",
    ),
    ("code", "%crawl {lake} --database etl_raw --name etl_lake"),
    (
        "md",
        "## Query the catalog with `%%sql`\n\nCatalog tables are registered in Spark on demand, with their partitions.",
    ),
    (
        "code",
        """%%sql
SELECT dt, count(*) AS orders, round(sum(amount), 2) AS revenue
FROM etl_raw.orders GROUP BY dt ORDER BY dt""",
    ),
    (
        "md",
        """Notebook variables go in as `{name}` or `:name`. They are bound as literal values (Spark's
parameterized SQL), never pasted into the SQL text. `-o VAR` keeps the rows as a pandas DataFrame.""",
    ),
    ("code", 'day = "2024-01-02"'),
    ("code", "%%sql -o orders_of_the_day\nSELECT * FROM etl_raw.orders WHERE dt = {day}"),
    ("code", "orders_of_the_day.shape"),
    (
        "md",
        """## Transform with `%%etl`

Sources are catalog tables, visible to the query under their aliases. The result is written next
to the target first, then moved into place and recorded in the catalog in one step.""",
    ),
    ("code", "%catalog create-database etl_analytics --if-not-exists"),
    (
        "code",
        """%%etl --source o=etl_raw.orders --source c=etl_raw.customers --target etl_analytics.revenue --partition-by dt
SELECT o.dt, c.country, sum(o.amount) AS revenue, count(*) AS orders
FROM o JOIN c ON o.customer_id = c.id
GROUP BY o.dt, c.country""",
    ),
    ("code", "%catalog show etl_analytics.revenue"),
    ("code", "%catalog lineage etl_analytics.revenue"),
    (
        "md",
        """The body can be PySpark too: with `--lang python` the sources are DataFrames, `F` is
`pyspark.sql.functions`, `transforms` holds Glue's built-in transforms, and the cell assigns
`result`.""",
    ),
    (
        "code",
        """%%etl --lang python --source c=etl_raw.customers --target etl_analytics.customers_clean --format json
result = transforms.apply_mapping(c, [
    ("id", "bigint", "customer_id", "bigint"),
    ("name", "string", "customer_name", "string"),
    ("country", "string", "country_code", "string"),
])""",
    ),
    ("code", "%%sql\nSELECT * FROM etl_analytics.customers_clean ORDER BY customer_id"),
    ("code", "%etl runs"),
]
