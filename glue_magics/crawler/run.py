"""Running a crawl: list, read only what is new or changed, group, plan, and commit in one transaction.

A crawl's catalog writes (tables, partitions, the per-file state and the run record) are one
transaction: a crawl that fails or is interrupted leaves the catalog as it was. A lease in the
catalog keeps two runs of one crawler from overlapping, across processes.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import PurePosixPath
from typing import Any

from glue_magics.catalog import Catalog, Column
from glue_magics.catalog.names import normalize_name
from glue_magics.catalog.objects import StoredFile
from glue_magics.crawler.discover import Listing, check_target, list_target
from glue_magics.crawler.grouping import TablePlan, disambiguate, group_files, table_name
from glue_magics.crawler.model import FileInfo, FileSchema
from glue_magics.crawler.options import CrawlOptions
from glue_magics.crawler.plan import CrawlPlan, Planner
from glue_magics.crawler.progress import NoProgress, Progress
from glue_magics.errors import EntityNotFoundError, GlueMagicsError, InvalidInputError

LEASE_SECONDS = 600
READ_THREADS = 8
DATABASE_SCHEMES = frozenset(
    {"sqlite", "postgresql", "postgres", "mysql", "mariadb", "mssql", "oracle"}
)


@dataclass
class TargetReport:
    target: str
    decisions: list[str] = field(default_factory=list)
    tables: list[TablePlan] = field(default_factory=list)


@dataclass
class CrawlResult:
    crawler: str
    database: str
    dry_run: bool
    plan: CrawlPlan
    targets: list[TargetReport]
    run_id: int | None = None
    state: str = "SUCCEEDED"
    files_listed: int = 0
    files_read: int = 0
    files_unchanged: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def metrics(self) -> dict[str, Any]:
        plan = self.plan
        return {
            "tables_created": plan.count("create table"),
            "tables_updated": plan.count("update table"),
            "tables_deprecated": plan.count("deprecate table"),
            "tables_deleted": plan.count("delete table"),
            "partitions_added": sum(len(v) for v in plan.partition_adds.values())
            + sum(len(p) for _, _, p in plan.creates),
            "partitions_updated": sum(len(v) for v in plan.partition_updates.values()),
            "partitions_removed": sum(len(v) for v in plan.partition_deletes.values()),
            "files_listed": self.files_listed,
            "files_read": self.files_read,
            "files_unchanged": self.files_unchanged,
            "files_failed": len(self.failed),
            "files_skipped": len(self.skipped),
            "failed_files": dict(list(self.failed.items())[:1000]),
            "changes": [asdict(c) for c in plan.changes],
            "notes": self.notes,
            "seconds": round(self.seconds, 3),
        }


# -- classifier results <-> the stored per-file state


def schema_to_json(schema: FileSchema) -> dict[str, Any]:
    # Written out by hand: dataclasses.asdict deep-copies, and it ran once per file.
    return {
        "classification": schema.classification,
        "compression": schema.compression,
        "columns": [c.to_dict() for c in schema.columns],
        "parameters": dict(schema.parameters),
        "record_count": schema.record_count,
        "record_count_exact": schema.record_count_exact,
        "error": schema.error,
        "notes": list(schema.notes),
    }


def schema_from_json(data: dict[str, Any]) -> FileSchema:
    return FileSchema(
        **{
            **data,
            "columns": tuple(Column(**c) for c in data.get("columns", ())),
            "notes": tuple(data.get("notes", ())),
        }
    )


def is_database_url(target: str) -> bool:
    scheme = target.split("://", 1)[0] if "://" in target else ""
    return scheme.split("+", 1)[0].lower() in DATABASE_SCHEMES


def default_crawler_name(database: str, targets: Sequence[str]) -> str:
    first = targets[0].rstrip("/")
    if is_database_url(first):
        base = first.rsplit("/", 1)[-1].split("?", 1)[0]
    else:
        base = PurePosixPath(first.split("://", 1)[-1]).name
    return table_name(f"{database}_{base}")


class _Crawl:
    def __init__(
        self,
        catalog: Catalog,
        name: str,
        database: str,
        targets: Sequence[str],
        options: CrawlOptions,
        include: Sequence[str],
        progress: Progress,
        dry_run: bool,
    ) -> None:
        self.catalog = catalog
        self.name = name
        self.database = database
        self.targets = list(targets)
        self.options = options
        self.include = list(include)
        self.progress = progress
        self.dry_run = dry_run
        self.started = time.monotonic()
        self.lease_renewed = self.started
        self.run_id: int | None = None
        self.state: dict[str, StoredFile] = {}
        self.upserts: list[StoredFile] = []
        self.seen_paths: set[str] = set()

    def renew_lease(self) -> None:
        if self.run_id is not None and time.monotonic() - self.lease_renewed > LEASE_SECONDS / 4:
            self.catalog.renew_crawler_lease(self.name, self.run_id, LEASE_SECONDS)
            self.lease_renewed = time.monotonic()

    # -- files
    def read_files(
        self, listing: Listing, result: CrawlResult
    ) -> list[tuple[FileInfo, FileSchema]]:
        from glue_magics.crawler.classify import Sampling, classify

        known_folders = {PurePosixPath(p).parent for p in self.state}
        entries: dict[str, tuple[FileInfo, FileSchema]] = {}
        # Files of one table mostly share one stored result: decode each result once.
        decoded: dict[int, FileSchema] = {}
        to_read: list[FileInfo] = []
        for file in listing.files:
            self.seen_paths.add(file.path)
            stored = self.state.get(file.path)
            unchanged = (
                stored is not None
                and stored.size == file.size
                and stored.mtime == file.mtime
                and stored.etag == file.etag
            )
            if unchanged:
                assert stored is not None
                key = id(stored.schema)
                if key not in decoded:
                    decoded[key] = schema_from_json(stored.schema)
                entries[file.path] = (file, decoded[key])
            elif (
                self.options.recrawl == "new-folders"
                and PurePosixPath(file.path).parent in known_folders
            ):
                result.skipped[file.path] = (
                    "new file in a folder crawled before (--recrawl new-folders)"
                )
            else:
                to_read.append(file)
        result.files_unchanged += len(entries)
        sampled, inherited = self._sample(to_read)
        self.progress.start(len(sampled), f"reading {listing.root}")
        sampling = Sampling()

        def read(file: FileInfo) -> tuple[FileInfo, FileSchema]:
            return file, classify(listing.fs, file.path, file.size, sampling)

        with ThreadPoolExecutor(max_workers=READ_THREADS) as pool:
            for file, schema in pool.map(read, sampled):
                entries[file.path] = (file, schema)
                self.upserts.append(
                    StoredFile(file.path, file.size, file.mtime, file.etag, schema_to_json(schema))
                )
                self.progress.advance()
                self.renew_lease()
        self.progress.finish()
        result.files_read += len(sampled)
        for file, model in inherited:
            schema = replace(entries[model.path][1], record_count=None, record_count_exact=False)
            entries[file.path] = (file, schema)
        for file, schema in entries.values():
            if not schema.ok:
                result.failed[file.path] = (
                    schema.error or f"not recognized ({schema.classification})"
                )
        return [entries[f.path] for f in listing.files if f.path in entries]

    def _sample(
        self, files: list[FileInfo]
    ) -> tuple[list[FileInfo], list[tuple[FileInfo, FileInfo]]]:
        """With --sample-size N only N files per folder are read; the rest take their schema."""
        if self.options.sample_size is None:
            return files, []
        by_folder: dict[tuple[str, ...], list[FileInfo]] = defaultdict(list)
        for file in files:
            by_folder[file.relative[:-1]].append(file)
        sampled, inherited = [], []
        for group in by_folder.values():
            chosen = group[: self.options.sample_size]
            sampled += chosen
            inherited += [(f, chosen[0]) for f in group[len(chosen) :]]
        return sampled, inherited

    def crawl_files(self, target: str, planner: Planner, result: CrawlResult) -> TargetReport:
        listing = list_target(target, self.options.exclude)
        result.files_listed += len(listing.files)
        result.skipped.update(listing.skipped)
        entries = self.read_files(listing, result)
        from fsspec.implementations.local import LocalFileSystem

        fs = listing.fs

        def location_of(parts: tuple[str, ...]) -> str:
            path = "/".join([listing.root, *parts]) if parts else listing.root
            return path if isinstance(fs, LocalFileSystem) else fs.unstrip_protocol(path)

        name = (
            PurePosixPath(listing.root).stem
            if listing.is_file
            else PurePosixPath(listing.root).name
        )
        grouping = group_files(
            entries,
            target_name=name or "root",
            location_of=location_of,
            single_file=listing.is_file,
            combine_compatible=self.options.grouping == "combine-compatible",
            table_level=self.options.table_level,
            table_prefix=self.options.table_prefix,
        )
        result.skipped.update(grouping.skipped)
        for table in grouping.tables:
            result.notes += [f"{table.name}: {n}" for n in table.notes]
        return TargetReport(target, grouping.decisions, grouping.tables)

    def crawl_database(self, target: str, planner: Planner, result: CrawlResult) -> TargetReport:
        from glue_magics.catalog.connections import resolve_secret_ref
        from glue_magics.crawler.jdbc import default_include_path, discover_tables

        secret = self.options.connection_secret
        password = resolve_secret_ref(secret) if secret else None
        include = self.include or [default_include_path(target)]
        tables = discover_tables(
            target,
            include,
            exclude=self.options.exclude,
            password=password,
            connection_name=self.name,
        )
        report = TargetReport(target)
        for table in tables:
            name = f"{self.options.table_prefix.lower()}{table.name}"
            planner.add_database_table(replace(table, name=name))
            report.decisions.append(f"{table.source}: table {name}")
        return report

    # -- the whole run
    def run(self) -> CrawlResult:
        result = CrawlResult(self.name, self.database, self.dry_run, CrawlPlan(self.database), [])
        if not self.dry_run:
            self.run_id = self.catalog.start_run("crawl", self.name, target=self.database).id
            result.run_id = self.run_id
            try:
                self.catalog.acquire_crawler_lease(self.name, self.run_id, LEASE_SECONDS)
            except GlueMagicsError as exc:
                self.catalog.finish_run(self.run_id, "FAILED", error=str(exc))
                raise
        try:
            self._crawl(result)
        except BaseException as exc:
            if self.run_id is not None:
                message = (
                    str(exc) if isinstance(exc, GlueMagicsError) else f"{type(exc).__name__}: {exc}"
                )
                self.catalog.finish_run(
                    self.run_id, "FAILED", error=message, metrics=result.metrics()
                )
                self.catalog.release_crawler_lease(self.name, self.run_id)
            raise
        return result

    def _crawl(self, result: CrawlResult) -> None:
        try:
            self.state = self.catalog.crawler_files(self.name)
        except EntityNotFoundError:
            self.state = {}
        planner = Planner(self.catalog, self.database, self.name, self.options, self.run_id or 0)
        file_tables: list[TablePlan] = []
        for target in self.targets:
            if is_database_url(target):
                result.targets.append(self.crawl_database(target, planner, result))
            else:
                report = self.crawl_files(target, planner, result)
                result.targets.append(report)
                file_tables += report.tables
        disambiguate(file_tables)
        for table in file_tables:
            planner.add_files_table(table)
        plan = planner.finish()
        result.plan = plan
        threshold = self.options.table_threshold
        if threshold is not None and plan.count("create table") > threshold:
            raise InvalidInputError(
                f"the crawl would create {plan.count('create table')} tables, more than "
                f"--table-threshold {threshold}; nothing was written (see --dry-run for the plan)"
            )
        result.seconds = time.monotonic() - self.started
        result.state = "SUCCEEDED"
        if self.dry_run:
            return
        assert self.run_id is not None
        deletes = [p for p in self.state if p not in self.seen_paths]
        with self.catalog.transaction():
            plan.apply(self.catalog)
            if self.upserts or deletes:
                self.catalog.update_crawler_files(self.name, self.upserts, deletes)
            self.catalog.finish_run(self.run_id, "SUCCEEDED", metrics=result.metrics())
            self.catalog.release_crawler_lease(self.name, self.run_id)


def crawl(
    catalog: Catalog,
    targets: Sequence[str],
    database: str,
    *,
    name: str | None = None,
    options: CrawlOptions | None = None,
    include: Sequence[str] = (),
    dry_run: bool = False,
    progress: Progress | None = None,
) -> CrawlResult:
    """Crawl ``targets`` (folders, files, fsspec URLs or SQLAlchemy database URLs) into ``database``.

    The crawler is saved under ``name`` (default: database and first target) with its options, so
    ``recrawl(catalog, name)`` runs it again incrementally. ``dry_run`` writes nothing and returns
    the plan with the reasons behind it.
    """
    if not targets:
        raise InvalidInputError("nothing to crawl: give at least one path or URL")
    database = normalize_name(database, "database name")
    options = options or CrawlOptions()
    name = normalize_name(name or default_crawler_name(database, targets), "crawler name")
    for target in targets:
        if not is_database_url(target):
            check_target(target, options.exclude)
    if not dry_run:
        catalog.create_database(database, if_not_exists=True)
        saved = {**options.to_json(), "include": list(include)}
        catalog.save_crawler(name, database, targets, saved)
    crawl_run = _Crawl(
        catalog, name, database, targets, options, include, progress or NoProgress(), dry_run
    )
    return crawl_run.run()


def recrawl(
    catalog: Catalog, name: str, *, dry_run: bool = False, progress: Progress | None = None
) -> CrawlResult:
    """Run a saved crawler again."""
    saved = catalog.get_crawler(name)
    options = dict(saved.options)
    include = options.pop("include", [])
    crawl_run = _Crawl(
        catalog,
        saved.name,
        saved.database,
        saved.targets,
        CrawlOptions.from_json(options),
        include,
        progress or NoProgress(),
        dry_run,
    )
    return crawl_run.run()
