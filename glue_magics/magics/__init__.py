"""IPython front-end: ``%load_ext glue_magics`` registers every magic here."""

from __future__ import annotations

import sys
from typing import Any

from glue_magics.errors import GlueMagicsError
from glue_magics.magics.catalog import CatalogMagics
from glue_magics.magics.crawl import CrawlMagics
from glue_magics.magics.dq import DqMagics
from glue_magics.magics.etl import EtlMagics
from glue_magics.magics.jobs import JobsMagics
from glue_magics.magics.session import SessionMagics
from glue_magics.magics.sql import SqlMagics

MAGICS = (CatalogMagics, CrawlMagics, SessionMagics, SqlMagics, EtlMagics, DqMagics, JobsMagics)


def _one_line_error(
    shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: Any = None
) -> None:
    # Errors users cause get one line, no traceback; %tb still shows the details.
    print(f"{etype.__name__}: {value}", file=sys.stderr)


def register(shell: Any) -> None:
    for magics in MAGICS:
        shell.register_magics(magics)
    shell.set_custom_exc((GlueMagicsError,), _one_line_error)
