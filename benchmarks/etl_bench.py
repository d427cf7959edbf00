#!/usr/bin/env python
"""``%%etl``, ``%%sql`` and the session manager vs hand-written PySpark, side by side in one run.

    .venv/bin/python benchmarks/etl_bench.py --quick                 # smoke check: SF 0.01, 1 rep
    .venv/bin/python benchmarks/etl_bench.py --data /tmp/tpch-sf1    # full: SF 1, data kept

1. TPC-H (nation, customer, orders, lineitem) as Parquet from ``tpchgen-cli``, reused when ``--data``
   holds it already, crawled into a fresh SQLite catalog.
2. One warm Spark session from ``glue_magics.spark.session.manager``. In it, TPC-H Q1 (aggregation)
   and Q3 (join, without its LIMIT) both ways, alternating which goes first:
   - ours: the real ``%%etl --source ... --target bench.qN`` cell magic, run through an IPython
     shell (argument parsing, ``run_etl``: staged write with observed statistics, commit, catalog);
   - peer: ``spark.read.parquet`` of the same files, the same SQL on temp views,
     ``df.write.mode("overwrite").parquet(path)``.
   Our functions are wrapped in place with timers (microseconds per call), so every timed run also
   gives the breakdown: plan, write job, listing, moves, catalog calls, the rest.
3. Warm ``%%sql`` (the cell magic, plus its HTML rendering) on the nation table vs
   ``spark.sql(...).limit(101).toPandas()``.
4. Cold session start, each in a fresh process: ``manager.session()`` vs the bare
   ``SparkSession.builder.master("local[*]").getOrCreate()``, and the builder with the
   configuration ``manager`` would use, to tell the cost of that configuration from our code's.

The Markdown report goes to stdout and, between ``<!-- etl-results:start -->`` and
``<!-- etl-results:end -->``, to ``--write`` (default ``benchmarks/etl_results.md``; nothing with
``--quick``). Everything runs on 127.0.0.1, is bounded by ``--max-seconds`` and cleaned up at the
end (Spark stopped, the temporary folder removed; a ``--data`` folder is kept).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import inspect
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
for _key in ("GLUE_MAGICS_CATALOG_URL", "GLUE_MAGICS_WAREHOUSE", "GLUE_MAGICS_SPARK_MASTER"):
    os.environ.pop(_key, None)
os.environ.pop("GLUE_MAGICS_SPARK_REMOTE", None)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

now = time.perf_counter
TABLES = ("nation", "customer", "orders", "lineitem")
MARKER = ".etl-bench.json"  # hidden: the crawler and Spark skip it
LOAD_AT_START = " ".join(f"{x:.2f}" for x in os.getloadavg())

Q1 = """\
SELECT l_returnflag, l_linestatus,
       sum(l_quantity) AS sum_qty,
       sum(l_extendedprice) AS sum_base_price,
       sum(l_extendedprice * (1 - l_discount)) AS sum_disc_price,
       sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge,
       avg(l_quantity) AS avg_qty,
       avg(l_extendedprice) AS avg_price,
       avg(l_discount) AS avg_disc,
       count(*) AS count_order
FROM lineitem
WHERE l_shipdate <= date '1998-12-01' - interval '90' day
GROUP BY l_returnflag, l_linestatus
ORDER BY l_returnflag, l_linestatus
"""

# TPC-H Q3 without LIMIT 10, so the write and the statistics see every group.
Q3 = """\
SELECT l_orderkey,
       sum(l_extendedprice * (1 - l_discount)) AS revenue,
       o_orderdate, o_shippriority
FROM customer, orders, lineitem
WHERE c_mktsegment = 'BUILDING'
  AND c_custkey = o_custkey
  AND l_orderkey = o_orderkey
  AND o_orderdate < date '1995-03-15'
  AND l_shipdate > date '1995-03-15'
