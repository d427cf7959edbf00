"""File classifiers: what format a file is in and what schema it holds, the way Glue's built-in
classifiers tell.

``classify`` tries, in Glue's order, Avro, ORC and Parquet (by magic bytes), then JSON, XML and
CSV on a bounded sample of the (possibly gzip- or bzip2-compressed) text. It never raises: every
problem comes back as a FileSchema with ``error`` set, and an UNKNOWN classification always says
why in ``error``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from glue_magics.crawler.classify import compression
from glue_magics.crawler.classify.avro import MAGIC as AVRO_MAGIC
from glue_magics.crawler.classify.avro import classify_avro
from glue_magics.crawler.classify.csv_ import classify_csv
from glue_magics.crawler.classify.formats import StorageFormat, storage_for
from glue_magics.crawler.classify.json_ import classify_json
from glue_magics.crawler.classify.merge import merge_columns, similarity, widen
from glue_magics.crawler.classify.orc import MAGIC as ORC_MAGIC
from glue_magics.crawler.classify.orc import classify_orc
from glue_magics.crawler.classify.parquet import MAGIC as PARQUET_MAGIC
from glue_magics.crawler.classify.parquet import classify_parquet
from glue_magics.crawler.classify.reasons import one_line
from glue_magics.crawler.classify.sample import SampleError, TextSample
from glue_magics.crawler.classify.xml_ import classify_xml
from glue_magics.crawler.model import UNKNOWN, FileSchema

if TYPE_CHECKING:
    import fsspec

__all__ = [
    "Sampling",
    "StorageFormat",
    "classify",
    "merge_columns",
    "similarity",
    "storage_for",
    "widen",
]

_HEAD = 16


@dataclass(frozen=True)
class Sampling:
    """How much of a text file to read, as Glue does: the first 1,000 records or 1 MB, and up to
    10 MB (1 MB at a time) while a classifier is still undecided."""

    max_records: int = 1000
    first_bytes: int = 1_000_000
    max_bytes: int = 10_000_000


DEFAULT_SAMPLING = Sampling()


def classify(
    fs: fsspec.AbstractFileSystem, path: str, size: int, sampling: Sampling = DEFAULT_SAMPLING
) -> FileSchema:
    """Classify one file and infer its schema. Never raises."""
    if size == 0:
        return FileSchema(UNKNOWN, error="empty file")
    try:
        with fs.open(path, "rb") as f:
            return _classify_open(f, size, sampling)
    except PermissionError as err:
        return FileSchema(
            UNKNOWN, error=f"cannot read the file: permission denied ({one_line(err)})"
        )
    except FileNotFoundError as err:
        return FileSchema(UNKNOWN, error=f"file not found: {one_line(err)}")
    except OSError as err:
        return FileSchema(UNKNOWN, error=f"cannot read the file: {one_line(err)}")
    except Exception as err:  # a crawl goes on past any one file, whatever went wrong with it
        return FileSchema(
            UNKNOWN, error=f"classifier failed: {type(err).__name__}: {one_line(err)}"
        )


def _classify_open(f: Any, size: int, sampling: Sampling) -> FileSchema:
    head = f.read(_HEAD)
    if not head:
        return FileSchema(UNKNOWN, error="empty file")
    if head.startswith(AVRO_MAGIC):
        return classify_avro(f, size)
    if head.startswith(ORC_MAGIC) and not _printable(head[len(ORC_MAGIC) :]):
        return classify_orc(f, size)  # (a text file may well begin with "ORC")
    if head.startswith(PARQUET_MAGIC):
        return classify_parquet(f, size)
    other = compression.unsupported(head)
    if other:
        return FileSchema(UNKNOWN, error=f"{other} data: only gzip and bzip2 files are read")
    kind = compression.detect(head)
    f.seek(0)
    stream = compression.decompressing(f, kind)
    try:
        sample = TextSample(
            stream,
            size,
            sampling.first_bytes,
            sampling.max_bytes,
            raw_position=f.tell if kind else None,
        )
        result = _classify_text(sample, sampling.max_records)
    except SampleError as err:
        what = f"corrupt {kind} data" if kind else "cannot read the file"
        return FileSchema(UNKNOWN, compression=kind, error=f"{what}: {one_line(err)}")
    return replace(result, compression=kind, notes=(*sample.notes, *result.notes))


def _classify_text(sample: TextSample, max_records: int) -> FileSchema:
    if not sample.data:
        return FileSchema(UNKNOWN, error="empty file (once decompressed)")
    reason = sample.not_text_reason()
    if reason:
        return FileSchema(UNKNOWN, error=reason)
    if not sample.text.strip():
        return FileSchema(UNKNOWN, error="the file holds only whitespace")
    for classifier in (classify_json, classify_xml):
        result = classifier(sample, max_records)
        if result is not None:
            return result
    return classify_csv(sample, max_records)


def _printable(data: bytes) -> bool:
    return all(32 <= b < 127 or b in (9, 10, 13) for b in data)
