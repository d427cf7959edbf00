"""Connections: a URL, a user and a reference to the secret (env:VAR, keyring:SERVICE/USER)."""

from __future__ import annotations

import sys
import types
from functools import partial
from typing import Any

import pytest

from glue_magics.catalog import Catalog
from glue_magics.errors import AlreadyExistsError, EntityNotFoundError, InvalidInputError

from .helpers import refused, refused_by_each


def test_create_get_list_delete(catalog: Catalog) -> None:
    created = catalog.create_connection(
        "Warehouse",
        "jdbc:postgresql://db.example.com:5432/dw",
        username="etl",
        secret_ref="env:DW_PASSWORD",
        description="the warehouse",
        parameters={"ssl": "true"},
    )
    other = catalog.create_connection(
        "analytics",
        "postgresql+psycopg://etl@db.example.com/analytics",
        connection_type="sqlalchemy",
    )

    assert (created.name, created.connection_type, created.url, created.username) == (
        "warehouse",
        "JDBC",
        "jdbc:postgresql://db.example.com:5432/dw",
        "etl",
    )
    assert (created.secret_ref, created.description, created.parameters) == (
        "env:DW_PASSWORD",
        "the warehouse",
        {"ssl": "true"},
    )
    assert other.connection_type == "SQLALCHEMY"
    assert catalog.get_connection("WAREHOUSE") == created
    assert catalog.list_connections() == [other, created]
    catalog.delete_connection("Warehouse")
    assert catalog.list_connections() == [other]
    with refused(catalog, EntityNotFoundError, match="warehouse"):
        catalog.get_connection("warehouse")


def test_connection_secret_reads_the_environment_variable_when_asked(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DW_PASSWORD", "first")
    catalog.create_connection("dw", "jdbc:postgresql://h/dw", secret_ref="env:DW_PASSWORD")
    catalog.create_connection("open", "jdbc:postgresql://h/open")

    assert catalog.connection_secret("dw") == "first"
    monkeypatch.setenv("DW_PASSWORD", "rotated")
    assert catalog.connection_secret("DW") == "rotated"
    assert catalog.connection_secret("open") is None
    monkeypatch.delenv("DW_PASSWORD")
    with refused(catalog, EntityNotFoundError, match="DW_PASSWORD"):
        catalog.connection_secret("dw")


def test_connection_secret_reads_the_keyring(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = {("glue", "etl"): "from-keyring"}
    fake = types.ModuleType("keyring")
    fake.get_password = lambda service, user: entries.get((service, user))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", fake)
    catalog.create_connection("dw", "jdbc:postgresql://h/dw", secret_ref="keyring:glue/etl")
    catalog.create_connection("gone", "jdbc:postgresql://h/dw", secret_ref="keyring:glue/nobody")

    assert catalog.connection_secret("dw") == "from-keyring"
    with refused(catalog, EntityNotFoundError, match="nobody"):
        catalog.connection_secret("gone")


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("postgresql://etl:s3cret@db.example.com/dw", "SQLALCHEMY"),
        ("postgresql+psycopg://etl:s3cret@db.example.com/dw", "JDBC"),
        ("jdbc:postgresql://db.example.com/dw?user=etl&password=s3cret", "JDBC"),
        ("jdbc:sqlserver://db.example.com;user=etl;Password=s3cret", "JDBC"),
    ],
)
def test_a_url_with_an_embedded_password_is_refused(catalog: Catalog, url: str, kind: str) -> None:
    with refused(catalog, InvalidInputError, match="password") as info:
        catalog.create_connection("dw", url, connection_type=kind)

    assert "s3cret" not in str(info.value)


def test_a_jdbc_url_with_user_and_password_before_the_host_is_refused(catalog: Catalog) -> None:
    with refused(catalog, InvalidInputError, match="password"):
        catalog.create_connection("dw", "jdbc:mysql://etl:s3cret@db.example.com:3306/dw")


