#!/usr/bin/env python
"""Side-by-side benchmark: the glue_magics crawler vs Spark's and pyarrow's file discovery, and the floor.

One command generates (or reuses) a Hive-partitioned lake, then measures, in one process and one after
the other (never two sides at once), interleaved round by round so that a busy shared machine
affects every side alike::

    SPARK_LOCAL_IP=127.0.0.1 .venv/bin/python benchmarks/crawler_bench.py --quick
    SPARK_LOCAL_IP=127.0.0.1 .venv/bin/python benchmarks/crawler_bench.py \\
        --lake /tmp/crawler-lake --write benchmarks/crawler_results.md

- ours: a full crawl on a fresh SQLite catalog (the 4 Parquet tables, and the whole lake), a recrawl
  with nothing changed, and a recrawl after adding 1% new files (in new and existing partitions);
- Spark: ``spark.read.parquet(table)`` (+ ``.schema``) per Parquet table on a warm local session:
  InMemoryFileIndex listing, partition inference and schema inference, by default and with
  ``mergeSchema``; CSV (``inferSchema``) and JSON reads for the text tables;
- pyarrow: ``pyarrow.dataset.dataset(table, format="parquet", partitioning="hive").schema``, and the
  same plus every fragment's ``physical_schema`` (every footer);
- the floor: a bare Python loop, ``os.scandir`` over the tree and ``pq.read_metadata`` per file;
- peak RSS of a full crawl in a fresh subprocess, on the lake and on a 5x larger one;
- an unmeasured profile of ours (phase times, cProfile, tracemalloc) in a subprocess.

It prints a Markdown report and, with ``--write FILE``, puts it between the
``<!-- crawler-results:start -->`` / ``<!-- crawler-results:end -->`` markers of FILE. Everything is
local, bounded by ``--max-seconds``, and cleaned up at the end (Spark, added files, temp folders;
a ``--lake`` folder is kept for reuse).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import json
import linecache
import os
import platform
import pstats
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _path in (str(ROOT), str(HERE)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import crawler_lake as lakes  # noqa: E402

now = time.perf_counter
START, END = "<!-- crawler-results:start -->", "<!-- crawler-results:end -->"
LOAD_AT_START = " ".join(f"{x:.2f}" for x in os.getloadavg())
CODE_AT_START: dict[str, str] = {}


@dataclass(frozen=True)
class Sizes:
    parquet_files: int  # in the main lake: 4 tables x partitions x 10 files
    text_files: int  # CSV + JSON files in each lake
    big_parquet_files: int  # the lake for the second memory point
    rounds: int  # timed rounds of the full-crawl comparison (after one warm-up round)
    recrawls: int  # timed unchanged recrawls
    increments: int  # timed recrawls after +1% files


FULL = Sizes(20_000, 600, 100_000, 5, 5, 3)
QUICK = Sizes(400, 60, 2_000, 3, 3, 2)


class BenchTimeout(Exception):
    pass


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def proc_status_mb(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Series:
    """Timed samples of one operation: wall and CPU seconds, plus what the last run did."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)

    def spread(self) -> str:
        return f"{min(self.wall):.2f}-{max(self.wall):.2f}"


class Results:
    def __init__(self) -> None:
        self.series: dict[str, Series] = {}
        self.info: dict[str, Any] = {}

    def get(self, key: str) -> Series:
        return self.series.setdefault(key, Series())

    def record(
        self, key: str, fn: Callable[[], Any], cpu: Callable[[], float] = cpu_seconds, keep=True
    ) -> Any:
        gc.collect()
        c0, t0 = cpu(), now()
        result = fn()
        wall, used = now() - t0, cpu() - c0
        if keep:
            series = self.get(key)
            series.wall.append(wall)
            series.cpu.append(used)
        return result


# ---------------------------------------------------------------------------------------------
# Ours
# ---------------------------------------------------------------------------------------------


class Ours:
    """Crawls on fresh SQLite catalogs in a scratch folder."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp / "ours"
        self.tmp.mkdir()
        self.count = 0
        self.catalogs: list[Any] = []

    def new_catalog(self) -> Any:
        from glue_magics.catalog import Catalog

        self.count += 1
        home = self.tmp / f"home-{self.count}"
        home.mkdir()
        catalog = Catalog(f"sqlite:///{home}/catalog.db", home=home)  # migrations: not timed
        self.catalogs.append((catalog, home))
        return catalog

    def drop_old(self, keep: Any = None) -> None:
        for catalog, home in list(self.catalogs):
            if catalog is keep:
                continue
            catalog.close()
            shutil.rmtree(home, ignore_errors=True)
            self.catalogs.remove((catalog, home))

    def close(self) -> None:
        for catalog, _ in self.catalogs:
            with contextlib.suppress(Exception):
                catalog.close()


def crawl_facts(result: Any, catalog: Any = None) -> dict[str, Any]:
    metrics = result.metrics()
    facts = {
        k: metrics[k]
        for k in (
            "files_listed",
            "files_read",
            "files_unchanged",
            "files_failed",
            "files_skipped",
            "tables_created",
            "tables_updated",
            "partitions_added",
            "partitions_updated",
        )
    }
    if catalog is not None:
        tables = catalog.list_tables(result.database)
        facts["catalog_tables"] = len(tables)
        facts["catalog_partitions"] = sum(
            catalog.count_partitions(result.database, t.name) for t in tables
        )
        facts["catalog_table_names"] = sorted(t.name for t in tables)
    return facts


# ---------------------------------------------------------------------------------------------
# Peers: the floor, pyarrow, Spark
# ---------------------------------------------------------------------------------------------


def floor(roots: list[Path]) -> dict[str, Any]:
    """The least a crawler must do: list the tree and read every Parquet footer, one thread."""
    import pyarrow.parquet as pq

    files = rows = 0
    for root in roots:
        for path in lakes.iter_parquet_files(root):
            rows += pq.read_metadata(path).num_rows
            files += 1
    return {"files_listed": files, "footers_read": files, "rows_in_footers": rows}


def pyarrow_default(roots: list[Path]) -> dict[str, Any]:
    """Dataset discovery as pyarrow does it by default: list, infer the schema from the first
    fragment's footer only, and hive partition fields from the paths."""
    import pyarrow.dataset as ds

    files, partition_fields = 0, set()
    for root in roots:
        dataset = ds.dataset(str(root), format="parquet", partitioning="hive")
        schema = dataset.schema
        files += len(dataset.files)
        partition_fields |= set(schema.names[-2:])
    return {"files_listed": files, "footers_read": len(roots), "partition_fields": partition_fields}


