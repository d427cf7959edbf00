"""XML: the row tag is found, children and attributes become columns."""

from __future__ import annotations

from pathlib import Path

import fsspec

from glue_magics.catalog.names import normalize_column_name
from glue_magics.catalog.types import normalize_type
from glue_magics.crawler.classify import Sampling, classify
from glue_magics.crawler.model import UNKNOWN, FileSchema

FS = fsspec.filesystem("file")
DEFAULT = Sampling()


def run(tmp_path: Path, text: str, sampling: Sampling = DEFAULT) -> FileSchema:
    path = tmp_path / "f.xml"
    path.write_bytes(text.encode("utf-8"))
    return classify(FS, str(path), path.stat().st_size, sampling)


def types(schema: FileSchema) -> dict[str, str]:
    for col in schema.columns:
        assert normalize_type(col.type) == col.type
        assert normalize_column_name(col.name) == col.name
    return {c.name: c.type for c in schema.columns}


ORDERS = """<?xml version="1.0" encoding="UTF-8"?>
<orders>
  <order id="1" Status="new">
    <Customer>ana</Customer>
    <total>10.5</total>
    <placed>2024-01-01</placed>
    <item>pen</item>
  </order>
  <order id="2">
    <Customer>bo</Customer>
    <total>7</total>
    <paid>true</paid>
    <item>ink</item>
    <item>pad</item>
  </order>
</orders>
"""


def test_row_tag_children_and_attributes(tmp_path: Path) -> None:
    schema = run(tmp_path, ORDERS)
    assert schema.classification == "xml" and schema.ok
    assert schema.parameters == {"rowTag": "order"}
    assert types(schema) == {
        "_id": "bigint",
        "_status": "string",
        "customer": "string",
        "total": "double",
        "placed": "date",
        "item": "array<string>",  # repeated in the second row
        "paid": "boolean",
    }
    assert (schema.record_count, schema.record_count_exact) == (2, True)


def test_nested_elements_and_values_with_attributes(tmp_path: Path) -> None:
    text = (
        "<root>"
        '<row><price currency="EUR">5</price><address><city>x</city><zip>1000</zip></address></row>'
        "<row><price>6.5</price><address><city>y</city></address></row>"
        "</root>"
    )
    assert types(run(tmp_path, text)) == {
        "price": "struct<_currency:string,_value:double>",
        "address": "struct<city:string,zip:bigint>",
    }


def test_rows_inside_a_wrapper_element(tmp_path: Path) -> None:
    text = "<feed><entries><entry><n>1</n></entry><entry><n>2</n></entry></entries></feed>"
    schema = run(tmp_path, text)
    assert schema.parameters == {"rowTag": "entry"}
    assert types(schema) == {"n": "bigint"}


def test_namespaced_row_tag_keeps_its_prefix(tmp_path: Path) -> None:
    text = '<x:list xmlns:x="urn:x"><x:rec a="1"><x:v>1</x:v></x:rec><x:rec a="2"/></x:list>'
    schema = run(tmp_path, text)
    assert schema.parameters == {"rowTag": "x:rec"}
    assert types(schema) == {"_a": "bigint", "v": "bigint"}


def test_document_without_repetition_is_one_record(tmp_path: Path) -> None:
    schema = run(tmp_path, "<person><name>ana</name><age>30</age></person>")
    assert schema.parameters == {"rowTag": "person"}
    assert types(schema) == {"name": "string", "age": "bigint"}
    assert schema.record_count == 1


def test_malformed_xml_is_unknown(tmp_path: Path) -> None:
    schema = run(tmp_path, "<root><a>1</b></root>")
    assert schema.classification == UNKNOWN
    assert schema.error and schema.error.startswith("malformed XML: mismatched tag")


def test_xml_malformed_after_some_rows_is_noted(tmp_path: Path) -> None:
    rows = "".join(f"<r><v>{i}</v></r>" for i in range(5))
    schema = run(tmp_path, f"<root>{rows}<r><v>5</oops></r></root>")
    assert schema.ok and types(schema) == {"v": "bigint"}
    assert any(note.startswith("XML is malformed after 5 records") for note in schema.notes)


def test_html_is_not_xml(tmp_path: Path) -> None:
    schema = run(tmp_path, "<!DOCTYPE html><html><body><p>hi<br></p></body></html>")
    assert schema.classification == UNKNOWN
    assert schema.error and "malformed XML" in schema.error


def test_row_larger_than_first_bytes_reads_more(tmp_path: Path) -> None:
    text = f"<root><r><v>{'x' * 5_000}</v></r><r><v>y</v></r></root>"
    schema = run(tmp_path, text, Sampling(first_bytes=1_000, max_bytes=20_000))
    assert types(schema) == {"v": "string"}


def test_no_complete_row_within_max_bytes_is_unknown(tmp_path: Path) -> None:
    text = f"<root><r><v>{'x' * 50_000}</v></r><r><v>y</v></r></root>"
    schema = run(tmp_path, text, Sampling(first_bytes=1_000, max_bytes=5_000))
    assert schema.classification == UNKNOWN
    assert schema.error and schema.error.startswith("no complete XML record within")


def test_record_count_is_estimated(tmp_path: Path) -> None:
    rows = "".join(f"<r><id>{i}</id><n>name</n></r>\n" for i in range(100_000, 130_000))
    schema = run(tmp_path, f"<root>\n{rows}</root>\n", Sampling(max_records=100))
    assert not schema.record_count_exact and schema.record_count is not None
    assert abs(schema.record_count - 30_000) < 3_000


def test_entity_expansion_bomb_is_refused(tmp_path: Path) -> None:
    entities = '<!ENTITY a0 "xxxxxxxxxx">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )
    text = f'<?xml version="1.0"?><!DOCTYPE r [{entities}]><r><v>&a9;</v><v>1</v></r>'
    schema = run(tmp_path, text)
    assert schema.classification == UNKNOWN
    assert schema.error and "malformed XML" in schema.error
