"""Shared fixtures: a fresh catalog on SQLite and, when the test server runs, on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from glue_magics.catalog import Catalog

PG_URL_VARIABLE = "GLUE_MAGICS_TEST_PG_URL"


@pytest.fixture(autouse=True)
def glue_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own GLUE_MAGICS_HOME and never touches the user's catalog."""
    home = tmp_path / "glue_home"
    monkeypatch.setenv("GLUE_MAGICS_HOME", str(home))
    monkeypatch.delenv("GLUE_MAGICS_CATALOG_URL", raising=False)
    monkeypatch.delenv("GLUE_MAGICS_WAREHOUSE", raising=False)
    return home


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    url = os.environ.get(PG_URL_VARIABLE)
    if not url:
        pytest.skip(
            f"PostgreSQL tests need a server: ./dev test starts one and sets {PG_URL_VARIABLE}"
        )
    return url


@pytest.fixture
def pg_url(pg_admin_url: str) -> Iterator[str]:
    """A URL to a new, empty PostgreSQL database, dropped after the test."""
    import sqlalchemy as sa

    name = f"glue_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_url(glue_home: Path) -> str:
    return f"sqlite:///{glue_home / 'catalog.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def catalog_url(request: pytest.FixtureRequest) -> str:
    """The URL of a fresh catalog store, once per backend."""
    fixture = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture
def catalog(catalog_url: str, glue_home: Path) -> Iterator[Catalog]:
    with Catalog(catalog_url, home=glue_home) as cat:
        yield cat
