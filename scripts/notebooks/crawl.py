"""notebooks/crawl.ipynb: crawling a data lake and a database into the catalog."""

CELLS = [
    (
        "md",
        """# Crawling a data lake

`%crawl` discovers files (local folders, `s3://` and other fsspec URLs) and databases
(SQLAlchemy URLs) and writes tables and partitions into the Data Catalog, with AWS Glue's
classification, grouping and schema-change rules. Unlike Glue, it runs in seconds, reads only new or
changed files when it runs again, and says why it grouped files the way it did.""",
    ),
    ("code", "%load_ext glue_magics"),
    (
        "md",
        """First, a small lake: Hive-partitioned Parquet orders, a CSV file of customers, gzipped
JSON-lines events, and a file that is not what its name says.""",
    ),
    (
        "code",
        """import gzip, json, tempfile
from pathlib import Path

import pandas as pd

lake = Path(tempfile.mkdtemp(prefix="lake_"))
for day in ["2024-01-01", "2024-01-02", "2024-01-03"]:
    folder = lake / "orders" / f"dt={day}"
    folder.mkdir(parents=True)
    pd.DataFrame({"order_id": [1, 2, 3], "customer_id": [7, 8, 7], "amount": [9.5, 20.0, 3.25]}).to_parquet(
        folder / "part-0.parquet", index=False)
(lake / "customers").mkdir()
(lake / "customers" / "customers.csv").write_text("id,name,country\\n7,ana,PT\\n8,bo,SE\\n")
(lake / "events").mkdir()
with gzip.open(lake / "events" / "events-0.json.gz", "wt") as f:
    for i in range(5):
        f.write(json.dumps({"event": "click", "order_id": i, "meta": {"page": f"/p/{i}"}}) + "\\n")
(lake / "customers" / "broken.csv").write_bytes(bytes(range(256)) * 4)
lake""",
    ),
    (
        "md",
        """## Dry run: the plan and why

`--dry-run` writes nothing. It shows the tables it would create, their partition keys, and the
grouping decisions: which folders became tables, which became partitions, and the schema
similarity behind each decision. `{lake}` is replaced by the Python variable.""",
    ),
    ("code", "%crawl {lake} --database demo_raw --name demo_lake --dry-run"),
    ("md", "## Crawl"),
    ("code", "%crawl {lake} --database demo_raw --name demo_lake"),
    ("code", "%catalog show demo_raw.orders"),
    (
        "md",
        """## Run it again: only new files are read

A new day of orders arrives. The saved crawler (`--run NAME`) lists the lake again, reads only the
new file, and adds its partition.""",
    ),
    (
        "code",
        """folder = lake / "orders" / "dt=2024-01-04"
folder.mkdir()
pd.DataFrame({"order_id": [4], "customer_id": [8], "amount": [12.0]}).to_parquet(folder / "part-0.parquet", index=False)""",
    ),
    ("code", "%crawl --run demo_lake -o run"),
    ("code", "%crawl --history demo_lake"),
    (
        "md",
        """## Crawl a database

A SQLAlchemy URL crawls a relational database: tables, columns with Hive types, primary keys and
comments become catalog tables (the password, if any, is given as a reference with
`--secret-ref env:VAR`, never stored). `--include` takes Glue's include paths, with `%` wildcards.""",
    ),
    (
        "code",
        """import sqlite3

shop = Path(tempfile.mkdtemp(prefix="shop_")) / "shop.sqlite"
with sqlite3.connect(shop) as db:
    db.execute("CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price NUMERIC(10,2))")
    db.execute("CREATE TABLE stock (product_id INTEGER, warehouse TEXT, quantity INTEGER)")""",
    ),
    ("code", "%crawl sqlite:///{shop} --database demo_shop --include 'main/%'"),
    ("code", "%catalog show demo_shop.main_products"),
]
