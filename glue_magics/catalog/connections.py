"""Connections to databases: a URL, a user and a *reference* to the secret, never the secret.

A secret reference is ``env:VARIABLE`` (read from the environment when used) or
``keyring:SERVICE/USER`` (read from the system keyring; needs ``pip install 'glue_magics[keyring]'``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from sqlalchemy import delete, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session

from glue_magics.catalog._base import CatalogBase
from glue_magics.catalog.models import ConnectionRow
from glue_magics.catalog.names import normalize_name
from glue_magics.catalog.objects import Connection
from glue_magics.catalog.validation import check_text, column_length, string_map
from glue_magics.errors import AlreadyExistsError, EntityNotFoundError, InvalidInputError

CONNECTION_TYPES = frozenset({"JDBC", "SQLALCHEMY"})
MAX_USERNAME_LENGTH = column_length(ConnectionRow.username)
#: user:password@ before the host (jdbc:mysql://user:pw@host/db), and Oracle's user/password@.
_JDBC_CREDENTIALS = re.compile(r"//[^/?#;@]*:[^/?#;@]*@|^jdbc:oracle:[^:]+:[^:@/]+/[^@]*@")


def check_url(url: str) -> None:
    """JDBC URLs (``jdbc:postgresql://host/db``) or SQLAlchemy URLs, without an embedded password
    (neither ``password=...`` nor ``user:password@host``)."""
    if not isinstance(url, str) or not url.strip():
        raise InvalidInputError("a connection needs a URL")
    if url.startswith("jdbc:"):
        embedded = "password=" in url.lower() or _JDBC_CREDENTIALS.search(url) is not None
    else:
        try:
            embedded = make_url(url).password is not None
        except ArgumentError:
            raise InvalidInputError(
                f"invalid connection URL {url!r}: use jdbc:... or a SQLAlchemy URL"
            ) from None
    if embedded:
        raise InvalidInputError(
            "the connection URL contains a password; store it as secret_ref='env:VAR' or "
            "'keyring:SERVICE/USER' instead"
        )


def check_secret_ref(ref: str | None) -> None:
    """``env:VARIABLE`` or ``keyring:SERVICE/USER`` (both parts non-empty)."""
    if ref is None:
        return
    if not isinstance(ref, str):
        raise InvalidInputError(f"a secret reference must be a string, not {type(ref).__name__}")
    scheme, _, target = ref.partition(":")
    service, slash, user = target.partition("/")
    if (
        scheme not in ("env", "keyring")
        or not target
        or (scheme == "keyring" and not (service and slash and user))
    ):
        raise InvalidInputError(
            f"invalid secret reference {ref!r}: use env:VARIABLE or keyring:SERVICE/USER"
        )


def resolve_secret_ref(ref: str) -> str:
    """Read the secret a reference points to."""
    check_secret_ref(ref)
    scheme, _, target = ref.partition(":")
    if scheme == "env":
        if target not in os.environ:
            raise EntityNotFoundError(f"environment variable {target} is not set")
        return os.environ[target]
    try:
        import keyring
    except ImportError:
        raise InvalidInputError(
            "keyring is not installed: pip install 'glue_magics[keyring]'"
        ) from None
    service, _, user = target.partition("/")
    secret = keyring.get_password(service, user)
    if secret is None:
        raise EntityNotFoundError(f"no keyring entry for service {service!r}, user {user!r}")
    return str(secret)


def _to_connection(row: ConnectionRow) -> Connection:
    return Connection(
        name=row.name,
        connection_type=row.connection_type,
        url=row.url,
        username=row.username,
        secret_ref=row.secret_ref,
        description=row.description,
        parameters=dict(row.parameters),
        created_at=row.created_at,
    )


class ConnectionOps(CatalogBase):
    def create_connection(
        self,
        name: str,
        url: str,
        *,
        connection_type: str = "JDBC",
        username: str | None = None,
        secret_ref: str | None = None,
        description: str | None = None,
        parameters: Mapping[str, str] | None = None,
    ) -> Connection:
        name = normalize_name(name, "connection name")
        kind = connection_type.upper() if isinstance(connection_type, str) else ""
        if kind not in CONNECTION_TYPES:
            raise InvalidInputError(
                f"invalid connection type {connection_type!r}: use {' or '.join(sorted(CONNECTION_TYPES))}"
            )
        check_url(url)
        check_secret_ref(secret_ref)
        check_text(username, "connection username", MAX_USERNAME_LENGTH, optional=True)
        check_text(description, "connection description", None, optional=True)
        params = string_map(parameters, "connection parameters")

        def run(session: Session) -> Connection:
            if session.execute(select(ConnectionRow.id).where(ConnectionRow.name == name)).first():
                raise AlreadyExistsError(f"connection {name!r} already exists")
            row = ConnectionRow(
                name=name,
                connection_type=kind,
                url=url,
                username=username,
                secret_ref=secret_ref,
                description=description,
                parameters=params,
            )
            session.add(row)
            session.flush()
            return _to_connection(row)

        return self._write(run)

    def _connection_row(self, session: Session, name: str) -> ConnectionRow:
        name = normalize_name(name, "connection name")
        row = session.execute(
            select(ConnectionRow).where(ConnectionRow.name == name)
        ).scalar_one_or_none()
        if row is None:
            raise EntityNotFoundError(f"connection {name!r} not found")
        return row

    def get_connection(self, name: str) -> Connection:
        return self._read(lambda s: _to_connection(self._connection_row(s, name)))

    def list_connections(self) -> list[Connection]:
        return self._read(
            lambda s: [
                _to_connection(r)
                for r in s.execute(select(ConnectionRow).order_by(ConnectionRow.name)).scalars()
            ]
        )

    def delete_connection(self, name: str) -> None:
        def run(session: Session) -> None:
            row = self._connection_row(session, name)
            session.execute(delete(ConnectionRow).where(ConnectionRow.id == row.id))

        self._write(run)

    def connection_secret(self, name: str) -> str | None:
        """The connection's secret, read now from where its reference points (None if it has none)."""
        connection = self.get_connection(name)
        return resolve_secret_ref(connection.secret_ref) if connection.secret_ref else None