GROUP BY l_orderkey, o_orderdate, o_shippriority
ORDER BY revenue DESC, o_orderdate
"""

QUERIES = {"q1": (Q1, ("lineitem",)), "q3": (Q3, ("customer", "orders", "lineitem"))}
SQL_QUERY = "SELECT * FROM tpch.nation"


class Deadline(Exception):
    """--max-seconds ran out (or SIGTERM)."""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def cpu_seconds(jvm_pid: int | None) -> float:
    """CPU time (user + system) of this process plus the Spark driver JVM."""
    total = time.process_time()
    with contextlib.suppress(OSError, IndexError, ValueError):
        fields = Path(f"/proc/{jvm_pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


# -- the dataset -------------------------------------------------------------------------------


def prepare_data(folder: Path, scale: float, parts: int) -> tuple[str, bool]:
    """Generate the tables into ``folder`` unless it holds them at ``scale``; (command, reused)."""
    marker = folder / MARKER
    if marker.exists():
        saved = json.loads(marker.read_text())
        if float(saved["scale"]) != scale:
            raise SystemExit(f"{folder} holds TPC-H scale {saved['scale']}, not {scale:g}")
        return saved["command"], True
    if folder.exists() and any(folder.iterdir()):
        raise SystemExit(f"{folder} is not empty and has no {MARKER}: pick another --data folder")
    cli = Path(sys.executable).parent / "tpchgen-cli"
    if not cli.exists():
        raise SystemExit("tpchgen-cli not found: `.venv/bin/pip install tpchgen-cli`")
    command = [str(cli), "parquet", "-s", f"{scale:g}", "--parts", str(parts)]
    command += ["-o", str(folder), "-q", *(x for t in TABLES for x in ("-T", t))]
    log(f"generating TPC-H SF {scale:g}")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(command, check=True, timeout=1800)
    shown = " ".join([".venv/bin/tpchgen-cli", *command[1:]])
    marker.write_text(json.dumps({"scale": scale, "command": shown}))
    return shown, False


def data_summary(folder: Path) -> str:
    import pyarrow.parquet as pq

    described = []
    for table in TABLES:
        files = sorted((folder / table).glob("*.parquet"))
        rows = sum(pq.read_metadata(f).num_rows for f in files)
        mb = sum(f.stat().st_size for f in files) / 1e6
        described.append(f"{table} {rows:,} rows ({len(files)} files, {mb:.1f} MB)")
    return ", ".join(described)


# -- timers around our code --------------------------------------------------------------------


class Probe:
    """Seconds per label for the run in progress. ``catalog`` counts outermost ``Catalog`` calls
    only (a call made inside another, or inside ``transaction()``, belongs to that one); every span
    also notes the catalog time spent inside it as ``LABEL:catalog``."""

    def __init__(self) -> None:
        self.times: dict[str, float] = defaultdict(float)
        self.depth = 0

    @contextlib.contextmanager
    def run(self) -> Iterator[dict[str, float]]:
        self.times = defaultdict(float)
        yield self.times

    def span(self, label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            catalog, started = self.times["catalog"], now()
            try:
                return fn(*args, **kwargs)
            finally:
                self.times[label] += now() - started
                self.times[f"{label}:catalog"] += self.times["catalog"] - catalog

        return wrapper

    @contextlib.contextmanager
    def catalog_time(self) -> Iterator[None]:
        outermost, started = self.depth == 0, now()
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
            if outermost:
                self.times["catalog"] += now() - started
                self.times["catalog calls"] += 1

    def catalog_call(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.catalog_time():
                return fn(*args, **kwargs)

        return wrapper

    def catalog_transaction(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        @contextlib.contextmanager
        def wrapper(*args: Any, **kwargs: Any) -> Iterator[None]:
            with self.catalog_time(), fn(*args, **kwargs):
                yield

        return wrapper

    def install(self) -> None:
        from glue_magics.catalog import Catalog
        from glue_magics.etl import commit, runner
        from glue_magics.spark.catalog_bridge import CatalogBridge

        for name in dir(Catalog):
            attr = inspect.getattr_static(Catalog, name)
            if name.startswith("_") or not inspect.isfunction(attr) or name == "close":
                continue
            wrap = self.catalog_transaction if name == "transaction" else self.catalog_call
            setattr(Catalog, name, wrap(attr))
        runner.EtlRun.transform = self.span("plan", runner.EtlRun.transform)
        runner.EtlRun._write = self.span("write", runner.EtlRun._write)
        commit.collect_staged = self.span("list", commit.collect_staged)
        commit.StagedWrite.apply = self.span("moves", commit.StagedWrite.apply)
        commit.StagedWrite.cleanup = self.span("moves", commit.StagedWrite.cleanup)
        CatalogBridge.ensure = self.span("bridge", CatalogBridge.ensure)


# -- the warm comparisons ----------------------------------------------------------------------


class Bench:
    def __init__(self, shell: Any, spark: Any, jvm_pid: int | None, data: Path, tmp: Path) -> None:
        self.shell, self.spark, self.jvm_pid, self.data, self.tmp = shell, spark, jvm_pid, data, tmp
        self.probe = Probe()
        self.probe.install()

    def ours_etl(self, key: str) -> tuple[float, dict[str, float]]:
        """One ``%%etl`` cell, as the notebook runs it (no progress bar: not a notebook front-end)."""
        sql, tables = QUERIES[key]
        line = " ".join(f"--source {t}=tpch.{t}" for t in tables) + f" --target bench.{key}"
        with self.probe.run() as times:
            cpu, started = cpu_seconds(self.jvm_pid), now()
            report = self.shell.run_cell_magic("etl", line, sql)
            seconds = now() - started
            times["cpu"] = cpu_seconds(self.jvm_pid) - cpu
        assert report.data["state"] == "SUCCEEDED", report.data
        t = defaultdict(float, times)
        parts = {
            "total": seconds,
            "plan": t["plan"],
            "write": t["write"] - t["list"],
            "list": t["list"],
            "moves": t["moves"],
            "catalog outside plan": t["catalog"] - t["plan:catalog"],
            "catalog": t["catalog"],
            "catalog calls": t["catalog calls"],
            "cpu": t["cpu"],
        }
        accounted = ("plan", "write", "list", "moves", "catalog outside plan")
        parts["rest"] = seconds - sum(parts[k] for k in accounted)
        return seconds, parts

    def peer_etl(self, key: str) -> tuple[float, dict[str, float]]:
        spark = self.spark
        sql, tables = QUERIES[key]
        cpu, started = cpu_seconds(self.jvm_pid), now()
        for t in tables:
            spark.read.parquet(str(self.data / t)).createOrReplaceTempView(t)
        df = spark.sql(sql)
        planned = now()
        df.write.mode("overwrite").parquet(str(self.tmp / "peer" / key))
        seconds = now() - started
        parts = {
            "total": seconds,
            "plan": planned - started,
            "write": seconds - (planned - started),
        }
        parts["cpu"] = cpu_seconds(self.jvm_pid) - cpu
        return seconds, parts

    def check_same(self, key: str) -> str:
        """Both sides wrote the same rows (untimed)."""
        import glue_magics

        ours = glue_magics.table(f"bench.{key}")
        peer = self.spark.read.parquet(str(self.tmp / "peer" / key))
        diff = ours.exceptAll(peer).count() + peer.exceptAll(ours).count()
        return f"{key.upper()}: {ours.count():,} rows ours, {peer.count():,} peer, {diff} differing"


def compare_etl(bench: Bench, key: str, reps: int) -> dict[str, Any]:
    log(f"{key}: warm-up runs (peer, ours: creates the table), then {reps} timed pairs")
    bench.peer_etl(key)  # files in the page cache, the JVM's code for this query warm
    bench.ours_etl(key)
    runs: dict[str, list[tuple[float, dict[str, float]]]] = {"ours": [], "peer": []}
    for i in range(reps):
        for side in ("ours", "peer") if i % 2 == 0 else ("peer", "ours"):
            runs[side].append(bench.ours_etl(key) if side == "ours" else bench.peer_etl(key))
        log(
            f"{key} {i + 1}/{reps}: ours {runs['ours'][-1][0]:.2f} s, peer {runs['peer'][-1][0]:.2f} s"
        )
    return {side: [parts for _, parts in r] for side, r in runs.items()}


def compare_sql(bench: Bench, reps: int) -> dict[str, list[float]]:
    def ours() -> float:
        with bench.probe.run() as times:
            started = now()
            result = bench.shell.run_cell_magic("sql", "", SQL_QUERY)
            result._repr_html_()  # what the notebook renders
            seconds = now() - started
        runs["bridge"].append(times["bridge"])
        return seconds

    def peer() -> float:
        started = now()
        bench.spark.sql(SQL_QUERY).limit(101).toPandas()
        return now() - started

    runs: dict[str, list[float]] = defaultdict(list)
    for _ in range(3):  # warm: the table registered, the code paths compiled
        ours()
        peer()
    runs.clear()
    for i in range(reps):
        for side in ("ours", "peer") if i % 2 == 0 else ("peer", "ours"):
            runs[side].append(ours() if side == "ours" else peer())
    return runs


# -- cold starts -------------------------------------------------------------------------------

_CHILD = {
    "ours": """
