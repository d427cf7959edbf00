"""Two processes on one catalog: partitions of both land, and optimistic updates lose nothing."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from glue_magics.catalog import Catalog

from .helpers import TableMaker

WORKER = Path(__file__).with_name("concurrency_worker.py")
SECONDS = 3.0
TIMEOUT = 120.0


def run_workers(tmp_path: Path, mode: str, url: str, home: Path) -> list[dict[str, Any]]:
    """Start two workers, let them go at the same moment, and return what each reported."""
    go = tmp_path / "go"
    processes = []
    for worker in ("w1", "w2"):
        args = {
            "mode": mode,
            "url": url,
            "home": str(home),
            "worker": worker,
            "seconds": SECONDS,
            "ready": str(tmp_path / f"ready-{worker}"),
            "go": str(go),
        }
        processes.append(
            subprocess.Popen(
                [sys.executable, str(WORKER), json.dumps(args)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    try:
        deadline = time.monotonic() + TIMEOUT
        while not all((tmp_path / f"ready-{w}").exists() for w in ("w1", "w2")):
            assert time.monotonic() < deadline, "the workers did not start"
            for p in processes:
                if p.poll() is not None:
                    raise AssertionError(f"a worker exited early: {p.communicate()[1]}")
            time.sleep(0.01)
        go.touch()
        outputs = [p.communicate(timeout=TIMEOUT) for p in processes]
    finally:
        for p in processes:
            if p.poll() is None:
                p.kill()
                p.wait()
    results = []
    for process, (stdout, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr
        results.append(json.loads(stdout.strip().splitlines()[-1]))
    return results


def test_two_processes_add_partitions_and_update_one_table(
    catalog: Catalog, catalog_url: str, glue_home: Path, tmp_path: Path, make_table: TableMaker
) -> None:
    make_table("shared", keys=("worker string", "n int"), parameters={"counter": "0"})

    results = run_workers(tmp_path, "work", catalog_url, glue_home)

    for result in results:
        assert result["errors"] == []
        assert result["increments"] >= 1 and result["partitions"]
    increments = sum(r["increments"] for r in results)
    table = catalog.get_table("sales", "shared")
    assert int(table.parameters["counter"]) == increments
    assert table.version == increments + 1
    assert len(catalog.list_table_versions("sales", "shared")) == increments + 1
    expected = sorted(tuple(v) for r in results for v in r["partitions"])
    stored = sorted(p.values for p in catalog.iter_partitions("sales", "shared"))
    assert stored == expected
    assert len(set(stored)) == len(stored)
    for worker, result in zip(("w1", "w2"), results, strict=True):
        mine = catalog.count_partitions("sales", "shared", f"worker = '{worker}'")
        assert mine == len(result["partitions"])


def test_two_processes_open_a_new_catalog_at_once(
    catalog_url: str, glue_home: Path, tmp_path: Path
) -> None:
    results = run_workers(tmp_path, "open", catalog_url, glue_home)

    assert [r["errors"] for r in results] == [[], []]
    with Catalog(catalog_url, home=glue_home) as catalog:
        assert [d.name for d in catalog.list_databases()] == ["w1", "w2"]
        assert [catalog.count_partitions(db, "t") for db in ("w1", "w2")] == [2, 2]
