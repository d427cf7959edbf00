"""``catalog`` commands: ``%catalog SUBCOMMAND ...`` and ``glue-magics catalog SUBCOMMAND ...``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from glue_magics.catalog import Catalog, Column, Table
from glue_magics.catalog.names import normalize_name, split_table_name
from glue_magics.display import DetailResult, MessageResult, Result, TableResult
from glue_magics.errors import EntityNotFoundError, InvalidInputError

Handler = Callable[[Catalog, argparse.Namespace], Result]
HANDLERS: dict[str, Handler] = {}


def command(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[name] = fn
        return fn

    return register


def add_catalog_commands(
    subparsers: Any, parents: list[argparse.ArgumentParser] | None = None
) -> None:
    """Add every catalog subcommand to an argparse subparsers action."""
    parents = parents or []

    def sub(name: str, help: str) -> argparse.ArgumentParser:
        return subparsers.add_parser(name, help=help, description=help, parents=parents)

    sub("databases", "List databases.")
    p = sub("tables", "List tables, of one database or of all.")
    p.add_argument("database", nargs="?", help="database name (default: all databases)")
    p.add_argument("--pattern", help="Glue name pattern, e.g. 'ord*' or 'orders|customers'")
    p = sub("show", "Show a table: columns, partition keys, location, classification, counts.")
    p.add_argument("table", metavar="DB.TABLE")
    p = sub("partitions", "List a table's partitions, optionally filtered.")
    p.add_argument("table", metavar="DB.TABLE")
    p.add_argument(
        "--where", metavar="EXPR", help="Glue partition expression, e.g. \"year = '2024'\""
    )
    p.add_argument("--limit", type=int, default=100, help="page size (default 100)")
    p.add_argument("--next-token", help="continue after the page that returned this token")
    p = sub("search", "Search tables by name, column, description and parameters.")
    p.add_argument("text", nargs="+")
    p.add_argument("--limit", type=int, default=100)
    p = sub("versions", "List a table's versions, newest first.")
    p.add_argument("table", metavar="DB.TABLE")
    p = sub(
        "lineage", "Show which tables a table was written from, and which were written from it."
    )
    p.add_argument("table", metavar="DB.TABLE")
    p = sub("diff", "Show what changed between two versions of a table.")
    p.add_argument("table", metavar="DB.TABLE")
    p.add_argument("old", type=int, metavar="V1")
    p.add_argument("new", type=int, metavar="V2")
    p = sub("restore", "Make an old version of a table current again.")
    p.add_argument("table", metavar="DB.TABLE")
    p.add_argument("version", type=int)
    p = sub("create-database", "Create a database.")
    p.add_argument("name")
    p.add_argument("--if-not-exists", action="store_true", help="do nothing if it exists")
    p.add_argument("--description")
    p.add_argument("--location", help="where its tables go by default")
    p = sub("create-table", "Create a table.")
    p.add_argument("table", metavar="DB.TABLE")
    p.add_argument("--columns", required=True, help="'id bigint, amount decimal(10,2), ...'")
    p.add_argument("--partition-keys", default="", help="'dt string, hour int'")
    p.add_argument("--location")
    p.add_argument("--classification", help="parquet, csv, json, ...")
    p.add_argument("--description")
    p = sub("add-partitions", "Add partitions given as 'v1/v2' or 'k1=v1/k2=v2'.")
    p.add_argument("table", metavar="DB.TABLE")
    p.add_argument("values", nargs="+", metavar="VALUES")
    p.add_argument("--if-not-exists", action="store_true", help="skip partitions that exist")
    p = sub("drop", "Drop a database (with its tables) or a table (with its partitions).")
    p.add_argument("name", metavar="DB[.TABLE]")
    p.add_argument("--yes", action="store_true", help="confirm")
    p.add_argument("--if-exists", action="store_true", help="do nothing if it does not exist")


def run_catalog_command(catalog: Catalog, args: argparse.Namespace) -> Result:
    return HANDLERS[args.command](catalog, args)


# -- parsing helpers


def split_top_level(text: str, separator: str = ",") -> list[str]:
    """Split on ``separator`` outside <...> and (...): 'a int, b decimal(10,2)' -> 2 parts."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        depth += char in "<("
        depth -= char in ">)"
        if char == separator and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def parse_columns(text: str) -> list[Column]:
    """'id bigint, amount decimal(10,2)' -> columns (types are validated by the catalog)."""
    columns = []
    for part in split_top_level(text):
        name, _, type_ = part.partition(" ")
        if not type_.strip():
            raise InvalidInputError(f"column {part!r} needs a type: 'name type'")
        columns.append(Column(name, type_.strip()))
    return columns


def parse_partition_values(text: str, keys: tuple[Column, ...]) -> list[str]:
    """'2024-01-01/03' or 'dt=2024-01-01/hour=03' -> ['2024-01-01', '03']."""
    parts = text.split("/")
    if all("=" in p for p in parts):
        pairs = [p.split("=", 1) for p in parts]
        names = [k.strip().lower() for k, _ in pairs]
        expected = [k.name for k in keys]
        if names != expected:
            raise InvalidInputError(f"partition {text!r}: keys must be {'/'.join(expected)}")
        return [v for _, v in pairs]
    return parts


# -- rendering helpers


def _table_rows(tables: list[Table]) -> TableResult:
    return TableResult(
        columns=[
            "database",
            "table",
            "classification",
            "columns",
            "partition keys",
            "location",
            "version",
        ],
        rows=[
            [
                t.database,
                t.name,
                t.classification,
                len(t.columns),
                [k.name for k in t.partition_keys],
                t.location,
                t.version,
            ]
            for t in tables
        ],
        data=[asdict(t) for t in tables],
    )


# -- handlers


@command("databases")
def _databases(catalog: Catalog, args: argparse.Namespace) -> Result:
    dbs = catalog.list_databases()
    return TableResult(
        columns=["database", "description", "location", "created"],
        rows=[[d.name, d.description, d.location_uri, d.created_at] for d in dbs],
        data=[asdict(d) for d in dbs],
    )


@command("tables")
def _tables(catalog: Catalog, args: argparse.Namespace) -> Result:
    names = [args.database] if args.database else [d.name for d in catalog.list_databases()]
    return _table_rows([t for db in names for t in catalog.list_tables(db, args.pattern)])


@command("show")
def _show(catalog: Catalog, args: argparse.Namespace) -> Result:
    db, name = split_table_name(args.table)
    table = catalog.get_table(db, name)
    count = catalog.count_partitions(db, name) if table.partition_keys else 0
    keys = {k.name for k in table.partition_keys}
    columns = TableResult(
        title="Columns",
        columns=["column", "type", "comment", "partition key"],
        rows=[
            [c.name, c.type, c.comment, "yes" if c.name in keys else ""]
            for c in (*table.columns, *table.partition_keys)
        ],
    )
    fields: list[tuple[str, Any]] = [
        ("classification", table.classification),
        ("location", table.location),
        ("table type", table.table_type),
        ("description", table.description),
        ("owner", table.owner),
        ("partition keys", [f"{k.name} {k.type}" for k in table.partition_keys]),
        ("partitions", count),
        ("version", table.version),
        ("input format", table.input_format),
        ("output format", table.output_format),
        ("serde", table.serde_library),
        ("serde parameters", table.serde_parameters),
        ("parameters", table.parameters),
        ("created", table.created_at),
        ("updated", table.updated_at),
    ]
    data = {**asdict(table), "partition_count": count}
    return DetailResult(
        title=table.qualified_name,
        fields=[(k, v) for k, v in fields if v not in (None, {}, [])],
        sections=[columns],
        data=data,
    )


@command("partitions")
def _partitions(catalog: Catalog, args: argparse.Namespace) -> Result:
    db, name = split_table_name(args.table)
    table = catalog.get_table(db, name)
    page = catalog.get_partitions(
        db, name, args.where, limit=args.limit, next_token=args.next_token
    )
    total = catalog.count_partitions(db, name, args.where)
    footer = f"{len(page.partitions)} shown of {total} matching"
    if page.next_token:
        footer += f"; next page: --next-token {page.next_token}"
    return TableResult(
        columns=[*(k.name for k in table.partition_keys), "location", "created"],
        rows=[[*p.values, p.location, p.created_at] for p in page.partitions],
        footer=footer,
        data={
            "partitions": [asdict(p) for p in page.partitions],
            "next_token": page.next_token,
            "matching": total,
        },
    )


@command("search")
def _search(catalog: Catalog, args: argparse.Namespace) -> Result:
    return _table_rows(catalog.search_tables(" ".join(args.text), limit=args.limit))


@command("versions")
def _versions(catalog: Catalog, args: argparse.Namespace) -> Result:
    versions = catalog.list_table_versions(*split_table_name(args.table))
    return TableResult(
        columns=["version", "created", "columns", "location", "classification"],
        rows=[
            [
                v.version,
                v.created_at,
                len(v.definition.columns),
                v.definition.location,
                v.definition.classification,
            ]
            for v in versions
        ],
        data=[asdict(v) for v in versions],
    )


@command("diff")
def _diff(catalog: Catalog, args: argparse.Namespace) -> Result:
    db, name = split_table_name(args.table)
    diff = catalog.diff_table_versions(db, name, args.old, args.new)
    rows: list[list[Any]] = []
    rows += [["added column", c.name, None, f"{c.type}"] for c in diff.added_columns]
    rows += [["removed column", c.name, c.type, None] for c in diff.removed_columns]
    for old, new in diff.changed_columns:
        rows.append(
            [
                "changed column",
                new.name,
                f"{old.type} {old.comment or ''}".strip(),
                f"{new.type} {new.comment or ''}".strip(),
            ]
        )
    rows += [["changed", f.field, f.old, f.new] for f in diff.changed_fields]
    return TableResult(
        title=f"{db}.{name}: version {args.old} -> {args.new}",
        columns=["change", "name", "old", "new"],
        rows=rows,
        data=asdict(diff),
        footer=None if rows else "no differences",
    )


@command("lineage")
def _lineage(catalog: Catalog, args: argparse.Namespace) -> Result:
    db, name = split_table_name(args.table)
    qualified = f"{db}.{name}"
    edges = catalog.get_lineage(qualified)
    rows = [
        ["upstream", e.source, e.run_id, e.created_at, (e.code_hash or "")[:12]]
        for e in edges["upstream"]
    ]
    rows += [
        ["downstream", e.target, e.run_id, e.created_at, (e.code_hash or "")[:12]]
        for e in edges["downstream"]
    ]
    return TableResult(
        title=f"lineage of {qualified}",
        columns=["direction", "table", "run", "when", "code"],
        rows=rows,
        data={k: [asdict(e) for e in v] for k, v in edges.items()},
    )


@command("restore")
def _restore(catalog: Catalog, args: argparse.Namespace) -> Result:
    db, name = split_table_name(args.table)
    table = catalog.restore_table_version(db, name, args.version)
    return MessageResult(
        f"restored {table.qualified_name} to version {args.version} (now version {table.version})",
        data=asdict(table),
    )


@command("create-database")
def _create_database(catalog: Catalog, args: argparse.Namespace) -> Result:
    db = catalog.create_database(
        args.name,
        description=args.description,
        location_uri=args.location,
        if_not_exists=args.if_not_exists,
    )
    verb = "database {} is ready" if args.if_not_exists else "created database {}"
    return MessageResult(verb.format(db.name), data=asdict(db))


@command("create-table")
def _create_table(catalog: Catalog, args: argparse.Namespace) -> Result:
    db, name = split_table_name(args.table)
    table = catalog.create_table(
        db,
        name,
        columns=parse_columns(args.columns),
        partition_keys=parse_columns(args.partition_keys),
        location=args.location,
        classification=args.classification,
        description=args.description,
    )
    return MessageResult(
        f"created table {table.qualified_name} at {table.location}", data=asdict(table)
    )


@command("add-partitions")
def _add_partitions(catalog: Catalog, args: argparse.Namespace) -> Result:
    db, name = split_table_name(args.table)
    keys = catalog.get_table(db, name).partition_keys
    values = [parse_partition_values(v, keys) for v in args.values]
    added = catalog.batch_create_partitions(db, name, values, if_not_exists=args.if_not_exists)
    return MessageResult(f"added {added} partition(s) to {db}.{name}", data={"added": added})


@command("drop")
def _drop(catalog: Catalog, args: argparse.Namespace) -> Result:
    try:
        return _drop_existing(catalog, args)
    except EntityNotFoundError:
        if args.if_exists:
            return MessageResult(f"{args.name} does not exist; nothing dropped")
        raise


def _drop_existing(catalog: Catalog, args: argparse.Namespace) -> Result:
    if "." in args.name:
        db, name = split_table_name(args.name)
        table = catalog.get_table(db, name)
        if not args.yes:
            count = catalog.count_partitions(db, name) if table.partition_keys else 0
            raise InvalidInputError(
                f"add --yes to drop table {db}.{name} and its {count} partition(s)"
            )
        catalog.delete_table(db, name)
        return MessageResult(f"dropped table {db}.{name}")
    db = normalize_name(args.name, "database name")
    tables = catalog.list_tables(db)
    if not args.yes:
        raise InvalidInputError(f"add --yes to drop database {db} and its {len(tables)} table(s)")
    catalog.delete_database(db)
    return MessageResult(f"dropped database {db} and its {len(tables)} table(s)")
