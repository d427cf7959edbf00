"""Every REST route on a real Jupyter server: results, paging, bad input (400), unknown objects (404)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from glue_magics import __version__
from glue_magics.catalog import Catalog
from tests.server.lake_data import DAYS

Api = Callable[..., Awaitable[tuple[int, Any]]]


async def test_status_names_the_catalog(api: Api, seeded: Catalog) -> None:
    code, body = await api("status")
    assert code == 200
    assert body["version"] == __version__
    assert body["catalog"].startswith("sqlite:///")
    assert body["seq"] == seeded.change_seq()


async def test_an_empty_catalog_has_no_databases(api: Api) -> None:
    assert await api("databases") == (200, {"databases": []})


async def test_databases_with_table_counts(api: Api, seeded: Catalog) -> None:
    code, body = await api("databases")
    assert code == 200
    counts = {d["name"]: d["table_count"] for d in body["databases"]}
    assert counts == {"raw": 3, "sales": 1, "src": 1}


async def test_tables_of_a_database(api: Api, seeded: Catalog) -> None:
    code, body = await api("databases", "raw", "tables")
    assert code == 200
    assert [t["name"] for t in body["tables"]] == ["events", "orders", "people"]
    assert body["total"] == 3 and body["next_token"] is None
    orders = body["tables"][1]
    assert orders["classification"] == "parquet"
    assert orders["partition_keys"] == ["dt"]
    assert orders["column_count"] == 3
    assert orders["record_count"] == 6


async def test_tables_with_a_pattern(api: Api, seeded: Catalog) -> None:
    code, body = await api("databases", "raw", "tables", pattern="or*|PE*")
    assert code == 200
    assert [t["name"] for t in body["tables"]] == ["orders", "people"]
    assert body["total"] == 2


async def test_tables_with_a_prefix_pattern(api: Api, seeded: Catalog) -> None:
    code, body = await api("databases", "raw", "tables", pattern="E*", limit=1)
    assert code == 200
    assert [t["name"] for t in body["tables"]] == ["events"]
    assert body["total"] == 1 and body["next_token"] is None
    code, body = await api("databases", "raw", "tables", pattern="o_ders*")
    assert body["tables"] == [] and body["total"] == 0  # '_' is no wildcard here


async def test_tables_page_by_page(api: Api, seeded: Catalog) -> None:
    seen: list[str] = []
    token = None
    for _ in range(5):
        code, body = await api("databases", "raw", "tables", limit=2, next_token=token)
        assert code == 200
        assert len(body["tables"]) <= 2
        seen += [t["name"] for t in body["tables"]]
        token = body["next_token"]
        if token is None:
            break
    assert seen == ["events", "orders", "people"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": "0"}, "limit must be a whole number from 1"),
        ({"limit": "ten"}, "limit must be a whole number"),
        ({"limit": "-1"}, "limit must be a whole number"),
        ({"limit": "100000"}, "limit must be a whole number from 1 to 5000"),
        ({"pattern": "(unclosed"}, "invalid table name pattern"),
    ],
)
async def test_tables_bad_input(
    api: Api, seeded: Catalog, params: dict[str, str], message: str
) -> None:
    code, body = await api("databases", "raw", "tables", **params)
    assert code == 400
    assert message in body["message"]
    assert body["error"] == "InvalidInputError"


async def test_tables_of_an_unknown_database(api: Api, seeded: Catalog) -> None:
    code, body = await api("databases", "nope", "tables")
    assert code == 404
    assert body == {"message": "database 'nope' not found", "error": "EntityNotFoundError"}


async def test_an_invalid_database_name_is_bad_input(api: Api, seeded: Catalog) -> None:
    code, body = await api("databases", "bad name!", "tables")
    assert code == 400
    assert "invalid database name" in body["message"]


async def test_table_detail(api: Api, seeded: Catalog) -> None:
    code, body = await api("databases", "raw", "tables", "orders")
    assert code == 200
    assert [c["name"] for c in body["columns"]] == ["order_id", "customer", "amount"]
    assert [c["type"] for c in body["columns"]] == ["bigint", "string", "double"]
    assert body["partition_keys"] == [
        {"name": "dt", "type": "string", "comment": None, "partition_key": True}
    ]
    assert body["location"].endswith("/lake/orders")
    assert body["classification"] == "parquet"
    assert body["parameters"]["UPDATED_BY_CRAWLER"] == "lake"
    assert body["counts"]["partitions"] == 3
    assert body["counts"]["versions"] == 1
    assert body["counts"]["records"] == 6
    crawl = body["status"]["crawl"]
    assert crawl["kind"] == "crawl" and crawl["name"] == "lake" and crawl["state"] == "SUCCEEDED"
    assert body["status"]["etl"] is None and body["status"]["dq"] is None


async def test_table_detail_shows_etl_and_dq_status(api: Api, seeded: Catalog) -> None:
    code, body = await api("databases", "sales", "tables", "report")
    assert code == 200
    assert body["counts"]["partitions"] is None
    assert body["status"]["etl"]["state"] == "SUCCEEDED"
    assert body["status"]["dq"]["score"] == 0.5
    assert body["status"]["crawl"] is None


async def test_unknown_table(api: Api, seeded: Catalog) -> None:
    code, body = await api("databases", "raw", "tables", "nope")
    assert code == 404
    assert body["message"] == "table raw.nope not found"


async def test_partitions(api: Api, seeded: Catalog) -> None:
    code, body = await api("databases", "raw", "tables", "orders", "partitions")
    assert code == 200
    assert [p["values"] for p in body["partitions"]] == [[d] for d in DAYS]
    assert body["partitions"][0]["location"].endswith("/orders/dt=2024-01-01")
    assert body["next_token"] is None


async def test_partitions_filtered_by_an_expression(api: Api, seeded: Catalog) -> None:
    code, body = await api(
        "databases", "raw", "tables", "orders", "partitions", expression="dt >= '2024-01-02'"
    )
    assert code == 200
    assert [p["values"] for p in body["partitions"]] == [["2024-01-02"], ["2024-01-03"]]


async def test_filtered_partitions_page_by_page(api: Api, seeded: Catalog) -> None:
    route = ("databases", "raw", "tables", "orders", "partitions")
    code, first = await api(*route, limit=1, expression="dt > '2024-01-01'")
    assert code == 200 and [p["values"] for p in first["partitions"]] == [["2024-01-02"]]
    code, rest = await api(
        *route, limit=1, expression="dt > '2024-01-01'", next_token=first["next_token"]
    )
    assert [p["values"] for p in rest["partitions"]] == [["2024-01-03"]]
    assert rest["next_token"] is None


async def test_partitions_page_by_page(api: Api, seeded: Catalog) -> None:
    code, first = await api("databases", "raw", "tables", "orders", "partitions", limit=2)
    assert code == 200 and len(first["partitions"]) == 2 and first["next_token"]
    code, second = await api(
        "databases",
        "raw",
        "tables",
        "orders",
        "partitions",
        limit=2,
        next_token=first["next_token"],
    )
    assert code == 200
    assert [p["values"] for p in second["partitions"]] == [["2024-01-03"]]
    assert second["next_token"] is None


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"expression": "dt >>> 1"}, ""),
        ({"expression": "nokey = '1'"}, "nokey"),
        ({"next_token": "not-a-token"}, "invalid next_token"),
        ({"limit": "0"}, "limit must be a whole number"),
    ],
)
async def test_partitions_bad_input(
    api: Api, seeded: Catalog, params: dict[str, str], message: str
) -> None:
    code, body = await api("databases", "raw", "tables", "orders", "partitions", **params)
    assert code == 400
    assert message in body["message"]


async def test_partitions_of_a_table_without_keys(api: Api, seeded: Catalog) -> None:
    code, body = await api("databases", "raw", "tables", "people", "partitions")
    assert code == 400
    assert "no partition keys" in body["message"]


async def test_versions_newest_first_and_paged(api: Api, seeded: Catalog) -> None:
    code, body = await api("databases", "sales", "tables", "report", "versions")
    assert code == 200
    assert [v["version"] for v in body["versions"]] == [3, 2, 1]
    assert [v["column_count"] for v in body["versions"]] == [2, 2, 1]
    code, page = await api("databases", "sales", "tables", "report", "versions", limit=2)
    assert [v["version"] for v in page["versions"]] == [3, 2]
    code, rest = await api(
        "databases", "sales", "tables", "report", "versions", limit=2, next_token=page["next_token"]
    )
    assert [v["version"] for v in rest["versions"]] == [1]
    assert rest["next_token"] is None


async def test_version_diff(api: Api, seeded: Catalog) -> None:
    code, body = await api("databases", "sales", "tables", "report", "versions", "1", "diff", "3")
    assert code == 200
    assert body["added_columns"] == [{"name": "total", "type": "double", "comment": None}]
    assert body["changed_columns"] == [
        {
            "old": {"name": "day", "type": "string", "comment": None},
            "new": {"name": "day", "type": "date", "comment": None},
        }
    ]
    assert {"field": "description", "old": None, "new": "daily totals"} in body["changed_fields"]


async def test_version_diff_bad_input_and_unknown_versions(api: Api, seeded: Catalog) -> None:
    code, body = await api("databases", "sales", "tables", "report", "versions", "one", "diff", "2")
    assert code == 400 and "a table version is a number" in body["message"]
    code, body = await api("databases", "sales", "tables", "report", "versions", "1", "diff", "9")
    assert code == 404 and "has no version 9" in body["message"]


async def test_statistics(api: Api, seeded: Catalog) -> None:
    code, body = await api("databases", "raw", "tables", "orders", "statistics")
    assert code == 200
    [stat] = body["statistics"]
    assert stat["column_name"] == "order_id"
    assert stat["data"]["LongColumnStatisticsData"]["MaximumValue"] == 22
    code, body = await api("databases", "raw", "tables", "people", "statistics")
    assert (code, body) == (200, {"statistics": []})


async def test_lineage_both_ways_with_runs(api: Api, seeded: Catalog) -> None:
    code, body = await api("databases", "sales", "tables", "report", "lineage")
    assert code == 200
    [edge] = body["upstream"]
    assert edge["source"] == "raw.orders" and edge["target"] == "sales.report"
    assert edge["run"]["name"] == "daily" and edge["run"]["state"] == "SUCCEEDED"
    assert body["downstream"] == []
    code, body = await api("databases", "raw", "tables", "orders", "lineage")
    assert [e["target"] for e in body["downstream"]] == ["sales.report"]
    assert body["downstream"][0]["run"]["kind"] == "etl"


async def test_preview_parquet_with_partition_keys_last(api: Api, seeded: Catalog) -> None:
    code, body = await api("databases", "raw", "tables", "orders", "preview", limit=3)
    assert code == 200
    assert [c["name"] for c in body["columns"]] == ["order_id", "customer", "amount", "dt"]
    assert body["columns"][-1]["partition_key"] is True
    assert body["rows"] == [
        [1, "ana", 9.5, "2024-01-01"],
        [2, "bo", 20.0, "2024-01-01"],
        [11, "ana", 10.5, "2024-01-02"],
    ]
    assert body["more"] is True
    assert body["source"] == "parquet"


async def test_preview_with_a_partition_filter(api: Api, seeded: Catalog) -> None:
    code, body = await api(
        "databases", "raw", "tables", "orders", "preview", expression="dt = '2024-01-03'"
    )
    assert code == 200
    assert body["rows"] == [[21, "ana", 11.5, "2024-01-03"], [22, "bo", 20.0, "2024-01-03"]]
    assert body["more"] is False
    assert body["partitions_read"] == 1


async def test_preview_csv_and_json(api: Api, seeded: Catalog) -> None:
    code, body = await api("databases", "raw", "tables", "people", "preview")
    assert code == 200
    assert body["rows"] == [["ana", 31], ["bo", 42], ["cy", 25]]
    code, body = await api("databases", "raw", "tables", "events", "preview", limit=2)
    assert code == 200
    assert body["rows"] == [[0, "click", ["a"]], [1, "click", ["a"]]]
    assert body["more"] is True


async def test_preview_of_a_jdbc_table(api: Api, seeded: Catalog) -> None:
    code, body = await api("databases", "src", "tables", "main_customers", "preview", limit=2)
    assert code == 200, body
    assert body["source"] == "sqlite"
    assert body["rows"] == [[1, "ana", "Lisbon"], [2, "bo", "Oslo"]]
    assert body["more"] is True


@pytest.mark.parametrize(
    ("table", "params", "message"),
    [
        ("orders", {"limit": "0"}, "limit must be a whole number from 1 to 1000"),
        ("orders", {"limit": "1001"}, "limit must be a whole number from 1 to 1000"),
        ("orders", {"expression": "dt = "}, ""),
        ("people", {"expression": "dt = '1'"}, "has no partition keys"),
    ],
)
async def test_preview_bad_input(
    api: Api, seeded: Catalog, table: str, params: dict[str, str], message: str
) -> None:
    code, body = await api("databases", "raw", "tables", table, "preview", **params)
    assert code == 400
    assert message in body["message"]


async def test_preview_of_a_table_without_files(api: Api, seeded: Catalog) -> None:
    code, body = await api("databases", "sales", "tables", "report", "preview")
    assert code == 200
    assert body["rows"] == [] and body["more"] is False
    assert body["notes"] == ["no data files under the table's location"]


async def test_preview_of_unreadable_data_says_why(api: Api, seeded: Catalog) -> None:
    seeded.create_table("sales", "odd", columns=[{"name": "a", "type": "string"}])
    code, body = await api("databases", "sales", "tables", "odd", "preview")
    assert code == 422
    assert body["error"] == "PreviewError"
    assert "preview reads parquet, csv, json" in body["message"]
    code, body = await api("databases", "sales", "tables", "nope", "preview")
    assert code == 404


async def test_search(api: Api, seeded: Catalog) -> None:
    code, body = await api("search", q="customer")
    assert code == 200
    names = [f"{t['database']}.{t['name']}" for t in body["tables"]]
    assert names[0] == "src.main_customers"
    assert "raw.orders" in names


async def test_search_page_by_page(api: Api, seeded: Catalog) -> None:
    _, everything = await api("search", q="lake")
    every = [t["name"] for t in everything["tables"]]
    assert len(every) == 3
    _, first = await api("search", q="lake", limit=2)
    _, rest = await api("search", q="lake", limit=2, next_token=first["next_token"])
    assert [t["name"] for t in first["tables"] + rest["tables"]] == every
    assert rest["next_token"] is None


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "search needs at least one word"),
        ({"q": "   "}, "search needs at least one word"),
        ({"q": "x", "next_token": "x"}, "invalid next_token"),
        ({"q": "x", "limit": "5001"}, "limit must be a whole number"),
    ],
)
async def test_search_bad_input(
    api: Api, seeded: Catalog, params: dict[str, str], message: str
) -> None:
    code, body = await api("search", **params)
    assert code == 400
    assert message in body["message"]


async def test_runs(api: Api, seeded: Catalog) -> None:
    code, body = await api("runs")
    assert code == 200
    assert {(r["kind"], r["name"]) for r in body["runs"]} == {
        ("crawl", "lake"),
        ("crawl", "shopdb"),
        ("etl", "daily"),
    }
    code, body = await api("runs", kind="crawl", limit=1)
    assert len(body["runs"]) == 1 and body["next_token"] == "1"
    code, body = await api("runs", kind="crawl", limit=1, next_token="1")
    assert len(body["runs"]) == 1 and body["next_token"] is None


async def test_runs_of_a_table(api: Api, seeded: Catalog) -> None:
    code, body = await api("runs", table="raw.orders")
    assert [(r["kind"], r["name"]) for r in body["runs"]] == [("crawl", "lake")]
    code, body = await api("runs", table="sales.report", kind="etl")
    assert [(r["kind"], r["name"]) for r in body["runs"]] == [("etl", "daily")]
    code, body = await api("runs", table="sales.report", kind="dq")
    assert code == 200
    [result] = body["runs"]
    assert result["kind"] == "dq" and result["score"] == 0.5 and result["ruleset"] == "basic"


@pytest.mark.parametrize(
    ("params", "code", "message"),
    [
        ({"kind": "nap"}, 400, "invalid run kind"),
        ({"table": "orders"}, 400, "DATABASE.TABLE"),
        ({"table": "raw.nope"}, 404, "table raw.nope not found"),
        ({"next_token": "-3"}, 400, "invalid next_token"),
    ],
)
async def test_runs_bad_input(
    api: Api, seeded: Catalog, params: dict[str, str], code: int, message: str
) -> None:
    got, body = await api("runs", **params)
    assert got == code
    assert message in body["message"]


async def test_change_feed(api: Api, seeded: Catalog) -> None:
    code, body = await api("changes")
    assert code == 200 and body["changed"] is True
    seq = body["seq"]
    assert await api("changes", since=seq) == (200, {"seq": seq, "changed": False})
    seeded.create_database("more")
    code, body = await api("changes", since=seq)
    assert body["changed"] is True and body["seq"] > seq


@pytest.mark.parametrize("since", ["-1", "soon", "1.5"])
async def test_change_feed_bad_input(api: Api, since: str) -> None:
    code, body = await api("changes", since=since)
    assert code == 400
    assert "since must be a whole number" in body["message"]


async def test_an_unknown_route_is_a_json_404(api: Api) -> None:
    code, body = await api("tables")
    assert code == 404
    assert body["message"] == "no such API route: tables"


async def test_a_catalog_store_that_is_down_is_503(jp_configurable_serverapp: Any) -> None:
    from glue_magics.server.service import CatalogService
    from glue_magics.server.views import databases

    service = CatalogService("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1")
    try:
        from glue_magics.errors import StoreUnavailableError
        from glue_magics.server.handlers import error_status

        with pytest.raises(StoreUnavailableError) as caught:
            await service.call(databases)
        assert error_status(caught.value) == 503
    finally:
        service.close()
