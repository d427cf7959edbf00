"""Whole-file gzip and bzip2, found by magic bytes and read on the fly."""

from __future__ import annotations

import bz2
import gzip
import json
import random
from pathlib import Path

import fsspec
import pytest

from glue_magics.crawler.classify import Sampling, classify
from glue_magics.crawler.model import UNKNOWN, FileSchema

FS = fsspec.filesystem("file")
DEFAULT = Sampling()
CSV = b"id,name\n1,ana\n2,bo\n"
JSON = b'{"id": 1, "tags": ["a"]}\n{"id": 2, "tags": []}\n'
XML = b"<rows><row><id>1</id></row><row><id>2</id></row></rows>"


def run(path: Path, data: bytes, sampling: Sampling = DEFAULT) -> FileSchema:
    path.write_bytes(data)
    return classify(FS, str(path), path.stat().st_size, sampling)


def noisy_csv(rows: int) -> bytes:
    rng = random.Random(0)  # random values: gzip cannot shrink them to nothing
    return ("id,value\n" + "".join(f"{i:07d},{rng.random():.12f}\n" for i in range(rows))).encode()


@pytest.mark.parametrize(
    ("compress", "kind"), [(gzip.compress, "gzip"), (bz2.compress, "bzip2")], ids=["gzip", "bzip2"]
)
@pytest.mark.parametrize(
    ("data", "classification"),
    [(CSV, "csv"), (JSON, "json"), (XML, "xml")],
    ids=["csv", "json", "xml"],
)
def test_compressed_text_formats(
    tmp_path: Path, compress: object, kind: str, data: bytes, classification: str
) -> None:
    assert callable(compress)
    schema = run(tmp_path / "data.bin", compress(data))
    assert (schema.classification, schema.compression, schema.error) == (classification, kind, None)
    assert schema.columns[0].name == "id"


def test_gzip_is_found_whatever_the_file_is_called(tmp_path: Path) -> None:
    schema = run(tmp_path / "plain.csv", gzip.compress(CSV))
    assert (schema.classification, schema.compression) == ("csv", "gzip")


def test_text_beginning_with_bzh_is_not_bzip2(tmp_path: Path) -> None:
    schema = run(tmp_path / "f.csv", b"BZh,name\n1,a\n2,b\n")
    assert (schema.classification, schema.compression) == ("csv", None)


def test_truncated_gzip_is_an_error(tmp_path: Path) -> None:
    data = gzip.compress(noisy_csv(2_000))
    schema = run(tmp_path / "cut.csv.gz", data[: len(data) // 2])
    assert (schema.classification, schema.compression) == (UNKNOWN, "gzip")
    assert schema.error and schema.error.startswith("corrupt gzip data: Compressed file ended")


def test_corrupt_gzip_is_an_error(tmp_path: Path) -> None:
    data = gzip.compress(noisy_csv(2_000))
    schema = run(tmp_path / "bad.gz", data[:20] + bytes(range(256)) * 20)
    assert (schema.classification, schema.compression) == (UNKNOWN, "gzip")
    assert schema.error and schema.error.startswith("corrupt gzip data")


def test_corrupt_bzip2_is_an_error(tmp_path: Path) -> None:
    data = bz2.compress(noisy_csv(2_000))
    schema = run(tmp_path / "bad.bz2", data[:10] + bytes(range(256)) * 20)
    assert (schema.classification, schema.compression) == (UNKNOWN, "bzip2")
    assert schema.error and schema.error.startswith("corrupt bzip2 data")


def test_only_the_start_of_a_large_gzip_is_read(tmp_path: Path) -> None:
    # Cut far beyond the sample: the damage is never reached, so the file still classifies.
    data = gzip.compress(noisy_csv(200_000))
    schema = run(tmp_path / "big.csv.gz", data[: len(data) * 3 // 4], Sampling(first_bytes=100_000))
    assert schema.ok and schema.compression == "gzip"


def test_compressed_record_count_is_scaled_by_the_compression_ratio(tmp_path: Path) -> None:
    schema = run(
        tmp_path / "big.csv.gz", gzip.compress(noisy_csv(100_000)), Sampling(first_bytes=200_000)
    )
    assert not schema.record_count_exact and schema.record_count is not None
    assert abs(schema.record_count - 100_000) < 10_000


def test_empty_gzip_is_empty(tmp_path: Path) -> None:
    schema = run(tmp_path / "empty.gz", gzip.compress(b""))
    assert (schema.classification, schema.compression) == (UNKNOWN, "gzip")
    assert schema.error == "empty file (once decompressed)"


@pytest.mark.parametrize(
    ("head", "name"),
    [(b"\x28\xb5\x2f\xfd", "zstd"), (b"PK\x03\x04", "zip"), (b"\xfd7zXZ\x00", "xz")],
    ids=["zstd", "zip", "xz"],
)
def test_other_compressions_are_named(tmp_path: Path, head: bytes, name: str) -> None:
    schema = run(tmp_path / "f.bin", head + bytes(100))
    assert schema.classification == UNKNOWN
    assert schema.error == f"{name} data: only gzip and bzip2 files are read"


def test_gzipped_json_with_a_large_first_value(tmp_path: Path) -> None:
    record = {"id": 1, "blob": "x" * 3_000}
    data = gzip.compress((json.dumps(record) + "\n").encode() * 3)
    schema = run(tmp_path / "f.json.gz", data, Sampling(first_bytes=1_000, max_bytes=10_000))
    assert schema.ok and [c.name for c in schema.columns] == ["id", "blob"]