def pyarrow_every_footer(roots: list[Path]) -> dict[str, Any]:
    """The same, plus every fragment's physical schema: every footer is read (serially)."""
    import pyarrow.dataset as ds

    files = 0
    for root in roots:
        dataset = ds.dataset(str(root), format="parquet", partitioning="hive")
        schemas = [dataset.schema]
        schemas += [fragment.physical_schema for fragment in dataset.get_fragments()]
        files += len(schemas) - 1
    return {"files_listed": files, "footers_read": files}


class Spark:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp / "spark"
        self.tmp.mkdir()
        self.spark: Any = None
        self.jvm_pid: int | None = None

    def start(self) -> float:
        from pyspark.sql import SparkSession

        t0 = now()
        self.spark = (
            SparkSession.builder.master("local[2]")
            .appName("glue-magics-crawler-bench")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.memory", "2g")
            .config("spark.local.dir", str(self.tmp / "local"))
            .config("spark.sql.warehouse.dir", str(self.tmp / "warehouse"))
            .getOrCreate()
        )
        self.spark.sparkContext.setLogLevel("ERROR")
        from pyspark import SparkContext

        proc = getattr(SparkContext._gateway, "proc", None)
        self.jvm_pid = proc.pid if proc is not None else None
        return now() - t0

    def cpu(self) -> float:
        """CPU seconds of the JVM (and any child) plus this Python process (the driver side)."""
        import psutil

        total = cpu_seconds()
        if self.jvm_pid is None:
            return total
        try:
            proc = psutil.Process(self.jvm_pid)
            for p in [proc, *proc.children(recursive=True)]:
                times = p.cpu_times()
                total += times.user + times.system
        except psutil.Error:
            pass
        return total

    def conf(self, key: str) -> str:
        try:
            return str(self.spark.conf.get(key))
        except Exception:  # an unset key without a default
            return "(unset)"

    @staticmethod
    def facts_of(df: Any) -> dict[str, Any]:
        """What the read found: from the InMemoryFileIndex behind the relation (not timed)."""
        location = df._jdf.queryExecution().analyzed().relation().location()
        return {
            "files_listed": len(location.inputFiles()),
            "partitions": location.partitionSpec().partitions().size(),
            "partition_schema": location.partitionSchema().simpleString(),
            "columns": len(df.schema.fields),
        }

    def parquet(self, roots: list[Path], merge: bool) -> list[Any]:
        frames = []
        for root in roots:
            reader = self.spark.read
            if merge:
                reader = reader.option("mergeSchema", "true")
            df = reader.parquet(str(root))  # resolves the relation: listing + schema inference
            frames.append((df, df.schema))
        return frames

    def text(self, lake: lakes.Lake) -> list[Any]:
        csv = (
            self.spark.read.option("header", "true")
            .option("inferSchema", "true")
            .csv(str(lake.table_root(lakes.CSV_TABLE)))
        )
        js = self.spark.read.json(str(lake.table_root(lakes.JSON_TABLE)))
        return [(csv, csv.schema), (js, js.schema)]

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


def sum_facts(frames: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"files_listed": 0, "partitions": 0, "partition_schemas": set()}
    for df, _schema in frames:
        facts = Spark.facts_of(df)
        out["files_listed"] += facts["files_listed"]
        out["partitions"] += facts["partitions"]
        out["partition_schemas"].add(facts["partition_schema"])
    return out


# ---------------------------------------------------------------------------------------------
# Child processes: peak RSS of one crawl, and the profile
# ---------------------------------------------------------------------------------------------


def child_rss(data: Path, out: Path) -> None:
    """One full crawl in this (fresh) process; report RSS before and the peak."""
    from glue_magics.catalog import Catalog
    from glue_magics.crawler.run import crawl

    home = Path(tempfile.mkdtemp(prefix="crawler-bench-rss-"))
    try:
        catalog = Catalog(f"sqlite:///{home}/catalog.db", home=home)
        import fsspec.implementations.local  # noqa: F401  (imported by a crawl anyway)
        import pyarrow.parquet  # noqa: F401

        import glue_magics.crawler.classify  # noqa: F401

        gc.collect()
        baseline = proc_status_mb("VmRSS")
        t0 = now()
        result = crawl(catalog, [str(data)], "db", name="lake")
        seconds = now() - t0
        report = {
            "baseline_rss_mb": baseline,
            "peak_rss_mb": proc_status_mb("VmHWM"),
            "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "seconds": seconds,
            **crawl_facts(result),
        }
        catalog.close()
    finally:
        shutil.rmtree(home, ignore_errors=True)
    out.write_text(json.dumps(report))


class _SyncPool:
    """Stands in for the crawler's ThreadPoolExecutor under cProfile, so every call is seen."""

    def __init__(self, max_workers: int | None = None) -> None:
        pass

    def __enter__(self) -> _SyncPool:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def map(self, fn: Callable[..., Any], *iterables: Any) -> Iterator[Any]:
        return map(fn, *iterables)


def _short(path: str) -> str:
    for prefix in (str(ROOT) + "/", sys.prefix + "/", sys.base_prefix + "/"):
        path = path.replace(prefix, "")
    return re.sub(r"^lib/python3\.\d+/(site-packages/)?", "", path)


