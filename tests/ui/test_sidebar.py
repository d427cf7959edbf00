"""The Data Catalog panel in a real JupyterLab and Chromium, the way a user meets it: an empty
catalog that explains itself, a crawl that appears by itself, search, a table's schema, partitions,
preview, lineage and versions, a %%sql cell inserted from the panel and run on Spark, and a kernel
crawl that shows up live. Screenshots go to tests/ui/artifacts/ (light and dark theme)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from glue_magics.catalog import Catalog
from glue_magics.crawler.run import crawl
from tests.lake import write_parquet
from tests.server.lake_data import write_lake
from tests.ui.lab import Driver, Lab, start_lab, write_notebook


def fill_catalog(home: Path, lake: Path) -> None:
    """What the panel finds after the first crawl: raw.orders (partitioned Parquet), raw.people
    and raw.events, and sales.report written from raw.orders by an ETL run, in three versions."""
    with Catalog(home=home) as catalog:
        crawl(catalog, [str(lake)], "raw", name="lake")
        catalog.create_database("sales")
        catalog.create_table(
            "sales", "report", columns=[{"name": "day", "type": "string"}], classification="parquet"
        )
        catalog.update_table(
            "sales",
            "report",
            columns=[{"name": "day", "type": "date"}, {"name": "total", "type": "double"}],
        )
        run = catalog.start_run("etl", "daily_report", target="sales.report")
        catalog.add_lineage("raw.orders", "sales.report", run_id=run.id)
        catalog.finish_run(run.id, "SUCCEEDED")


def run_driver(lab: Lab, scenario: str, options: dict[str, Any], on_wait: Any = None) -> Driver:
    driver = Driver(lab, scenario, options)
    try:
        while (event := driver.next_event()) is not None:
            if event["event"] == "wait":
                on_wait(event["what"])
                driver.answer()
            elif event["event"] in ("done", "error"):
                break
        code, stderr = driver.finish()
    finally:
        driver.kill()
    errors = [e["message"] for e in driver.events if e["event"] == "error"]
    assert not errors and code == 0, (
        f"browser scenario {scenario} failed:\n{errors[0] if errors else stderr}\n"
        f"--- jupyter lab log ---\n{lab.log_tail()}"
    )
    return driver


def test_the_user_path_through_the_panel(
    browser_ready: None, tmp_path: Path, glue_home: Path
) -> None:
    lake = write_lake(tmp_path / "lake")
    more = tmp_path / "more"
    write_parquet(more / "customers" / "part-0.parquet", rows=3, extra={"name": ["a", "b", "c"]})
    lab = start_lab(tmp_path / "lab", glue_home)
    try:
        write_notebook(lab.root / "catalog.ipynb")
        driver = run_driver(
            lab,
            "e2e",
            {"notebook": "catalog.ipynb", "moreData": str(more / "customers")},
            on_wait=lambda what: fill_catalog(glue_home, lake),
        )
    finally:
        lab.stop()
    events = {e["event"]: e for e in driver.events}
    assert events["preview"]["rows"] == 6
    assert "2024-01-01" in events["preview"]["first"]
    sources = events["cells"]["sources"]
    assert sources[0] == "%load_ext glue_magics"
    assert sources[1].startswith("%%sql\nSELECT order_id, customer, amount, dt\nFROM raw.orders")
    assert "ana" in events["sql_output"]["text"]
    shots = [e["screenshot"] for e in driver.events if e.get("screenshot")]
    assert len(shots) >= 14 and all(Path(s).stat().st_size > 1000 for s in shots)


def test_a_server_without_the_extension_says_so(
    browser_ready: None, tmp_path: Path, glue_home: Path
) -> None:
    lab = start_lab(tmp_path / "lab", glue_home, server_extension=False)
    try:
        driver = run_driver(lab, "missing", {})
    finally:
        lab.stop()
    [message] = [e["text"] for e in driver.events if e["event"] == "message"]
    assert "server extension is not running" in message
    assert "jupyter server extension enable glue_magics" in message


@pytest.mark.parametrize("script", ["test", "lint:check"])
def test_frontend_unit_tests_and_lint(node_ready: None, script: str) -> None:
    """The TypeScript side's jest tests (model, tree, snippets, windowing) and its lint."""
    import os
    import subprocess

    from tests.ui.lab import BIN, ROOT

    result = subprocess.run(
        [str(BIN / "jlpm"), script],
        cwd=ROOT / "labextension",
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"},  # scripts call jlpm
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
