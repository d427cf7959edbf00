"""A crawler's options, with Glue's names for the policies they stand for."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from glue_magics.errors import InvalidInputError

#: our option value -> Glue's name, shown in docs and run summaries
RECRAWL = {"everything": "CRAWL_EVERYTHING", "new-folders": "CRAWL_NEW_FOLDERS_ONLY"}
UPDATE_BEHAVIOR = {
    "update": "UPDATE_IN_DATABASE",
    "log": "LOG",
    "merge-new-columns": "MergeNewColumns",
}
DELETE_BEHAVIOR = {
    "deprecate": "DEPRECATE_IN_DATABASE",
    "delete": "DELETE_FROM_DATABASE",
    "log": "LOG",
}
GROUPING = {"default": "default", "combine-compatible": "CombineCompatibleSchemas"}


@dataclass(frozen=True)
class CrawlOptions:
    table_prefix: str = ""
    exclude: tuple[str, ...] = ()
    sample_size: int | None = None  # files read per folder; None reads every new or changed file
    recrawl: str = "everything"
    update_behavior: str = "update"
    delete_behavior: str = "deprecate"
    grouping: str = "default"
    table_level: int | None = None
    table_threshold: int | None = None
    partitions_inherit_schema: bool = False
    connection_secret: str | None = None  # for database targets: env:VAR or keyring:SERVICE/USER
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, allowed in (
            ("recrawl", RECRAWL),
            ("update_behavior", UPDATE_BEHAVIOR),
            ("delete_behavior", DELETE_BEHAVIOR),
            ("grouping", GROUPING),
        ):
            value = getattr(self, name)
            if value not in allowed:
                option = name.replace("_", "-")
                raise InvalidInputError(
                    f"invalid --{option} {value!r}: use one of {', '.join(allowed)}"
                )
        for name in ("sample_size", "table_level", "table_threshold"):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value < 1
            ):
                raise InvalidInputError(
                    f"--{name.replace('_', '-')} must be a whole number of at least 1, got {value!r}"
                )
        if self.table_prefix and not all(c.isalnum() or c in "_-" for c in self.table_prefix):
            raise InvalidInputError(
                f"invalid --table-prefix {self.table_prefix!r}: use letters, digits, '_' or '-'"
            )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["exclude"] = list(self.exclude)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CrawlOptions:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["exclude"] = tuple(values.get("exclude", ()))
        return cls(**values)