import json, time
t0 = time.perf_counter()
from glue_magics.spark import java
from glue_magics.spark.session import manager
check, java_seconds = java.require_java, []
def timed(*a, **k):
    s = time.perf_counter(); r = check(*a, **k); java_seconds.append(time.perf_counter() - s); return r
java.require_java = timed
manager.echo = lambda message: None
spark = manager.session()
t1 = time.perf_counter()
spark.range(1).collect()
print(json.dumps({"start": t1 - t0, "first_query": time.perf_counter() - t1, "java": sum(java_seconds)}))
manager.stop()
""",
    "builder": """
import json, time
t0 = time.perf_counter()
from pyspark.sql import SparkSession
spark = SparkSession.builder.master("local[*]").getOrCreate()
t1 = time.perf_counter()
spark.range(1).collect()
print(json.dumps({"start": t1 - t0, "first_query": time.perf_counter() - t1}))
spark.stop()
""",
    "builder + our conf": """
import json, time
t0 = time.perf_counter()
from glue_magics.spark.session import manager
from pyspark.sql import SparkSession
spark = SparkSession.builder.master("local[*]").config(map=manager.planned_conf()).getOrCreate()
t1 = time.perf_counter()
spark.range(1).collect()
print(json.dumps({"start": t1 - t0, "first_query": time.perf_counter() - t1}))
spark.stop()
""",
}


def cold_start(kind: str, tmp: Path) -> dict[str, float]:
    env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1", "GLUE_MAGICS_HOME": str(tmp / "cold")}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD[kind]],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        cwd=str(tmp),
        env=env,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    lines = [ln for ln in out.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"cold start ({kind}) failed: {err.strip().splitlines()[-3:]}")
    return json.loads(lines[-1])


# -- the report --------------------------------------------------------------------------------


def secs(seconds: float) -> str:
    return f"{seconds:.2f} s"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(r) + " |" for r in rows]


def listed(runs: list[dict[str, float]]) -> str:
    return ", ".join(f"{x['total']:.2f}" for x in runs)


def machine_line() -> str:
    model = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr
    import pyspark

    return (
        f"{model}, {os.cpu_count()} cores, {ram:.1f} GiB RAM; {platform.platform()}; "
        f"Python {platform.python_version()}, PySpark {pyspark.__version__}, "
        f"{java.splitlines()[0] if java else 'java ?'}"
    )


BREAKDOWN = [
    ("total", "**end to end**"),
    (
        "plan",
        "plan: catalog lookups, table registration, temp views, `spark.sql` (peer: `read.parquet` + `spark.sql`)",
    ),
    ("write", "the Spark job that writes the result (ours: into the staging folder)"),
    ("list", "list the staged files"),
    ("moves", "moves into place, old data set aside and deleted"),
    (
        "catalog outside plan",
        "catalog calls after the plan: start_run, target lookup, commit transaction",
    ),
    ("rest", "the rest: magic arguments, session check, job group, report"),
    ("catalog", "all catalog calls of the run (the bookkeeping target)"),
    ("cpu", "CPU seconds, Spark JVM + Python (less sensitive to the machine's load)"),
]


def compared(name: str, o: float, p: float, fmt: Callable[[float], str], target: str) -> list[str]:
    limit = float(target.split()[1]) / (1000 if target.endswith("ms") else 1)
    ok = o / p <= limit if target.startswith("<=") else o < limit
    return [name, fmt(o), fmt(p), f"{o / p:.3f}", target, met(ok)]


def build_report(r: dict[str, Any]) -> str:
    rows = []
    for key, runs in r["etl"].items():
        o, p = (median([x["total"] for x in runs[side]]) for side in ("ours", "peer"))
        name = f"`%%etl` to a catalog table vs PySpark to a path (median of {len(runs['ours'])})"
        rows.append(compared(f"{key.upper()}: {name}", o, p, secs, "<= 1.05"))
    for key, runs in r["etl"].items():
        c = median([x["catalog"] for x in runs["ours"]])
        calls = median([x["catalog calls"] for x in runs["ours"]])
        name = f"{key.upper()}: catalog bookkeeping per `%%etl` run ({calls:.0f} calls)"
        rows.append([name, ms(c), "", "", "< 100 ms", met(c < 0.1)])
    sql, cold = r["sql"], r["cold"]
    name = (
        f"warm `%%sql` `{SQL_QUERY}`, end to end vs `spark.sql(...).limit(101).toPandas()` "
        f"(median of {len(sql['ours'])})"
    )
    rows.append(compared(name, median(sql["ours"]), median(sql["peer"]), ms, "< 200 ms"))
    o, p = (median([x["start"] for x in cold[k]]) for k in ("ours", "builder"))
    name = (
        "cold session start, fresh process: `manager.session()` vs `builder.getOrCreate()` "
        f"(median of {len(cold['ours'])})"
    )
    rows.append(compared(name, o, p, secs, "<= 1.10"))
    lines = [
        f"Run of {r['when']}, {r['elapsed'] / 60:.1f} minutes"
        + (" (**quick smoke run, not a measurement**)." if r["quick"] else "."),
        "",
        f"- Machine: {r['machine']}",
        f"- Load average (1, 5, 15 min): {LOAD_AT_START} at the start, {r['load_end']} at the end. "
        "The machine is shared with other work, so read the medians and ratios, not single runs.",
        f"- Command: `{r['command']}`; data: `{r['generate']}` "
        f"({'reused' if r['reused'] else 'generated by this run'}), crawled into a fresh SQLite "
        f"catalog in {r['crawl']:.1f} s: {r['data']}.",
        "",
        *table(["operation", "ours", "peer", "ours / peer", "target", "met?"], rows),
        "",
        "Where the time of one run goes (medians of each part over the timed runs, so the parts "
        "need not add up exactly to the median total):",
        "",
    ]
    header, body = ["part"], []
    for key in r["etl"]:
        header += [f"{key.upper()} ours", f"{key.upper()} peer"]
    for part, label in BREAKDOWN:
        row = [label]
        for runs in r["etl"].values():
            for side in ("ours", "peer"):
                values = [x[part] for x in runs[side] if part in x]
                row.append((secs if part == "cpu" else ms)(median(values)) if values else "")
        body.append(row)
    lines += table(header, body)
    lines += ["", "Cold start, per process (median):", ""]
    body = []
    for kind in ("ours", "builder + our conf", "builder"):
        runs = cold[kind]
        body.append(
            [
                kind if kind != "ours" else "ours: `manager.session()`",
                secs(median([x["start"] for x in runs])),
                secs(median([x["first_query"] for x in runs])),
                ", ".join(f"{x['start']:.1f}" for x in runs),
            ]
        )
    lines += table(
        ["", "import + start", "then `spark.range(1).collect()`", "each start (s)"], body
    )
    java = median([x["java"] for x in cold["ours"]])
    lines += [
        "",
        f"Of ours, `require_java()` (runs `java -version`) took {ms(java)} (median). "
        f"Our configuration: {r['conf']}.",
        "",
        f"`%%sql` runs: ours {', '.join(f'{x * 1000:.0f}' for x in sql['ours'])} ms "
        f"(of which `CatalogBridge.ensure` {ms(median(sql['bridge']))} median); "
        f"peer {', '.join(f'{x * 1000:.0f}' for x in sql['peer'])} ms.",
        "",
    ]
    for key, runs in r["etl"].items():
        lines.append(
            f"{key.upper()} runs (s): ours {listed(runs['ours'])}; peer {listed(runs['peer'])}. "
            f"{r['checks'][key]}."
        )
    return "\n".join(lines) + "\n"


START, END = "<!-- etl-results:start -->", "<!-- etl-results:end -->"


def write_report(path: Path, report: str) -> None:
    """Put ``report`` between the markers of ``path``, keeping the text around them."""
    text = path.read_text() if path.exists() else ""
    if START not in text or END not in text:
        text = (
            "# `%%etl`, `%%sql` and the session vs hand-written PySpark\n\n"
            "Written by `benchmarks/etl_bench.py` between the markers; text outside them is kept.\n\n"
            f"{START}\n{END}\n"
        )
    before, rest = text.split(START, 1)
    path.write_text(f"{before}{START}\n{report}{END}{rest.split(END, 1)[1]}")


# -- main --------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke check: SF 0.01, 1 repetition")
    parser.add_argument("--scale", type=float, help="TPC-H scale factor (default 1)")
    parser.add_argument("--data", help="folder for the generated tables, kept and reused")
    parser.add_argument("--reps", type=int, help="timed %%etl runs per side (default 7)")
    parser.add_argument("--sql-reps", type=int, help="timed %%sql runs per side (default 20)")
    parser.add_argument("--starts", type=int, help="cold starts per kind (default 5)")
    parser.add_argument("--write", help="report file (default benchmarks/etl_results.md)")
    parser.add_argument("--max-seconds", type=int, help="hard limit (default 600 / 2400)")
    args = parser.parse_args(argv)
    quick = args.quick
    args.scale = args.scale or (0.01 if quick else 1.0)
    args.reps = args.reps or (1 if quick else 7)
    args.sql_reps = args.sql_reps or (3 if quick else 20)
    args.starts = args.starts or (1 if quick else 5)
    args.max_seconds = args.max_seconds or (600 if quick else 2400)
    if args.write is None and not quick:
        args.write = str(HERE / "etl_results.md")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began, when = now(), datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")

    def on_signal(signum: int, _frame: Any) -> None:
        raise Deadline(f"signal {signum} (--max-seconds {args.max_seconds})")

    signal.signal(signal.SIGALRM, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    signal.alarm(args.max_seconds)
    tmp = Path(tempfile.mkdtemp(prefix="etl-bench-"))
    os.environ["GLUE_MAGICS_HOME"] = str(tmp / "home")
    os.environ["IPYTHONDIR"] = str(tmp / "ipython")
    data = Path(args.data).resolve() if args.data else tmp / "tpch"
    from glue_magics.spark.session import manager

    try:
        from IPython.core.interactiveshell import InteractiveShell
        from traitlets.config import Config

        from glue_magics.catalog import open_catalog
        from glue_magics.crawler.run import crawl

        generate, reused = prepare_data(data, args.scale, parts=4)
        catalog = open_catalog()  # the catalog the magics open
        started = now()
        crawled = crawl(catalog, [str(data / t) for t in TABLES], "tpch")
        crawl_seconds = now() - started
        if sorted(t.name for t in catalog.list_tables("tpch")) != sorted(TABLES):
            raise RuntimeError(f"the crawl did not make the four tables: {crawled}")
        catalog.create_database("bench")

        config = Config()
        config.HistoryManager.enabled = False
        shell = InteractiveShell.instance(config=config)
        shell.extension_manager.load_extension("glue_magics")
        manager.echo = log
        spark = manager.session()
        bench = Bench(shell, spark, manager.status().driver_pid, data, tmp)

        etl, checks = {}, {}
        for key in QUERIES:
            etl[key] = compare_etl(bench, key, args.reps)
            checks[key] = bench.check_same(key)
            log(checks[key])
        log(f"%%sql: {args.sql_reps} runs per side")
        sql = compare_sql(bench, args.sql_reps)
        conf = ", ".join(f"{k}={v}" for k, v in sorted(manager.status().config.items()))
        manager.stop()

        cold: dict[str, list[dict[str, float]]] = defaultdict(list)
        kinds = list(_CHILD)
        for i in range(args.starts):
            for kind in kinds[i % 3 :] + kinds[: i % 3]:  # rotate who goes first
                cold[kind].append(cold_start(kind, tmp))
            log(
                f"cold start {i + 1}/{args.starts}: "
                + ", ".join(f"{k} {v[-1]['start']:.1f} s" for k, v in cold.items())
            )

        shown = argv if argv is not None else sys.argv[1:]
        report = build_report(
            {
                "when": when,
                "elapsed": now() - began,
                "quick": args.quick,
                "machine": machine_line(),
                "load_end": " ".join(f"{x:.2f}" for x in os.getloadavg()),
                "command": " ".join([".venv/bin/python benchmarks/etl_bench.py", *shown]),
                "generate": generate,
                "reused": reused,
                "crawl": crawl_seconds,
                "data": data_summary(data),
                "etl": etl,
                "checks": checks,
                "sql": sql,
                "cold": cold,
                "conf": conf,
            }
        )
        print(report)
        if args.write:
            write_report(Path(args.write), report)
            log(f"wrote {args.write}")
        return 0
    except Deadline as exc:
        log(f"aborted: {exc}")
        return 2
    finally:
        signal.alarm(0)
        with contextlib.suppress(Exception):
            manager.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
