"""Errors of the Spark session manager; each has a one-line message that says what to do."""

from __future__ import annotations

from glue_magics.errors import GlueMagicsError


class SparkSessionError(GlueMagicsError):
    """The Spark session could not be started, reached or changed."""


class JavaNotFoundError(SparkSessionError):
    """No Java 17+ to run Spark's JVM: says what to install."""


class SessionRunningError(SparkSessionError):
    """A setting that only applies at start was changed while the session runs."""
