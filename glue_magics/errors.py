"""One exception hierarchy. Every error a user can cause has a one-line message that says what to do."""

from __future__ import annotations


class GlueMagicsError(Exception):
    """Base of every error glue_magics raises on purpose. ``str(err)`` is a one-line message."""


class InvalidInputError(GlueMagicsError, ValueError):
    """A name, type, option or value is malformed (Glue: InvalidInputException)."""


class EntityNotFoundError(GlueMagicsError, LookupError):
    """A database, table, partition, version or connection does not exist (Glue: EntityNotFoundException)."""


class AlreadyExistsError(GlueMagicsError):
    """The object to create exists already (Glue: AlreadyExistsException)."""


class ConcurrentModificationError(GlueMagicsError):
    """Someone else changed the object since it was read (Glue: ConcurrentModificationException)."""


class ExpressionError(InvalidInputError):
    """A partition expression could not be parsed or names an unknown partition key."""


class StoreUnavailableError(GlueMagicsError):
    """The catalog store cannot be reached or opened (server down, wrong host or port, no access)."""
