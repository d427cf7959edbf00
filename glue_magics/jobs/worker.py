"""``python -m glue_magics.jobs.worker RUN_ID``: execute one claimed job run (and its retries).

Started by ``glue-magics jobs run`` and by the scheduler, each in its own process group; see
:mod:`glue_magics.jobs.runner`.
"""

from __future__ import annotations

import sys

from glue_magics.errors import GlueMagicsError


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not args[0].isdigit():
        print("usage: python -m glue_magics.jobs.worker RUN_ID", file=sys.stderr)
        return 2
    from glue_magics.jobs.runner import run_worker

    try:
        return run_worker(int(args[0]))
    except GlueMagicsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