JDBC_WITH_PASSWORD = [
    "jdbc:postgresql://etl:s3cret@db.example.com/dw?ssl=true",
    "jdbc:mysql://etl:s3cret@[::1]:3306/dw",
    "jdbc:oracle:thin:etl/s3cret@//db.example.com:1521/dw",
    "jdbc:oracle:thin:etl/s3cret@db.example.com:1521:dw",
]
JDBC_WITHOUT_PASSWORD = [
    "jdbc:mysql://etl@db.example.com:3306/dw",
    "jdbc:postgresql://[::1]:5432/dw",
    "jdbc:postgresql://h1:5432,h2:5432/dw?user=etl@corp",
    "jdbc:sqlserver://db.example.com:1433;databaseName=dw;user=etl",
    "jdbc:oracle:thin:@//db.example.com:1521/dw",
    "jdbc:oracle:thin:@db.example.com:1521:dw",
]


def test_credentials_in_jdbc_urls_are_refused_and_a_user_alone_is_taken(catalog: Catalog) -> None:
    for url in JDBC_WITH_PASSWORD:
        with refused(catalog, InvalidInputError, match="password") as info:
            catalog.create_connection("dw", url)
        assert "s3cret" not in str(info.value)

    for i, url in enumerate(JDBC_WITHOUT_PASSWORD):
        assert catalog.create_connection(f"dw{i}", url).url == url


@pytest.mark.parametrize(
    "ref", ["DW_PASSWORD", "env:", "keyring:glue", "keyring:", "vault:glue/etl", "", ":x"]
)
def test_a_bad_secret_reference_is_refused(catalog: Catalog, ref: str) -> None:
    with refused(catalog, InvalidInputError, match="secret reference"):
        catalog.create_connection("dw", "jdbc:postgresql://h/dw", secret_ref=ref)


@pytest.mark.parametrize("ref", ["keyring:/etl", "keyring:glue/", "keyring:/"])
def test_a_keyring_reference_needs_a_service_and_a_user(catalog: Catalog, ref: str) -> None:
    with refused(catalog, InvalidInputError, match="secret reference"):
        catalog.create_connection("dw", "jdbc:postgresql://h/dw", secret_ref=ref)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"name": "dw", "url": ""}, InvalidInputError),
        (
            {"name": "dw", "url": "jdbc:postgresql://h/dw", "connection_type": "ODBC"},
            InvalidInputError,
        ),
        ({"name": "dw", "url": "not a url", "connection_type": "SQLALCHEMY"}, InvalidInputError),
        ({"name": "bad name", "url": "jdbc:postgresql://h/dw"}, InvalidInputError),
        (
            {"name": "dw", "url": "jdbc:postgresql://h/dw", "parameters": {"port": 5432}},
            InvalidInputError,
        ),
        ({"name": "Existing", "url": "jdbc:postgresql://h/other"}, AlreadyExistsError),
    ],
    ids=[
        "empty-url",
        "unknown-type",
        "unparsable-url",
        "bad-name",
        "non-string-parameter",
        "duplicate",
    ],
)
def test_bad_connection_input_is_refused(
    catalog: Catalog, kwargs: dict[str, object], error: type[Exception]
) -> None:
    catalog.create_connection("existing", "jdbc:postgresql://h/dw")

    with refused(catalog, error):
        catalog.create_connection(**kwargs)  # type: ignore[arg-type]

    assert catalog.get_connection("existing").url == "jdbc:postgresql://h/dw"


@pytest.mark.parametrize("method", ["get_connection", "delete_connection", "connection_secret"])
def test_an_unknown_connection_is_not_found(catalog: Catalog, method: str) -> None:
    with refused(catalog, EntityNotFoundError, match="nope"):
        getattr(catalog, method)("nope")


def test_connection_fields_of_the_wrong_type_are_refused(catalog: Catalog) -> None:
    url = "jdbc:postgresql://h/dw"
    fields: dict[str, dict[str, Any]] = {
        "secret-ref-number": {"secret_ref": 5},
        "secret-ref-list": {"secret_ref": ["env:X"]},
        "type-number": {"connection_type": 5},
        "username-number": {"username": 5},
        "nul-in-username": {"username": "e\x00tl"},
        "nul-in-description": {"description": "a\x00b"},
    }
    calls = {
        label: partial(catalog.create_connection, "dw", url, **kwargs)
        for label, kwargs in fields.items()
    }
    refused_by_each(catalog, InvalidInputError, calls)