def _top_functions(profile: cProfile.Profile, sort: str, limit: int) -> list[dict[str, Any]]:
    """The top functions by ``sort``, leaving out SQLAlchemy's internals (the catalog calls that
    lead into them are listed) and cProfile's own entries."""
    stats = pstats.Stats(profile)
    entries = stats.stats.items()  # type: ignore[attr-defined]
    whole = max(cumtime for _k, (_cc, _n, _tt, cumtime, _c) in entries)
    rows = []
    for (filename, lineno, name), (_cc, calls, tottime, cumtime, _callers) in entries:
        if "sqlalchemy/" in filename or "cProfile" in name or "disable" in name:
            continue
        rows.append(
            {
                "function": f"{_short(filename)}:{lineno}({name})",
                "calls": calls,
                "tottime": tottime,
                "cumtime": cumtime,
                "share": (cumtime if sort == "cumtime" else tottime) / whole if whole else 0.0,
            }
        )
    rows.sort(key=lambda r: r[sort], reverse=True)
    return rows[:limit]


def child_profile(data: Path, out: Path, profile_dir: Path | None) -> None:
    """Unmeasured runs of ours: phase wall times, cProfile of a full crawl (thread pool replaced
    by a synchronous map so the reads show up) and of an unchanged recrawl, and tracemalloc's top
    allocation sites when the plan is applied (every file's state is alive then)."""
    import threading
    import tracemalloc

    import glue_magics.catalog.crawlers as crawlers
    import glue_magics.crawler.classify as classify_mod
    import glue_magics.crawler.plan as plan_mod
    import glue_magics.crawler.run as run
    from glue_magics.catalog import Catalog

    report: dict[str, Any] = {}
    home = Path(tempfile.mkdtemp(prefix="crawler-bench-prof-"))
    counter = iter(range(1000))

    def catalog() -> Any:
        path = home / f"c{next(counter)}"
        path.mkdir()
        return Catalog(f"sqlite:///{path}/catalog.db", home=path)

    try:
        # 1. Phase wall times of a normal (threaded) crawl and recrawl, by wrapping module functions.
        phases: dict[str, float] = {}
        lock = threading.Lock()
        originals: list[tuple[Any, str, Any]] = []

        def wrap(owner: Any, name: str, label: str) -> None:
            original = getattr(owner, name)
            originals.append((owner, name, original))

            def timed(*args: Any, **kwargs: Any) -> Any:
                t0 = now()
                try:
                    return original(*args, **kwargs)
                finally:
                    with lock:
                        phases[label] = phases.get(label, 0.0) + now() - t0

            setattr(owner, name, timed)

        wrap(crawlers.CrawlerOps, "crawler_files", "load per-file state (crawler_files)")
        wrap(run, "list_target", "list the tree (list_target)")
        wrap(run._Crawl, "read_files", "read_files (all of it, wall)")
        wrap(classify_mod, "classify", "classify (summed over the 8 reader threads)")
        wrap(run, "schema_to_json", "schema_to_json (main thread)")
        wrap(run, "schema_from_json", "schema_from_json (main thread)")
        wrap(run, "group_files", "group_files")
        wrap(run.Planner, "add_files_table", "Planner.add_files_table")
        wrap(plan_mod.CrawlPlan, "apply", "CrawlPlan.apply (tables, partitions)")
        wrap(crawlers.CrawlerOps, "update_crawler_files", "update_crawler_files (per-file state)")
        cat = catalog()
        t0 = now()
        run.crawl(cat, [str(data)], "db", name="lake")
        report["phases_full"] = {"total": now() - t0, **phases}
        phases.clear()
        t0 = now()
        run.recrawl(cat, "lake")
        report["phases_recrawl"] = {"total": now() - t0, **phases}
        cat.close()
        for owner, name, original in originals:
            setattr(owner, name, original)

        # 2. cProfile, reads in the main thread.
        pool = run.ThreadPoolExecutor
        run.ThreadPoolExecutor = _SyncPool  # type: ignore[misc,assignment]
        try:
            cat = catalog()
            profile = cProfile.Profile()
            t0 = now()
            profile.enable()
            run.crawl(cat, [str(data)], "db", name="lake")
            profile.disable()
            report["cprofile_full_seconds"] = now() - t0
            report["cprofile_full_cum"] = _top_functions(profile, "cumtime", 45)
            report["cprofile_full_tot"] = _top_functions(profile, "tottime", 20)
            if profile_dir:
                profile.dump_stats(str(profile_dir / "crawl-full.prof"))
            profile = cProfile.Profile()
            t0 = now()
            profile.enable()
            run.recrawl(cat, "lake")
            profile.disable()
            report["cprofile_recrawl_seconds"] = now() - t0
            report["cprofile_recrawl_cum"] = _top_functions(profile, "cumtime", 30)
            if profile_dir:
                profile.dump_stats(str(profile_dir / "recrawl-unchanged.prof"))
            cat.close()
        finally:
            run.ThreadPoolExecutor = pool  # type: ignore[misc]

        # 3. tracemalloc: what is alive when the plan is applied.
        snapshots: dict[str, Any] = {}
        apply = plan_mod.CrawlPlan.apply

        def snapshot_then_apply(self: Any, catalog_: Any) -> Any:
            snapshots["apply"] = tracemalloc.take_snapshot()
            return apply(self, catalog_)

        plan_mod.CrawlPlan.apply = snapshot_then_apply  # type: ignore[method-assign]
        cat = catalog()
        tracemalloc.start(1)
        try:
            run.crawl(cat, [str(data)], "db", name="lake")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
            plan_mod.CrawlPlan.apply = apply  # type: ignore[method-assign]
        cat.close()
        snap = snapshots["apply"].filter_traces(
            [tracemalloc.Filter(False, "<frozen importlib._bootstrap*>")]
        )
        stats = snap.statistics("lineno")
        report["tracemalloc_peak_mb"] = peak / 2**20
        report["tracemalloc_at_apply_mb"] = sum(s.size for s in stats) / 2**20
        report["tracemalloc_top"] = [
            {
                "site": f"{_short(s.traceback[0].filename)}:{s.traceback[0].lineno}",
                "code": linecache.getline(s.traceback[0].filename, s.traceback[0].lineno).strip(),
                "mb": s.size / 2**20,
                "blocks": s.count,
            }
            for s in stats[:15]
        ]
    finally:
        shutil.rmtree(home, ignore_errors=True)
    out.write_text(json.dumps(report))


