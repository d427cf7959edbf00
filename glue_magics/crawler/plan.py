"""From grouped files to catalog changes: what to create, update, add, deprecate, delete or log,
following the crawler's schema-change and delete policies (Glue's SchemaChangePolicy)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from glue_magics.catalog import Catalog
from glue_magics.catalog.objects import Column, Partition, Table, TableDefinition
from glue_magics.crawler.grouping import PartitionPlan, TablePlan
from glue_magics.crawler.model import DiscoveredTable
from glue_magics.crawler.options import CrawlOptions
from glue_magics.errors import EntityNotFoundError

CRAWLER_PARAMETER = "UPDATED_BY_CRAWLER"
DEPRECATED_PARAMETER = "DEPRECATED_BY_CRAWLER"


@dataclass
class Change:
    """One line of a crawl's summary."""

    action: str  # create table | update table | add partitions | ... | log
    table: str
    detail: str = ""


@dataclass
class CrawlPlan:
    database: str
    creates: list[tuple[str, TableDefinition, list[Partition]]] = field(default_factory=list)
    updates: list[tuple[str, TableDefinition, int]] = field(default_factory=list)
    partition_adds: dict[str, list[Partition]] = field(default_factory=dict)
    partition_updates: dict[str, list[Partition]] = field(default_factory=dict)
    partition_deletes: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    deprecations: list[tuple[str, TableDefinition, int]] = field(default_factory=list)
    deletions: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)

    def apply(self, catalog: Catalog) -> None:
        """Make every change; the caller wraps this in one catalog transaction."""
        db = self.database
        for name, definition, partitions in self.creates:
            catalog.create_table(db, name, **definition.as_arguments())
            if partitions:
                catalog.batch_create_partitions(db, name, partitions)
        for name, definition, version in self.updates + self.deprecations:
            catalog.update_table(db, name, expected_version=version, **definition.as_arguments())
        for name, partitions in self.partition_adds.items():
            catalog.batch_create_partitions(db, name, partitions)
        for name, partitions in self.partition_updates.items():
            catalog.batch_update_partitions(db, name, partitions)
        for name, values in self.partition_deletes.items():
            catalog.batch_delete_partitions(db, name, values)
        for name in self.deletions:
            catalog.delete_table(db, name)


