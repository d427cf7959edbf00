"""A separate process working on a shared catalog, for test_concurrency.py (not a test module).

Usage: python concurrency_worker.py JSON, where JSON holds ``mode`` ("work" or "open"), ``url``,
``home``, ``worker``, ``seconds`` and ``ready``/``go`` file paths. The worker imports everything,
touches ``ready``, waits for ``go`` so that both workers start together, then prints one JSON line.

"work": for ``seconds``, add a small batch of its own partitions to sales.shared, then add 1 to the
table's ``counter`` parameter with expected_version, re-reading and retrying on a conflict.
"open": open the (new) catalog and create a database and a table of its own.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from glue_magics.catalog import Catalog
from glue_magics.errors import ConcurrentModificationError

BATCH = 5
WAIT_FOR_GO = 60.0


def increment(catalog: Catalog, stats: dict[str, Any]) -> None:
    while True:
        table = catalog.get_table("sales", "shared")
        counter = int(table.parameters["counter"])
        try:
            catalog.update_table(
                "sales",
                "shared",
                parameters={**table.parameters, "counter": str(counter + 1)},
                expected_version=table.version,
            )
        except ConcurrentModificationError:
            stats["conflicts"] += 1
            continue
        stats["increments"] += 1
        return


def work(catalog: Catalog, worker: str, seconds: float, stats: dict[str, Any]) -> None:
    deadline = time.monotonic() + seconds
    batch_number = 0
    while time.monotonic() < deadline:
        batch = [[worker, str(batch_number * BATCH + i)] for i in range(BATCH)]
        catalog.batch_create_partitions("sales", "shared", batch)
        stats["partitions"].extend(batch)
        batch_number += 1
        increment(catalog, stats)


def main() -> None:
    args = json.loads(sys.argv[1])
    stats: dict[str, Any] = {"increments": 0, "conflicts": 0, "partitions": [], "errors": []}
    Path(args["ready"]).touch()
    waited = time.monotonic() + WAIT_FOR_GO
    while not Path(args["go"]).exists() and time.monotonic() < waited:
        time.sleep(0.01)
    try:
        with Catalog(args["url"], home=args["home"]) as catalog:
            if args["mode"] == "open":
                catalog.create_database(args["worker"])
                catalog.create_table(
                    args["worker"], "t", partition_keys=[{"name": "k", "type": "int"}]
                )
                catalog.batch_create_partitions(args["worker"], "t", [["1"], ["2"]])
            else:
                work(catalog, args["worker"], args["seconds"], stats)
    except Exception as exc:
        stats["errors"].append(
            f"{type(exc).__module__}.{type(exc).__name__}: {exc}\n{traceback.format_exc()}"
        )
    print(json.dumps(stats))


if __name__ == "__main__":
    main()
