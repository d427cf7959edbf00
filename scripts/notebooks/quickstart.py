"""notebooks/quickstart.ipynb: the Data Catalog in a few cells."""

CELLS = [
    (
        "md",
        """# glue_magics quickstart

glue_magics brings AWS Glue into Jupyter: a Data Catalog, crawlers, Spark ETL cells, data-quality
checks and scheduled notebooks. This notebook starts with the **Data Catalog**: databases, tables,
partitions and table versions, stored in an embedded SQLite file (`~/.glue_magics/catalog.db`) or in
PostgreSQL (`GLUE_MAGICS_CATALOG_URL=postgresql+psycopg://...`).

Everything here also works from a terminal: `glue-magics catalog tables quickstart`.""",
    ),
    ("code", "%load_ext glue_magics"),
    ("md", "Start clean, so this notebook can run again: drop the demo database if it is there."),
    ("code", "%catalog drop quickstart --yes --if-exists"),
    (
        "code",
        '# NBVAL_CHECK_OUTPUT\n%catalog create-database quickstart --description "Quickstart demo"',
    ),
    (
        "md",
        """## A partitioned table

Column types are Hive type strings, as in Glue. Without `--location` a table goes to the warehouse,
`~/.glue_magics/warehouse/<database>/<table>`.""",
    ),
    (
        "code",
        '%catalog create-table quickstart.orders --columns "order_id bigint, customer string, amount double" '
        '--partition-keys "order_date string" --classification parquet --description "Web shop orders"',
    ),
    (
        "md",
        """Write a few days of orders as Parquet, one folder per day (`order_date=2024-01-01/...`), and
register each folder as a partition with the Python API, `glue_magics.Catalog`.""",
    ),
    (
        "code",
        """from pathlib import Path

import pandas as pd

import glue_magics

catalog = glue_magics.Catalog()
orders = catalog.get_table("quickstart", "orders")
days = ["2024-01-01", "2024-01-02", "2024-01-03"]
for i, day in enumerate(days):
    folder = Path(orders.location) / f"order_date={day}"
    folder.mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame({"order_id": [3 * i + 1, 3 * i + 2, 3 * i + 3],
                          "customer": ["ana", "bo", "cy"], "amount": [9.5, 20.0, 3.25]})
    frame.to_parquet(folder / "part-0.parquet", index=False)

catalog.batch_create_partitions("quickstart", "orders", [[day] for day in days])""",
    ),
    ("code", "%catalog show quickstart.orders"),
    (
        "md",
        """## Partitions, filtered like Glue's `GetPartitions`

`--where` takes Glue's partition expression language: `=, <>, >, <, >=, <=, AND, OR, NOT, IN,
BETWEEN, LIKE, IS NULL`. It is evaluated in the catalog's SQL store, so it stays fast with a
million partitions.""",
    ),
    ("code", "%catalog partitions quickstart.orders --where \"order_date >= '2024-01-02'\""),
    ("md", "`-o VAR` keeps any result as a pandas DataFrame:"),
    (
        "code",
        '%catalog partitions quickstart.orders --where "order_date IN (\'2024-01-01\', \'2024-01-03\')" -o parts\nparts[["order_date", "location"]]',
    ),
    (
        "md",
        "## Search\n\nSearch matches database, table and column names, descriptions and parameters:",
    ),
    ("code", "%catalog search customer"),
    (
        "md",
        """## Versions

Every change to a table keeps the previous definition as a version that you can list, compare and
restore.""",
    ),
    (
        "code",
        """orders = catalog.update_table(
    "quickstart", "orders",
    columns=[*orders.columns, glue_magics.catalog.Column("currency", "string", "ISO 4217 code")],
)
orders""",
    ),
    ("code", "%catalog versions quickstart.orders"),
    ("code", "# NBVAL_CHECK_OUTPUT\n%catalog diff quickstart.orders 1 2"),
    ("md", "Put version 1 back (as version 3):"),
    ("code", "# NBVAL_CHECK_OUTPUT\n%catalog restore quickstart.orders 1"),
]
