"""%crawl in a real IPython shell, glue-magics crawl as a subprocess, and s3:// URLs against a
local S3-compatible server (moto) on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from IPython.core.interactiveshell import InteractiveShell

from glue_magics.catalog import Catalog
from glue_magics.commands import CommandLineError
from glue_magics.crawler.run import crawl
from glue_magics.errors import EntityNotFoundError, InvalidInputError

GLUE_MAGICS = str(Path(sys.executable).parent / "glue-magics")


@pytest.fixture
def shell(catalog_url: str) -> Iterator[InteractiveShell]:
    ipython = InteractiveShell.instance()
    ipython.run_line_magic("load_ext", "glue_magics")
    magics = ipython.magics_manager.registry["CrawlMagics"]
    magics.catalog_url = catalog_url
    yield ipython
    magics.catalog_url = None


def test_magic_dry_run_then_crawl_list_history_rerun(
    shell: InteractiveShell, lake: Path, catalog_url: str
) -> None:
    plan = shell.run_line_magic("crawl", f"{lake} --database raw --name lake --dry-run -o plan")
    assert dict(plan.fields)["state"] == "DRY RUN (nothing written)"
    assert sorted(shell.user_ns["plan"]["table"]) == ["customers", "events", "orders"]
    assert "Why: grouping decisions" in plan._repr_html_()
    with Catalog(catalog_url) as cat:
        assert cat.list_databases() == []
    done = shell.run_line_magic("crawl", f"{lake} --database raw --name lake")
    assert dict(done.fields)["state"] == "SUCCEEDED"
    listed = shell.run_line_magic("crawl", "--list")
    assert listed.rows[0][:2] == ["lake", "raw"] and listed.rows[0][3] == "SUCCEEDED"
    again = shell.run_line_magic("crawl", "--run lake")
    assert "0 read, 8 unchanged" in dict(again.fields)["files"]
    history = shell.run_line_magic("crawl", "--history lake")
    assert [r[1] for r in history.rows] == ["SUCCEEDED", "SUCCEEDED"]
    assert history.rows[-1][4] == 3  # tables created by the first run


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("{lake}", InvalidInputError),
        ("--database raw", InvalidInputError),
        ("--run nope", EntityNotFoundError),
        ("{lake} --database raw --table-level 0", InvalidInputError),
        ("{lake} --database raw --recrawl sometimes", CommandLineError),
        ("{lake}/missing --database raw", EntityNotFoundError),
        ("{lake} --database raw --exclude 'a{{b'", InvalidInputError),
    ],
)
def test_magic_errors_are_one_line_and_write_nothing(
    shell: InteractiveShell,
    lake: Path,
    catalog_url: str,
    capsys: pytest.CaptureFixture[str],
    line: str,
    error: type,
) -> None:
    result = shell.run_cell("%crawl " + line.format(lake=lake))
    assert isinstance(result.error_in_exec, error)
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    with Catalog(catalog_url) as cat:
        assert cat.list_databases() == [] and cat.list_crawlers() == []


def test_cli_crawl_prints_run_record_as_json(catalog_url: str, lake: Path) -> None:
    proc = subprocess.run(
        [
            GLUE_MAGICS,
            "--catalog-url",
            catalog_url,
            "--json",
            "crawl",
            str(lake),
            "--database",
            "raw",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert record["state"] == "SUCCEEDED" and record["tables_created"] == 3
    assert record["run_id"] >= 1 and record["files_read"] == 8
    bad = subprocess.run(
        [GLUE_MAGICS, "--catalog-url", catalog_url, "crawl", str(lake)],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1 and bad.stderr.startswith("error: --database is required")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def s3_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A moto S3 server on 127.0.0.1, and fsspec configured to use it for s3:// URLs."""
    import fsspec.config
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setitem(
        fsspec.config.conf, "s3", {"endpoint_url": endpoint, "skip_instance_cache": True}
    )
    try:
        yield endpoint
    finally:
        server.stop()


def test_crawl_s3_url(catalog: Catalog, s3_endpoint: str) -> None:
    import io

    import fsspec
    import pyarrow as pa
    import pyarrow.parquet as pq

    fs = fsspec.filesystem("s3")
    bucket = f"lake-{uuid.uuid4().hex[:8]}"  # moto keeps buckets for the whole process
    fs.mkdir(bucket)
    for day in ("2024-01-01", "2024-01-02"):
        buffer = io.BytesIO()
        pq.write_table(pa.table({"id": [1, 2], "v": [0.5, 1.5]}), buffer)
        fs.pipe(f"{bucket}/events/dt={day}/part-0.parquet", buffer.getvalue())
    fs.pipe(f"{bucket}/events/dt=2024-01-02/", b"")  # a directory marker, as some writers leave
    result = crawl(catalog, [f"s3://{bucket}/events"], "raw", name="s3lake")
    assert result.state == "SUCCEEDED", result.failed
    table = catalog.get_table("raw", "events")
    assert table.location == f"s3://{bucket}/events"
    assert [c.name for c in table.columns] == ["id", "v"]
    parts = catalog.get_partitions("raw", "events").partitions
    assert [p.location for p in parts] == [
        f"s3://{bucket}/events/dt=2024-01-01",
        f"s3://{bucket}/events/dt=2024-01-02",
    ]
    fs.invalidate_cache()
    assert crawl(catalog, [f"s3://{bucket}/events"], "raw", name="s3lake").files_read == 0
