"""JSON: JSON lines (or objects one after another) and a top-level array of objects.

Each object is a record; its keys are the columns. Values are typed by ``infer.json_type`` and
widened across records. Only the sample is parsed, value by value, so a huge file costs no more
than its first megabytes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from glue_magics.catalog.objects import Column
from glue_magics.crawler.classify.columns import clean_names
from glue_magics.crawler.classify.infer import json_type
from glue_magics.crawler.classify.merge import widen_type
from glue_magics.crawler.classify.reasons import one_line
from glue_magics.crawler.classify.sample import TextSample
from glue_magics.crawler.classify.typetree import VOID, HiveType, render, replace_void
from glue_magics.crawler.model import UNKNOWN, FileSchema

_WHITESPACE = " \t\n\r"
_TAIL = 64  # a parse error this close to the end of an unfinished sample is a cut value


@dataclass
class _Scan:
    columns: dict[str, HiveType] = field(default_factory=dict)
    spelled: dict[str, str] = field(default_factory=dict)  # lower-cased key -> first spelling
    case_merged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    records: int = 0
    not_objects: int = 0
    first_not_object: str = ""
    malformed: int = 0
    error: str | None = None
    too_deep: bool = False
    multiline: bool = False
    cut: bool = False  # stopped at a value the sample ends inside
    complete: bool = False  # reached the end of the data
    position: int = 0


def classify_json(sample: TextSample, max_records: int) -> FileSchema | None:
    """A JSON FileSchema, an UNKNOWN one saying why the JSON is unusable, or None: not JSON."""
    start = _skip_space(sample.text, 0)
    if start >= len(sample.text) or sample.text[start] not in "{[":
        return None
    array = sample.text[start] == "["
    while True:
        scan = _scan(sample, start, array, max_records)
        # A first value longer than the sample: read more, as Glue does when undecided.
        if scan.records or scan.not_objects or not scan.cut or not sample.grow():
            break
    if not scan.records:
        if array and scan.complete and not scan.not_objects:
            return FileSchema(UNKNOWN, error="the JSON array holds no records")
        if scan.cut:
            return FileSchema(
                UNKNOWN, error=f"first JSON value does not end within {len(sample.data)} bytes"
            )
        if scan.not_objects:
            return FileSchema(
                UNKNOWN, error=f"JSON values are {scan.first_not_object}, not objects"
            )
        if scan.too_deep:
            return FileSchema(UNKNOWN, error="JSON nested too deeply")
        return None  # the first value is not JSON at all; let the other classifiers try
    if not scan.columns:
        return FileSchema(UNKNOWN, error="the JSON records have no keys")
    return _schema(sample, scan, array)


def _schema(sample: TextSample, scan: _Scan, array: bool) -> FileSchema:
    names, notes = clean_names(list(scan.columns))
    columns = tuple(
        Column(name, render(replace_void(t)))
        for name, t in zip(names, scan.columns.values(), strict=True)
    )
    if scan.case_merged:
        notes.append(
            "keys differing only in case read as one column: " + ", ".join(scan.case_merged[:5])
        )
    notes.extend(scan.conflicts[:20])
    if scan.malformed:
        notes.append(f"{scan.malformed} malformed JSON line(s) skipped")
    if scan.not_objects:
        notes.append(f"{scan.not_objects} JSON value(s) that are not objects skipped")
    if scan.error:
        notes.append(f"JSON is malformed after {scan.records} records: {scan.error}")
    if array:
        notes.append(
            "top-level JSON array: its elements are the records; Hive's JSON SerDe reads one "
            "object per line"
        )
    elif scan.multiline:
        notes.append("records span several lines; Hive's JSON SerDe reads one object per line")
    count, exact = sample.estimate(scan.records, scan.position, scan.complete)
    return FileSchema(
        "json",
        columns=columns,
        record_count=count,
        record_count_exact=exact,
        notes=tuple(notes),
    )


def _scan(sample: TextSample, start: int, array: bool, max_records: int) -> _Scan:
    text = sample.text
    decoder = json.JSONDecoder()
    scan = _Scan()
    pos = start + 1 if array else start
    while scan.records < max_records:
        pos = _skip_space(text, pos)
        if pos >= len(text):
            scan.complete = sample.eof
            scan.cut = not sample.eof
            break
        if array:
            if text[pos] == "]":
                scan.complete = True
                pos += 1
                break
            if scan.records or scan.not_objects:
                if text[pos] != ",":
                    scan.error = f"expected ',' at character {pos}"
                    break
                pos = _skip_space(text, pos + 1)
        try:
            value, end = decoder.raw_decode(text, pos)
            if isinstance(value, dict):
                _add_record(scan, value)
        except json.JSONDecodeError as err:
            if not sample.eof and (
                err.msg.startswith("Unterminated string") or len(text) - err.pos <= _TAIL
            ):
                scan.cut = True
                break
            newline = text.find("\n", pos)
            if array or newline < 0 or not (scan.records or scan.not_objects):
                scan.error = one_line(err)
                break
            scan.malformed += 1  # JSON lines: one bad line does not spoil the file
            pos = newline + 1
            continue
        except RecursionError:
            scan.error = "JSON nested too deeply"
            scan.too_deep = True
            break
        if not scan.multiline and text.find("\n", pos, end) >= 0:
            scan.multiline = True
        pos = end
        if not isinstance(value, dict):
            scan.not_objects += 1
            scan.first_not_object = scan.first_not_object or _kind(value)
    scan.position = pos
    return scan


def _add_record(scan: _Scan, record: dict[str, Any]) -> None:
    scan.records += 1
    columns = scan.columns
    for key, value in record.items():
        name = key.strip().lower()
        vtype = json_type(value)
        old = columns.get(name)
        if old is None:
            columns[name] = vtype
            scan.spelled.setdefault(name, key)
            continue
        if scan.spelled.get(name, key) != key and name not in scan.case_merged:
            scan.case_merged.append(name)
        if old != vtype:
            new = widen_type(old, vtype)
            if new == "string" and "string" not in (old, vtype) and VOID not in (old, vtype):
                scan.conflicts.append(
                    f"column {name!r}: {render(old)} and {render(vtype)} values -> string"
                )
            columns[name] = new


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "arrays"
    if isinstance(value, str):
        return "strings"
    if isinstance(value, bool):
        return "booleans"
    if value is None:
        return "nulls"
    return "numbers"


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WHITESPACE:
        pos += 1
    return pos