def run_child(kind: str, data: Path, tmp: Path, timeout: float, extra: list[str]) -> dict[str, Any]:
    out = tmp / f"child-{kind}-{os.getpid()}-{int(now() * 1000)}.json"
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        kind,
        "--child-data",
        str(data),
        "--child-out",
        str(out),
        *extra,
    ]
    proc = subprocess.run(command, timeout=timeout, capture_output=True, text=True)
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"child {kind} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return json.loads(out.read_text())


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------


def measure(args: argparse.Namespace, sizes: Sizes, tmp: Path, res: Results) -> None:
    lake_home = args.lake or tmp / "lakes"
    spec = lakes.LakeSpec.for_files(sizes.parquet_files, sizes.text_files)
    t0 = now()
    lake, made = lakes.ensure_lake(lake_home / f"lake-{spec.parquet_files}", spec, log)
    res.info["lake"] = {"root": str(lake.data), "spec": spec, "generated": made, "s": now() - t0}
    log(f"lake {'generated' if made else 'reused'}: {lake.data} ({spec.total_files:,} files)")
    roots = lake.parquet_roots
    ours, spark = Ours(tmp), Spark(tmp)
    try:
        if not args.no_spark:
            log("starting Spark (local[2])")
            res.info["spark_start_s"] = spark.start()
            res.info["spark_version"] = spark.spark.version
            res.info["spark_threshold"] = spark.conf(
                "spark.sql.sources.parallelPartitionDiscovery.threshold"
            )
        last_lake_catalog = None
        rounds = sizes.rounds + 1
        round_started, last_round = now(), 0.0
        for r in range(rounds):
            keep = r > 0  # round 0 warms up every side (imports, JIT, page cache)
            last_round, round_started = now() - round_started, now()
            if r > MIN_ROUNDS and remaining(args) < last_round + reserve(res):
                log(f"stopping after {r - 1} timed rounds to leave time for the rest")
                res.info["rounds_cut"] = f"{r - 1} of {sizes.rounds} (time limit)"
                break
            log(f"round {r + 1}/{rounds}{'' if keep else ' (warm-up, not counted)'}")
            ours.drop_old()
            cat = ours.new_catalog()
            from glue_magics.crawler.run import crawl, recrawl

            result = res.record(
                "ours.parquet",
                lambda cat=cat: crawl(cat, [str(p) for p in roots], "db", name="parquet"),
                keep=keep,
            )
            res.get("ours.parquet").facts = crawl_facts(result, cat)
            cat = ours.new_catalog()
            result = res.record(
                "ours.lake",
                lambda cat=cat: crawl(cat, [str(lake.data)], "db", name="lake"),
                keep=keep,
            )
            res.get("ours.lake").facts = crawl_facts(result, cat)
            last_lake_catalog = cat
            del result
            res.get("floor").facts = res.record("floor", lambda: floor(roots), keep=keep)
            res.get("pyarrow.default").facts = res.record(
                "pyarrow.default", lambda: pyarrow_default(roots), keep=keep
            )
            res.get("pyarrow.every").facts = res.record(
                "pyarrow.every", lambda: pyarrow_every_footer(roots), keep=keep
            )
            if not args.no_spark:
                frames = res.record(
                    "spark.parquet", lambda: spark.parquet(roots, False), spark.cpu, keep
                )
                res.get("spark.parquet").facts = {**sum_facts(frames), "footers_read": len(roots)}
                frames = res.record(
                    "spark.merge", lambda: spark.parquet(roots, True), spark.cpu, keep
                )
                res.get("spark.merge").facts = {
                    **sum_facts(frames),
                    "footers_read": spec.parquet_files,
                }
                frames = res.record("spark.text", lambda: spark.text(lake), spark.cpu, keep)
                res.get("spark.text").facts = sum_facts(frames)
                del frames
        ours.drop_old(keep=last_lake_catalog)

        log(f"recrawl, nothing changed: 1 warm-up + {sizes.recrawls}")
        for r in range(sizes.recrawls + 1):
            result = res.record(
                "ours.recrawl", lambda: recrawl(last_lake_catalog, "lake"), keep=r > 0
            )
            res.get("ours.recrawl").facts = crawl_facts(result, last_lake_catalog)
        log(f"recrawl after +1% files: {sizes.increments} rounds, each adds new files")
        try:
            added, increments = [], []
            for r in range(sizes.increments):
                added.append(lakes.add_files(lake, r + 1))
                result = res.record("ours.increment", lambda: recrawl(last_lake_catalog, "lake"))
                facts = crawl_facts(result, last_lake_catalog)
                res.get("ours.increment").facts = facts
                increments.append(
                    {k: v for k, v in facts.items() if k != "catalog_table_names" and v}
                )
            res.info["added"] = [a.__dict__ for a in added]
            res.info["increments"] = increments
        finally:
            removed = lakes.remove_added(lake)
            log(f"removed the {removed} added files")
    finally:
        spark.stop()
        ours.close()
        shutil.rmtree(tmp / "ours", ignore_errors=True)

    # Peak RSS in fresh processes, on this lake and on a larger one.
    log("peak RSS of a full crawl in a fresh process")
    res.info["rss"] = []
    rss = optional_child("rss", lake.data, tmp, args, res, [])
    if rss:
        res.info["rss"].append(rss)
    if not args.no_big and rss:
        big_spec = lakes.LakeSpec.for_files(sizes.big_parquet_files, sizes.text_files)
        t0 = now()
        big, made = lakes.ensure_lake(lake_home / f"lake-{big_spec.parquet_files}", big_spec, log)
        res.info["big_lake"] = {"root": str(big.data), "spec": big_spec, "generated": made}
        log(f"big lake {'generated' if made else 'reused'} in {now() - t0:.0f} s; crawling it")
        big_rss = optional_child("rss", big.data, tmp, args, res, [])
        if big_rss:
            res.info["rss"].append(big_rss)
    if not args.no_profile and (not args.quick or args.profile_dir):
        log("profile of ours (unmeasured): phases, cProfile, tracemalloc")
        extra = ["--profile-dir", str(args.profile_dir)] if args.profile_dir else []
        profile = optional_child("profile", lake.data, tmp, args, res, extra)
        if profile:
            res.info["profile"] = profile


MIN_ROUNDS = 3
SIGNALLED: list[int] = []


