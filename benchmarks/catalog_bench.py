#!/usr/bin/env python
"""Side-by-side benchmark: the glue_magics Data Catalog store vs Spark's own Hive metastore (Derby).

One command runs both sides one after the other (never at the same time) and prints a Markdown table
of per-operation rates and latencies with the ratio ours/peer::

    SPARK_LOCAL_IP=127.0.0.1 .venv/bin/python benchmarks/catalog_bench.py --quick
    SPARK_LOCAL_IP=127.0.0.1 .venv/bin/python benchmarks/catalog_bench.py \\
        --url sqlite --url postgresql+psycopg://postgres@127.0.0.1:PORT/postgres \\
        --write-docs docs/benchmarks.md

``--url`` is repeatable: ``sqlite`` is a fresh SQLite file in a temporary folder; a PostgreSQL URL names
a server on which a fresh database is created for the run and dropped after it. Everything runs
locally, is bounded by ``--max-seconds`` (and per-phase budgets), and cleans up its temporary folders,
its PostgreSQL database and its Spark JVM at the end. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import math
import os
import platform
import pstats
import random
import re
import secrets
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from glue_magics.catalog import Catalog  # noqa: E402

now = time.perf_counter

# ---------------------------------------------------------------------------------------------
# Sizes
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    tables: int
    partitions: int  # on the one big table
    batch: int  # batch size for the big table
    extra_loads: tuple[tuple[int, int], ...]  # (batch size, partitions) on tables of their own
    get_table_calls: int
    query_repeats: int
    search_repeats: int
    load_budget_s: float  # stop adding partitions to the big table after this long


OURS_FULL = Sizes(10_000, 1_000_000, 10_000, ((1_000, 100_000), (100, 20_000)), 1_000, 9, 15, 900)
PEER_FULL = Sizes(1_000, 10_000, 1_000, ((100, 1_000),), 1_000, 9, 9, 900)
OURS_QUICK = Sizes(300, 20_000, 10_000, ((1_000, 5_000), (100, 1_000)), 200, 5, 5, 120)
PEER_QUICK = Sizes(20, 200, 100, (), 50, 3, 2, 60)

# ---------------------------------------------------------------------------------------------
# Workload: the same deterministic tables and partitions for both sides
# ---------------------------------------------------------------------------------------------

DATABASES = ["sales", "marketing", "finance", "logistics", "web_analytics"]
ENTITIES = [
    "orders",
    "order_items",
    "customers",
    "payments",
    "refunds",
    "shipments",
    "sessions",
    "page_views",
    "clicks",
    "invoices",
    "products",
    "campaigns",
    "tickets",
    "accounts",
    "subscriptions",
    "inventory",
    "returns",
    "leads",
]
QUALIFIERS = ["raw", "clean", "daily", "hourly", "agg", "snapshot", "staging", "curated", "history"]
COLUMNS = [
    ("order_id", "bigint", "Unique order identifier"),
    ("customer_id", "bigint", "Customer who placed the order"),
    ("email", "string", "Customer e-mail address (PII)"),
    ("first_name", "string", "Given name (PII)"),
    ("last_name", "string", "Family name (PII)"),
    ("country_code", "string", "ISO 3166-1 alpha-2 country"),
    ("city", "string", None),
    ("postal_code", "string", None),
    ("amount", "decimal(12,2)", "Gross amount in the order currency"),
    ("currency", "string", "ISO 4217 currency code"),
    ("tax_amount", "decimal(12,2)", None),
    ("discount", "double", "Discount ratio between 0 and 1"),
    ("quantity", "int", None),
    ("unit_price", "decimal(12,2)", None),
    ("sku", "string", "Stock keeping unit"),
    ("product_name", "string", None),
    ("category", "string", "Product category path"),
    ("status", "string", "Lifecycle status: new, paid, shipped, refunded"),
    ("payment_method", "string", None),
    ("refund_amount", "decimal(12,2)", "Amount refunded to the customer"),
    ("created_at", "timestamp", "When the record was created (UTC)"),
    ("updated_at", "timestamp", "When the record last changed (UTC)"),
    ("event_time", "timestamp", "Client-side event time"),
    ("session_id", "string", "Web session identifier"),
    ("user_agent", "string", None),
    ("ip_address", "string", "Client IP address (PII)"),
    ("referrer", "string", None),
    ("page_url", "string", None),
    ("campaign_id", "bigint", "Marketing campaign"),
    ("channel", "string", "Acquisition channel"),
    ("is_active", "boolean", None),
    ("is_test", "boolean", "Internal test traffic"),
    ("score", "double", None),
    ("tags", "array<string>", "Free-form labels"),
    ("attributes", "map<string,string>", "Extra attributes from the source system"),
    ("warehouse_id", "int", None),
    ("carrier", "string", "Shipping carrier"),
    ("tracking_number", "string", None),
    ("delivered_on", "date", None),
    ("invoice_number", "string", "Legal invoice number"),
    ("due_date", "date", None),
    ("priority", "int", None),
    ("assignee", "string", None),
    ("mrr", "decimal(12,2)", "Monthly recurring revenue"),
    ("plan", "string", "Subscription plan"),
]
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-south-1"]
PER_DAY = 24 * len(REGIONS)  # partitions per dt value
START_DAY = date(2000, 1, 1)
BIG_KEYS = [
    {"name": "dt", "type": "string", "comment": "Event date, YYYY-MM-DD"},
    {"name": "hour", "type": "int"},
    {"name": "region", "type": "string"},
]
BIG_COLUMNS = [
    {"name": "event_id", "type": "string", "comment": "Unique event identifier"},
    {"name": "user_id", "type": "bigint"},
    {"name": "event_type", "type": "string"},
    {"name": "event_time", "type": "timestamp"},
    {"name": "payload", "type": "string", "comment": "Raw JSON payload"},
]
NAME_QUERIES = ["orders", "daily", "payments"]  # table-name words: both sides
TEXT_QUERIES = ["customer email", '"unique order identifier"', "refund amount"]  # ours only
ONE_HOUR, ONE_REGION = 5, "eu-west-1"


@dataclass(frozen=True)
class TableSpec:
    database: str
    name: str
    columns: list[dict[str, str]]
    partition_keys: list[dict[str, str]]
    description: str | None
    parameters: dict[str, str]


def table_specs(count: int, seed: int = 42) -> Iterator[TableSpec]:
    rng = random.Random(seed)
    for i in range(count):
        entity, qualifier = rng.choice(ENTITIES), rng.choice(QUALIFIERS)
        database = DATABASES[i % len(DATABASES)]
        columns = []
        for name, type_, comment in rng.sample(COLUMNS, rng.randint(5, 20)):
            col = {"name": name, "type": type_}
            if comment and rng.random() < 0.6:
                col["comment"] = comment
            columns.append(col)
        roll = rng.random()
        keys: list[dict[str, str]] = []
        if roll < 0.85:
            keys.append({"name": "dt", "type": "string", "comment": "Partition date, YYYY-MM-DD"})
        if roll < 0.15:
            keys.append({"name": "hour", "type": "int"})
        description = None
        if rng.random() < 0.6:
            description = (
                f"{qualifier.capitalize()} {entity.replace('_', ' ')} for the "
                f"{database.replace('_', ' ')} team, loaded by the {rng.choice(['nightly', 'hourly', 'streaming'])} job"
            )
        parameters = {
            "owner_team": database,
            "source": rng.choice(["kafka", "s3", "crawler", "jdbc"]),
            "retention_days": str(rng.choice([30, 90, 365, 730])),
        }
        yield TableSpec(
            database, f"{entity}_{qualifier}_{i:05d}", columns, keys, description, parameters
        )


def day(i: int) -> str:
    return (START_DAY + timedelta(days=i)).isoformat()


def partition_values(start: int, stop: int) -> list[list[str]]:
    """Partitions number start..stop-1 in (dt, hour, region) order, as Glue value lists."""
    hours = [str(h) for h in range(24)]
    out = []
    for n in range(start, stop):
        d, rest = divmod(n, PER_DAY)
        h, r = divmod(rest, len(REGIONS))
        out.append([day(d), hours[h], REGIONS[r]])
    return out


@dataclass(frozen=True)
class Selection:
    """The partitions the query benchmarks select, for a table of ``total`` partitions."""

    total: int

    @property
    def days(self) -> int:
        return math.ceil(self.total / PER_DAY)

    @property
    def first_day(self) -> int:
        return max(0, self.days // 2 - self.span // 2)

    @property
    def span(self) -> int:  # days of a ~1% selection
        return max(1, round(0.01 * self.total / PER_DAY))

    @property
    def range(self) -> tuple[str, str]:
        return day(self.first_day), day(self.first_day + self.span - 1)

    @property
    def one(self) -> tuple[str, int, str]:
        return day(self.first_day), ONE_HOUR, ONE_REGION

    def expected_range(self) -> int:
        lo = self.first_day * PER_DAY
        return max(0, min(self.total, lo + self.span * PER_DAY) - lo)


# ---------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------


class BenchTimeout(Exception):
    pass


def p50(values: list[float]) -> float:
    return statistics.median(values)


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = now()
    result = fn()
    return now() - start, result


def repeat(fn: Callable[[], Any], times: int, warmup: int = 1) -> tuple[list[float], Any]:
    result = None
    for _ in range(warmup):
        result = fn()
    samples = []
    for _ in range(times):
        elapsed, result = timed(fn)
        samples.append(elapsed)
    return samples, result


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Side:
    """What one side measured: metric name -> value, plus notes for the report."""

    label: str
    metrics: dict[str, float] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)

    def latency(self, key: str, samples: list[float], with_p99: bool = False) -> None:
        self.metrics[f"{key}.p50_ms"] = p50(samples) * 1000
        if with_p99:
            self.metrics[f"{key}.p99_ms"] = p99(samples) * 1000

    def load(self, key: str, batch: int, durations: list[float], added: int) -> None:
        self.metrics[f"{key}.batch_rate"] = batch / p50(durations)
        self.metrics[f"{key}.overall_rate"] = added / sum(durations)
        self.info[f"{key}.added"] = added
        self.info[f"{key}.seconds"] = sum(durations)


class Profiler:
    """Optional cProfile of some extra, unmeasured calls; writes .prof and a text summary."""

    def __init__(self, directory: Path | None, prefix: str) -> None:
        self.directory, self.prefix = directory, prefix

    @contextlib.contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        if self.directory is None:
            yield
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        profile = cProfile.Profile()
        profile.enable()
        try:
            yield
        finally:
            profile.disable()
            base = self.directory / f"{self.prefix}-{name}"
            profile.dump_stats(f"{base}.prof")
            text = io.StringIO()
            stats = pstats.Stats(profile, stream=text).strip_dirs()
            stats.sort_stats("cumulative").print_stats(30)
            stats.sort_stats("tottime").print_stats(25)
            Path(f"{base}.txt").write_text(text.getvalue())
            log(f"profile written: {base}.txt")


# ---------------------------------------------------------------------------------------------
# Ours
# ---------------------------------------------------------------------------------------------


@contextlib.contextmanager
def ours_store(spec: str, tmp: Path) -> Iterator[tuple[str | None, Path, dict[str, Any]]]:
    """Yield (catalog URL or None for SQLite in home, home, info); drop a PostgreSQL database after."""
    home = tmp / f"home-{secrets.token_hex(3)}"
    home.mkdir()
    if spec == "sqlite":
        yield None, home, {"backend": "SQLite", "server_version": sqlite3.sqlite_version}
        return
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(spec)
    if url.get_backend_name() != "postgresql":
        raise SystemExit(f"--url: expected 'sqlite' or postgresql+psycopg://..., got {spec!r}")
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"glue_bench_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(dsn, autocommit=True, connect_timeout=10) as admin:
        version = admin.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
        admin.execute(f'CREATE DATABASE "{name}"')
    log(f"created PostgreSQL database {name}")
    try:
        run_url = url.set(database=name).render_as_string(hide_password=False)
        yield run_url, home, {"backend": "PostgreSQL", "server_version": version}
    finally:
        with psycopg.connect(dsn, autocommit=True, connect_timeout=10) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        log(f"dropped PostgreSQL database {name}")


def run_ours(
    spec: str, sizes: Sizes, peer_scale: tuple[int, int], tmp: Path, profile_dir: Path | None
) -> Side:
    with ours_store(spec, tmp) as (url, home, info):
        side = Side(info["backend"], info=info)
        prof = Profiler(profile_dir, info["backend"].lower())
        with Catalog(url, home=home) as cat:
            _ours_body(cat, side, sizes, peer_scale, prof)
            if url is None:
                db_file = home / "catalog.db"
                side.info["store_mb"] = round(db_file.stat().st_size / 2**20, 1)
        return side


def _ours_body(
    cat: Catalog, side: Side, sizes: Sizes, peer_scale: tuple[int, int], prof: Profiler
) -> None:
    label = side.label
    for db in DATABASES:
        cat.create_database(db, description=f"The {db.replace('_', ' ')} team's data")

    # -- tables
    log(f"ours/{label}: creating {sizes.tables:,} tables")
    specs = list(table_specs(sizes.tables))
    durations = []
    for spec in specs:
        start = now()
        cat.create_table(
            spec.database,
            spec.name,
            columns=spec.columns,
            partition_keys=spec.partition_keys,
            description=spec.description,
            parameters=spec.parameters,
            classification="parquet",
        )
        durations.append(now() - start)
    side.latency("create_table", durations)
    side.metrics["create_table.rate"] = 1 / p50(durations)
    side.metrics["create_table.overall_rate"] = len(durations) / sum(durations)

    # -- partitions: the big table, then one table per extra batch size
    def make_big(name: str) -> None:
        cat.create_table(
            DATABASES[0],
            name,
            columns=BIG_COLUMNS,
            partition_keys=BIG_KEYS,
            description="Click-stream events",
            classification="parquet",
        )

    def load(name: str, total: int, batch: int, budget: float) -> tuple[list[float], int]:
        make_big(name)
        durations, added, deadline = [], 0, now() + budget
        for start in range(0, total, batch):
            values = partition_values(start, min(total, start + batch))
            elapsed, count = timed(
                lambda v=values: cat.batch_create_partitions(DATABASES[0], name, v)
            )
            durations.append(elapsed)
            added += count
            if len(durations) % 10 == 0:
                log(f"ours/{label}: {name}: {added:,} partitions, {added / sum(durations):,.0f}/s")
            if now() > deadline:
                log(f"ours/{label}: {name}: budget of {budget:.0f}s used, stopping at {added:,}")
                break
        return durations, added

    log(f"ours/{label}: adding {sizes.partitions:,} partitions in batches of {sizes.batch:,}")
    durations, added = load("events", sizes.partitions, sizes.batch, sizes.load_budget_s)
    side.load(f"add_partitions.b{sizes.batch}", sizes.batch, durations, added)
    side.metrics["big_load.seconds"] = sum(durations)
    side.info["big.partitions"] = added
    for batch, total in sizes.extra_loads:
        log(f"ours/{label}: adding {total:,} partitions in batches of {batch:,}")
        durations, extra = load(f"events_b{batch}", total, batch, sizes.load_budget_s / 3)
        side.load(f"add_partitions.b{batch}", batch, durations, extra)

    # -- get_table
    rng = random.Random(7)
    picks = [rng.choice(specs) for _ in range(sizes.get_table_calls)]
    for spec in picks[:20]:
        cat.get_table(spec.database, spec.name)
    durations = [timed(lambda s=s: cat.get_table(s.database, s.name))[0] for s in picks]
    side.latency("get_table", durations, with_p99=True)

    # -- partition queries: on the big table, and on one of the peer's size
    reps = sizes.query_repeats
    fetch_all, exprs = _ours_queries(cat, side, "events", added, "", reps)
    log(f"ours/{label}: a table of {peer_scale[0]:,} partitions, as large as the peer's")
    durations, small = load("events_small", peer_scale[0], peer_scale[1], sizes.load_budget_s / 3)
    _ours_queries(cat, side, "events_small", small, "small.", reps)

    # -- search
    for query in NAME_QUERIES + TEXT_QUERIES:
        samples, found = repeat(
            lambda q=query: cat.search_tables(q, limit=100), sizes.search_repeats
        )
        side.latency(f"search[{query}]", samples)
        side.info[f"search[{query}].matched"] = len(found)
    side.metrics["search_name.p50_ms"] = p50(
        [side.metrics[f"search[{q}].p50_ms"] for q in NAME_QUERIES]
    )
    side.metrics["search_text.p50_ms"] = p50(
        [side.metrics[f"search[{q}].p50_ms"] for q in TEXT_QUERIES]
    )

    # -- optional profiles of extra calls, outside the measurements
    if prof.directory is not None:
        cat.create_database("profiled")
        with prof("create_table"):
            for spec in table_specs(300, seed=99):
                cat.create_table(
                    "profiled",
                    spec.name,
                    columns=spec.columns,
                    partition_keys=spec.partition_keys,
                    description=spec.description,
                    parameters=spec.parameters,
                )
        cat.create_table("profiled", "events", columns=BIG_COLUMNS, partition_keys=BIG_KEYS)
        values = partition_values(0, 20_000)
        with prof("batch_create_partitions"):
            cat.batch_create_partitions("profiled", "events", values[:10_000])
            cat.batch_create_partitions("profiled", "events", values[10_000:])
        with prof("get_table"):
            for spec in picks[:300]:
                cat.get_table(spec.database, spec.name)
        with prof("get_partitions_range"):
            fetch_all(exprs["range"])
        with prof("get_partitions_other"):
            fetch_all(exprs["other"])
        with prof("search_tables"):
            for query in NAME_QUERIES + TEXT_QUERIES:
                cat.search_tables(query, limit=100)


def _ours_queries(
    cat: Catalog, side: Side, tbl: str, total: int, prefix: str, reps: int
) -> tuple[Callable[[str], int], dict[str, str]]:
    """Time the partition queries on ``tbl`` (``total`` partitions); metric names get ``prefix``."""
    sel = Selection(total)
    db = DATABASES[0]
    lo, hi = sel.range
    one_dt, one_hour, one_region = sel.one
    exprs = {
        "range": f"dt BETWEEN '{lo}' AND '{hi}'",
        "other": f"hour = {ONE_HOUR} AND region = '{ONE_REGION}'",
        "one": f"dt = '{one_dt}' AND hour = {one_hour} AND region = '{one_region}'",
    }

    def fetch_all(expression: str, page: int = 1000) -> int:
        count, token = 0, None
        while True:
            result = cat.get_partitions(db, tbl, expression, limit=page, next_token=token)
            count += len(result.partitions)
            token = result.next_token
            if token is None:
                return count

    def get_one() -> int:
        cat.get_partition(db, tbl, [one_dt, str(one_hour), one_region])
        return 1

    queries: list[tuple[str, Callable[[], int]]] = [
        ("parts_range", lambda: fetch_all(exprs["range"])),
        ("parts_range_iter", lambda: sum(1 for _ in cat.iter_partitions(db, tbl, exprs["range"]))),
        ("parts_range_count", lambda: cat.count_partitions(db, tbl, exprs["range"])),
        ("parts_other", lambda: fetch_all(exprs["other"])),
        ("parts_one_expr", lambda: fetch_all(exprs["one"])),
        ("parts_one_get", get_one),
    ]
    for key, fn in queries:
        log(f"ours/{side.label}: {prefix}{key}")
        samples, count = repeat(fn, reps)
        side.latency(prefix + key, samples)
        side.info[f"{prefix}{key}.matched"] = count
    for name, expr in exprs.items():
        side.info[f"{prefix}{name}_expr"] = expr
    if side.info[f"{prefix}parts_range.matched"] != sel.expected_range():
        raise AssertionError(
            f"1% query matched {side.info[f'{prefix}parts_range.matched']}, "
            f"expected {sel.expected_range()}"
        )
    return fetch_all, exprs


# ---------------------------------------------------------------------------------------------
# The peer: Spark SQL with Hive support and its embedded Derby metastore
# ---------------------------------------------------------------------------------------------


def hive_ddl(spec: TableSpec) -> str:
    def cols(items: list[dict[str, str]]) -> str:
        parts = []
        for c in items:
            comment = f" COMMENT '{c['comment']}'" if c.get("comment") else ""
            parts.append(f"`{c['name']}` {c['type']}{comment}")
        return ", ".join(parts)

    sql = f"CREATE TABLE `{spec.database}`.`{spec.name}` ({cols(spec.columns)})"
    if spec.description:
        sql += f" COMMENT '{spec.description}'"
    if spec.partition_keys:
        sql += f" PARTITIONED BY ({cols(spec.partition_keys)})"
    props = ", ".join(f"'{k}'='{v}'" for k, v in {**spec.parameters}.items())
    return sql + f" STORED AS PARQUET TBLPROPERTIES ({props}, 'classification'='parquet')"


def partition_spec(values: list[str]) -> str:
    dt, hour, region = values
    return f"PARTITION (dt='{dt}', hour={hour}, region='{region}')"


class Peer:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp / "spark"
        self.tmp.mkdir()
        self.spark: Any = None

    def start(self) -> float:
        from pyspark.sql import SparkSession

        t = self.tmp
        start = now()
        self.spark = (
            SparkSession.builder.master("local[2]")
            .appName("glue-magics-catalog-bench")
            .enableHiveSupport()
            # A plain "javax.jdo..." key is ignored by Spark; the spark.hadoop. prefix reaches Hive.
            .config(
                "spark.hadoop.javax.jdo.option.ConnectionURL",
                f"jdbc:derby:;databaseName={t}/metastore_db;create=true",
            )
            .config("spark.sql.warehouse.dir", str(t / "warehouse"))
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.memory", "2g")
            .config(
                "spark.driver.extraJavaOptions",
                f"-Dderby.system.home={t} -Dderby.stream.error.file={t}/derby.log",
            )
            .config("spark.local.dir", str(t / "local"))
            .getOrCreate()
        )
        self.spark.sparkContext.setLogLevel("ERROR")
        self.spark.sql("SHOW DATABASES").collect()  # opens the metastore
        return now() - start

    @property
    def ext(self) -> Any:
        """The external catalog itself (HiveExternalCatalog behind a listener wrapper): no
        SessionCatalog cache in front of the metastore."""
        return self.spark._jsparkSession.sessionState().catalog().externalCatalog()

    def stop(self) -> None:
        if self.spark is None:
            return
        from pyspark import SparkContext

        gateway = SparkContext._gateway
        with contextlib.suppress(Exception):
            self.spark.stop()
        self.spark = None
        proc = getattr(gateway, "proc", None)
        if gateway is not None:
            with contextlib.suppress(Exception):
                gateway.shutdown()
        if proc is not None:
            with contextlib.suppress(Exception):
                proc.stdin.close()  # the JVM exits when its stdin closes
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        SparkContext._gateway = None
        SparkContext._jvm = None


def run_peer(sizes: Sizes, tmp: Path) -> Side:
    side = Side("Spark+Hive/Derby")
    peer = Peer(tmp)
    try:
        log("peer: starting Spark with Hive support (embedded Derby metastore)")
        side.info["start_seconds"] = peer.start()
        _peer_body(peer, side, sizes)
    finally:
        log("peer: stopping Spark")
        peer.stop()
    return side


def _peer_body(peer: Peer, side: Side, sizes: Sizes) -> None:
    spark, ext = peer.spark, peer.ext
    jvm = spark._jvm
    utils = jvm.org.apache.spark.api.python.PythonUtils
    side.info["versions"] = {
        "spark": spark.version,
        "hive_metastore": "2.3.10 (built in)",
    }
    for db in DATABASES:
        spark.sql(f"CREATE DATABASE `{db}` COMMENT 'The {db} team''s data'")

    # -- tables
    log(f"peer: creating {sizes.tables:,} tables")
    specs = list(table_specs(sizes.tables))
    durations = [timed(lambda s=s: spark.sql(hive_ddl(s)))[0] for s in specs]
    side.latency("create_table", durations)
    side.metrics["create_table.rate"] = 1 / p50(durations)
    side.metrics["create_table.overall_rate"] = len(durations) / sum(durations)

    # -- partitions
    big_ddl = (
        "CREATE TABLE `{db}`.`{name}` (event_id string COMMENT 'Unique event identifier', "
        "user_id bigint, event_type string, event_time timestamp, "
        "payload string COMMENT 'Raw JSON payload') COMMENT 'Click-stream events' "
        "PARTITIONED BY (dt string COMMENT 'Event date, YYYY-MM-DD', hour int, region string) "
        "STORED AS PARQUET"
    )

    def load(name: str, total: int, batch: int, budget: float) -> tuple[list[float], int]:
        spark.sql(big_ddl.format(db=DATABASES[0], name=name))
        durations, added, deadline = [], 0, now() + budget
        for start in range(0, total, batch):
            values = partition_values(start, min(total, start + batch))
            sql = f"ALTER TABLE `{DATABASES[0]}`.`{name}` ADD IF NOT EXISTS " + " ".join(
                partition_spec(v) for v in values
            )
            durations.append(timed(lambda sql=sql: spark.sql(sql))[0])
            added += len(values)
            log(f"peer: {name}: {added:,} partitions, {added / sum(durations):,.1f}/s")
            if now() > deadline:
                log(f"peer: {name}: budget of {budget:.0f}s used, stopping at {added:,}")
                break
        return durations, added

    log(f"peer: adding {sizes.partitions:,} partitions in batches of {sizes.batch:,}")
    durations, added = load("events", sizes.partitions, sizes.batch, sizes.load_budget_s)
    side.load(f"add_partitions.b{sizes.batch}", sizes.batch, durations, added)
    side.info["big.partitions"] = added
    for batch, total in sizes.extra_loads:
        log(f"peer: adding {total:,} partitions in batches of {batch:,}")
        durations, extra = load(f"events_b{batch}", total, batch, sizes.load_budget_s / 3)
        side.load(f"add_partitions.b{batch}", batch, durations, extra)

    # -- getTable straight on the external catalog (no SessionCatalog cache)
    rng = random.Random(7)
    picks = [rng.choice(specs) for _ in range(sizes.get_table_calls)]
    for spec in picks[:20]:
        ext.getTable(spec.database, spec.name)
    durations = [timed(lambda s=s: ext.getTable(s.database, s.name))[0] for s in picks]
    side.latency("get_table", durations, with_p99=True)

    # -- partition queries
    sel = Selection(added)
    db, tbl = DATABASES[0], "events"
    lo, hi = sel.range
    one_dt, one_hour, one_region = sel.one

    def predicates(condition: str) -> Any:
        """Resolved Catalyst predicates over the partition columns, as the optimizer passes them."""
        plan = spark.table(f"`{db}`.`{tbl}`").where(condition)._jdf.queryExecution().analyzed()
        return utils.toSeq(jvm.java.util.Collections.singletonList(plan.condition()))

    def spec_of(**values: Any) -> Any:
        return utils.toScalaMap({k: str(v) for k, v in values.items()})

    range_filter = predicates(f"dt >= '{lo}' AND dt <= '{hi}'")
    other_filter = predicates(f"hour = {ONE_HOUR} AND region = '{ONE_REGION}'")
    day_spec = jvm.scala.Option.apply(spec_of(dt=lo))
    show_range = f"SHOW PARTITIONS `{db}`.`{tbl}` PARTITION (dt='{lo}')"
    show_other = (
        f"SHOW PARTITIONS `{db}`.`{tbl}` PARTITION (hour={ONE_HOUR}, region='{ONE_REGION}')"
    )
    show_one = (
        f"SHOW PARTITIONS `{db}`.`{tbl}` PARTITION (dt='{one_dt}', hour={one_hour}, "
        f"region='{one_region}')"
    )
    one_spec = spec_of(dt=one_dt, hour=one_hour, region=one_region)
    queries: list[tuple[str, Callable[[], int]]] = [
        ("parts_range", lambda: ext.listPartitionsByFilter(db, tbl, range_filter, "UTC").size()),
        ("parts_range_list", lambda: ext.listPartitions(db, tbl, day_spec).size()),
        ("parts_range_show", lambda: len(spark.sql(show_range).collect())),
        ("parts_other", lambda: ext.listPartitionsByFilter(db, tbl, other_filter, "UTC").size()),
        ("parts_other_show", lambda: len(spark.sql(show_other).collect())),
        ("parts_one_expr", lambda: len(spark.sql(show_one).collect())),
        ("parts_one_get", lambda: 1 if ext.getPartition(db, tbl, one_spec) else 0),
    ]
    for key, fn in queries:
        log(f"peer: {key}")
        samples, count = repeat(fn, sizes.query_repeats, warmup=2)
        side.latency(key, samples)
        side.info[f"{key}.matched"] = count
    side.info["range_expr"] = f"dt >= '{lo}' AND dt <= '{hi}'"
    side.info["show_range"] = show_range

    # -- name search: SHOW TABLES ... LIKE and Catalog.listTables over every database
    for query in NAME_QUERIES:

        def show(q: str = query) -> int:
            return sum(
                len(spark.sql(f"SHOW TABLES IN `{d}` LIKE '*{q}*'").collect()) for d in DATABASES
            )

        def listing(q: str = query) -> int:
            return sum(len(spark.catalog.listTables(d, f"*{q}*")) for d in DATABASES)

        samples, count = repeat(show, sizes.search_repeats, warmup=2)
        side.latency(f"search[{query}]", samples)
        side.info[f"search[{query}].matched"] = count
        if query == NAME_QUERIES[0]:  # PySpark's listTables runs a Spark job per call: one query
            samples, count = repeat(listing, sizes.search_repeats, warmup=1)
            side.latency("list_tables", samples)
    side.metrics["search_name.p50_ms"] = p50(
        [side.metrics[f"search[{q}].p50_ms"] for q in NAME_QUERIES]
    )


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    label: str
    ours: str | None  # metric key on our side
    peer: str | None  # metric key on the peer side
    unit: str  # "/s", "ms" or "s"
    target: tuple[str, float] | None = None  # ("<", 100.0) ...


def rows(ours: Sizes, peer: Sizes) -> list[Row]:
    b1, b2 = ours.batch, peer.batch
    big, small = f"{ours.partitions:,}", f"{peer.partitions:,}"
    rows_ = [
        Row("**Tables**", None, None, ""),
        Row("create table (median per call)", "create_table.rate", "create_table.rate", "/s"),
        Row(
            "create table (overall)", "create_table.overall_rate", "create_table.overall_rate", "/s"
        ),
        Row("get_table p50", "get_table.p50_ms", "get_table.p50_ms", "ms", ("<", 5.0)),
        Row("get_table p99", "get_table.p99_ms", "get_table.p99_ms", "ms", ("<", 5.0)),
        Row("**Adding partitions**", None, None, ""),
    ]
    batches = sorted({b1, b2, *(b for b, _ in ours.extra_loads), *(b for b, _ in peer.extra_loads)})
    for b in reversed(batches):
        rows_.append(
            Row(
                f"add partitions, batches of {b:,} (median batch)",
                f"add_partitions.b{b}.batch_rate",
                f"add_partitions.b{b}.batch_rate",
                "/s",
            )
        )
    rows_ += [
        Row(
            f"load {big} partitions on one table, batches of {b1:,} (total)",
            "big_load.seconds",
            None,
            "s",
            ("<", 60.0),
        ),
        Row(f"**Partition queries, ours at {big} partitions**", None, None, ""),
        Row("~1% by dt range, all pages of 1,000", "parts_range.p50_ms", None, "ms", ("<", 100.0)),
        Row(
            "~1% by dt range, iter_partitions (pages of 5,000)",
            "parts_range_iter.p50_ms",
            None,
            "ms",
            ("<", 100.0),
        ),
        Row("~1% by dt range, count_partitions", "parts_range_count.p50_ms", None, "ms"),
        Row(
            "~1% by hour AND region (non-leading keys), all pages",
            "parts_other.p50_ms",
            None,
            "ms",
            ("<", 100.0),
        ),
        Row("one partition by expression", "parts_one_expr.p50_ms", None, "ms", ("<", 100.0)),
        Row(
            "one partition by values (get_partition)",
            "parts_one_get.p50_ms",
            None,
            "ms",
            ("<", 100.0),
        ),
        Row(f"**Partition queries, both sides at {small} partitions**", None, None, ""),
        Row(
            "~1% by dt, all of it (peer: listPartitionsByFilter)",
            "small.parts_range.p50_ms",
            "parts_range.p50_ms",
            "ms",
        ),
        Row(
            "~1% by dt (peer: listPartitions with a partial spec)",
            "small.parts_range.p50_ms",
            "parts_range_list.p50_ms",
            "ms",
        ),
        Row(
            "~1% by dt (peer: SHOW PARTITIONS t PARTITION(dt=…), names only)",
            "small.parts_range.p50_ms",
            "parts_range_show.p50_ms",
            "ms",
        ),
        Row(
            "~1% by hour AND region (peer: listPartitionsByFilter)",
            "small.parts_other.p50_ms",
            "parts_other.p50_ms",
            "ms",
        ),
        Row(
            "~1% by hour AND region (peer: SHOW PARTITIONS, names only)",
            "small.parts_other.p50_ms",
            "parts_other_show.p50_ms",
            "ms",
        ),
        Row(
            "one partition by expression (peer: SHOW PARTITIONS with the full spec)",
            "small.parts_one_expr.p50_ms",
            "parts_one_expr.p50_ms",
            "ms",
        ),
        Row(
            "one partition by values (get_partition / getPartition)",
            "small.parts_one_get.p50_ms",
            "parts_one_get.p50_ms",
            "ms",
        ),
        Row(
            f"**Search, ours over {ours.tables:,} tables, peer over {peer.tables:,}**",
            None,
            None,
            "",
        ),
        Row(
            "table-name word, p50 of 3 queries (peer: SHOW TABLES IN db LIKE, 5 dbs)",
            "search_name.p50_ms",
            "search_name.p50_ms",
            "ms",
            ("<", 100.0),
        ),
        Row(
            f"table-name word '{NAME_QUERIES[0]}' (peer: spark.catalog.listTables(db, pattern), 5 dbs)",
            f"search[{NAME_QUERIES[0]}].p50_ms",
            "list_tables.p50_ms",
            "ms",
            ("<", 100.0),
        ),
        Row(
            "words in columns and comments, p50 of 3 queries (ours only)",
            "search_text.p50_ms",
            None,
            "ms",
            ("<", 100.0),
        ),
    ]
    return rows_


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "/s":
        return f"{value:,.0f}/s" if value >= 10 else f"{value:,.1f}/s"
    if unit == "s":
        return f"{value:,.1f} s"
    if value >= 100:
        return f"{value:,.0f} ms"
    return f"{value:.3g} ms"


def ratio(ours: float | None, peer: float | None, unit: str) -> str:
    if ours is None or peer is None or peer == 0 or ours == 0:
        return ""
    r = ours / peer
    faster = r if unit == "/s" else 1 / r
    word = "faster" if faster >= 1 else "slower"
    times = faster if faster >= 1 else 1 / faster
    return f"{num(r)} ({num(times)}x {word})"


def num(x: float) -> str:
    return f"{x:,.0f}" if x >= 100 else f"{x:.3g}"


def met(value: float | None, target: tuple[str, float] | None) -> str:
    if target is None or value is None:
        return ""
    op, limit = target
    ok = value < limit if op == "<" else value > limit
    return "met" if ok else "**not met**"


def markdown_table(
    ours_sides: list[Side], peer: Side | None, ours: Sizes, peer_sizes: Sizes
) -> str:
    head = ["Measure"] + [f"ours: {s.label}" for s in ours_sides]
    if peer:
        head.append(f"peer: {peer.label}")
        head += [f"{s.label}/peer" for s in ours_sides]
    head += ["target", "met? (" + " / ".join(s.label for s in ours_sides) + ")"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows(ours, peer_sizes):
        if row.ours is None and row.peer is None:
            lines.append("| " + row.label + " |" + " |" * (len(head) - 1))
            continue
        peer_value = peer.metrics.get(row.peer) if peer and row.peer else None
        cells = [row.label]
        for s in ours_sides:
            cells.append(fmt(s.metrics.get(row.ours) if row.ours else None, row.unit))
        if peer:
            cells.append(fmt(peer_value, row.unit))
            for s in ours_sides:
                cells.append(ratio(s.metrics.get(row.ours or ""), peer_value, row.unit))
        cells.append(f"{row.target[0]} {fmt(row.target[1], row.unit)}" if row.target else "")
        verdicts = [met(s.metrics.get(row.ours or ""), row.target) for s in ours_sides]
        cells.append(" / ".join(verdicts) if row.target else "")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def scale_notes(ours_sides: list[Side], peer: Side | None, ours: Sizes, peer_sizes: Sizes) -> str:
    out = []
    if ours_sides:
        s = ours_sides[0]
        big = s.info["big.partitions"]
        out.append(
            f"- Ours: {ours.tables:,} tables in {len(DATABASES)} databases; one table with "
            f"{big:,} partitions keyed (dt string, hour int, region string), loaded in batches of "
            f"{ours.batch:,}; extra tables loaded with batches of "
            + ", ".join(f"{b:,} ({n:,} partitions)" for b, n in ours.extra_loads)
            + f". get_table: {ours.get_table_calls:,} random calls; queries: p50 of "
            f"{ours.query_repeats} runs; search: p50 of {ours.search_repeats} runs, limit=100."
        )
        out.append(
            f"- Ours, ~1% selection: `{s.info['range_expr']}` → {s.info['parts_range.matched']:,} "
            f"of {big:,} partitions, fetched with get_partitions(limit=1000) page after page; "
            f"non-leading keys: `{s.info['other_expr']}` → {s.info['parts_other.matched']:,}; "
            f"one partition: `{s.info['one_expr']}`."
        )
        out.append(
            f"- Ours at the peer's size: a table of {peer_sizes.partitions:,} partitions (batches of "
            f"{peer_sizes.batch:,}), the same selections as the peer: "
            f"`{s.info['small.range_expr']}` → {s.info['small.parts_range.matched']:,}, "
            f"hour AND region → {s.info['small.parts_other.matched']:,}."
        )
        for side in ours_sides:
            matched = ", ".join(
                f"'{q}' → {side.info[f'search[{q}].matched']}" for q in NAME_QUERIES + TEXT_QUERIES
            )
            extra = f"; SQLite file {side.info['store_mb']} MB" if "store_mb" in side.info else ""
            out.append(f"- Ours on {side.label}: search results (limit 100): {matched}{extra}.")
    if peer:
        big = peer.info["big.partitions"]
        out.append(
            f"- Peer: {peer_sizes.tables:,} tables (`CREATE TABLE … PARTITIONED BY … STORED AS "
            f"PARQUET` through spark.sql); one table with {big:,} partitions added with `ALTER TABLE "
            f"… ADD IF NOT EXISTS PARTITION (…) …` in batches of {peer_sizes.batch:,}"
            + "".join(
                f", extra table in batches of {b:,} ({n:,})" for b, n in peer_sizes.extra_loads
            )
            + f". getTable: {peer_sizes.get_table_calls:,} random calls on "
            "`spark._jsparkSession.sessionState().catalog().externalCatalog().getTable(db, t)`; "
            f"queries: p50 of {peer_sizes.query_repeats} runs. Spark session start with the "
            f"metastore: {peer.info['start_seconds']:.1f} s."
        )
        out.append(
            f"- Peer, ~1% selection: `{peer.info['range_expr']}` → "
            f"{peer.info['parts_range.matched']:,} of {big:,} partitions "
            f"(`{peer.info['show_range'].replace('`', '')}` → {peer.info['parts_range_show.matched']:,} names); "
            f"hour AND region → {peer.info['parts_other.matched']:,}; search matches (all 5 "
            "databases, no limit): "
            + ", ".join(f"'{q}' → {peer.info[f'search[{q}].matched']}" for q in NAME_QUERIES)
            + "."
        )
    if peer and ours_sides:
        rate = peer.metrics.get(f"add_partitions.b{peer_sizes.batch}.overall_rate")
        if rate:
            out.append(
                f"- At its measured overall rate ({rate:,.0f} partitions/s) the peer would need about "
                f"{ours.partitions / rate / 3600:,.1f} hours for the {ours.partitions:,} partitions "
                "that ours loads (an extrapolation, not a measurement)."
            )
    out.append(
        "- Ratio column: ours/peer of the value shown; for rates higher is better, for latencies "
        "lower is better; the parenthesis says which side is faster and by how much."
    )
    return "\n".join(out)


def machine_info(ours_sides: list[Side]) -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"model name\s*:\s*(.*)", cpuinfo)
    mem = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    total = re.search(r"MemTotal:\s*(\d+)", mem)
    try:
        java = subprocess.run(
            ["java", "-version"], capture_output=True, text=True, timeout=30
        ).stderr.splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        java = "not found"
    import pyspark
    import sqlalchemy

    pg = [s.info["server_version"] for s in ours_sides if s.label == "PostgreSQL"]
    import glue_magics

    source = Path(glue_magics.__file__).parent.parent
    try:
        head = subprocess.run(
            ["git", "-C", str(source), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(source), "status", "--porcelain", "--", "glue_magics"],
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout.strip()
        revision = f"git {head}" + (
            f", {len(dirty.splitlines())} uncommitted changes under glue_magics/" if dirty else ""
        )
    except (OSError, subprocess.SubprocessError):
        revision = os.environ.get("GLUE_BENCH_REVISION", "not a git checkout")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    load = f"{LOAD_AT_START} at the start, {load} at the end"
    lines = [
        f"- CPU: {model.group(1) if model else platform.processor()}, "
        f"{os.cpu_count()} cores; RAM: {int(total.group(1)) / 2**20:.1f} GiB"
        if total
        else f"- CPU: {os.cpu_count()} cores",
        f"- OS: {platform.platform()}; load average (1, 5, 15 min): {load}",
        f"- Python {platform.python_version()}; SQLAlchemy {sqlalchemy.__version__}; "
        f"SQLite {sqlite3.sqlite_version}" + (f"; PostgreSQL {pg[0]} (psycopg 3)" if pg else ""),
        f"- Store code: `{source}` ({revision})",
        f"- Java: {java}; PySpark {pyspark.__version__}, Hive metastore 2.3.10 (Spark's built-in "
        "client) on embedded Derby 10.16",
    ]
    return "\n".join(lines)


START, END = "<!-- catalog-results:start -->", "<!-- catalog-results:end -->"
LOAD_AT_START = " ".join(f"{x:.2f}" for x in os.getloadavg())


def write_docs(path: Path, block: str) -> None:
    block = f"{START}\n{block.strip()}\n{END}"
    if path.exists() and START in path.read_text():
        text = path.read_text()
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1] if END in rest else ""
        path.write_text(before + block + after)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# Catalog store benchmark\n\n{block}\n")
    log(f"wrote {path}")


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (about a minute)")
    parser.add_argument(
        "--url",
        action="append",
        help="store(s) to run ours on: 'sqlite' (default) or postgresql+psycopg://... (a fresh "
        "database is created on that server and dropped after); repeat for several",
    )
    parser.add_argument("--no-peer", action="store_true", help="skip the Spark/Derby side")
    parser.add_argument("--no-ours", action="store_true", help="skip our side")
    parser.add_argument("--write-docs", type=Path, help="write the results into this Markdown file")
    parser.add_argument("--json", type=Path, help="write the raw metrics as JSON")
    parser.add_argument("--profile", type=Path, help="cProfile extra calls of ours into this dir")
    parser.add_argument(
        "--max-seconds",
        type=int,
        help="abort (and clean up) after this long; default 600 quick, 5400",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    ours_sizes, peer_sizes = (OURS_QUICK, PEER_QUICK) if args.quick else (OURS_FULL, PEER_FULL)
    urls = args.url or ["sqlite"]
    max_seconds = args.max_seconds or (600 if args.quick else 5400)

    def on_signal(signum: int, _frame: Any) -> None:
        raise BenchTimeout(f"stopped by signal {signum} (limit {max_seconds}s)")

    signal.signal(signal.SIGALRM, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    signal.alarm(max_seconds)
    tmp = Path(tempfile.mkdtemp(prefix="glue-catalog-bench-"))
    started = now()
    ours_sides: list[Side] = []
    peer: Side | None = None
    try:
        if not args.no_ours:
            for url in urls:
                scale = (peer_sizes.partitions, peer_sizes.batch)
                ours_sides.append(run_ours(url, ours_sizes, scale, tmp, args.profile))
        if not args.no_peer:
            peer = run_peer(peer_sizes, tmp)
    finally:
        signal.alarm(0)
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    elapsed = now() - started

    command = "SPARK_LOCAL_IP=127.0.0.1 .venv/bin/python benchmarks/catalog_bench.py " + " ".join(
        re.sub(r"//([^:@/]+):[^@/]+@", r"//\1:***@", a) for a in (argv or sys.argv[1:])
    )
    table = markdown_table(ours_sides, peer, ours_sizes, peer_sizes)
    block = "\n\n".join(
        [
            f"Run of {time.strftime('%Y-%m-%d %H:%M %Z')}, {elapsed / 60:.1f} minutes ({elapsed:.0f} s)"
            + (" (--quick: small sizes, a smoke check only)" if args.quick else "")
            + ".",
            "### Machine\n\n" + machine_info(ours_sides),
            f"### Command\n\n```sh\n{command.strip()}\n```",
            "### Results (medians unless p99 is named)\n\n" + table,
            "### Scale and what was measured\n\n"
            + scale_notes(ours_sides, peer, ours_sizes, peer_sizes),
        ]
    )
    print(block)
    if args.write_docs:
        write_docs(args.write_docs, block)
    if args.json:
        raw = {s.label: {"metrics": s.metrics, "info": s.info} for s in ours_sides}
        if peer:
            raw["peer"] = {"metrics": peer.metrics, "info": peer.info}
        args.json.write_text(json.dumps(raw, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
