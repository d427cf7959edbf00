"""XML: records are the repeated child elements of the root (the row tag), as in spark-xml.

Children and attributes of a row become columns; attributes get spark-xml's ``_`` prefix, and an
element with attributes and text keeps the text in ``_value``. A child that repeats inside a row is
an array. The sample is parsed incrementally, so only its first megabytes are ever read."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter

from glue_magics.catalog.objects import Column
from glue_magics.crawler.classify.columns import clean_names
from glue_magics.crawler.classify.infer import text_type
from glue_magics.crawler.classify.merge import widen_type
from glue_magics.crawler.classify.reasons import one_line
from glue_magics.crawler.classify.sample import TextSample
from glue_magics.crawler.classify.typetree import (
    VOID,
    Array,
    HiveType,
    Struct,
    render,
    replace_void,
)
from glue_magics.crawler.model import UNKNOWN, FileSchema

_CHUNK = 65536
_WRAPPER_LEVELS = 4  # <root><data><items><item> ...: how deep to look for the repeated element
_VALUE = "_value"


class _Parse:
    """Incremental parse of the sample: the tree so far and which elements are complete."""

    def __init__(self) -> None:
        self.parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
        self.root: ET.Element | None = None
        self.depth = 0
        self.done: set[int] = set()  # ids of complete elements near the top of the tree
        self.fed = 0
        self.error: str | None = None

    def feed(self, data: bytes, final: bool) -> None:
        try:
            if data:
                self.parser.feed(data)
            if final:
                self.parser.close()
        except ET.ParseError as err:
            self.error = one_line(err)
        try:
            # Errors met while feeding are queued behind the events that came before them.
            for event, elem in self.parser.read_events():  # type: ignore[misc]
                self._event(event, elem)
        except ET.ParseError as err:
            self.error = self.error or one_line(err)

    def _event(self, event: str, elem: object) -> None:
        if not isinstance(elem, ET.Element):
            return  # only start and end events were asked for
        if event == "start":
            if self.root is None:
                self.root = elem
            self.depth += 1
            return
        if self.depth <= _WRAPPER_LEVELS + 2:
            self.done.add(id(elem))
        self.depth -= 1


def classify_xml(sample: TextSample, max_records: int) -> FileSchema | None:
    """An XML FileSchema, an UNKNOWN one saying why the XML is unusable, or None: not XML."""
    start = len(sample.text) - len(sample.text.lstrip())
    if sample.text[start : start + 1] != "<":
        return None
    state = _Parse()
    found: tuple[str, list[ET.Element]] | None = None
    while True:
        while state.fed < len(sample.data) and state.error is None:
            chunk = sample.data[state.fed : state.fed + _CHUNK]
            state.fed += len(chunk)
            state.feed(chunk, final=sample.eof and state.fed >= len(sample.data))
            found = _find_rows(state.root, state.done)
            if found and len(found[1]) >= max_records:
                break
        if found or state.error or not sample.grow():
            break
    if state.root is None:
        return None  # not even a root element: not XML
    if not found or not found[1]:
        reason = state.error or f"no complete XML record within {len(sample.data)} bytes"
        return FileSchema(UNKNOWN, error=f"malformed XML: {reason}" if state.error else reason)
    tag, rows = found
    return _schema(sample, state, tag, rows, max_records)


def _schema(
    sample: TextSample, state: _Parse, tag: str, rows: list[ET.Element], max_records: int
) -> FileSchema:
    record: HiveType = Struct(())
    for row in rows[:max_records]:
        record = _merge(record, _as_struct(_element_type(row)))
    assert isinstance(record, Struct)
    if not record.fields:
        return FileSchema(UNKNOWN, error=f"the XML records <{_local(tag)}> hold no values")
    names, notes = clean_names([name for name, _ in record.fields])
    columns = tuple(
        Column(name, render(replace_void(t)))
        for name, (_, t) in zip(names, record.fields, strict=True)
    )
    if state.error:
        notes.append(f"XML is malformed after {len(rows)} records: {state.error}")
    complete = sample.eof and state.fed >= len(sample.data)
    covered = len(sample.text) * state.fed // max(1, len(sample.data))
    count, exact = sample.estimate(len(rows), covered, complete)
    return FileSchema(
        "xml",
        columns=columns,
        parameters={"rowTag": _row_tag(sample.text, tag)},
        record_count=count,
        record_count_exact=exact,
        notes=tuple(notes),
    )


def _find_rows(root: ET.Element | None, done: set[int]) -> tuple[str, list[ET.Element]] | None:
    """The row tag and the complete rows: the most repeated child tag of the root, or of the
    single wrapper element below it. A document without repetition is one record."""
    if root is None:
        return None
    node = root
    for _ in range(_WRAPPER_LEVELS):
        children = list(node)
        if not children:
            break
        tag, count = Counter(c.tag for c in children).most_common(1)[0]
        if count >= 2:
            return tag, [c for c in children if c.tag == tag and id(c) in done]
        if len(children) == 1 and len(children[0]):
            node = children[0]
            continue
        break
    if id(root) not in done:
        return None  # still inside the root: undecided
    children = list(root)
    if len(children) == 1:
        return children[0].tag, children
    return root.tag, [root]


def _element_type(element: ET.Element) -> HiveType:
    children = list(element)
    text = (element.text or "").strip()
    if not children and not element.attrib:
        return text_type(text) if text else VOID
    fields: dict[str, HiveType] = {}
    for key, value in element.attrib.items():
        fields["_" + _local(key).lower()] = text_type(value)
    repeated = {t for t, n in Counter(c.tag for c in children).items() if n > 1}
    for child in children:
        name = _local(child.tag).lower()
        ctype = _element_type(child)
        if child.tag in repeated:
            ctype = Array(ctype)
        fields[name] = _merge(fields[name], ctype) if name in fields else ctype
    if text and not children:
        fields[_VALUE] = text_type(text)
    return Struct(tuple(fields.items()))


def _as_struct(t: HiveType) -> Struct:
    if isinstance(t, Struct):
        return t
    return Struct(()) if t == VOID else Struct(((_VALUE, t),))


def _merge(a: HiveType, b: HiveType) -> HiveType:
    """``widen_type`` plus spark-xml's rules: an element seen once and then repeated is an array,
    and a plain value next to a struct is the struct's ``_value``."""
    if a == b:
        return a
    if a == VOID:
        return b
    if b == VOID:
        return a
    if isinstance(a, Array) or isinstance(b, Array):
        a_elem = a.element if isinstance(a, Array) else a
        b_elem = b.element if isinstance(b, Array) else b
        return Array(_merge(a_elem, b_elem))
    if isinstance(a, Struct) and isinstance(b, Struct):
        fields = dict(a.fields)
        for name, ftype in b.fields:
            fields[name] = _merge(fields[name], ftype) if name in fields else ftype
        return Struct(tuple(fields.items()))
    if isinstance(a, Struct) and isinstance(b, str):
        return _merge(a, Struct(((_VALUE, b),)))
    if isinstance(b, Struct) and isinstance(a, str):
        return _merge(Struct(((_VALUE, a),)), b)
    return widen_type(a, b)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _row_tag(text: str, tag: str) -> str:
    """The row tag as written in the file, with its namespace prefix (ElementTree drops it)."""
    local = _local(tag)
    if local == tag:
        return tag
    m = re.search(r"<([A-Za-z_][\w.-]*:)?" + re.escape(local) + r"[\s/>]", text)
    return (m.group(1) or "") + local if m else local
