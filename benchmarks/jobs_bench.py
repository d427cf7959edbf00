#!/usr/bin/env python
"""Jobs: scheduling latency of the real scheduler, and the run overhead of ``jobs run --wait`` vs
papermill run directly, side by side in one run.

    .venv/bin/python benchmarks/jobs_bench.py --quick     # smoke check: 2 pairs, 1 fire time, ~3 min
    .venv/bin/python benchmarks/jobs_bench.py             # full: 7 pairs, 5 fire times per poll

1. **Run overhead.** A trivial notebook (a ``parameters`` cell and two tiny cells) is promoted as a
   job. Then, alternating which goes first, ``--reps`` pairs of
   - ours: ``glue-magics jobs run NAME --wait``, end to end (the CLI process included);
   - peer: ``python -c 'import papermill; papermill.execute_notebook(...)'`` on the same notebook,
     in a fresh process, with the same kernel (``python3``) and the same parameters.
   One unmeasured pair warms the file cache first. Each run's timestamps (our run row: queued,
   RUNNING, ended; papermill's in the executed notebook: its start, every cell's start and end)
   give the breakdown of where the time goes, without any polling that would slow a side down.
2. **Scheduling latency.** A job whose schedule fires every minute, and the real scheduler: a
   ``glue-magics scheduler --poll P`` process, for each ``--polls`` value (the first is the CLI's
   default, 10 s). For every fire time a fresh scheduler process starts so that its passes fall at
   a chosen phase of the poll interval ((k + 0.5) / n of it for fire time k of n), and stops once
   the run has ended; between fire times the job is paused (resuming restarts its schedule, so no
   fire time is seen late). A long-running scheduler keeps one phase (its passes drift by the
   duration of a pass), so spreading the phases shows the spread a user gets from one start of
   the scheduler to the next. Latency = fire time -> the kernel process started: its start time
   from ``/proc/<pid>/stat`` (clock ticks since boot, converted with ``CLOCK_BOOTTIME``), printed
   by the notebook's first cell from ``/proc/self/stat`` and checked against the ``kernel_pid``
   the runner records, read by a watcher thread (every 0.1 s) while the kernel lives.

The Markdown report goes to stdout and, between ``<!-- jobs-results:start -->`` and
``<!-- jobs-results:end -->``, to ``--write`` (default ``benchmarks/jobs_results.md``; nothing with
``--quick``). Everything runs locally in a fresh ``GLUE_MAGICS_HOME`` in a temporary folder, bounded
by ``--max-seconds``; schedulers, workers and kernels it started are stopped and the folder removed
at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

for _key in ("GLUE_MAGICS_CATALOG_URL", "GLUE_MAGICS_WAREHOUSE", "GLUE_MAGICS_HOME"):
    os.environ.pop(_key, None)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

now = time.perf_counter
LOAD_AT_START = " ".join(f"{x:.2f}" for x in os.getloadavg())
GLUE = Path(sys.executable).parent / "glue-magics"
TICK = os.sysconf("SC_CLK_TCK")
#: wall clock = BOOT + (seconds since boot, as /proc/<pid>/stat counts them)
BOOT = time.time() - time.clock_gettime(time.CLOCK_BOOTTIME)
PARAMS = {"x": 1, "name": "world"}
SCHEDULE = "cron(* * * * ? *)"
SCHEDULER_DEFAULT_POLL = 10.0


class Deadline(Exception):
    """--max-seconds ran out (or SIGTERM)."""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def proc_start(pid: int | None) -> float | None:
    """When process ``pid`` started (wall clock, 1/CLK_TCK resolution), None if it is gone."""
    if not pid:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return BOOT + int(fields[19]) / TICK


def proc_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) process ``pid`` has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / TICK


def ts(value: Any) -> float | None:
    """A datetime or an ISO 8601 string (UTC when naive) as a POSIX timestamp."""
    if value is None:
        return None
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return float(when.timestamp())


def children_cpu() -> float:
    """CPU seconds of the children (and their waited-for descendants) reaped so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def subreaper(on: bool) -> bool:
    """Become the child subreaper (prctl): a worker orphaned by the CLI that started it is
    re-parented here, so waiting for it adds its CPU time (and its kernel's) to ours."""
    import ctypes

    with contextlib.suppress(Exception):
        return ctypes.CDLL(None, use_errno=True).prctl(36, int(on), 0, 0, 0) == 0
    return False


