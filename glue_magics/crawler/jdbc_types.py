"""SQL column types (as SQLAlchemy reflects them) -> Hive type strings for the catalog.

``hive_type`` returns the Hive type and, when the mapping loses something or had to guess, a short
reason the crawler turns into a note. The rules:

========================================  =====================================================
SQL type                                  Hive type
========================================  =====================================================
BOOLEAN, MySQL TINYINT(1), BIT(1)         boolean
TINYINT / SMALLINT / INTEGER / BIGINT     tinyint / smallint / int / bigint (MySQL UNSIGNED
                                          widens one step; BIGINT UNSIGNED -> decimal(20,0))
NUMERIC(p,s), DECIMAL(p,s)                decimal(p,s); no precision -> decimal(38,18) (note);
                                          p > 38 or s < 0 or s > p -> string (note)
REAL                                      float
DOUBLE PRECISION, DOUBLE, FLOAT           double (MySQL FLOAT is single precision: float)
CHAR, VARCHAR, TEXT, ENUM, UUID, JSON     string
DATE                                      date
TIMESTAMP, DATETIME (with or without tz)  timestamp
TIME                                      string (Hive has no time-of-day type)
BYTEA, BLOB, BINARY, VARBINARY            binary
ARRAY of T                                array<T>
PostgreSQL DOMAIN over T                  as T
PostgreSQL HSTORE                         map<string,string>
anything else                             string (note)
========================================  =====================================================

SQLite stores every integer-affinity value as a 64-bit integer and every real-affinity value as a
64-bit float whatever the declared type says, so there INTEGER/SMALLINT/... -> bigint and
REAL/FLOAT/DOUBLE -> double: a narrower Hive type would not hold what the file can contain.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.sqltypes import _Binary
from sqlalchemy.types import TypeEngine

#: Hive's decimal limit; what Glue uses for NUMERIC columns declared without a precision.
MAX_DECIMAL_PRECISION = 38
UNBOUNDED_DECIMAL = "decimal(38,18)"


def describe_type(type_: TypeEngine[Any], dialect: Dialect) -> str:
    """The type as the database would spell it, for notes."""
    if isinstance(type_, sa.types.NullType):
        return "an undeclared or unrecognized type"
    try:
        return str(type_.compile(dialect=dialect))
    except Exception:  # some reflected types cannot be rendered back; the class name will do
        return type(type_).__name__


def hive_type(type_: TypeEngine[Any], dialect: Dialect) -> tuple[str, str | None]:
    """Map a reflected SQLAlchemy type to ``(hive_type, note or None)``."""
    name = dialect.name
    if isinstance(type_, postgresql.DOMAIN):
        return hive_type(type_.data_type, dialect)
    if isinstance(type_, sa.ARRAY):
        inner, note = hive_type(type_.item_type, dialect)
        return f"array<{inner}>", note
    if isinstance(type_, sa.Boolean):
        return "boolean", None
    if isinstance(type_, sa.Integer):
        return _integer(type_, name), None
    if isinstance(type_, sa.Float):  # before Numeric: in SQLAlchemy 2.0 Float subclasses Numeric
        return _float(type_, name), None
    if isinstance(type_, sa.Numeric):
        return _decimal(type_)
    if isinstance(type_, (sa.String, sa.Uuid, sa.JSON)):
        return "string", None
    if isinstance(type_, sa.DateTime):
        return "timestamp", None
    if isinstance(type_, sa.Date):
        return "date", None
    if isinstance(type_, sa.Time):
        return "string", None
    if isinstance(type_, _Binary):
        return "binary", None
    if isinstance(type_, postgresql.HSTORE):
        return "map<string,string>", None
    visit = getattr(type_, "__visit_name__", "").upper()
    if visit == "YEAR":  # MySQL YEAR: a small integer
        return "int", None
    if visit == "BIT" and getattr(type_, "length", None) in (None, 1):
        return "boolean", None
    return "string", f"{describe_type(type_, dialect)} has no Hive equivalent -> string"


def _integer(type_: TypeEngine[Any], dialect_name: str) -> str:
    if dialect_name == "sqlite":
        return "bigint"
    visit = getattr(type_, "__visit_name__", "").upper()
    unsigned = bool(getattr(type_, "unsigned", False))
    if visit == "TINYINT":
        if getattr(type_, "display_width", None) == 1 and not unsigned:
            return "boolean"  # MySQL's BOOLEAN is TINYINT(1); JDBC drivers report it as BIT
        order = ["tinyint", "smallint"]
    elif isinstance(type_, sa.SmallInteger):
        order = ["smallint", "int"]
    elif isinstance(type_, sa.BigInteger):
        order = ["bigint", "decimal(20,0)"]
    elif visit == "MEDIUMINT":
        order = ["int", "int"]
    else:
        order = ["int", "bigint"]
    # Unsigned values need the next wider type to hold their upper half.
    return order[1] if unsigned else order[0]


def _float(type_: sa.Float[Any], dialect_name: str) -> str:
    if dialect_name == "sqlite" or isinstance(type_, sa.Double):
        return "double"
    if isinstance(type_, sa.REAL):
        return "float"
    if dialect_name in ("mysql", "mariadb"):
        # MySQL FLOAT(p) with p > 24 is a DOUBLE; plain FLOAT is 4 bytes.
        precision = type_.precision
        return "double" if precision is not None and precision > 24 else "float"
    if type_.precision is not None and type_.precision <= 24:
        return "float"  # SQL standard: FLOAT(1..24) is single precision
    return "double"


def _decimal(type_: sa.Numeric[Any]) -> tuple[str, str | None]:
    precision, scale = type_.precision, type_.scale
    if precision is None:
        return UNBOUNDED_DECIMAL, (
            f"NUMERIC without a precision -> {UNBOUNDED_DECIMAL}; values beyond it will not fit"
        )
    scale = scale or 0
    if precision > MAX_DECIMAL_PRECISION or scale < 0 or scale > precision:
        return "string", (
            f"NUMERIC({precision},{scale}) does not fit a Hive decimal (precision 1-38, "
            "scale 0-precision) -> string"
        )
    return f"decimal({precision},{scale})", None
