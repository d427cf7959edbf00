"""What an ``%%etl`` cell asks for: sources, a target, a format, a write mode and a body."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from glue_magics.catalog.names import normalize_column_name, normalize_name, split_table_name
from glue_magics.errors import InvalidInputError
from glue_magics.etl.gate import DQ_ACTIONS

FORMATS = ("parquet", "csv", "json", "orc")
MODES = ("overwrite", "append", "overwrite-partitions")
LANGS = ("sql", "python")
_ALIAS = re.compile(r"[A-Za-z_]\w*")


@dataclass(frozen=True)
class Source:
    alias: str
    database: str
    table: str

    @property
    def name(self) -> str:
        return f"{self.database}.{self.table}"


@dataclass(frozen=True)
class Target:
    """A catalog table (``database.table``), a folder or URL (``path``), or a JDBC table."""

    kind: str  # table | path | jdbc
    database: str | None = None
    table: str | None = None
    path: str | None = None
    url: str | None = None  # jdbc:postgresql://host:port/db
    jdbc_table: str | None = None  # schema.table in the database

    @property
    def name(self) -> str:
        if self.kind == "table":
            return f"{self.database}.{self.table}"
        if self.kind == "jdbc":
            return f"{self.url}#{self.jdbc_table}"
        return str(self.path)


@dataclass(frozen=True)
class EtlSpec:
    sources: tuple[Source, ...]
    target: Target
    body: str
    format: str = "parquet"
    partition_by: tuple[str, ...] = ()
    mode: str = "overwrite"
    lang: str = "sql"
    bookmark: bool = False
    bookmark_key: str | None = None
    schema_evolution: bool = False
    job: str = ""  # the bookmarks' owner; defaults to the target's name
    secret_ref: str | None = None  # a JDBC target's password: env:VAR or keyring:SERVICE/USER
    dq: str | None = None  # a ruleset gating the write (saved name or DQDL text)
    dq_action: str = "fail"
    options: dict[str, str] = field(default_factory=dict)

    @property
    def job_name(self) -> str:
        return self.job or self.target.name


def parse_source(text: str) -> Source:
    alias, sep, table = text.partition("=")
    if not sep or not _ALIAS.fullmatch(alias.strip()):
        raise InvalidInputError(f"--source {text!r}: use ALIAS=DATABASE.TABLE, e.g. o=sales.orders")
    database, name = split_table_name(table.strip())
    return Source(alias.strip(), database, name)


def parse_target(text: str, jdbc_table: str | None = None) -> Target:
    text = text.strip()
    if text.startswith("jdbc:"):
        if not jdbc_table:
            raise InvalidInputError("a JDBC target needs --jdbc-table SCHEMA.TABLE")
        return Target("jdbc", url=text, jdbc_table=jdbc_table)
    if "/" in text or "://" in text:
        return Target("path", path=text.rstrip("/"))
    database, table = split_table_name(text)
    return Target("table", database=database, table=table)


def make_spec(
    *,
    sources: list[str],
    target: str,
    body: str,
    format: str = "parquet",
    partition_by: list[str] | None = None,
    mode: str = "overwrite",
    lang: str = "sql",
    bookmark: bool = False,
    bookmark_key: str | None = None,
    schema_evolution: bool = False,
    job: str | None = None,
    jdbc_table: str | None = None,
    secret_ref: str | None = None,
    dq: str | None = None,
    dq_action: str | None = None,
) -> EtlSpec:
    """Check every option; each problem is a one-line InvalidInputError."""
    if not body.strip():
        raise InvalidInputError(
            "the cell has no transform: write SQL (or Python with --lang python)"
        )
    parsed = tuple(parse_source(s) for s in sources)
    aliases = [s.alias for s in parsed]
    duplicates = sorted({a for a in aliases if aliases.count(a) > 1})
    if duplicates:
        raise InvalidInputError(f"source alias {duplicates[0]!r} is used twice")
    for value, allowed, option in (
        (format, FORMATS, "--format"),
        (mode, MODES, "--mode"),
        (lang, LANGS, "--lang"),
        (dq_action or "fail", DQ_ACTIONS, "--dq-action"),
    ):
        if value not in allowed:
            raise InvalidInputError(f"invalid {option} {value!r}: use one of {', '.join(allowed)}")
    keys = tuple(
        normalize_column_name(c) for p in partition_by or [] for c in p.split(",") if c.strip()
    )
    if mode == "overwrite-partitions" and not keys:
        raise InvalidInputError("--mode overwrite-partitions needs --partition-by")
    if bookmark_key and not bookmark:
        raise InvalidInputError("--bookmark-key goes with --bookmark")
    parsed_target = parse_target(target, jdbc_table)
    if parsed_target.kind == "jdbc" and (keys or mode == "overwrite-partitions"):
        raise InvalidInputError("a JDBC target takes no --partition-by")
    if dq_action and not dq:
        raise InvalidInputError("--dq-action goes with --dq RULESET")
    if dq_action == "quarantine" and parsed_target.kind != "table":
        raise InvalidInputError("--dq-action quarantine needs a catalog table as --target")
    if dq is not None and not dq.strip():
        raise InvalidInputError("--dq needs a ruleset: a saved ruleset's name or DQDL text")
    if secret_ref is not None:
        from glue_magics.catalog.connections import check_secret_ref

        check_secret_ref(secret_ref)
    return EtlSpec(
        sources=parsed,
        target=parsed_target,
        body=body,
        format=format,
        partition_by=keys,
        mode=mode,
        lang=lang,
        bookmark=bookmark,
        bookmark_key=bookmark_key,
        schema_evolution=schema_evolution,
        job=normalize_name(job, "job name") if job else "",
        secret_ref=secret_ref,
        dq=dq.strip() if dq else None,
        dq_action=dq_action or "fail",
    )