def reap(pid: int, timeout: float = 60.0) -> bool:
    """Wait for ``pid`` (our child, or a re-parented orphan); False if it is not ours."""
    give_up = time.time() + timeout
    while time.time() < give_up:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return False
        if done:
            return True
        time.sleep(0.02)
    return False


def child_env(home: Path) -> dict[str, str]:
    env = {**os.environ, "GLUE_MAGICS_HOME": str(home), "JUPYTER_RUNTIME_DIR": str(home / "rt")}
    env.pop("GLUE_MAGICS_CATALOG_URL", None)
    return env


# -- notebooks ---------------------------------------------------------------------------------


def write_notebook(path: Path, cells: list[str]) -> Path:
    """A notebook: a ``parameters`` cell (x, name), then ``cells``."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('x = 1\nname = "world"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(c) for c in cells)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, str(path))
    return path


TRIVIAL = ["y = x + 1", 'print(f"hello {name} {y}")']
# The kernel tells its own pid and start time (field 22 of /proc/self/stat, clock ticks since boot).
STAMP = [
    "import os\n"
    'stat = open("/proc/self/stat").read().rsplit(")", 1)[1].split()\n'
    'print("kernel", os.getpid(), stat[19])'
]


def papermill_marks(output: str | Path) -> dict[str, float | None]:
    """papermill's timestamps in an executed notebook: its start (just before the kernel is
    launched), the first cell's start (the kernel is ready) and the last cell's end."""
    data = json.loads(Path(output).read_text())
    cells = [c.get("metadata", {}).get("papermill", {}) for c in data["cells"]]
    starts = [ts(c.get("start_time")) for c in cells if c.get("start_time")]
    ends = [ts(c.get("end_time")) for c in cells if c.get("end_time")]
    return {
        "pm_start": ts(data["metadata"].get("papermill", {}).get("start_time")),
        "first_cell": min(starts) if starts else None,
        "last_cell_end": max(ends) if ends else None,
    }


def kernel_stamp(output: str | Path) -> tuple[int, float] | None:
    data = json.loads(Path(output).read_text())
    for cell in data["cells"]:
        for out in cell.get("outputs", []):
            for line in "".join(out.get("text", "")).splitlines():
                if line.startswith("kernel "):
                    _, pid, ticks = line.split()
                    return int(pid), BOOT + int(ticks) / TICK
    return None


# -- 1. run overhead ----------------------------------------------------------------------------


def run_ours(catalog: Any, env: dict[str, str], work: Path, name: str) -> dict[str, float]:
    cpu0 = children_cpu()
    t0 = time.time()
    start = now()
    proc = subprocess.run(
        [str(GLUE), "jobs", "run", name, "--wait"],
        env=env,
        cwd=work,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )
    total = now() - start
    t1 = t0 + total
    run = catalog.list_job_runs(name, limit=1)[0]
    if proc.returncode != 0 or run.state != "SUCCEEDED":
        raise RuntimeError(f"jobs run failed ({proc.returncode}, {run.state}): {proc.stderr}")
    if run.pid:
        reap(run.pid)  # an orphaned worker; one the CLI waited for is in its children's usage
    cpu = children_cpu() - cpu0
    m = papermill_marks(run.output_path)
    queued, running, ended = ts(run.created_at), ts(run.started_at), ts(run.ended_at)
    assert None not in (queued, running, ended, *m.values())
    return {
        "total": total,
        "cpu": cpu,
        "cli_to_queued": queued - t0,
        "queued_to_running": running - queued,
        "running_to_pm": m["pm_start"] - running,
        "kernel_start": m["first_cell"] - m["pm_start"],
        "cells": m["last_cell_end"] - m["first_cell"],
        "after_cells": ended - m["last_cell_end"],
        "ended_to_exit": t1 - ended,
        "run_duration": float(run.duration_seconds or 0.0),
    }


def run_peer(env: dict[str, str], work: Path, notebook: Path, i: int) -> dict[str, float]:
    output = work / f"peer-{i}.ipynb"
    code = (
        "import papermill; papermill.execute_notebook("
        f"{str(notebook)!r}, {str(output)!r}, parameters={PARAMS!r}, "
        "kernel_name='python3', progress_bar=False)"
    )
    cpu0 = children_cpu()
    t0 = time.time()
    start = now()
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=work,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )
    total = now() - start
    if proc.returncode != 0:
        raise RuntimeError(f"papermill failed: {proc.stderr[-2000:]}")
    cpu = children_cpu() - cpu0
    m = papermill_marks(output)
    assert None not in m.values()
    return {
        "total": total,
        "cpu": cpu,
        "to_pm": m["pm_start"] - t0,
        "kernel_start": m["first_cell"] - m["pm_start"],
        "cells": m["last_cell_end"] - m["first_cell"],
        "after_cells": t0 + total - m["last_cell_end"],
    }


def overhead(base: Path, reps: int) -> dict[str, Any]:
    from glue_magics.catalog import Catalog
    from glue_magics.jobs.core import promote

    home = base / "home-overhead"
    work = base / "overhead"
    work.mkdir(parents=True)
    env = child_env(home)
    notebook = write_notebook(work / "trivial.ipynb", TRIVIAL)
    catalog = Catalog(home=home)
    promote(catalog, "trivial", notebook)
    ours: list[dict[str, float]] = []
    peer: list[dict[str, float]] = []
    subreaper(True)
    try:
        log("overhead: one unmeasured pair")
        run_ours(catalog, env, work, "trivial")
        run_peer(env, work, notebook, 0)
        for i in range(reps):
            order = ("ours", "peer") if i % 2 == 0 else ("peer", "ours")
            for side in order:
                if side == "ours":
                    ours.append(run_ours(catalog, env, work, "trivial"))
                else:
                    peer.append(run_peer(env, work, notebook, i + 1))
            log(
                f"overhead pair {i + 1}/{reps}: ours {ours[-1]['total']:.2f} s, "
                f"peer {peer[-1]['total']:.2f} s"
            )
    finally:
        subreaper(False)
        catalog.close()
    return {"ours": ours, "peer": peer}


# -- 2. scheduling latency ----------------------------------------------------------------------


class Watcher(threading.Thread):
    """Follows the run of one fire time every 0.1 s: when it was first seen claimed, and the
    start times of its worker and kernel processes (read from /proc while they live)."""

    def __init__(self, catalog: Any, job: str, due: float, give_up: float) -> None:
        super().__init__(daemon=True)
        self.catalog, self.job, self.due, self.give_up = catalog, job, due, give_up
        self.seen: dict[str, Any] = {}
        self.last: Any = None
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set() and time.time() < self.give_up:
            for run in self.catalog.list_job_runs(self.job, limit=5):
                if run.scheduled_for is None or abs(ts(run.scheduled_for) - self.due) > 0.5:
                    continue
                t = time.time()
                self.seen.setdefault("queued_seen", t)
                if run.state != "WAITING":
                    self.seen.setdefault("claimed_seen", t)
                if run.pid and "worker_start" not in self.seen:
                    start = proc_start(run.pid)
                    if start is not None:
                        self.seen["worker_start"] = start
                if run.kernel_pid and "kernel_pid" not in self.seen:
                    self.seen["kernel_pid"] = run.kernel_pid
                    self.seen["kernel_pid_seen"] = t
                    self.seen["kernel_start_proc"] = proc_start(run.kernel_pid)
                self.last = run
            if self.last is not None and self.last.final:
                return
            time.sleep(0.1)


def sleep_until(when: float) -> None:
    while (left := when - time.time()) > 0:
        time.sleep(min(left, 1.0))


def scheduler_log_times(path: Path) -> dict[str, float]:
    """The scheduler's own log: when it started passing, and when it queued the run."""
    times: dict[str, float] = {}
    for line in path.read_text().splitlines():
        try:
            when = datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f").timestamp()
        except ValueError:
            continue
        if " every " in line:
            times.setdefault("first_pass", when)
        elif "queued run" in line:
            times.setdefault("queued_logged", when)
    return times