def remaining(args: argparse.Namespace) -> float:
    return float(args.deadline - now())


def reserve(res: Results) -> float:
    """A guess of the time the steps after the rounds need: recrawls, two RSS crawls (the second
    on a 5x lake) and the profile (about 8 crawls' worth under cProfile and tracemalloc)."""
    lake = res.series.get("ours.lake")
    crawl_s = statistics.median(lake.wall) if lake and lake.wall else 30.0
    return crawl_s * (3 + 1 + 5 + 8) + 90


def optional_child(
    kind: str, data: Path, tmp: Path, args: argparse.Namespace, res: Results, extra: list[str]
) -> dict[str, Any] | None:
    """Run a child within the time left (keeping 30 s for the report); on failure or timeout
    note it in the report and go on."""
    budget = remaining(args) - 30
    if budget < 30:
        res.info.setdefault("skipped", []).append(f"{kind} on {data}: no time left")
        return None
    try:
        return run_child(kind, data, tmp, budget, extra)
    except (subprocess.TimeoutExpired, RuntimeError) as exc:
        log(f"{kind} child failed: {str(exc)[:300]}")
        res.info.setdefault("skipped", []).append(f"{kind} on {data}: {str(exc)[:200]}")
        return None


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def secs(x: float) -> str:
    return f"{x:.2f} s" if x < 100 else f"{x:.0f} s"


def ratio_cell(ours: float, peer: float) -> str:
    return f"{ours / peer:.2f}" if peer else "n/a"


def verdict(value: float, limit: float) -> str:
    return "yes" if value <= limit else "**no**"


def main_table(res: Results, sizes: Sizes, spec: lakes.LakeSpec) -> str:
    s = {k: v for k, v in res.series.items() if v.wall}
    if "spark.parquet" in s and "spark.text" in s:  # Spark on the whole lake, per round
        both = Series()
        pairs = zip(s["spark.parquet"].wall, s["spark.text"].wall, strict=False)
        both.wall = [a + b for a, b in pairs]
        pairs = zip(s["spark.parquet"].cpu, s["spark.text"].cpu, strict=False)
        both.cpu = [a + b for a, b in pairs]
        s["spark.lake"] = both
    n_parquet = (
        f"{spec.parquet_files:,} files, "
        f"{len(lakes.PARQUET_TABLES) * spec.parquet_partitions:,} partitions"
    )
    lines = [
        "| Operation | Ours | Peer | Ours ÷ peer, wall | Ours ÷ peer, CPU | Target | Met? (wall; CPU) |",
        "|---|---:|---|---:|---:|---|---|",
    ]

    def row(op: str, ours: str, peer: str, label: str, target: str = "—", limit=0.0) -> None:
        if ours not in s or peer not in s:
            return
        a, b = s[ours], s[peer]
        wall, cpu = a.median / b.median, a.cpu_median / b.cpu_median
        met = f"{verdict(wall, limit)}; {verdict(cpu, limit)}" if limit else ""
        lines.append(
            f"| {op} | {secs(a.median)} | {label}: {secs(b.median)} | {wall:.2f} | {cpu:.2f} | "
            f"{target} | {met} |"
        )

    op = f"Full crawl, 4 Parquet tables ({n_parquet})"
    five = "≤ 0.20 (5x faster than Spark)"
    row(
        op,
        "ours.parquet",
        "spark.parquet",
        "Spark `read.parquet` + `.schema` (lists all, 1 footer/table)",
        five,
        0.2,
    )
    row(op, "ours.parquet", "spark.merge", "Spark, `mergeSchema=true` (every footer)")
    row(
        op,
        "ours.parquet",
        "pyarrow.default",
        "pyarrow `dataset(...).schema` (lists all, 1 footer/table)",
    )
    row(
        op,
        "ours.parquet",
        "pyarrow.every",
        "pyarrow dataset + every fragment's `physical_schema`",
    )
    row(
        op,
        "ours.parquet",
        "floor",
        "floor: `os.scandir` + `pq.read_metadata` per file, 1 thread",
        "≤ 2.0 (within 2x of the floor)",
        2.0,
    )
    op = f"Full crawl, whole lake ({spec.total_files:,} files: + {spec.text_files} CSV/JSON)"
    row(
        op,
        "ours.lake",
        "spark.lake",
        "Spark: the 4 Parquet reads + CSV `inferSchema` + JSON",
        five,
        0.2,
    )
    row(
        "Recrawl, nothing changed (whole lake)",
        "ours.recrawl",
        "ours.lake",
        "ours, full crawl of the whole lake",
        "≤ 0.10 of a full crawl",
        0.10,
    )
    added = res.info.get("added", [{}])[0]
    row(
        f"Recrawl after +1% files ({added.get('files', '?')} new: "
        f"{added.get('new_partitions', '?')} new partitions, "
        f"{added.get('into_existing', '?')} files in existing ones)",
        "ours.increment",
        "ours.lake",
        "ours, full crawl of the whole lake",
    )
    rss = res.info.get("rss", [])
    if rss:
        first = rss[0]
        lines.append(
            f"| Peak RSS of a full crawl, {first['files_listed']:,} files (fresh process) | "
            f"{first['peak_rss_mb']:.0f} MB | (before the crawl: {first['baseline_rss_mb']:.0f} MB)"
            " | — | — | — | |"
        )
    if len(rss) > 1:
        first, big = rss[0], rss[1]
        growth = big["peak_rss_mb"] / first["peak_rss_mb"]
        per_file = (
            (big["peak_rss_mb"] - big["baseline_rss_mb"])
            - (first["peak_rss_mb"] - first["baseline_rss_mb"])
        ) / (big["files_listed"] - first["files_listed"])
        lines.append(
            f"| Peak RSS of a full crawl, {big['files_listed']:,} files (fresh process) | "
            f"{big['peak_rss_mb']:.0f} MB | the {first['files_listed']:,}-file crawl: "
            f"{first['peak_rss_mb']:.0f} MB | {growth:.2f} (+{per_file * 1024:.1f} KB per file) "
            f"| — | flat (≤ 1.10) | {verdict(growth, 1.10)} |"
        )
    return "\n".join(lines)


