"""The crawler calls classify from a thread pool: results must not depend on it."""

from __future__ import annotations

import gzip
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import fastavro
import fsspec
import pyarrow as pa
import pyarrow.orc as orc
import pyarrow.parquet as pq

from glue_magics.crawler.classify import classify
from glue_magics.crawler.model import FileSchema

FS = fsspec.filesystem("file")


def test_classify_in_threads_matches_classify_in_sequence(tmp_path: Path) -> None:
    table = pa.table({"id": list(range(100)), "name": [f"n{i}" for i in range(100)]})
    pq.write_table(table, tmp_path / "a.parquet")
    orc.write_table(table, tmp_path / "b.orc")
    schema = {"type": "record", "name": "R", "fields": [{"name": "id", "type": "long"}]}
    with (tmp_path / "c.avro").open("wb") as f:
        fastavro.writer(f, schema, [{"id": i} for i in range(100)])
    (tmp_path / "d.csv").write_text("id,name\n" + "".join(f"{i},n{i}\n" for i in range(100)))
    (tmp_path / "e.json.gz").write_bytes(
        gzip.compress("".join(f'{{"id": {i}}}\n' for i in range(100)).encode())
    )
    (tmp_path / "f.xml").write_text("<r>" + "<x><id>1</id></x>" * 100 + "</r>")
    (tmp_path / "g.bin").write_bytes(bytes(range(256)) * 10)
    paths = sorted(tmp_path.iterdir()) * 20

    def run(path: Path) -> FileSchema:
        return classify(FS, str(path), path.stat().st_size)

    expected = [run(p) for p in paths]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(run, paths)) == expected
    assert [s.classification for s in expected[:7]] == [
        "parquet",
        "orc",
        "avro",
        "csv",
        "json",
        "xml",
        "UNKNOWN",
    ]
