"""glue_magics: AWS Glue, re-created inside Jupyter.

``%load_ext glue_magics`` registers the magics (or, for every kernel, the IPython config line
``c.InteractiveShellApp.extensions = ["glue_magics"]``). ``glue_magics.Catalog`` is the Python API.
Heavy modules (SQLAlchemy, pandas, Spark, Great Expectations) load on first use, not here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from glue_magics.catalog import Catalog


def load_ipython_extension(ipython: Any) -> None:
    from glue_magics.magics import register

    register(ipython)


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    # The prebuilt JupyterLab sidebar (built from labextension/ into glue_magics/labextension/).
    return [{"src": "labextension", "dest": "glue-magics"}]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    # The REST API the sidebar reads; glue_magics.server imports nothing heavy until a request.
    return [{"module": "glue_magics.server"}]


def table(name: str) -> Any:
    """A catalog table as a Spark DataFrame, on the kernel's managed session."""
    from glue_magics.spark.tables import table as spark_table

    return spark_table(name)


def __getattr__(name: str) -> Any:
    if name == "Catalog":
        from glue_magics.catalog import Catalog

        return Catalog
    if name == "args":  # a job run's parameters ({} outside a job), as Glue's getResolvedOptions
        from glue_magics.jobs.context import job_args

        return job_args()
    raise AttributeError(f"module 'glue_magics' has no attribute {name!r}")


__all__ = ["Catalog", "__version__", "load_ipython_extension", "table"]
