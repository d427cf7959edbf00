"""Running an ``%%etl`` cell: read the sources, transform, write staged, then commit the data and
the catalog together.

The data moves into place only after Spark finished writing it; the catalog (table, version,
partitions, statistics, lineage, bookmarks, run record) is then updated in one transaction, and if
that fails the data moves back. A failure at any point leaves the target's data and its catalog
entry as they were.
"""

from __future__ import annotations

import difflib
import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, cast

from glue_magics.catalog import Catalog, Table
from glue_magics.catalog.objects import COUNT_PARAMETERS, Column, Partition, TableDefinition
from glue_magics.errors import EntityNotFoundError, InvalidInputError
from glue_magics.etl import commit
from glue_magics.etl import stats as statistics
from glue_magics.etl.schema import columns_of, evolve, schema_differences
from glue_magics.etl.spec import EtlSpec, Source

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from glue_magics.spark.catalog_bridge import CatalogBridge

ETL_PARAMETER = "glue_magics.etl.job"


@dataclass
class EtlResult:
    job: str
    target: str
    mode: str
    run_id: int
    state: str = "SUCCEEDED"
    rows_written: int = 0
    files_written: int = 0
    bytes_written: int = 0
    partitions_written: list[tuple[str, ...]] = field(default_factory=list)
    table_version: int | None = None
    created_table: bool = False
    schema_changes: list[str] = field(default_factory=list)
    new_files_read: dict[str, int] = field(default_factory=dict)  # bookmarked source -> files
    dq: dict[str, Any] | None = None  # the data-quality gate's outcome
    seconds: float = 0.0

    def metrics(self) -> dict[str, Any]:
        return {
            "rows_written": self.rows_written,
            "files_written": self.files_written,
            "bytes_written": self.bytes_written,
            "partitions_written": len(self.partitions_written),
            "table_version": self.table_version,
            "created_table": self.created_table,
            "schema_changes": self.schema_changes,
            "bookmarked_files_read": self.new_files_read,
            "mode": self.mode,
            "dq": self.dq,
            "seconds": round(self.seconds, 3),
        }


def code_hash(spec: EtlSpec) -> str:
    text = "\n".join([spec.body, spec.lang, spec.format, spec.mode, ",".join(spec.partition_by)])
    return hashlib.sha256(text.encode()).hexdigest()


