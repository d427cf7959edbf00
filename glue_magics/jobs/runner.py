"""Executing a job run: the notebook snapshot, in a fresh kernel, with papermill (nbclient engine).

This runs in the worker process (``python -m glue_magics.jobs.worker RUN_ID``), which is the leader
of its own process group. The kernel gets its own session from jupyter_client; the worker records
its pid and kills that whole process group (the kernel and the Spark JVM it started) on a timeout
or a stop. A heartbeat thread renews the run's lease, so a scheduler can tell a dead worker from
a slow notebook.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glue_magics.catalog import Catalog
from glue_magics.catalog.jobs import JobRun
from glue_magics.catalog.models import utcnow
from glue_magics.errors import ConcurrentModificationError, EntityNotFoundError, GlueMagicsError
from glue_magics.jobs import core
from glue_magics.jobs.context import DQ_GATES_ENV, JOB_ARGS_ENV, JOB_NAME_ENV, JOB_RUN_ID_ENV
from glue_magics.jobs.params import inject

log = logging.getLogger("glue_magics.jobs")


@dataclass
class Outcome:
    state: str
    error: str | None = None
    failed_cell: int | None = None


class _Kernel:
    """The running kernel's pid, and the stop/timeout flags that killed it."""

    def __init__(self) -> None:
        self.pid: int | None = None
        self.reason: str | None = None  # "stop" or "timeout"
        self.lock = threading.Lock()

    def started(self, pid: int | None) -> None:
        with self.lock:
            self.pid = pid
            reason = self.reason
        if reason is not None:
            self.kill(reason)

    def kill(self, reason: str) -> None:
        with self.lock:
            self.reason = self.reason or reason
            pid = self.pid
        if pid:
            kill_group(pid)


def kill_group(pid: int) -> None:
    """SIGKILL the process group led by ``pid`` (a kernel started by jupyter_client leads one)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _kernel_manager_class(kernel: _Kernel, on_start: Any) -> type:
    from jupyter_client.manager import AsyncKernelManager

    class RecordingKernelManager(AsyncKernelManager):
        """Tells the worker the kernel's pid as soon as it is launched."""

        async def _async_post_start_kernel(self, **kw: Any) -> None:
            await super()._async_post_start_kernel(**kw)
            pid = getattr(self.provisioner, "pid", None)
            kernel.started(pid)
            on_start(pid)

    return RecordingKernelManager


def _one_line(text: str, limit: int = 500) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _gate_problem(catalog: Catalog, gates: dict[str, str]) -> str | None:
    """Why a data-quality gate cannot be checked (its table or ruleset is missing), or None."""
    for target, ruleset in gates.items():
        database, table = target.split(".", 1)
        try:
            catalog.get_table(database, table)
        except EntityNotFoundError as exc:
            return f"data-quality gate {target}={ruleset}: {exc}"
        try:
            catalog.get_ruleset(ruleset)
        except EntityNotFoundError as exc:
            return f"data-quality gate {target}={ruleset}: {exc}"
    return None


def _child_metrics(catalog: Catalog, run_id: int) -> dict[str, Any]:
    children = catalog.job_run_children(run_id)
    rows = sum(int(c["metrics"].get("rows_written") or 0) for c in children)
    size = sum(int(c["metrics"].get("bytes_written") or 0) for c in children)
    return {
        "rows_written": rows,
        "bytes_written": size,
        "etl_runs": sum(c["kind"] == "etl" for c in children),
        "dq_runs": sum(c["kind"] == "dq" for c in children),
        "child_runs_failed": sum(c["state"] != "SUCCEEDED" for c in children),
    }


