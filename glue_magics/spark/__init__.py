"""Spark for glue_magics: the kernel's managed session (local, standalone cluster or Spark Connect).

``get_spark()`` returns the live SparkSession, starting it on first use. Importing this package
does not import pyspark; that happens when a session starts.
"""

from __future__ import annotations

from glue_magics.spark.errors import JavaNotFoundError, SessionRunningError, SparkSessionError
from glue_magics.spark.session import SessionManager, SessionStatus, get_spark, manager

__all__ = [
    "JavaNotFoundError",
    "SessionManager",
    "SessionRunningError",
    "SessionStatus",
    "SparkSessionError",
    "get_spark",
    "manager",
]