def stop_process(proc: subprocess.Popen[Any], timeout: float = 15.0) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            proc.wait(5)


def latency(base: Path, poll: float, fires: int, started: list[Any]) -> dict[str, Any]:
    from glue_magics.catalog import Catalog
    from glue_magics.jobs.core import promote

    home = base / f"home-poll{poll:g}"
    work = base / f"latency-{poll:g}"
    work.mkdir(parents=True)
    env = child_env(home)
    notebook = write_notebook(work / "tick.ipynb", STAMP)
    catalog = Catalog(home=home)
    started.append(catalog)
    promote(catalog, "tick", notebook, schedule=SCHEDULE)
    catalog.set_job_paused("tick", True)
    startup = 1.5  # seconds from launching a scheduler to its first pass, measured as we go
    samples: list[dict[str, Any]] = []
    for k in range(fires):
        phase = (k + 0.5) / fires * poll
        passes_before = max(1, math.ceil((startup + 3.0) / poll))
        lead = passes_before * poll - phase + startup
        due = math.ceil((time.time() + lead + 2.0) / 60.0) * 60.0
        launch_at = due - lead
        log(
            f"latency poll {poll:g}s, fire {k + 1}/{fires}: due {time.strftime('%H:%M:%S', time.localtime(due))}, "
            f"scheduler starts {lead:.1f} s before, target phase {phase:.2f} s"
        )
        sleep_until(launch_at - 0.5)
        catalog.set_job_paused("tick", False)  # the schedule restarts now: nothing is late
        sleep_until(launch_at)
        err = work / f"scheduler-{k}.log"
        launched = time.time()
        with open(err, "wb") as stderr:
            proc = subprocess.Popen(
                [str(GLUE), "scheduler", "--poll", f"{poll:g}"],
                env=env,
                cwd=work,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,
            )
        started.append(proc)
        watcher = Watcher(catalog, "tick", due, due + 240)
        sleep_until(due - 1.0)
        watcher.start()
        watcher.join(due + 250 - time.time())
        cpu = proc_cpu(proc.pid)
        alive = time.time() - launched
        stop_process(proc)
        catalog.set_job_paused("tick", True)
        run = watcher.last
        if run is None or run.state != "SUCCEEDED":
            raise RuntimeError(f"the run for {due} did not succeed: {run}")
        logged = scheduler_log_times(err)
        if "first_pass" in logged:
            startup = logged["first_pass"] - launched
        stamp = kernel_stamp(run.output_path)
        if stamp is None:
            raise RuntimeError(f"run {run.id}: no kernel stamp in {run.output_path}")
        kernel_pid, kernel_start = stamp
        marks = papermill_marks(run.output_path)
        sample = {
            "due": due,
            "run": run.id,
            "trigger": run.trigger,
            "launched": launched,
            **logged,
            **watcher.seen,
            "queued": ts(run.created_at),
            "running": ts(run.started_at),
            "kernel_pid_printed": kernel_pid,
            "kernel_start": kernel_start,
            **marks,
            "ended": ts(run.ended_at),
            "scheduler_cpu": cpu,
            "scheduler_alive": alive,
        }
        sample["latency"] = kernel_start - due
        samples.append(sample)
        log(
            f"  run {run.id}: queued +{sample['queued'] - due:.2f} s, RUNNING "
            f"+{sample['running'] - due:.2f} s, kernel started +{sample['latency']:.2f} s "
            f"(pid {kernel_pid}, runner recorded {watcher.seen.get('kernel_pid')})"
        )
    return {"poll": poll, "samples": samples, "pass": pass_cost(catalog, poll)}