class Attempt:
    """One attempt of a job run, executed by this worker."""

    def __init__(self, catalog: Catalog, run_id: int, owner: str) -> None:
        self.catalog = catalog
        self.run_id = run_id
        self.owner = owner
        self.lease = core.lease_seconds()
        self.kernel = _Kernel()
        self.done = threading.Event()

    # -- lifecycle

    def execute(self) -> JobRun:
        catalog, run_id = self.catalog, self.run_id
        folder = core.run_dir(catalog, run_id)
        folder.mkdir(parents=True, exist_ok=True)
        output = folder / "output.ipynb"
        try:
            run = catalog.update_job_run(
                run_id,
                state="RUNNING",
                expect="STARTING",
                owner=self.owner,
                pid=os.getpid(),
                lease_expires_at=utcnow() + _seconds(self.lease),
                output_path=str(output),
                log_path=str(folder / "log.txt"),
            )
        except ConcurrentModificationError:
            run = catalog.get_job_run(run_id)
            if run.state == "STOPPING":
                return catalog.update_job_run(
                    run_id, state="STOPPED", note="stopped before it started"
                )
            return run
        previous = signal.signal(signal.SIGTERM, self._on_sigterm)
        heartbeat = threading.Thread(target=self._heartbeat, name="job-heartbeat", daemon=True)
        heartbeat.start()
        try:
            outcome = self._run(run, output, folder)
        except Exception as exc:  # the worker's own failure: record it, never leave RUNNING
            log.exception("job run %s: internal error", run_id)
            outcome = Outcome("ERROR", _one_line(f"{type(exc).__name__}: {exc}"))
        finally:
            self.done.set()
            signal.signal(signal.SIGTERM, previous)
            if self.kernel.pid:
                kill_group(self.kernel.pid)
        return self._finish(outcome)

    def _finish(self, outcome: Outcome) -> JobRun:
        catalog, run_id = self.catalog, self.run_id
        current = catalog.get_job_run(run_id)
        state = outcome.state
        if current.state == "STOPPING" and state != "SUCCEEDED":
            state, outcome.error = "STOPPED", outcome.error if state == "ERROR" else "stopped"
        metrics = _child_metrics(catalog, run_id)
        try:
            with catalog.transaction():
                run = catalog.update_job_run(
                    run_id,
                    state=state,
                    expect={"RUNNING", "STOPPING"},
                    error=outcome.error,
                    failed_cell=outcome.failed_cell,
                    metrics=metrics,
                )
                if state == "FAILED":
                    catalog.retry_job_run(run_id, delay_seconds=core.retry_delay(run.attempt))
        except ConcurrentModificationError:
            # A scheduler gave the run up for lost while this worker could not renew its lease;
            # its verdict (and its retry) stand.
            run = catalog.get_job_run(run_id)
            log.warning("job run %s was ended elsewhere (%s): %s", run_id, run.state, run.error)
            return run
        log.info(
            "job run %s ended %s%s", run_id, state, f": {outcome.error}" if outcome.error else ""
        )
        return run

    def _on_sigterm(self, signum: int, frame: Any) -> None:
        self.kernel.kill("stop")

    def _heartbeat(self) -> None:
        interval = max(0.2, self.lease / 4)
        while not self.done.wait(interval):
            try:
                state = self.catalog.heartbeat_job_run(self.run_id, self.owner, self.lease)
            except Exception:  # the store is briefly unreachable: try again next beat
                log.warning("job run %s: heartbeat failed", self.run_id, exc_info=True)
                continue
            if state == "STOPPING":
                self.kernel.kill("stop")

    # -- the notebook

    def _run(self, run: JobRun, output: Path, folder: Path) -> Outcome:
        import nbformat

        catalog = self.catalog
        job = catalog.get_job(run.job)
        gates = dict(job.setting("dq_gates", {}))
        problem = _gate_problem(catalog, gates)
        if problem is not None:
            return Outcome("ERROR", problem)
        version = catalog.get_job_version(run.job, run.version)
        nb = nbformat.reads(version.notebook or "", as_version=4)
        header = f"Parameters of job run {run.id} (job {run.job}, version {run.version})"
        injected = inject(nb, run.arguments, header)
        nbformat.write(nb, str(folder / "input.ipynb"))
        os.environ.update(
            {
                JOB_RUN_ID_ENV: str(run.id),
                JOB_NAME_ENV: run.job,
                JOB_ARGS_ENV: json.dumps(run.arguments),
                DQ_GATES_ENV: json.dumps(gates),
                "GLUE_MAGICS_CATALOG_URL": catalog.settings.catalog_url,
                "GLUE_MAGICS_HOME": str(catalog.settings.home),
                **core.backend_environment(str(job.setting("backend", "local"))),
            }
        )
        timeout_minutes = float(job.setting("timeout_minutes", core.DEFAULT_TIMEOUT_MINUTES))
        timer = threading.Timer(timeout_minutes * 60, self.kernel.kill, args=("timeout",))
        timer.daemon = True
        cwd = folder
        if version.source_path and Path(version.source_path).parent.is_dir():
            cwd = Path(version.source_path).parent
        timer.start()
        try:
            return self._papermill(nb, output, cwd, injected, timeout_minutes)
        finally:
            timer.cancel()

    def _papermill(
        self, nb: Any, output: Path, cwd: Path, injected: int, timeout_minutes: float
    ) -> Outcome:
        import papermill
        from papermill.exceptions import PapermillExecutionError

        def record_pid(pid: int | None) -> None:
            with contextlib.suppress(GlueMagicsError):
                self.catalog.update_job_run(self.run_id, kernel_pid=pid)

        try:
            papermill.execute_notebook(
                nb,
                str(output),
                engine_name="nbclient",
                kernel_name=core.kernel_name(),
                progress_bar=False,
                log_output=True,
                start_timeout=120,
                cwd=str(cwd),
                kernel_manager_class=_kernel_manager_class(self.kernel, record_pid),
            )
        except PapermillExecutionError as exc:
            if self.kernel.reason is not None:
                return self._killed(timeout_minutes)
            index = exc.cell_index - 1 if exc.cell_index > injected else exc.cell_index
            error = f"{exc.ename}: {exc.evalue}" if exc.evalue else _stderr_error(output)
            return Outcome("FAILED", _one_line(error or exc.ename), index + 1)
        except Exception as exc:
            if self.kernel.reason is not None:
                return self._killed(timeout_minutes)
            return Outcome("FAILED", _one_line(f"{type(exc).__name__}: {exc}"))
        if self.kernel.reason is not None:
            return self._killed(timeout_minutes)
        return Outcome("SUCCEEDED")

    def _killed(self, timeout_minutes: float) -> Outcome:
        if self.kernel.reason == "timeout":
            return Outcome(
                "TIMEOUT", f"timed out after {timeout_minutes:g} minute(s); the kernel was killed"
            )
        return Outcome("STOPPED", "stopped")


