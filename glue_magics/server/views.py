"""What each REST route returns: one core call (occasionally two, to add counts), as JSON.

Every function takes the catalog first and already-parsed arguments; validation of the values
themselves (names, expressions, limits) is the core's, so the REST API, the magics and the CLI
refuse the same input with the same one-line message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from glue_magics import __version__
from glue_magics.catalog import Catalog
from glue_magics.catalog.preview import (
    list_partition_page,
    list_table_page,
    preview_table,
    table_counts,
)
from glue_magics.errors import InvalidInputError
from glue_magics.server import jsonify

T = TypeVar("T")
JSON = dict[str, Any]
RUN_KINDS = ("crawl", "etl", "dq")
#: Glue's crawler writes its name into the tables it creates (UPDATED_BY_CRAWLER).
CRAWLER_PARAMETER = "UPDATED_BY_CRAWLER"


def offset_page(
    fetch: Callable[[int], Sequence[T]], limit: int, next_token: str | None
) -> tuple[list[T], str | None]:
    """Paging for core calls that take only a limit: the token is the offset of the next page."""
    offset = 0
    if next_token is not None:
        if not next_token.isdigit() or len(next_token) > 12:
            raise InvalidInputError(
                f"invalid next_token {next_token!r}: pass the next_token of the previous page"
            )
        offset = int(next_token)
    items = fetch(offset + limit + 1)
    page = list(items[offset : offset + limit])
    return page, (str(offset + limit) if len(items) > offset + limit else None)


def status(catalog: Catalog) -> JSON:
    return {"version": __version__, "catalog": catalog.url, "seq": catalog.change_seq()}


def changes(catalog: Catalog, since: int | None) -> JSON:
    seq = catalog.change_seq()
    return {"seq": seq, "changed": since is None or seq != since}


def databases(catalog: Catalog) -> JSON:
    counts = table_counts(catalog)
    return {
        "databases": [jsonify.database(d, counts.get(d.name, 0)) for d in catalog.list_databases()]
    }


def tables(
    catalog: Catalog, database: str, pattern: str | None, limit: int, next_token: str | None
) -> JSON:
    page = list_table_page(catalog, database, pattern=pattern, limit=limit, next_token=next_token)
    return {
        "tables": [jsonify.table_summary(t) for t in page.tables],
        "next_token": page.next_token,
        "total": page.total,
    }


def table(catalog: Catalog, database: str, name: str) -> JSON:
    found = catalog.get_table(database, name)
    detail = jsonify.table_detail(found)
    d = found.definition
    detail["counts"] = {
        "columns": len(d.columns),
        "partition_keys": len(d.partition_keys),
        "partitions": partition_count(catalog, database, name) if d.partition_keys else None,
        "versions": found.version,
        "records": detail["record_count"],
        "files": _number(d.parameters.get("objectCount")),
        "bytes": _number(d.parameters.get("sizeKey")),
    }
    detail["status"] = latest_status(catalog, found.qualified_name, d.parameters)
    return detail


_counts: dict[tuple[str, str, str], tuple[int, int]] = {}


def partition_count(catalog: Catalog, database: str, name: str) -> int:
    """Counting a million partitions takes a few hundred milliseconds; the count only changes
    with the catalog's change counter, so it is kept until the counter moves."""
    key = (catalog.url, database, name)
    seq = catalog.change_seq()
    cached = _counts.get(key)
    if cached is not None and cached[0] == seq:
        return cached[1]
    count = catalog.count_partitions(database, name)
    if len(_counts) > 256:
        _counts.clear()
    _counts[key] = (seq, count)
    return count


def latest_status(catalog: Catalog, qualified: str, parameters: dict[str, str]) -> JSON:
    """The newest crawl that wrote the table, ETL run that wrote it, and DQ result about it."""
    crawler = parameters.get(CRAWLER_PARAMETER)
    crawls = catalog.list_runs("crawl", name=crawler, limit=1) if crawler else []
    etl = catalog.list_runs("etl", target=qualified, limit=1)
    dq = catalog.list_dq_results(qualified, limit=1)
    return {
        "crawl": jsonify.run(crawls[0]) if crawls else None,
        "etl": jsonify.run(etl[0]) if etl else None,
        "dq": jsonify.dq_result(dq[0]) if dq else None,
    }