def pass_cost(catalog: Any, poll: float, passes: int = 20) -> dict[str, float]:
    """Wall and CPU milliseconds of one scheduler pass over this catalog (the job active, nothing
    due), run here between fire times."""
    from glue_magics.jobs.scheduler import Scheduler

    if time.time() % 60.0 > 50.0:  # keep well clear of the next fire time
        sleep_until(math.ceil(time.time() / 60.0) * 60.0 + 5.0)
    catalog.set_job_paused("tick", False)
    scheduler = Scheduler(catalog, poll_seconds=poll)
    walls, cpus = [], []
    try:
        for _ in range(passes):
            cpu, start = time.process_time(), now()
            tick = scheduler.run_once()
            walls.append(now() - start)
            cpus.append(time.process_time() - cpu)
            assert not tick.queued, tick
    finally:
        catalog.set_job_paused("tick", True)
    return {"wall": median(walls), "cpu": median(cpus)}


# -- report --------------------------------------------------------------------------------------


def machine_line() -> str:
    model = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import ipykernel
    import jupyter_client
    import nbclient
    import papermill

    return (
        f"{model}, {os.cpu_count()} cores, {ram:.1f} GiB RAM; {platform.platform()}; "
        f"Python {platform.python_version()}, papermill {papermill.__version__}, nbclient "
        f"{nbclient.__version__}, jupyter_client {jupyter_client.__version__}, ipykernel "
        f"{ipykernel.__version__}; catalog: SQLite in a fresh GLUE_MAGICS_HOME"
    )


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def sec(seconds: float) -> str:
    return f"{seconds:.2f} s"


