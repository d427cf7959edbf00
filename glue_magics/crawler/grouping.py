"""Glue's table grouping, made deterministic and explained.

Walking down from the crawl target, a folder becomes a table root when the majority of its
sub-folders hold compatible data (same format and compression) with similar schemas (similarity at
least 0.7, or any similarity with ``combine-compatible``); otherwise each sub-folder is decided on
its own. Below a root, folders are partitions: ``key=value`` folders give partition keys named
``key``, other folders ``partition_0, partition_1, ...``, all typed ``string``. ``--table-level``
fixes the root depth instead (the target is level 1). Every decision is written down in words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote

from glue_magics.catalog.objects import Column
from glue_magics.crawler.classify.merge import merge_columns, similarity
from glue_magics.crawler.model import FileInfo, FileSchema

SIMILARITY_THRESHOLD = 0.7
Entry = tuple[FileInfo, FileSchema]
Kind = tuple[str, str | None]  # (classification, compression)


@dataclass
class PartitionPlan:
    values: tuple[str, ...]
    location: str
    files: list[Entry]
    columns: tuple[Column, ...]


@dataclass
class TablePlan:
    name: str
    root: tuple[str, ...]  # folders from the target to the table's root
    location: str
    classification: str
    compression: str | None
    columns: tuple[Column, ...]
    partition_keys: tuple[Column, ...]
    partitions: list[PartitionPlan]
    files: list[Entry]
    parameters: dict[str, str]
    reason: str
    notes: list[str] = field(default_factory=list)


@dataclass
class Grouping:
    tables: list[TablePlan] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


@dataclass
class _Node:
    name: str
    parts: tuple[str, ...]
    children: dict[str, _Node] = field(default_factory=dict)
    files: list[Entry] = field(default_factory=list)

    def entries(self) -> Iterable[Entry]:
        yield from self.files
        for child in self.children.values():
            yield from child.entries()

    def label(self) -> str:
        return "/".join(self.parts) + "/" if self.parts else "the target"


def table_name(text: str, prefix: str = "") -> str:
    """Glue-style table names: lower-case, anything but letters, digits and '_' becomes '_'."""
    name = re.sub(r"[^a-z0-9_]", "_", text.lower()).strip("_") or "table"
    return f"{prefix.lower()}{name}"


def _kinds(entries: Iterable[Entry]) -> Counter[Kind]:
    return Counter((s.classification, s.compression) for _, s in entries)


def _columns(entries: Iterable[Entry]) -> tuple[tuple[Column, ...], tuple[str, ...]]:
    distinct = list(dict.fromkeys(s.columns for _, s in entries))
    return merge_columns(distinct)


def _kind_text(kind: Kind) -> str:
    return kind[0] + (f"+{kind[1]}" if kind[1] else "")


@dataclass
class _Unit:
    """A sub-folder (or the loose files of a folder) weighed as a whole."""

    label: str
    kinds: Counter[Kind]
    columns: tuple[Column, ...]


@dataclass
class _Cluster:
    kind: Kind
    columns: tuple[Column, ...]
    units: list[_Unit]
    lowest: float = 1.0


class _Grouper:
    def __init__(
        self,
        target_name: str,
        location_of: Callable[[tuple[str, ...]], str],
        combine: bool,
        table_level: int | None,
        prefix: str,
    ) -> None:
        self.target_name = target_name
        self.location_of = location_of
        self.combine = combine
        self.table_level = table_level
        self.prefix = prefix
        self.result = Grouping()

    # -- the walk
    def decide(self, node: _Node, level: int) -> None:
        if self.table_level is not None:
            self._decide_fixed(node, level)
            return
        if not node.children:
            self.make_table(node, "holds files and no sub-folders")
            return
        units = [self._unit(c.name + "/", list(c.entries())) for c in self._sorted(node)]
        if node.files:
            units.append(self._unit("(files in this folder)", node.files))
        clusters = self._cluster(units)
        largest = max(clusters, key=lambda c: len(c.units))
        summary = self._describe(units, clusters)
        if len(largest.units) * 2 > len(units):
            reason = (
                f"table root: {summary}; the largest holds {len(largest.units)} of {len(units)}"
            )
            self.make_table(node, reason, majority=largest)
            return
        self.result.decisions.append(
            f"{node.label()}: not a table root: {summary}; none holds a majority, so each "
            "sub-folder is decided on its own"
        )
        for child in self._sorted(node):
            self.decide(child, level + 1)
        if node.files:
            self._make_loose_table(node)

    def _decide_fixed(self, node: _Node, level: int) -> None:
        assert self.table_level is not None
        if level == self.table_level:
            self.make_table(node, f"table root: at --table-level {self.table_level}")
            return
        for file, _ in node.files:
            self.result.skipped[file.path] = (
                f"above --table-level {self.table_level} (at level {level})"
            )
        for child in self._sorted(node):
            self.decide(child, level + 1)

    @staticmethod
    def _sorted(node: _Node) -> list[_Node]:
        return [node.children[k] for k in sorted(node.children)]

    def _unit(self, label: str, entries: list[Entry]) -> _Unit:
        return _Unit(label, _kinds(entries), _columns(entries)[0])

    def _cluster(self, units: Sequence[_Unit]) -> list[_Cluster]:
        clusters: list[_Cluster] = []
        for unit in units:
            kind = unit.kinds.most_common(1)[0][0] if len(unit.kinds) == 1 else None
            placed = False
            for cluster in clusters if kind is not None else ():
                if cluster.kind != kind:
                    continue
                score = similarity(cluster.columns, unit.columns)
                if self.combine or score >= SIMILARITY_THRESHOLD:
                    cluster.units.append(unit)
                    cluster.columns = merge_columns([cluster.columns, unit.columns])[0]
                    cluster.lowest = min(cluster.lowest, score)
                    placed = True
                    break
            if not placed:
                clusters.append(_Cluster(kind or ("mixed", None), unit.columns, [unit]))
        return clusters

    def _describe(self, units: Sequence[_Unit], clusters: Sequence[_Cluster]) -> str:
        kinds = sorted({_kind_text(k) for u in units for k in u.kinds})
        parts = []
        for c in clusters:
            names = ", ".join(u.label for u in c.units[:4]) + (" ..." if len(c.units) > 4 else "")
            sim = "" if len(c.units) == 1 else f", similarity >= {c.lowest:.2f}"
            parts.append(f"[{names}{sim}]")
        rule = "compatible formats" if self.combine else f"similarity >= {SIMILARITY_THRESHOLD}"
        return (
            f"{len(units)} part(s) ({', '.join(kinds)}) form {len(clusters)} schema cluster(s) "
            f"by {rule}: {' '.join(parts)}"
        )

    # -- building tables
    def _name_for(self, node: _Node) -> str:
        if not node.parts:
            return table_name(self.target_name, self.prefix)
        return table_name(node.name, self.prefix)

    def _make_loose_table(self, node: _Node) -> None:
        loose = _Node(node.name, node.parts, files=node.files)
        self.make_table(loose, "files directly in a folder whose sub-folders became tables")

    def _keep(self, entries: list[Entry], why: Callable[[Entry], str | None]) -> list[Entry]:
        """Entries for which ``why`` has no objection; the others are skipped with its reason."""
        kept = []
        for entry in entries:
            reason = why(entry)
            if reason is None:
                kept.append(entry)
            else:
                self.result.skipped[entry[0].path] = reason
        return kept

    def make_table(self, node: _Node, reason: str, majority: _Cluster | None = None) -> None:
        depth = len(node.parts)
        entries = list(node.entries())
        kind = _kinds(entries).most_common(1)[0][0]

        def other_format(entry: Entry) -> str | None:
            own = (entry[1].classification, entry[1].compression)
            return (
                None
                if own == kind
                else f"{_kind_text(own)} differs from the table's {_kind_text(kind)}"
            )

        def folder_depth(entry: Entry) -> int:
            return len(entry[0].relative) - 1 - depth

        entries = self._keep(entries, other_format)
        if node.children:
            entries = self._keep(
                entries,
                lambda e: (
                    "in the table's root folder, outside its partition folders"
                    if folder_depth(e) == 0
                    else None
                ),
            )
        levels = Counter(folder_depth(e) for e in entries)
        if not levels:
            return
        partition_depth = max(levels, key=lambda d: (levels[d], d))
        entries = self._keep(
            entries,
            lambda e: (
                None
                if folder_depth(e) == partition_depth
                else f"{folder_depth(e)} folder(s) below the table root; its partitions are {partition_depth} deep"
            ),
        )

        keys = self._partition_keys(entries, depth, partition_depth)
        key_names = {k.name for k in keys}
        # The table's schema comes from the majority cluster; other partitions keep their own.
        members = (
            {u.label.rstrip("/") for u in majority.units} if majority and not self.combine else None
        )
        schema_entries = [e for e in entries if members is None or e[0].relative[depth] in members]
        columns, widened = _columns(schema_entries or entries)
        notes = list(widened)
        clash = sorted(key_names & {c.name for c in columns})
        if clash:
            notes.append(
                f"column(s) {', '.join(clash)} are also partition keys; the partition keys win"
            )
            columns = tuple(c for c in columns if c.name not in key_names)

        partitions: dict[tuple[str, ...], list[Entry]] = {}
        for entry in entries:
            folders = entry[0].relative[depth : depth + partition_depth]
            values = tuple(unquote(f.split("=", 1)[1]) if "=" in f else f for f in folders)
            partitions.setdefault(values, []).append(entry)
        plans = [
            PartitionPlan(
                values=values,
                location=self.location_of(files[0][0].relative[: depth + partition_depth]),
                files=files,
                columns=tuple(c for c in _columns(files)[0] if c.name not in key_names),
            )
            for values, files in sorted(partitions.items())
        ]
        self.result.tables.append(
            TablePlan(
                name=self._name_for(node),
                root=node.parts,
                location=self.location_of(node.parts),
                classification=kind[0],
                compression=kind[1],
                columns=columns,
                partition_keys=keys,
                partitions=plans if keys else [],
                files=entries,
                parameters=dict(entries[0][1].parameters),
                reason=reason,
                notes=notes,
            )
        )
        self.result.decisions.append(f"{node.label()}: {reason}")

    @staticmethod
    def _partition_keys(entries: list[Entry], depth: int, levels: int) -> tuple[Column, ...]:
        keys = []
        for i in range(levels):
            names = {f.relative[depth + i] for f, _ in entries}
            prefixes = {n.split("=", 1)[0].strip().lower() for n in names if "=" in n}
            named = len(prefixes) == 1 and all("=" in n for n in names)
            key = table_name(prefixes.pop()) if named else f"partition_{i}"
            keys.append(Column(key, "string"))
        return tuple(keys)


def group_files(
    entries: Sequence[Entry],
    *,
    target_name: str,
    location_of: Callable[[tuple[str, ...]], str],
    single_file: bool = False,
    combine_compatible: bool = False,
    table_level: int | None = None,
    table_prefix: str = "",
) -> Grouping:
    """Decide tables and partitions for the classified files of one crawl target."""
    grouper = _Grouper(target_name, location_of, combine_compatible, table_level, table_prefix)
    usable = [e for e in entries if e[1].ok]
    if not usable:
        return grouper.result
    if single_file:
        grouper.make_table(_Node(target_name, (), files=usable), "the crawl target is one file")
        return grouper.result
    root = _Node(target_name, ())
    for entry in usable:
        node = root
        for i, folder in enumerate(entry[0].relative[:-1]):
            node = node.children.setdefault(folder, _Node(folder, entry[0].relative[: i + 1]))
        node.files.append(entry)
    grouper.decide(root, 1)
    return grouper.result


def disambiguate(tables: list[TablePlan]) -> None:
    """Two roots with one name (a/events, b/events): suffix a stable hash of the root path.

    Called once over the tables of all targets of a crawl."""
    import hashlib

    counts = Counter(t.name for t in tables)
    for table in tables:
        if counts[table.name] > 1:
            digest = hashlib.sha1("/".join(table.root).encode()).hexdigest()[:6]
            table.notes.append(
                f"another table is also called {table.name}; named {table.name}_{digest}"
            )
            table.name = f"{table.name}_{digest}"
