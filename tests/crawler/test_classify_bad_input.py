"""Bad files never raise: each becomes a FileSchema with a one-line reason."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import fsspec
import pytest

import glue_magics.crawler.classify as classify_module
from glue_magics.crawler.classify import classify
from glue_magics.crawler.model import UNKNOWN, FileSchema

FS = fsspec.filesystem("file")


def run(path: Path, data: bytes | None = None) -> FileSchema:
    if data is not None:
        path.write_bytes(data)
    return classify(FS, str(path), path.stat().st_size)


def test_zero_byte_file(tmp_path: Path) -> None:
    schema = run(tmp_path / "empty.csv", b"")
    assert (schema.classification, schema.error) == (UNKNOWN, "empty file")


def test_file_emptied_since_it_was_listed(tmp_path: Path) -> None:
    path = tmp_path / "shrunk.csv"
    path.write_bytes(b"")
    schema = classify(FS, str(path), 1234)
    assert (schema.classification, schema.error) == (UNKNOWN, "empty file")


def test_whitespace_only_file(tmp_path: Path) -> None:
    schema = run(tmp_path / "blank.csv", b"  \n\n\t\n")
    assert (schema.classification, schema.error) == (UNKNOWN, "the file holds only whitespace")


def test_binary_junk_named_csv(tmp_path: Path) -> None:
    schema = run(tmp_path / "junk.csv", os.urandom(20_000))
    assert schema.classification == UNKNOWN
    assert schema.error and schema.error.startswith("binary data")


def test_small_binary_junk_without_nul_bytes(tmp_path: Path) -> None:
    junk = bytes(b for b in os.urandom(4_000) if b) + b"\x02\x03\x04\x05" * 50
    schema = run(tmp_path / "junk.csv", junk)
    assert schema.classification == UNKNOWN
    assert schema.error and schema.error.startswith("binary data")


def test_latin1_text_is_read_with_a_note(tmp_path: Path) -> None:
    schema = run(tmp_path / "latin.csv", "nome,preço\nJoão,1\nJosé,2\n".encode("latin-1"))
    assert schema.classification == "csv" and schema.ok
    assert [c.name for c in schema.columns] == ["nome", "preço"]
    assert any(note.startswith("not valid UTF-8") for note in schema.notes)


def test_utf8_with_bom(tmp_path: Path) -> None:
    schema = run(tmp_path / "bom.csv", "id,name\n1,a\n2,b\n".encode("utf-8-sig"))
    assert [c.name for c in schema.columns] == ["id", "name"]
    assert not schema.notes


def test_utf16_is_unknown(tmp_path: Path) -> None:
    schema = run(tmp_path / "u16.csv", "id,name\n1,a\n".encode("utf-16"))
    assert schema.classification == UNKNOWN
    assert schema.error and "UTF-16" in schema.error


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.csv"
    path.write_text("a,b\n1,2\n")

    def denied(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(FS, "open", denied)
    schema = run(path)
    assert schema.classification == UNKNOWN
    assert schema.error and schema.error.startswith("cannot read the file: permission denied")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "secret.csv"
    path.write_text("a,b\n1,2\n")
    path.chmod(0)
    try:
        schema = run(path)
    finally:
        path.chmod(0o644)
    assert schema.error and "permission denied" in schema.error


def test_missing_file(tmp_path: Path) -> None:
    schema = classify(FS, str(tmp_path / "gone.csv"), 10)
    assert schema.classification == UNKNOWN
    assert schema.error and schema.error.startswith("file not found")


def test_directory(tmp_path: Path) -> None:
    schema = classify(FS, str(tmp_path), 4096)
    assert schema.classification == UNKNOWN
    assert schema.error and schema.error.startswith("cannot read the file")


def test_a_failing_classifier_does_not_raise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> Any:
        raise RuntimeError("bug\nin classifier")

    monkeypatch.setattr(classify_module, "classify_csv", broken)
    schema = run(tmp_path / "f.csv", b"a,b\n1,2\n")
    assert schema.classification == UNKNOWN
    assert schema.error == "classifier failed: RuntimeError: bug in classifier"