def detail_table(res: Results) -> str:
    s = {k: v for k, v in res.series.items() if v.wall}
    if "spark.parquet" in s and "spark.text" in s:
        both = Series()
        both.wall = [
            a + b for a, b in zip(s["spark.parquet"].wall, s["spark.text"].wall, strict=False)
        ]
        both.cpu = [
            a + b for a, b in zip(s["spark.parquet"].cpu, s["spark.text"].cpu, strict=False)
        ]
        s["spark.lake"] = both
    labels = [
        ("ours.parquet", "ours: full crawl, 4 Parquet tables (4 targets)"),
        ("ours.lake", "ours: full crawl, whole lake (1 target)"),
        ("ours.recrawl", "ours: recrawl, nothing changed"),
        ("ours.increment", "ours: recrawl after +1% files"),
        ("spark.parquet", "Spark: 4 x `read.parquet(table).schema`"),
        ("spark.merge", "Spark: same, `mergeSchema=true`"),
        ("spark.text", "Spark: CSV `inferSchema` + JSON read"),
        ("spark.lake", "Spark: whole lake (the two above, per round)"),
        ("pyarrow.default", "pyarrow: 4 x `dataset(table).schema`"),
        ("pyarrow.every", "pyarrow: + every `physical_schema`"),
        ("floor", "floor: scandir + `read_metadata`"),
    ]
    lines = [
        "| Operation | Runs | Wall median | Wall min-max | CPU median (all threads"
        " and the JVM) | What it did (last run) |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for key, label in labels:
        if key not in s:
            continue
        series = s[key]
        facts = {
            k: (sorted(v) if isinstance(v, set) else v)
            for k, v in series.facts.items()
            if (k != "catalog_table_names" and v not in (0, None)) or k == "files_read"
        }
        what = ", ".join(f"{k}={v}" for k, v in facts.items())
        lines.append(
            f"| {label} | {len(series.wall)} | {secs(series.median)} | {series.spread()} s | "
            f"{secs(series.cpu_median)} | {what} |"
        )
    return "\n".join(lines)


def rss_table(res: Results) -> str:
    lines = [
        "| Lake | Files | Crawl time (1 run) | RSS before the crawl | Peak RSS (VmHWM) |"
        " Peak - before | Per file |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for item in res.info.get("rss", []):
        delta = item["peak_rss_mb"] - item["baseline_rss_mb"]
        lines.append(
            f"| {item['tables_created']} tables, {item['partitions_added']:,} partitions | "
            f"{item['files_listed']:,} | {secs(item['seconds'])} | {item['baseline_rss_mb']:.0f} MB | "
            f"{item['peak_rss_mb']:.0f} MB | {delta:.0f} MB | {delta * 1024 / item['files_listed']:.1f} KB |"
        )
    return "\n".join(lines)


def profile_section(res: Results) -> str:
    prof = res.info.get("profile")
    if not prof:
        return ""
    out = []
    full, again = prof["phases_full"], prof["phases_recrawl"]
    out.append(
        "Phase wall times of one threaded crawl and one unchanged recrawl of the lake "
        "(module functions wrapped from outside; nested phases overlap, `classify` is summed "
        "over the reader threads):\n"
    )
    out.append("| Phase | Full crawl | Recrawl, nothing changed |\n|---|---:|---:|")
    for key in dict.fromkeys([*full, *again]):
        a, b = full.get(key), again.get(key)
        out.append(
            f"| {key} | {secs(a) if a is not None else '—'} | {secs(b) if b is not None else '—'} |"
        )
    out.append(
        f"\ncProfile of a full crawl with the reads in the main thread "
        f"({secs(prof['cprofile_full_seconds'])} under the profiler), by cumulative time "
        "(glue_magics functions and the library calls they spend it in):\n"
    )
    out.append("| Function | Calls | Cumulative | Share |\n|---|---:|---:|---:|")
    for r in prof["cprofile_full_cum"]:
        if r["share"] < 0.02:
            continue
        out.append(
            f"| `{r['function']}` | {r['calls']:,} | {secs(r['cumtime'])} | {r['share']:.0%} |"
        )
    out.append("\nThe same profile by self time (where the CPU actually goes):\n")
    out.append("| Function | Calls | Self | Share |\n|---|---:|---:|---:|")
    for r in prof["cprofile_full_tot"][:15]:
        out.append(
            f"| `{r['function']}` | {r['calls']:,} | {secs(r['tottime'])} | {r['share']:.0%} |"
        )
    out.append(
        f"\ncProfile of an unchanged recrawl ({secs(prof['cprofile_recrawl_seconds'])} under "
        "the profiler):\n"
    )
    out.append("| Function | Calls | Cumulative | Share |\n|---|---:|---:|---:|")
    for r in prof["cprofile_recrawl_cum"]:
        if r["share"] < 0.04:
            continue
        out.append(
            f"| `{r['function']}` | {r['calls']:,} | {secs(r['cumtime'])} | {r['share']:.0%} |"
        )
    out.append(
        f"\ntracemalloc (1 frame) when the plan is applied: {prof['tracemalloc_at_apply_mb']:.0f} MB"
        f" of Python objects alive, traced peak {prof['tracemalloc_peak_mb']:.0f} MB. Top sites:\n"
    )
    out.append("| Site | Code | MB | Blocks |\n|---|---|---:|---:|")
    for r in prof["tracemalloc_top"][:12]:
        code = r["code"].replace("|", "\\|")[:90]
        out.append(f"| `{r['site']}` | `{code}` | {r['mb']:.1f} | {r['blocks']:,} |")
    return "\n".join(out)


def source_hashes() -> dict[str, str]:
    """sha1 of every glue_magics source file, by path: a run must not span an edit."""
    import hashlib

    return {
        str(path.relative_to(ROOT)): hashlib.sha1(path.read_bytes()).hexdigest()
        for path in sorted((ROOT / "glue_magics").rglob("*.py"))
    }


def loaded_sources() -> list[str]:
    """The glue_magics files this process imported (the crawl's code)."""
    out = []
    for module in list(sys.modules.values()):
        name, file = getattr(module, "__name__", ""), getattr(module, "__file__", None)
        if name.startswith("glue_magics") and file:
            with contextlib.suppress(ValueError):
                out.append(str(Path(file).resolve().relative_to(ROOT)))
    return sorted(out)


def code_info() -> str:
    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    head = git("log", "-1", "--format=%h %s") or "(not a git checkout)"
    loaded = [p for p in loaded_sources() if p in CODE_AT_START]
    dirty = git("status", "--porcelain", "--", *loaded) if loaded else ""
    import hashlib

    digest = hashlib.sha1("".join(CODE_AT_START[p] for p in loaded).encode()).hexdigest()[:12]
    text = f"- Code: commit {head}"
    if dirty:
        text += f"; with uncommitted changes in {len(dirty.splitlines())} of the files it runs"
    text += f"; the {len(loaded)} glue_magics files the crawl runs hash to {digest}"
    current = source_hashes()
    changed = [p for p in loaded if current.get(p) != CODE_AT_START[p]]
    if changed:
        text += (
            " **(changed during the run, so the results may mix two versions: "
            + ", ".join(changed)
            + ")**"
        )
    return text


def machine_info() -> str:
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
    import fsspec
    import pyarrow
    import pyspark
    import sqlalchemy

    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    ram = f"{int(total.group(1)) / 2**20:.1f} GiB" if total else "?"
    return "\n".join(
        [
            f"- CPU: {model.group(1) if model else platform.processor()}, {os.cpu_count()} cores; "
            f"RAM: {ram}",
            f"- OS: {platform.platform()}; load average (1, 5, 15 min): {LOAD_AT_START} at the "
            f"start, {load} at the end (the machine is shared)",
            f"- Python {platform.python_version()}; pyarrow {pyarrow.__version__}; fsspec "
            f"{fsspec.__version__}; SQLAlchemy {sqlalchemy.__version__}",
            f"- {java}; PySpark {pyspark.__version__}",
        ]
    )


NOTES = """\
- **Warm caches, CPU-bound.** Every side reads the same lake from the OS page cache (one warm-up
  round first), so these are metadata costs, not disk costs. Times are medians of the rounds; the
  sides run one after the other within each round, never at the same time.
- **What each side reads.** Ours opens every file and reads its footer (Parquet) or a sample of up to
  1,000 records / 1 MB (CSV, JSON: here the whole file), and also stats every file (size, mtime)
  for the incremental state. Spark's default Parquet read lists every file but infers the schema
  from **one** footer per table (`mergeSchema=false`); `mergeSchema=true` reads every footer in a
  Spark job. pyarrow's `dataset()` also reads one footer by default (`InspectOptions.fragments=1`);
  the second pyarrow row adds every fragment's `physical_schema`. The floor reads every footer but
  does not stat files, does no type mapping and writes nothing. For CSV (`inferSchema`) and JSON
  Spark reads every row of every file, as ours does for files this small.
- **What each side produces.** Ours writes a catalog: 6 tables with Hive types and Glue table
  parameters, one catalog partition per folder with its own columns and counts, and one row of
  per-file state per file (for incremental recrawls), all in one SQLite transaction; the time
  includes that commit (not the one-off catalog creation). Spark and pyarrow keep an in-memory
  file index and a schema and write nothing. Spark types the partition columns (`dt` date,
  `hour` int); ours keeps them as `string`, as Glue does.
- **Threads and processes.** Ours reads with 8 threads in one Python process (GIL-bound work,
  2 cores); Spark is `local[2]` (driver-side listing below
  `spark.sql.sources.parallelPartitionDiscovery.threshold` = 32 sub-folders, a job above it;
  schema inference is always a job); pyarrow lists and inspects with its C++ thread pool; the
  floor is one Python thread. The CPU column adds the JVM's CPU to Spark's.
- **Spark's JVM start** (see above) is not in any Spark time: the session is started and
  warmed before timing, as the brief asks. Ours' process start and imports are not timed either
  (one warm-up round).
- **A busy, shared machine.** When other jobs keep both cores busy (see the load average), every
  side gets only a share of the CPU, and a process with many runnable threads (ours' 8 readers,
  the JVM) gets a bigger share than a single-threaded one (the floor, ours' recrawl). Wall-time
  ratios then drift; CPU-time ratios (user + system seconds of every thread, the JVM's included)
  hardly do, so the table gives both. The targets are about wall time on an idle machine.
- **Per-file record counts.** Parquet files have 20-1,019 rows, so most files' footers differ in
  their row count, as in a real lake. Ours stores each file's classifier result (columns *and*
  record count) as a shared schema row keyed by its hash; with varying row counts few files share
  one.
"""


def report(args: argparse.Namespace, sizes: Sizes, res: Results, elapsed: float) -> str:
    spec: lakes.LakeSpec = res.info["lake"]["spec"]
    argv = " ".join(a for a in (args.argv or []))
    command = (
        f"SPARK_LOCAL_IP=127.0.0.1 .venv/bin/python benchmarks/crawler_bench.py {argv}".strip()
    )
    rounds = len(res.series["ours.lake"].wall)
    lake_text = (
        f"{spec.parquet_files:,} Parquet files in {len(lakes.PARQUET_TABLES)} tables x "
        f"{spec.parquet_partitions:,} `dt=YYYY-MM-DD/hour=HH` partitions x "
        f"{spec.files_per_partition} files, plus a CSV and a JSON-lines table of "
        f"{spec.text_partitions} `dt=` partitions x {spec.files_per_partition} files each: "
        f"{spec.total_files:,} files, {spec.total_partitions:,} partitions"
    )
    big = res.info.get("big_lake")
    big_text = ""
    if big:
        b: lakes.LakeSpec = big["spec"]
        big_text = (
            f" The memory lake: the same with {b.parquet_partitions:,} partitions per Parquet table, "
            f"{b.total_files:,} files."
        )
    extra = ""
    if "spark_start_s" in res.info:
        extra = (
            f" Spark {res.info['spark_version']} (`local[2]`, driver memory 2g) started in "
            f"{res.info['spark_start_s']:.0f} s before any timing; "
            f"`spark.sql.sources.parallelPartitionDiscovery.threshold` = "
            f"{res.info['spark_threshold']}."
        )
    incs = res.info.get("increments", [])
    inc_text = ""
    if incs:
        inc_text = (
            "\n\nThe +1% recrawls, one per round (each round adds new files):\n\n"
            + "\n".join(
                f"- round {i + 1}: " + ", ".join(f"{k}={v}" for k, v in f.items() if v)
                for i, f in enumerate(incs)
            )
        )
    parts = [
        f"Run of {time.strftime('%Y-%m-%d %H:%M %Z')}, {elapsed / 60:.1f} minutes in all"
        + (" (`--quick`: small sizes, a smoke check only)" if args.quick else "")
        + ".",
        "### Machine\n\n" + machine_info() + "\n" + code_info(),
        f"### Command\n\n```sh\n{command}\n```\n\nThe lake: {lake_text}; Parquet files of "
        f"20 to {19 + lakes.PARQUET_VARIANTS:,} rows each (the row count varies from file to file), "
        f"{lakes.TEXT_VARIANTS} distinct CSV/JSON payloads. Generated before timing"
        f"{' (reused from an earlier run)' if not res.info['lake']['generated'] else ''}."
        f"{big_text}{extra}",
        f"### Results\n\nMedians of {rounds} rounds after one warm-up round (recrawl, nothing "
        f"changed: {len(res.series.get('ours.recrawl', Series()).wall)} runs; after +1%: "
        f"{len(res.series.get('ours.increment', Series()).wall)} runs; peak RSS: 1 run per lake). "
        "Ratios are time ratios, ours ÷ peer: below 1 ours is faster."
        + "".join(
            f" **{label}: {res.info[key]}.**"
            for key, label in (
                ("stopped", "Stopped early"),
                ("rounds_cut", "Timed rounds"),
                ("skipped", "Skipped"),
            )
            if res.info.get(key)
        )
        + "\n\n"
        + main_table(res, sizes, spec),
        "### Every measured operation\n\n" + detail_table(res) + inc_text,
        "### Memory\n\n" + rss_table(res),
    ]
    prof = profile_section(res)
    if prof:
        parts.append("### Where ours spends time and memory (profile, not timed)\n\n" + prof)
    parts.append("### What differs between the sides\n\n" + NOTES)
    return "\n\n".join(parts)


def write_results(path: Path, block: str) -> None:
    block = f"{START}\n{block.strip()}\n{END}"
    text = path.read_text() if path.exists() else ""
    if START in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1] if END in rest else ""
        path.write_text(before + block + after)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        head = text or "## Crawler: glue_magics vs Spark, pyarrow and the floor\n\n"
        path.write_text(f"{head.rstrip()}\n\n{block}\n")
    log(f"wrote {path}")


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few hundred files, about a minute")
    parser.add_argument("--files", type=int, help="Parquet files in the lake (default 20000)")
    parser.add_argument(
        "--big-files", type=int, help="Parquet files in the memory lake (default 100000)"
    )
    parser.add_argument("--rounds", type=int, help="timed rounds (default 5; --quick 3)")
    parser.add_argument("--lake", type=Path, help="keep lakes here and reuse them between runs")
    parser.add_argument("--write", type=Path, help="put the report into this Markdown file")
    parser.add_argument("--json", type=Path, help="write the raw samples as JSON")
    parser.add_argument("--no-spark", action="store_true", help="skip the Spark side")
    parser.add_argument("--no-big", action="store_true", help="skip the larger memory lake")
    parser.add_argument(
        "--no-profile", action="store_true", help="skip the profile of ours (skipped with --quick)"
    )
    parser.add_argument(
        "--profile-dir", type=Path, help="save the .prof files here (profiles --quick runs too)"
    )
    parser.add_argument(
        "--max-seconds",
        type=int,
        help="stop (report what was measured, clean up) after this long; 600 quick, 5400",
    )
    parser.add_argument("--child", choices=["rss", "profile"], help=argparse.SUPPRESS)
    parser.add_argument("--child-data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.argv = argv if argv is not None else sys.argv[1:]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child == "rss":
        child_rss(args.child_data, args.child_out)
        return 0
    if args.child == "profile":
        if args.profile_dir:
            args.profile_dir.mkdir(parents=True, exist_ok=True)
        child_profile(args.child_data, args.child_out, args.profile_dir)
        return 0
    global CODE_AT_START
    CODE_AT_START = source_hashes()
    base = QUICK if args.quick else FULL
    sizes = Sizes(
        parquet_files=args.files or base.parquet_files,
        text_files=base.text_files,
        big_parquet_files=args.big_files or base.big_parquet_files,
        rounds=args.rounds or base.rounds,
        recrawls=base.recrawls,
        increments=base.increments,
    )
    max_seconds = args.max_seconds or (600 if args.quick else 5400)
    args.deadline = now() + max_seconds

    def on_signal(signum: int, _frame: Any) -> None:
        SIGNALLED.append(signum)
        raise BenchTimeout(f"stopped by signal {signum} (limit {max_seconds} s)")

    signal.signal(signal.SIGALRM, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    signal.alarm(max_seconds)
    tmp = Path(tempfile.mkdtemp(prefix="glue-crawler-bench-"))
    started = now()
    res = Results()
    try:
        measure(args, sizes, tmp, res)
    except Exception as exc:
        if not SIGNALLED:
            raise
        # A signal can surface as another exception (py4j wraps it): report what was measured.
        res.info["stopped"] = f"stopped early by signal {SIGNALLED[0]} ({type(exc).__name__})"
        log(res.info["stopped"])
    finally:
        signal.alarm(0)
        shutil.rmtree(tmp, ignore_errors=True)  # lakes too, unless --lake put them elsewhere
    if not all(res.series.get(k) and res.series[k].wall for k in ("ours.parquet", "ours.lake")):
        log("not enough was measured for a report")
        return 1
    block = report(args, sizes, res, now() - started)
    print(block)
    if args.write:
        write_results(args.write, block)
    if args.json:
        raw = {
            "series": {k: {"wall": v.wall, "cpu": v.cpu} for k, v in res.series.items()},
            "info": res.info,
        }
        args.json.write_text(json.dumps(raw, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