OURS_PARTS = [
    (
        "cli_to_queued",
        "CLI process start -> run row queued (interpreter, imports, catalog, insert)",
    ),
    ("queued_to_running", "queued -> RUNNING (worker process start, imports, catalog, claim)"),
    (
        "running_to_pm",
        "RUNNING -> papermill starts (import papermill, inject parameters, write input)",
    ),
    ("kernel_start", "papermill starts -> first cell runs (kernel launched and ready)"),
    ("cells", "the cells"),
    ("after_cells", "last cell ends -> run ended (kernel shut down, output written, run row)"),
    ("ended_to_exit", "run ended -> CLI exits (`--wait` polls every 0.5 s)"),
]
PEER_PARTS = {
    "cli_to_queued": None,
    "queued_to_running": None,
    "running_to_pm": "to_pm",
    "kernel_start": "kernel_start",
    "cells": "cells",
    "after_cells": "after_cells",
    "ended_to_exit": None,
}


def render(args: argparse.Namespace, res: dict[str, Any]) -> str:
    lines = [
        f"Run of {res['started']}, {res['minutes']:.1f} minutes.",
        "",
        f"- Machine: {machine_line()}",
        f"- Load average (1, 5, 15 min): {LOAD_AT_START} at the start, {res['load_end']} at the "
        "end. The machine is shared with other work, so read the medians and ratios, not single "
        "runs.",
        f"- Command: `.venv/bin/python benchmarks/jobs_bench.py{res['argv']}`",
        "",
    ]
    over = res.get("overhead")
    lat = res.get("latency", [])
    lines += [
        "| measure | ours | peer | ours / peer | target | met? |",
        "|---|---|---|---|---|---|",
    ]
    for entry in lat:
        s = entry["samples"]
        values = [x["latency"] for x in s]
        default = " (the default)" if entry["poll"] == SCHEDULER_DEFAULT_POLL else ""
        lines.append(
            f"| scheduling latency, fire time -> kernel process started, `--poll {entry['poll']:g}`"
            f"{default}: median (max) of {len(s)} fire times | {sec(median(values))} "
            f"({sec(max(values))}) |  |  | < 1 s | "
            f"{'met' if max(values) < 1.0 else '**not met**'} |"
        )
    if over:
        o = median([x["total"] for x in over["ours"]])
        p = median([x["total"] for x in over["peer"]])
        ratio = o / p
        oc = median([x["cpu"] for x in over["ours"]])
        pc = median([x["cpu"] for x in over["peer"]])
        paired = median(
            [a["total"] / b["total"] for a, b in zip(over["ours"], over["peer"], strict=True)]
        )
        lines.append(
            f"| trivial job, `glue-magics jobs run NAME --wait` vs `papermill.execute_notebook` in "
            f"a fresh process (median of {len(over['ours'])}) | {sec(o)} | {sec(p)} | "
            f"{ratio:.3f} (paired {paired:.3f}) | <= 1.10 | "
            f"{'met' if ratio <= 1.10 else '**not met**'} |"
        )
        lines.append(
            f"| the same, CPU seconds of the whole process tree (CLI, worker, kernel; peer: "
            f"python, kernel) | {sec(oc)} | {sec(pc)} | {oc / pc:.3f} |  |  |"
        )
    lines.append("")
    for entry in lat:
        s = entry["samples"]
        poll = entry["poll"]
        lines += [
            f"Scheduling latency with `glue-magics scheduler --poll {poll:g}`, per fire time "
            "(seconds after the fire time; the scheduler's first pass was aimed at the phase shown):",
            "",
            "| fire time (UTC) | run | phase aimed | queued (pass) | claimed, seen | worker process "
            "started | RUNNING | kernel process started | kernel ready (first cell) | ended |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for i, x in enumerate(s):
            due = x["due"]

            def rel(key: str, x: dict[str, Any] = x, due: float = due) -> str:
                value = x.get(key)
                return "" if value is None else f"{value - due:+.2f}"

            lines.append(
                f"| {datetime.fromtimestamp(due, timezone.utc):%H:%M:%S} | {x['run']} | "
                f"{(i + 0.5) / len(s) * poll:.2f} | {rel('queued')} | {rel('claimed_seen')} | "
                f"{rel('worker_start')} | {rel('running')} | {rel('kernel_start')} | "
                f"{rel('first_cell')} | {rel('ended')} |"
            )
        wait = [x["queued"] - x["due"] for x in s]
        dispatch = [x["kernel_start"] - x["queued"] for x in s]
        to_worker = [x["worker_start"] - x["queued"] for x in s if x.get("worker_start")]
        to_running = [x["running"] - x["worker_start"] for x in s if x.get("worker_start")]
        to_kernel = [x["kernel_start"] - x["running"] for x in s]
        cpu = [x["scheduler_cpu"] / x["scheduler_alive"] for x in s if x.get("scheduler_cpu")]
        pids_ok = all(x.get("kernel_pid") == x["kernel_pid_printed"] for x in s)
        procs_ok = [
            abs(x["kernel_start_proc"] - x["kernel_start"])
            for x in s
            if x.get("kernel_start_proc") is not None
        ]
        lines += [
            "",
            f"- Wait for a pass (fire time -> queued): median {sec(median(wait))}, max "
            f"{sec(max(wait))} (the scheduler wakes at the next fire time, so this is not tied to the "
            f"{poll:g} s poll).",
            f"- Queued -> kernel process started: median {sec(median(dispatch))} (queued -> worker "
            f"process {sec(median(to_worker))}, worker -> RUNNING {sec(median(to_running))}, "
            f"RUNNING -> kernel process {sec(median(to_kernel))}).",
            f"- Latency = wait for the pass + queued -> kernel: median "
            f"{sec(median(wait) + median(dispatch))}, worst case {sec(max(wait) + max(dispatch))}.",
            f"- The kernel pid the runner recorded {'matches' if pids_ok else '**does not match**'}"
            " the pid the kernel printed"
            + (
                f"; its /proc start time read by the watcher agrees within {ms(max(procs_ok))}."
                if procs_ok
                else "."
            ),
            f"- One pass over this catalog (job active, nothing due; median of 20 in-process): "
            f"{ms(entry['pass']['wall'])} wall, {ms(entry['pass']['cpu'])} CPU, so polling every "
            f"{poll:g} s costs {100 * entry['pass']['cpu'] / poll:.2f}% of a core; the scheduler "
            f"process, start-up included, used {100 * median(cpu):.1f}% over its life.",
            "",
        ]
    if over:
        lines += [
            "Where the time of one trivial run goes (medians of each part over the timed runs, so "
            "the parts need not add up exactly to the median total):",
            "",
            "| part | ours | peer | ours - peer |",
            "|---|---|---|---|",
        ]
        o_total = median([x["total"] for x in over["ours"]])
        p_total = median([x["total"] for x in over["peer"]])
        lines.append(
            f"| **end to end** | {ms(o_total)} | {ms(p_total)} | {ms(o_total - p_total)} |"
        )
        for key, label in OURS_PARTS:
            o = median([x[key] for x in over["ours"]])
            peer_key = PEER_PARTS[key]
            if peer_key is None:
                lines.append(f"| {label} | {ms(o)} |  | {ms(o)} |")
            else:
                p = median([x[peer_key] for x in over["peer"]])
                plabel = label
                if key == "running_to_pm":
                    plabel += " (peer: process start -> papermill starts)"
                lines.append(f"| {plabel} | {ms(o)} | {ms(p)} | {ms(o - p)} |")
        lines += [
            "",
            "Every run, end to end (s): ours "
            + ", ".join(f"{x['total']:.2f}" for x in over["ours"])
            + "; peer "
            + ", ".join(f"{x['total']:.2f}" for x in over["peer"])
            + "; CPU (s): ours "
            + ", ".join(f"{x['cpu']:.2f}" for x in over["ours"])
            + "; peer "
            + ", ".join(f"{x['cpu']:.2f}" for x in over["peer"])
            + "; the run rows' own duration (RUNNING -> ended) "
            + ", ".join(f"{x['run_duration']:.2f}" for x in over["ours"])
            + ".",
            "",
        ]
    return "\n".join(lines)


START, END = "<!-- jobs-results:start -->", "<!-- jobs-results:end -->"


def write_report(path: Path, report: str) -> None:
    """Put ``report`` between the markers of ``path``, keeping the text around them."""
    text = path.read_text() if path.exists() else ""
    if START not in text or END not in text:
        text = (
            "# Jobs: scheduling latency and run overhead\n\n"
            "Written by `benchmarks/jobs_bench.py` between the markers; text outside them is "
            f"kept.\n\n{START}\n{END}\n"
        )
    before, rest = text.split(START, 1)
    path.write_text(f"{before}{START}\n{report}{END}{rest.split(END, 1)[1]}")


# -- main --------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke check: 2 pairs, 1 fire time")
    parser.add_argument("--reps", type=int, help="timed pairs of runs (default 7)")
    parser.add_argument("--fires", type=int, help="fire times per poll interval (default 5)")
    parser.add_argument(
        "--polls", help="scheduler poll intervals in seconds, comma-separated (default 10,1)"
    )
    parser.add_argument("--no-overhead", action="store_true", help="skip the run overhead")
    parser.add_argument("--no-latency", action="store_true", help="skip the scheduling latency")
    parser.add_argument("--write", help="report file (default benchmarks/jobs_results.md)")
    parser.add_argument("--max-seconds", type=int, help="hard limit (default 600 / 1500)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    args.reps = args.reps or (2 if args.quick else 7)
    args.fires = args.fires or (1 if args.quick else 5)
    args.polls = [float(p) for p in (args.polls or ("1" if args.quick else "10,1")).split(",")]
    args.max_seconds = args.max_seconds or (600 if args.quick else 1500)
    if args.write is None and not args.quick:
        args.write = str(HERE / "jobs_results.md")
    return args


def cleanup(started: list[Any]) -> None:
    """Stop the schedulers we started, then any worker (and its kernel) of our runs still going."""
    for item in started:
        if isinstance(item, subprocess.Popen):
            stop_process(item)
    for item in started:
        if isinstance(item, subprocess.Popen):
            continue
        with contextlib.suppress(Exception):
            for run in item.list_job_runs(limit=100):
                if run.final:
                    continue
                if run.pid:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(run.pid, signal.SIGTERM)
                if run.kernel_pid:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(run.kernel_pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            item.close()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def on_signal(signum: int, frame: Any) -> None:
        raise Deadline(f"signal {signum} (--max-seconds {args.max_seconds})")

    signal.signal(signal.SIGALRM, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    signal.alarm(args.max_seconds)
    base = Path(tempfile.mkdtemp(prefix="jobs-bench-"))
    os.environ["GLUE_MAGICS_HOME"] = str(base / "home-unused")  # never ~/.glue_magics
    started_at = time.time()
    started: list[Any] = []
    res: dict[str, Any] = {
        "started": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "argv": "".join(f" {a}" for a in (sys.argv[1:] if argv is None else argv)),
    }
    try:
        if not args.no_overhead:
            res["overhead"] = overhead(base, args.reps)
        if not args.no_latency:
            res["latency"] = [latency(base, p, args.fires, started) for p in args.polls]
    except Deadline as exc:
        log(f"stopped: {exc}")
        return 1
    finally:
        signal.alarm(0)
        cleanup(started)
        if args.keep:
            log(f"kept {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    res["minutes"] = (time.time() - started_at) / 60
    res["load_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    report = render(args, res)
    print(report)
    if args.write:
        write_report(Path(args.write), report)
        log(f"wrote {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