def partitions(
    catalog: Catalog,
    database: str,
    name: str,
    expression: str | None,
    limit: int,
    next_token: str | None,
) -> JSON:
    page = list_partition_page(
        catalog, database, name, expression or None, limit=limit, next_token=next_token
    )
    return {
        "partitions": [jsonify.plain(p) for p in page.partitions],
        "next_token": page.next_token,
    }


def versions(
    catalog: Catalog, database: str, name: str, limit: int, next_token: str | None
) -> JSON:
    found, token = offset_page(
        lambda n: catalog.list_table_versions(database, name)[:n], limit, next_token
    )
    return {
        "versions": [
            {
                "version": v.version,
                "created_at": jsonify.plain(v.created_at),
                "column_count": len(v.definition.columns),
                "classification": v.definition.classification,
                "location": v.definition.location,
            }
            for v in found
        ],
        "next_token": token,
    }


def version_diff(catalog: Catalog, database: str, name: str, old: int, new: int) -> JSON:
    return jsonify.version_diff(catalog.diff_table_versions(database, name, old, new))


def statistics(catalog: Catalog, database: str, name: str) -> JSON:
    return {"statistics": [jsonify.plain(s) for s in catalog.get_column_statistics(database, name)]}


def lineage(catalog: Catalog, database: str, name: str) -> JSON:
    """Edges into and out of the table, each with the run that recorded it (when it has one)."""
    found = catalog.get_table(database, name)
    edges = catalog.get_lineage(found.qualified_name)
    runs: dict[int, Any] = {}
    targets = {e.target for e in (*edges["upstream"], *edges["downstream"]) if e.run_id}
    for target in sorted(targets)[:50]:
        for item in catalog.list_runs(target=target, limit=200):
            runs[item.id] = jsonify.run(item)

    def edge(e: Any) -> JSON:
        data = jsonify.plain(e)
        data["run"] = runs.get(e.run_id) if e.run_id is not None else None
        return data

    return {
        "table": found.qualified_name,
        "upstream": [edge(e) for e in edges["upstream"]],
        "downstream": [edge(e) for e in edges["downstream"]],
    }


def preview(catalog: Catalog, database: str, name: str, limit: int, expression: str | None) -> JSON:
    return jsonify.preview(
        preview_table(catalog, database, name, limit=limit, expression=expression)
    )


def search(catalog: Catalog, text: str, limit: int, next_token: str | None) -> JSON:
    found, token = offset_page(lambda n: catalog.search_tables(text, limit=n), limit, next_token)
    return {"tables": [jsonify.table_summary(t) for t in found], "next_token": token}


def runs(
    catalog: Catalog, kind: str | None, table_name: str | None, limit: int, next_token: str | None
) -> JSON:
    """Recent runs, newest first; with ``table``: the runs that wrote it (its crawler's crawls,
    ETL runs into it) and, for ``kind=dq``, the data-quality results about it."""
    if kind is not None and kind not in RUN_KINDS:
        raise InvalidInputError(f"invalid run kind {kind!r}: use one of {', '.join(RUN_KINDS)}")
    if table_name is None:
        found, token = offset_page(lambda n: catalog.list_runs(kind, limit=n), limit, next_token)
        return {"runs": [jsonify.run(r) for r in found], "next_token": token}
    database, _, name = table_name.partition(".")
    if not name:
        raise InvalidInputError(f"table must be DATABASE.TABLE, got {table_name!r}")
    found_table = catalog.get_table(database, name)
    qualified = found_table.qualified_name
    if kind == "dq":
        results, token = offset_page(
            lambda n: catalog.list_dq_results(qualified, limit=n), limit, next_token
        )
        return {"runs": [jsonify.dq_result(r) for r in results], "next_token": token}
    crawler = found_table.definition.parameters.get(CRAWLER_PARAMETER)

    def fetch(n: int) -> list[Any]:
        found: list[Any] = []
        if kind in (None, "crawl") and crawler:
            found += catalog.list_runs("crawl", name=crawler, limit=n)
        if kind in (None, "etl"):
            found += catalog.list_runs("etl", target=qualified, limit=n)
        return sorted(found, key=lambda r: (r.started_at, r.id), reverse=True)[:n]

    found_runs, token = offset_page(fetch, limit, next_token)
    return {"runs": [jsonify.run(r) for r in found_runs], "next_token": token}


def _number(text: str | None) -> int | None:
    return int(text) if text is not None and text.isdigit() else None
