"""Delimited text (CSV, TSV, ...), following Glue's built-in CSV classifier.

The delimiter is the candidate that splits the sample's rows most consistently; a file needs at
least two columns and two rows. Glue's header heuristic decides whether the first row holds the
column names."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from glue_magics.catalog.objects import Column
from glue_magics.crawler.classify.columns import clean_names
from glue_magics.crawler.classify.infer import ColumnTypes, text_type
from glue_magics.crawler.classify.reasons import one_line
from glue_magics.crawler.classify.sample import TextSample
from glue_magics.crawler.classify.typetree import VOID
from glue_magics.crawler.model import UNKNOWN, FileSchema

# Glue's candidates, in its order of preference when two split the sample equally well.
DELIMITERS = ((",", "comma"), ("|", "pipe"), ("\t", "tab"), (";", "semicolon"), ("\x01", "Ctrl-A"))
MIN_CONSISTENCY = 0.5  # share of rows that must have the usual number of fields
MAX_HEADER_LENGTH = 150
QUOTE = '"'


@dataclass
class _Split:
    delimiter: str
    rows: list[list[str]]
    width: int  # the most common number of fields
    consistency: float
    covered: int  # characters of the text the rows came from


def classify_csv(sample: TextSample, max_records: int) -> FileSchema:
    body = _complete_lines(sample)
    if body is None or not body.strip():
        return FileSchema(UNKNOWN, error=f"no line break within the first {len(sample.data)} bytes")
    splits = []
    errors = []
    for priority, (delimiter, _) in enumerate(DELIMITERS):
        try:
            split = _split(body, delimiter, max_records + 1)
        except csv.Error as err:
            errors.append(one_line(err))
            continue
        if split.width >= 2:
            splits.append((split.consistency, split.width, -priority, split))
    if not splits:
        if len(errors) == len(DELIMITERS):
            return FileSchema(UNKNOWN, error=f"not delimited text: {errors[0]}")
        return FileSchema(
            UNKNOWN,
            error="not delimited text: one column only "
            "(no comma, pipe, tab, semicolon or Ctrl-A delimiter)",
        )
    best = max(splits, key=lambda s: s[:3])[3]
    if best.consistency < MIN_CONSISTENCY:
        return FileSchema(
            UNKNOWN,
            error=f"no consistent delimiter: rows have varying numbers of fields "
            f"(at best {best.consistency:.0%} agree)",
        )
    if len(best.rows) < 2:
        return FileSchema(UNKNOWN, error="only one row; CSV needs at least two")
    return _schema(sample, body, best, max_records)


def _complete_lines(sample: TextSample) -> str | None:
    """The sample's text up to its last line break (the rest may be a cut row), reading more
    while it holds fewer than the two rows a CSV file needs."""
    while True:
        text = sample.text
        if sample.eof:
            return text
        cut = max(text.rfind("\n"), text.rfind("\r"))
        if text.count("\n") >= 2 or not sample.grow():
            return text[: cut + 1] if cut >= 0 else None


def _split(body: str, delimiter: str, limit: int) -> _Split:
    covered = 0

    def lines() -> Iterator[str]:
        nonlocal covered
        for line in io.StringIO(body, newline=""):
            covered += len(line)
            yield line

    rows = []
    for row in csv.reader(lines(), delimiter=delimiter, quotechar=QUOTE):
        if row:  # blank lines are not records
            rows.append(row)
            if len(rows) >= limit:
                break
    if not rows:
        return _Split(delimiter, rows, 0, 0.0, covered)
    width, count = Counter(len(r) for r in rows).most_common(1)[0]
    return _Split(delimiter, rows, width, count / len(rows), covered)


def _schema(sample: TextSample, body: str, split: _Split, max_records: int) -> FileSchema:
    width, rows = split.width, split.rows
    notes: list[str] = []
    data_types = ColumnTypes(width)
    for row in rows[1:]:
        data_types.add_row(row)
    header, why_not = _header(rows[0], rows[1:], width, data_types.types())
    if header:
        names, notes = clean_names(_pad(rows[0], width))
        data = rows[1:]
    else:
        names = [f"col{i}" for i in range(width)]
        data_types.add_row(rows[0])
        data = rows
        if why_not:
            notes.append(f"first row not used as a header: {why_not}")
    data = data[:max_records]
    types = data_types.types()
    notes.extend(
        f"column {names[i]!r}: {' and '.join(kinds)} values -> string"
        for i, kinds in data_types.conflicts()[:20]
    )
    ragged = sum(1 for r in rows if len(r) != width)
    if ragged:
        notes.append(
            f"{ragged} of {len(rows)} rows do not have the usual {width} fields; "
            "extra fields are ignored, missing ones read as null"
        )
    quoted = _quoted(body[: split.covered], split.delimiter)
    parameters = {
        "delimiter": split.delimiter,
        "areColumnsQuoted": "true" if quoted else "false",
        "columnsOrdered": "true",
    }
    if header:
        parameters["skip.header.line.count"] = "1"
    complete = len(rows) < max_records + 1
    count, exact = sample.estimate(len(data), split.covered, complete)
    return FileSchema(
        "csv",
        columns=tuple(Column(n, t) for n, t in zip(names, types, strict=True)),
        parameters=parameters,
        record_count=count,
        record_count_exact=exact,
        notes=tuple(notes),
    )


def _header(
    first: list[str], data: list[list[str]], width: int, data_types: list[str]
) -> tuple[bool, str]:
    """Glue's header heuristic: (is the first row a header?, why not)."""
    fields = _pad(first, width)
    for i, raw in enumerate(fields):
        value = raw.strip()
        if not value:
            # Only a trailing delimiter may leave a header field empty: the last column, empty
            # throughout the file.
            last_is_empty = all(len(r) < width or not r[-1].strip() for r in data)
            if i == width - 1 and last_is_empty:
                continue
            return False, f"field {i + 1} is empty"
        vtype = text_type(value)
        if vtype != "string":
            return False, f"{value[:40]!r} reads as {vtype}, not text"
        if len(value) >= MAX_HEADER_LENGTH:
            return False, f"field {i + 1} is {len(value)} characters long"
        if not value.isprintable():
            return False, f"field {i + 1} is not a valid column name"
    if all(t in ("string", VOID) for t in data_types):
        return False, "every column holds text, so it cannot be told apart from the data"
    return True, ""


def _pad(row: list[str], width: int) -> list[str]:
    return row[:width] + [""] * (width - len(row))


def _quoted(text: str, delimiter: str) -> bool:
    """Whether any field in the text starts with a quote."""
    pattern = r"(?:^|" + re.escape(delimiter) + r")[ \t]*" + QUOTE
    return re.search(pattern, text, re.MULTILINE) is not None