def _stderr_error(output: Path) -> str | None:
    """The error line a glue_magics magic printed (its errors are one line on stderr, with no
    traceback) in the cell that failed, from the executed notebook."""
    import nbformat

    try:
        nb = nbformat.read(str(output), as_version=4)
    except (OSError, ValueError):
        return None
    for cell in nb.cells:
        if not cell.get("metadata", {}).get("papermill", {}).get("exception"):
            continue
        text = "".join(
            o.get("text", "")
            for o in cell.get("outputs", [])
            if o.get("output_type") == "stream" and o.get("name") == "stderr"
        )
        lines = [line for line in text.splitlines() if line.strip()]
        return lines[-1] if lines else None
    return None


def _seconds(value: float) -> Any:
    from datetime import timedelta

    return timedelta(seconds=value)


def run_worker(run_id: int, catalog: Catalog | None = None) -> int:
    """Execute the claimed run ``run_id`` and, after a failure, its retries (each after its
    backoff delay). Returns 0 if the last attempt succeeded, else 1."""
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s", force=True
    )
    # The run's log: our progress and papermill's cell-by-cell output.
    for name in ("glue_magics.jobs", "papermill"):
        logging.getLogger(name).setLevel(logging.INFO)
    catalog = catalog or Catalog()
    owner = core.owner_id("worker")
    current: int | None = run_id
    state = "ERROR"
    while current is not None:
        run = Attempt(catalog, current, owner).execute()
        state = run.state
        current = None
        if run.state == "FAILED":
            retry = catalog.next_job_attempt(run.id)
            if retry is not None and retry.not_before is not None:
                delay = (retry.not_before - utcnow()).total_seconds()
                log.info("retrying as run %s in %.1f s", retry.id, max(0.0, delay))
                time.sleep(max(0.0, delay))
                job = catalog.get_job(retry.job)
                claimed = catalog.claim_job_run(
                    retry.id,
                    owner,
                    lease_seconds=core.start_lease_seconds(),
                    max_active=int(job.setting("max_concurrency", 1)),
                )
                current = claimed.id if claimed is not None else None
    return 0 if state == "SUCCEEDED" else 1