class EtlRun:
    def __init__(
        self,
        catalog: Catalog,
        spark: SparkSession,
        bridge: CatalogBridge,
        spec: EtlSpec,
        namespace: Mapping[str, Any] | None = None,
    ) -> None:
        self.catalog = catalog
        self.spark = spark
        self.bridge = bridge
        self.spec = spec
        self.namespace = dict(namespace or {})
        self.bookmarks: dict[str, dict[str, Any]] = {}  # source -> bookmark state after this run
        self.new_files: dict[str, int] = {}  # source -> files read through its bookmark

    # -- sources
    def _table(self, source: Source) -> Table:
        try:
            return self.catalog.get_table(source.database, source.table)
        except EntityNotFoundError:
            known = [
                f"{d.name}.{t.name}"
                for d in self.catalog.list_databases()
                for t in self.catalog.list_tables(d.name)
            ]
            close = difflib.get_close_matches(source.name, known, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise EntityNotFoundError(
                f"source {source.alias}={source.name}: table not found{hint}"
            ) from None

    def read_source(self, source: Source) -> DataFrame:
        from glue_magics.catalog.sources import is_database_table

        table = self._table(source)
        self.bridge.ensure(self.spark, [source.name])
        if not self.spec.bookmark:
            return self.spark.table(source.name)
        if is_database_table(table):
            return self._new_rows(source, table)
        if self.spec.bookmark_key:
            raise InvalidInputError(
                f"--bookmark-key is for database sources; the bookmark of {source.name} "
                "follows its files"
            )
        return self._new_files(source, table)

    def _new_rows(self, source: Source, table: Table) -> DataFrame:
        """Glue's job bookmarks for database sources: rows whose key is above the last run's
        highest, up to this run's highest (rows added meanwhile wait for the next run)."""
        from pyspark.sql import functions as F

        key = self.spec.bookmark_key or table.parameters.get("primaryKey", "")
        if not key or "," in key:
            raise InvalidInputError(
                f"--bookmark on {source.name} needs --bookmark-key COLUMN: the table has no "
                "single-column primary key"
            )
        df = self.spark.table(source.name)
        if key not in df.columns:
            raise InvalidInputError(
                f"--bookmark-key {key!r} is not a column of {source.name} ({', '.join(df.columns)})"
            )
        previous = self.catalog.get_bookmark(self.spec.job_name, source.name)
        state = previous.state if previous else {}
        if state and state.get("key") != key:
            raise InvalidInputError(
                f"the bookmark of job {self.spec.job_name} on {source.name} follows "
                f"{state.get('key')!r}; reset it (%etl reset-bookmarks {self.spec.job_name}) "
                f"to follow {key!r}"
            )
        kind = df.schema[key].dataType
        if state.get("last") is not None:
            df = df.where(F.col(key) > F.lit(state["last"]).cast(kind))
        highest = df.agg(F.max(key)).first()[0]  # type: ignore[index]
        if highest is None:
            self.bookmarks[source.name] = state or {"key": key, "last": None}
            return df.limit(0)
        self.bookmarks[source.name] = {"key": key, "last": _json_value(highest)}
        return df.where(F.col(key) <= F.lit(highest))

    def _new_files(self, source: Source, table: Table) -> DataFrame:
        """Glue's job bookmarks for file sources: only files not processed by an earlier run."""
        import fsspec

        from glue_magics.crawler.discover import is_hidden
        from glue_magics.spark.catalog_bridge import spark_location

        previous = self.catalog.get_bookmark(self.spec.job_name, source.name)
        done = set(previous.state.get("files", [])) if previous else set()
        fs, root = fsspec.core.url_to_fs(table.location)
        folders = (
            [
                p.location
                for p in self.catalog.iter_partitions(table.database, table.name)
                if p.location
            ]
            if table.partition_keys
            else [table.location]
        )
        files = []
        for folder in folders:
            _, path = fsspec.core.url_to_fs(folder)
            if not fs.exists(path):
                continue
            for found in sorted(fs.find(path)):
                if not any(is_hidden(part) for part in found[len(root) :].split("/")):
                    files.append(found)
        new = [f for f in files if f not in done]
        self.bookmarks[source.name] = {"files": sorted(done | set(new))}
        self.new_files[source.name] = len(new)
        schema = self.spark.table(source.name).schema
        if not new:
            return self.spark.createDataFrame([], schema)
        reader = self.spark.read.format(table.classification or "parquet").schema(schema)
        if table.classification == "csv":
            reader = reader.option("header", table.parameters.get("skip.header.line.count") == "1")
            reader = reader.option("sep", table.parameters.get("delimiter", ","))
        return reader.option("basePath", spark_location(table.location)).load(
            [spark_location(f) for f in new]
        )

    # -- the transform
    def transform(self) -> DataFrame:
        sources = {s.alias: self.read_source(s) for s in self.spec.sources}
        if self.spec.lang == "sql":
            from glue_magics.spark.sql import bind_parameters

            for alias, df in sources.items():
                df.createOrReplaceTempView(alias)
            text, args = bind_parameters(self.spec.body, self.namespace)
            self.bridge.ensure_sql(self.spark, text)
            result = self.spark.sql(text, args=args or None)
        else:
            from pyspark.sql import functions

            from glue_magics.etl import transforms

            scope: dict[str, Any] = {
                **sources,
                "spark": self.spark,
                "F": functions,
                "transforms": transforms,
            }
            exec(compile(self.spec.body, "<%%etl>", "exec"), scope)
            produced = scope.get("result")
            if not hasattr(produced, "schema") or not hasattr(produced, "write"):
                raise InvalidInputError(
                    "a --lang python body must assign a Spark DataFrame to `result`"
                )
            result = cast("DataFrame", produced)
        names = [c.lower() for c in result.columns]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise InvalidInputError(
                f"the result has column {duplicates[0]!r} twice; alias one of them"
            )
        missing = [k for k in self.spec.partition_by if k not in names]
        if missing:
            raise InvalidInputError(
                f"--partition-by {missing[0]!r} is not a column of the result ({', '.join(names)})"
            )
        return result.toDF(*names)

    # -- the target
    def _existing(self) -> Table | None:
        target = self.spec.target
        if target.kind != "table":
            return None
        assert target.database and target.table
        self.catalog.get_database(target.database)
        try:
            return self.catalog.get_table(target.database, target.table)
        except EntityNotFoundError:
            return None

    def _plan_table(
        self, existing: Table | None, data: tuple[Column, ...], keys: tuple[Column, ...]
    ) -> tuple[tuple[Column, ...], list[str]]:
        """The table's columns after this write, or a refusal that writes nothing."""
        if existing is None:
            return data, []
        spec = self.spec
        target = spec.target.name
        if [k.name for k in existing.partition_keys] != [k.name for k in keys]:
            have = ", ".join(k.name for k in existing.partition_keys) or "nothing"
            raise InvalidInputError(
                f"{target} is partitioned by {have}; --partition-by says {', '.join(k.name for k in keys) or 'nothing'}"
            )
        if existing.classification != spec.format:
            raise InvalidInputError(
                f"{target} is stored as {existing.classification}; --format says {spec.format}"
            )
        if spec.mode == "overwrite":
            return data, schema_differences(existing.columns, data)
        problems = schema_differences(existing.columns, data)
        if problems and not spec.schema_evolution:
            raise InvalidInputError(
                f"the result does not fit {target}: {'; '.join(problems)} (add --schema-evolution to change the table)"
            )
        return (evolve(existing.columns, data) if problems else existing.columns), problems

    def run(self) -> EtlResult:
        from glue_magics.spark.sql import quiet_query_errors

        spec = self.spec
        started = time.monotonic()
        quiet_query_errors()
        run = self.catalog.start_run("etl", spec.job_name, target=spec.target.name)
        result = EtlResult(spec.job_name, spec.target.name, spec.mode, run.id)
        try:
            if spec.target.kind == "jdbc":
                self._run_jdbc(result, started)
            else:
                self._run_files(result, started)
            return result
        except BaseException as exc:
            result.state = "FAILED"
            result.seconds = time.monotonic() - started
            error = self._error(exc)
            self.catalog.finish_run(run.id, "FAILED", error=str(error), metrics=result.metrics())
            if error is exc:
                raise
            raise error from None

    def _record(self, result: EtlResult, started: float) -> None:
        """Lineage, bookmarks and the run's end: inside the caller's catalog transaction."""
        spec = self.spec
        for source in spec.sources:
            self.catalog.add_lineage(
                source.name, spec.target.name, run_id=result.run_id, code_hash=code_hash(spec)
            )
        for source_name, state in self.bookmarks.items():
            self.catalog.set_bookmark(spec.job_name, source_name, state, run_id=result.run_id)
        result.new_files_read = dict(self.new_files)
        result.seconds = time.monotonic() - started
        self.catalog.finish_run(result.run_id, "SUCCEEDED", metrics=result.metrics())

    def _run_files(self, result: EtlResult, started: float) -> None:
        spec = self.spec
        existing = self._existing()
        df = self._gated(self.transform(), result)
        all_columns = columns_of(df.schema)
        keys = tuple(c for k in spec.partition_by for c in all_columns if c.name == k)
        data = tuple(c for c in all_columns if c.name not in spec.partition_by)
        columns, result.schema_changes = self._plan_table(existing, data, keys)
        location = self._location(existing)
        staged, observed = self._write(df, location, data, keys, result.run_id)
        try:
            rows, stats = statistics.from_row(observed, (*data, *keys))
            result.rows_written = rows
            result.files_written = len(staged.files)
            result.bytes_written = staged.bytes
            result.partitions_written = [
                commit.partition_values(p, spec.partition_by) for p in staged.partitions
            ]
            staged.apply()
            try:
                with self.catalog.transaction():
                    if spec.target.kind == "table":
                        self._update_catalog(existing, columns, keys, location, result, stats)
                    self._record(result, started)
            except BaseException:
                staged.rollback()
                raise
        finally:
            staged.cleanup()

    def _run_jdbc(self, result: EtlResult, started: float) -> None:
        from glue_magics.catalog.connections import resolve_secret_ref
        from glue_magics.etl import jdbc_target

        spec = self.spec
        assert spec.target.url and spec.target.jdbc_table
        password = resolve_secret_ref(spec.secret_ref) if spec.secret_ref else None
        target = jdbc_target.parse_target(spec.target.url, spec.target.jdbc_table, password)
        df = self._gated(self.transform(), result)
        staged = jdbc_target.StagedTable(target, spec.mode)
        try:
            staged.write(df)
        except BaseException:
            staged.drop()
            raise
        with staged.swap() as rows, self.catalog.transaction():
            result.rows_written = rows
            self._record(result, started)

    def _gated(self, df: DataFrame, result: EtlResult) -> DataFrame:
        """What the data-quality gate lets through; quarantined rows are written first, so a
        failure later never loses them."""
        from glue_magics.etl.gate import QUARANTINE_SUFFIX, apply_gate
        from glue_magics.etl.spec import Target

        passed, failed, outcome = apply_gate(df, self.spec, self.catalog, result.run_id)
        if outcome is None:
            return df
        if failed is not None:
            target = self.spec.target
            quarantine = replace(
                self.spec,
                target=Target(
                    "table", database=target.database, table=f"{target.table}{QUARANTINE_SUFFIX}"
                ),
                mode="append",
                bookmark=False,
                schema_evolution=True,
                dq=None,
                job=f"{self.spec.job_name}{QUARANTINE_SUFFIX}",
            )
            outcome.rows_quarantined = (
                _Prepared(self.catalog, self.spark, self.bridge, quarantine, failed)
                .run()
                .rows_written
            )
        result.dq = outcome.metrics()
        return passed

    def _error(self, exc: BaseException) -> BaseException:
        from glue_magics.spark.sql import spark_error

        if type(exc).__module__.startswith(("pyspark", "py4j")):
            return spark_error(exc, self.catalog)
        return exc

    def _location(self, existing: Table | None) -> str:
        target = self.spec.target
        if target.kind == "path":
            assert target.path
            return target.path
        if existing is not None and existing.location:
            return existing.location
        assert target.database and target.table
        return self.catalog.default_table_location(target.database, target.table)

    def _write(
        self,
        df: DataFrame,
        location: str,
        data: tuple[Column, ...],
        keys: tuple[Column, ...],
        run_id: int,
    ) -> tuple[commit.StagedWrite, dict[str, Any]]:
        """The staged files, and the row count and statistics' aggregates, observed while
        writing (no second pass over the data)."""
        import fsspec
        from pyspark.sql import Observation

        fs, path = fsspec.core.url_to_fs(location)
        staging = commit.staging_path(path, run_id)
        observation = Observation(f"etl_statistics_{run_id}")
        writer = (
            df.select(*[f"`{c.name}`" for c in (*data, *keys)])
            .observe(observation, *statistics.aggregates((*data, *keys)))
            .write.format(self.spec.format)
            .mode("overwrite")
        )
        if self.spec.format == "csv":
            writer = writer.option("header", True)
        if keys:
            writer = writer.partitionBy(*[k.name for k in keys])
        try:
            writer.save(staging)
        except BaseException:
            if fs.exists(staging):  # what the failed job left behind
                fs.rm(staging, recursive=True)
            raise
        return commit.collect_staged(fs, path, staging, self.spec.mode), dict(observation.get)

    def _update_catalog(
        self,
        existing: Table | None,
        columns: tuple[Column, ...],
        keys: tuple[Column, ...],
        location: str,
        result: EtlResult,
        stats: list[Any],
    ) -> None:
        from glue_magics.crawler.classify.formats import storage_for

        spec = self.spec
        database, name = spec.target.database, spec.target.table
        assert database and name
        params = {"delimiter": ",", "skip.header.line.count": "1"} if spec.format == "csv" else {}
        storage = storage_for(spec.format, params, columns)
        parameters = {
            **params,
            "classification": spec.format,
            "typeOfData": "file",
            "recordCount": str(result.rows_written),
            "sizeKey": str(result.bytes_written),
            "objectCount": str(result.files_written),
            ETL_PARAMETER: spec.job_name,
        }
        definition = TableDefinition(
            columns=columns,
            partition_keys=keys,
            location=location,
            classification=spec.format,
            input_format=storage.input_format,
            output_format=storage.output_format,
            serde_library=storage.serde_library,
            serde_parameters=dict(storage.serde_parameters),
            parameters=parameters,
        )
        if existing is None:
            table = self.catalog.create_table(database, name, **definition.as_arguments())
            result.created_table = True
        else:
            wanted = replace(definition, description=existing.description, owner=existing.owner)
            if spec.mode != "overwrite":  # the counts describe the whole table, not this write
                counts = {k: v for k, v in existing.parameters.items() if k in COUNT_PARAMETERS}
                wanted = replace(wanted, parameters={**wanted.parameters, **counts})
            table = existing
            # An overwrite replaces the data: new counts, a new version. An append or a partition
            # overwrite changes the table only when its schema changes.
            if spec.mode == "overwrite" or not existing.definition.same_but_counts(wanted):
                table = self.catalog.update_table(
                    database, name, expected_version=existing.version, **wanted.as_arguments()
                )
        result.table_version = table.version
        if keys:
            self._update_partitions(table, location, result)
        if stats and (spec.mode == "overwrite" or existing is None):
            self.catalog.update_column_statistics(database, name, stats)

    def _update_partitions(self, table: Table, location: str, result: EtlResult) -> None:
        written = {
            v: f"{location}/{'/'.join(f'{k}={x}' for k, x in zip(self.spec.partition_by, v, strict=True))}"
            for v in result.partitions_written
        }
        db, name = table.database, table.name
        if self.spec.mode == "overwrite":
            stale = [
                p.values for p in self.catalog.iter_partitions(db, name) if p.values not in written
            ]
            if stale:
                self.catalog.batch_delete_partitions(db, name, stale)
        self.catalog.batch_create_partitions(
            db,
            name,
            [Partition(values=v, location=loc) for v, loc in written.items()],
            if_not_exists=True,
        )


def _json_value(value: Any) -> Any:
    """A key value as the bookmark keeps it; Spark casts it back to the column's type."""
    if isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return str(value)  # Decimal


class _Prepared(EtlRun):
    """A write of a DataFrame already computed (a gate's quarantined rows)."""

    def __init__(
        self,
        catalog: Catalog,
        spark: SparkSession,
        bridge: CatalogBridge,
        spec: EtlSpec,
        df: DataFrame,
    ) -> None:
        super().__init__(catalog, spark, bridge, spec)
        self.df = df

    def transform(self) -> DataFrame:
        return self.df.toDF(*[c.lower() for c in self.df.columns])


def run_etl(
    catalog: Catalog,
    spark: SparkSession,
    bridge: CatalogBridge,
    spec: EtlSpec,
    namespace: Mapping[str, Any] | None = None,
) -> EtlResult:
    """Run one ETL step; see the module docstring for what "atomic" means here."""
    return EtlRun(catalog, spark, bridge, spec, namespace).run()
