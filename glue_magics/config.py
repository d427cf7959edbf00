"""Where glue_magics keeps its state: the home folder, the catalog URL and the warehouse.

Resolution order, most specific first: an explicit argument, then ``GLUE_MAGICS_*`` environment
variables, then defaults under ``~/.glue_magics``. Jupyter/IPython config (``c.GlueMagics.catalog_url``)
is applied by the magics, which pass it here as an explicit argument.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    home: Path
    catalog_url: str
    warehouse: Path

    @classmethod
    def resolve(
        cls,
        catalog_url: str | None = None,
        home: str | os.PathLike[str] | None = None,
        warehouse: str | os.PathLike[str] | None = None,
    ) -> Settings:
        home_path = Path(
            home or os.environ.get("GLUE_MAGICS_HOME") or Path.home() / ".glue_magics"
        ).expanduser()
        url = (
            catalog_url
            or os.environ.get("GLUE_MAGICS_CATALOG_URL")
            or f"sqlite:///{home_path / 'catalog.db'}"
        )
        warehouse_path = Path(
            warehouse or os.environ.get("GLUE_MAGICS_WAREHOUSE") or home_path / "warehouse"
        ).expanduser()
        return cls(home=home_path, catalog_url=url, warehouse=warehouse_path)