def file_definition(plan: TablePlan, crawler: str) -> TableDefinition:
    """A table definition the way Glue's crawler writes one for files."""
    from glue_magics.crawler.classify.formats import storage_for

    storage = storage_for(plan.classification, plan.parameters, plan.columns)
    size = sum(f.size for f, _ in plan.files)
    records = sum(s.record_count or 0 for _, s in plan.files)
    parameters = {
        **plan.parameters,
        "classification": plan.classification,
        "compressionType": plan.compression or "none",
        "typeOfData": "file",
        "objectCount": str(len(plan.files)),
        "sizeKey": str(size),
        "recordCount": str(records),
        "averageRecordSize": str(size // records if records else 0),
        CRAWLER_PARAMETER: crawler,
        "CrawlerSchemaSerializerVersion": "1.0",
        "CrawlerSchemaDeserializerVersion": "1.0",
    }
    return TableDefinition(
        columns=plan.columns,
        partition_keys=plan.partition_keys,
        location=plan.location,
        classification=plan.classification,
        input_format=storage.input_format,
        output_format=storage.output_format,
        serde_library=storage.serde_library,
        serde_parameters=dict(storage.serde_parameters),
        parameters=parameters,
    )


def _partition(plan: PartitionPlan, inherit: bool) -> Partition:
    size = sum(f.size for f, _ in plan.files)
    records = sum(s.record_count or 0 for _, s in plan.files)
    storage = None if inherit else {"columns": [c.to_dict() for c in plan.columns]}
    return Partition(
        values=plan.values,
        location=plan.location,
        parameters={
            "objectCount": str(len(plan.files)),
            "sizeKey": str(size),
            "recordCount": str(records),
        },
        storage=storage,
    )


def _column_changes(old: Sequence[Column], new: Sequence[Column]) -> list[str]:
    before = {c.name: c for c in old}
    after = {c.name: c for c in new}
    out = [f"+{n} {c.type}" for n, c in after.items() if n not in before]
    out += [f"-{n}" for n in before if n not in after]
    out += [
        f"{n}: {before[n].type} -> {c.type}"
        for n, c in after.items()
        if n in before and before[n].type != c.type
    ]
    return out


class Planner:
    """Compares what the files (or a database) say with what the catalog holds."""

    def __init__(
        self, catalog: Catalog, database: str, crawler: str, options: CrawlOptions, run_id: int
    ) -> None:
        self.catalog = catalog
        self.crawler = crawler
        self.options = options
        self.run_id = run_id
        self.plan = CrawlPlan(database)
        try:
            self.existing = {t.name: t for t in catalog.list_tables(database)}
        except EntityNotFoundError:  # a dry run before the database exists
            self.existing = {}
        self.seen: set[str] = set()

    def note(self, action: str, table: str, detail: str = "") -> None:
        self.plan.changes.append(Change(action, table, detail))

    def add_files_table(self, plan: TablePlan) -> None:
        definition = file_definition(plan, self.crawler)
        inherit = self.options.partitions_inherit_schema
        partitions = [_partition(p, inherit) for p in plan.partitions]
        self._add(plan.name, definition, partitions, plan.notes)

    def add_database_table(self, table: DiscoveredTable) -> None:
        params = {**table.definition.parameters, CRAWLER_PARAMETER: self.crawler}
        self._add(table.name, replace(table.definition, parameters=params), [], list(table.notes))

    def _add(
        self, name: str, definition: TableDefinition, partitions: list[Partition], notes: list[str]
    ) -> None:
        self.seen.add(name)
        current = self.existing.get(name)
        if current is None:
            detail = f"{len(definition.columns)} columns, {len(partitions)} partitions"
            self.plan.creates.append((name, definition, partitions))
            self.note("create table", name, "; ".join([detail, *notes]))
            return
        if self.options.recrawl != "new-folders":
            self._update_table(current, definition, notes)
        if current.definition.partition_keys and definition.partition_keys:
            self._update_partitions(current, partitions)

    def _update_table(self, current: Table, definition: TableDefinition, notes: list[str]) -> None:
        old = current.definition
        columns = definition.columns
        if self.options.update_behavior == "merge-new-columns":
            known = {c.name for c in old.columns}
            columns = (*old.columns, *(c for c in definition.columns if c.name not in known))
        comments = {c.name: c.comment for c in old.columns if c.comment}
        columns = tuple(
            c if c.comment or c.name not in comments else replace(c, comment=comments[c.name])
            for c in columns
        )
        # What people wrote by hand survives a crawl: description and owner.
        wanted = replace(definition, columns=columns, description=old.description, owner=old.owner)
        if old.same_but_counts(wanted):
            return
        changed = _column_changes(old.columns, wanted.columns)
        detail = "; ".join(changed or ["table properties"]) + (
            "; " + "; ".join(notes) if notes else ""
        )
        if self.options.update_behavior == "log":
            self.note(
                "log", current.name, f"schema change not applied (--update-behavior log): {detail}"
            )
            return
        self.plan.updates.append((current.name, wanted, current.version))
        self.note("update table", current.name, detail)

    def _update_partitions(self, current: Table, partitions: list[Partition]) -> None:
        have = {p.values: p for p in self.catalog.iter_partitions(current.database, current.name)}
        name = current.name
        adds = [p for p in partitions if p.values not in have]
        if adds:
            self.plan.partition_adds[name] = adds
            self.note("add partitions", name, f"{len(adds)} new")
        if self.options.recrawl == "new-folders":
            return
        table_columns = [c.to_dict() for c in current.definition.columns]
        updates = []
        for p in partitions:
            old = have.get(p.values)
            if old is None:
                continue
            own = p.storage if p.storage and p.storage.get("columns") != table_columns else None
            if (
                old.location != p.location
                or (old.storage or None) != own
                or old.parameters != p.parameters
            ):
                updates.append(p)
        if updates:
            self.plan.partition_updates[name] = updates
            self.note("update partitions", name, f"{len(updates)} changed")
        gone = sorted(set(have) - {p.values for p in partitions})
        if gone:
            if self.options.delete_behavior == "delete":
                self.plan.partition_deletes[name] = gone
                self.note("remove partitions", name, f"{len(gone)} whose folders are gone")
            else:
                self.note("log", name, f"{len(gone)} partition(s) whose folders are gone were kept")

    def finish(self) -> CrawlPlan:
        """Tables this crawler made earlier that it did not find now: the delete policy decides."""
        if self.options.recrawl == "new-folders":
            return self.plan
        for name, table in sorted(self.existing.items()):
            params = table.definition.parameters
            if name in self.seen or params.get(CRAWLER_PARAMETER) != self.crawler:
                continue
            behavior = self.options.delete_behavior
            if behavior == "delete":
                self.plan.deletions.append(name)
                self.note("delete table", name, "its data is gone")
            elif behavior == "deprecate" and DEPRECATED_PARAMETER not in params:
                marked = {**params, DEPRECATED_PARAMETER: str(self.run_id)}
                self.plan.deprecations.append(
                    (name, replace(table.definition, parameters=marked), table.version)
                )
                self.note("deprecate table", name, "its data is gone")
            elif behavior == "log":
                self.note("log", name, "its data is gone; kept (--delete-behavior log)")
        return self.plan
