"""``dq`` commands: ``%%dq`` / ``%dq ...`` and ``glue-magics dq ...`` (same options everywhere)."""

from __future__ import annotations

import argparse
import contextlib
import html
import json
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from glue_magics.catalog import Catalog
from glue_magics.commands import CommandParser
from glue_magics.display import _STYLE, DetailResult, MessageResult, Result, TableResult, _cell
from glue_magics.errors import InvalidInputError

#: Wraps Spark work of a command (a progress bar and cancel-on-interrupt in notebooks).
Scope = Callable[[str], AbstractContextManager[Any]]


class RulesetInvalid(InvalidInputError):
    """``dq validate``: every problem, one ``FILE:LINE:COLUMN: message`` per line."""


def add_evaluation_options(parser: argparse.ArgumentParser, *, notebook: bool) -> None:
    """Options of an evaluation, shared by ``%%dq``, ``%dq run``, and ``dq eval`` / ``dq run``."""
    parser.add_argument("--table", metavar="DB.TABLE", help="the catalog table to check (Spark)")
    if notebook:
        parser.add_argument(
            "--df", metavar="VAR", help="a pandas or Spark DataFrame in the notebook to check"
        )
    parser.add_argument(
        "--target",
        metavar="NAME",
        help="name the results are stored under (default: the table; dataframe:VAR for --df)",
    )
    parser.add_argument(
        "--reference",
        action="append",
        default=[],
        metavar="ALIAS=DB.TABLE",
        help="a reference dataset for RowCountMatch, ReferentialIntegrity, DatasetMatch, ..."
        + (" (or ALIAS=VAR, a DataFrame)" if notebook else "")
        + " (repeatable)",
    )
    if notebook:
        parser.add_argument(
            "--row-level",
            metavar="VAR",
            help="store the data with Glue's row-level outcome columns in VAR",
        )
    parser.add_argument("--no-store", action="store_true", help="do not record the result")
    parser.add_argument(
        "--no-gx",
        action="store_true",
        help="judge every rule natively (skip Great Expectations and its import time)",
    )


def build_cell_parser(parents: list[argparse.ArgumentParser] | None = None) -> CommandParser:
    parser = CommandParser(
        prog="%%dq",
        description="Check data with a DQDL ruleset (or a Great Expectations suite as JSON) in "
        "the cell body; without data, validate the ruleset (and --save it).",
        parents=parents or [],
    )
    add_evaluation_options(parser, notebook=True)
    parser.add_argument(
        "--name", metavar="RULESET", help="the ruleset's name (a saved one if the cell is empty)"
    )
    parser.add_argument(
        "--save", action="store_true", help="save the ruleset under --name, attached to --table"
    )
    parser.add_argument("--description", help="description of the saved ruleset")
    return parser


def add_dq_subcommands(
    subparsers: Any, parents: list[argparse.ArgumentParser] | None = None, *, notebook: bool = False
) -> None:
    parents = parents or []

    def sub(name: str, help: str) -> argparse.ArgumentParser:
        return subparsers.add_parser(name, help=help, description=help, parents=parents)

    p = sub("run", "Evaluate a saved ruleset on its table (or on --table).")
    p.add_argument("name", metavar="RULESET")
    add_evaluation_options(p, notebook=notebook)
    if not notebook:
        p = sub("eval", "Evaluate a ruleset file (DQDL, or a GX suite as JSON) on a table.")
        p.add_argument("file", metavar="FILE", help="the ruleset; - reads standard input")
        add_evaluation_options(p, notebook=False)
        p.add_argument("--name", metavar="RULESET", help="name the result (and the saved ruleset)")
        p.add_argument("--save", action="store_true", help="also save the ruleset under --name")
        p.add_argument("--description")
    p = sub("history", "Past evaluations of a table (or target), newest first.")
    p.add_argument("target", metavar="DB.TABLE")
    p.add_argument("--ruleset", metavar="NAME", help="only this ruleset's results")
    p.add_argument(
        "--metric", metavar="KEY", help="add a column with this metric, e.g. Dataset.*.RowCount"
    )
    p.add_argument("--limit", type=int, default=50)
    p = sub("recommend", "A starter ruleset from the table's column statistics.")
    p.add_argument("table", metavar="DB.TABLE")
    p.add_argument("--save", metavar="NAME", help="save it as a ruleset attached to the table")
    p = sub("list", "Saved rulesets.")
    p.add_argument("--table", metavar="DB.TABLE", help="only those attached to this table")
    p = sub("show", "A saved ruleset: its DQDL, target and GX suite.")
    p.add_argument("name", metavar="RULESET")
    p = sub("delete", "Delete a saved ruleset.")
    p.add_argument("name", metavar="RULESET")
    p = sub(
        "validate", "Check a ruleset file without data (exit status 1 with line:column errors)."
    )
    p.add_argument("file", metavar="FILE", help="the ruleset; - reads standard input")
    p = sub("save", "Save a ruleset file under a name, attached to a table.")
    p.add_argument("name", metavar="RULESET")
    p.add_argument(
        "--file", required=True, metavar="FILE", help="the ruleset; - reads standard input"
    )
    p.add_argument("--table", metavar="DB.TABLE", help="the table it checks")
    p.add_argument("--description")


# -- running


@dataclass
class Inputs:
    """What a command evaluates: the data (a table name or a DataFrame) and its references."""

    data: Any
    references: dict[str, Any]
    target: str | None


def _inputs(args: argparse.Namespace, namespace: Mapping[str, Any] | None) -> Inputs:
    df_var = getattr(args, "df", None)
    if args.table and df_var:
        raise InvalidInputError("give --table or --df, not both")
    data: Any = args.table
    target = args.target
    if df_var:
        data = _variable(namespace, df_var, "--df")
        target = target or f"dataframe:{df_var}"
    references: dict[str, Any] = {}
    for item in args.reference:
        alias, eq, value = item.partition("=")
        if not eq or not alias.strip() or not value.strip():
            raise InvalidInputError(f"--reference takes ALIAS=DB.TABLE, got {item!r}")
        value = value.strip()
        if namespace is not None and value.isidentifier() and value in namespace:
            references[alias.strip()] = namespace[value]
        else:
            references[alias.strip()] = value
    return Inputs(data, references, target)


def _variable(namespace: Mapping[str, Any] | None, name: str, option: str) -> Any:
    if namespace is None or not name.isidentifier() or name not in namespace:
        raise InvalidInputError(f"{option} {name}: no such variable in the notebook")
    return namespace[name]


def _uses_spark(data: Any) -> bool:
    return isinstance(data, str) or type(data).__module__.startswith("pyspark.")


def _scoped(scope: Scope | None, data: Any, what: str) -> AbstractContextManager[Any]:
    if scope is not None and _uses_spark(data):
        return scope(what)
    return contextlib.nullcontext()


def run_dq_cell(
    catalog: Catalog,
    args: argparse.Namespace,
    body: str,
    namespace: Mapping[str, Any] | None = None,
    scope: Scope | None = None,
) -> Result:
    """``%%dq``: evaluate the body (or the saved ruleset --name) on --table / --df; without data,
    validate it; with --save, save it first."""
    from glue_magics.quality import api

    inputs = _inputs(args, namespace)
    text = body.strip()
    if not _content(text):
        if not args.name:
            raise InvalidInputError(
                "write a DQDL ruleset in the cell, or give --name of a saved one"
            )
        if args.save:
            raise InvalidInputError("--save needs a ruleset in the cell body")
        return _run_saved(catalog, args.name, inputs, args, scope)
    if args.save:
        if not args.name:
            raise InvalidInputError("--save needs --name: the ruleset's name")
        api.save_ruleset(catalog, args.name, text, target=args.table, description=args.description)
    if inputs.data is None:
        return _describe_ruleset(text, saved=args.name if args.save else None)
    return _evaluate(catalog, inputs, text, args.name, args, scope)


def _evaluate(
    catalog: Catalog,
    inputs: Inputs,
    text: Any,
    name: str | None,
    args: argparse.Namespace,
    scope: Scope | None,
) -> Result:
    from glue_magics.quality import api

    with _scoped(scope, inputs.data, "%%dq"):
        result = api.evaluate(
            inputs.data,
            text,
            catalog=catalog,
            target=inputs.target,
            ruleset_name=name,
            references=inputs.references,
            store=not args.no_store,
            row_level=bool(getattr(args, "row_level", None)),
            use_gx=not args.no_gx,
        )
    return quality_report(result)


def _run_saved(
    catalog: Catalog, name: str, inputs: Inputs, args: argparse.Namespace, scope: Scope | None
) -> Result:
    saved = catalog.get_ruleset(name)
    if inputs.data is None:
        if saved.target is None:
            raise InvalidInputError(f"ruleset {name!r} is attached to no table: give --table")
        inputs = Inputs(saved.target, inputs.references, inputs.target)
    body: Any = saved.dqdl if saved.dqdl is not None else saved.gx_suite
    return _evaluate(catalog, inputs, body, saved.name, args, scope)


def run_dq_command(
    catalog: Catalog,
    args: argparse.Namespace,
    namespace: Mapping[str, Any] | None = None,
    scope: Scope | None = None,
) -> Result:
    from glue_magics.quality import api

    command = args.command
    if command == "run":
        return _run_saved(catalog, args.name, _inputs(args, namespace), args, scope)
    if command == "eval":
        text = read_ruleset(args.file)
        inputs = _inputs(args, namespace)
        if inputs.data is None:
            raise InvalidInputError("dq eval needs --table DB.TABLE: the data to check")
        if args.save:
            if not args.name:
                raise InvalidInputError("--save needs --name: the ruleset's name")
            api.save_ruleset(
                catalog, args.name, text, target=args.table, description=args.description
            )
        return _evaluate(catalog, inputs, text, args.name, args, scope)
    if command == "history":
        return _history(catalog, args)
    if command == "recommend":
        from glue_magics.quality.recommendations import recommend

        with _scoped(scope, args.table, "%dq recommend"):
            text = recommend(catalog, args.table)
        if args.save:
            api.save_ruleset(catalog, args.save, text, target=args.table)
        note = f"saved as ruleset {args.save}" if args.save else None
        return _describe_ruleset(
            text, saved=args.save, title=f"recommended for {args.table}", note=note
        )
    if command == "list":
        return _list(catalog, args.table)
    if command == "show":
        return _show(catalog, args.name)
    if command == "delete":
        catalog.delete_ruleset(args.name)
        return MessageResult(f"deleted ruleset {args.name}")
    if command == "validate":
        return validate_file(args.file)
    if command == "save":
        text = read_ruleset(args.file)
        saved = api.save_ruleset(
            catalog, args.name, text, target=args.table, description=args.description
        )
        where = f", attached to {saved.target}" if saved.target else ""
        return MessageResult(f"saved ruleset {saved.name}{where}", data=_ruleset_json(saved))
    raise InvalidInputError(f"unknown dq command {command!r}")


def _content(text: str) -> str:
    """The text without comment lines: a cell of only comments runs the saved --name ruleset."""
    return "\n".join(x for x in text.splitlines() if x.strip() and not x.strip().startswith("#"))


def read_ruleset(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError as exc:
        raise InvalidInputError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InvalidInputError(f"{path} is not UTF-8 text") from None


def validate_file(path: str) -> Result:
    """Parse a ruleset file; every problem raises as ``FILE:LINE:COLUMN: message`` lines."""
    from glue_magics.quality.api import is_gx_suite
    from glue_magics.quality.dqdl import DQDLError, parse

    text = read_ruleset(path)
    source = "<stdin>" if path == "-" else path
    if is_gx_suite(text):
        from glue_magics.quality.gx import bridge

        suite = bridge().suite(text)
        return MessageResult(f"{source}: valid GX suite, {len(suite.expectations)} expectation(s)")
    try:
        ruleset = parse(text, source)
    except DQDLError as err:
        raise RulesetInvalid("\n".join(err.lines())) from None
    return MessageResult(
        f"{source}: valid, {len(ruleset.rules)} rule(s), {len(ruleset.analyzers)} analyzer(s)",
        data={"valid": True, "rules": len(ruleset.rules), "analyzers": len(ruleset.analyzers)},
    )


# -- rendering

_BADGE = {
    "PASS": "background:#1a7f37;color:#fff",
    "FAIL": "background:#cf222e;color:#fff",
    "ERROR": "background:#9a6700;color:#fff",
}


def _badge(outcome: str) -> str:
    style = _BADGE.get(outcome, "background:#6e7781;color:#fff")
    return (
        f'<span style="{style};border-radius:8px;padding:1px 7px;font-weight:bold">'
        f"{html.escape(outcome)}</span>"
    )


class QualityReport(DetailResult):
    """An evaluation: summary fields, then rules with PASS / FAIL / ERROR badges. ``-o VAR`` gets
    the rules as a DataFrame with Glue's columns (Rule, Outcome, FailureReason, EvaluatedMetrics)."""

    result: Any = None

    def to_dataframe(self) -> Any:
        if self.result is not None:
            return self.result.to_dataframe()
        return super().to_dataframe()

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th>{html.escape(k)}</th><td>{html.escape(_cell(v))}</td></tr>"
            for k, v in self.fields
        )
        parts = [f"<table><caption>{html.escape(self.title)}</caption>{rows}</table>"]
        for section in self.sections:
            head = "".join(f"<th>{html.escape(c)}</th>" for c in section.columns)
            body = []
            for row in section.rows:
                cells = []
                for name, value in zip(section.columns, row, strict=True):
                    shown = _badge(str(value)) if name == "Outcome" else html.escape(_cell(value))
                    cells.append(f"<td>{shown}</td>")
                body.append("<tr>" + "".join(cells) + "</tr>")
            caption = f"<caption>{html.escape(section.title)}</caption>" if section.title else ""
            parts.append(
                f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            )
        return f'{_STYLE}<div class="glue-magics">{"".join(parts)}</div>'


def _metrics_text(metrics: Mapping[str, float]) -> str:
    return ", ".join(f"{k}={_short(v)}" for k, v in metrics.items())


def _short(value: float) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def quality_report(result: Any) -> QualityReport:
    counts = result.counts()
    fields: list[tuple[str, Any]] = [
        (
            "score",
            f"{result.score:.2f} ({counts['rules_passed']} of {len(result.rules)} rules passed)",
        ),
        ("target", result.target),
        ("ruleset", result.ruleset_name),
        ("engine", result.engine + (" (GX suite)" if result.source == "gx" else "")),
        ("failed / errors", f"{counts['rules_failed']} / {counts['rules_errored']}"),
        ("recorded", f"run {result.run_id}" if result.stored else "no"),
        ("seconds", round(result.seconds or 0.0, 3)),
    ]
    rules = TableResult(
        title="Rules",
        columns=["Rule", "Outcome", "FailureReason", "EvaluatedMetrics"],
        rows=[
            [r.rule, r.outcome, r.failure_reason or r.message, _metrics_text(r.evaluated_metrics)]
            for r in result.rules
        ],
    )
    sections = [rules]
    if result.analyzers:
        sections.append(
            TableResult(
                title="Analyzers",
                columns=["Analyzer", "EvaluatedMetrics"],
                rows=[[a.analyzer, _metrics_text(a.evaluated_metrics)] for a in result.analyzers],
            )
        )
    data = {
        **result.summary(),
        "rules": [r.to_record() for r in result.rules],
        "analyzers": [a.to_record() for a in result.analyzers],
    }
    report = QualityReport(
        title=f"data quality of {result.target or 'data'}",
        fields=fields,
        sections=sections,
        data=data,
    )
    report.result = result
    return report


def _describe_ruleset(
    text: str, *, saved: str | None = None, title: str | None = None, note: str | None = None
) -> DetailResult:
    from glue_magics.quality.api import is_gx_suite
    from glue_magics.quality.dqdl import parse

    if is_gx_suite(text):
        from glue_magics.quality.gx import bridge

        suite = bridge().suite(text)
        rows = [[type(e).__name__, "expectation"] for e in suite.expectations]
        kind = "GX suite"
    else:
        ruleset = parse(text)
        rows = [[n.text, "rule"] for n in ruleset.rules] + [
            [a.text, "analyzer"] for a in ruleset.analyzers
        ]
        kind = "DQDL"
    fields: list[tuple[str, Any]] = [("valid", f"yes ({kind}, {len(rows)} entries)")]
    if saved:
        fields.append(("saved as", saved))
    if note:
        fields.append(("note", note))
    section = TableResult(title="Ruleset", columns=["entry", "kind"], rows=rows)
    return DetailResult(
        title=title or "ruleset",
        fields=fields,
        sections=[section],
        data={"dqdl": text, "saved": saved},
    )


def _ruleset_json(saved: Any) -> dict[str, Any]:
    return {
        "name": saved.name,
        "target": saved.target,
        "description": saved.description,
        "dqdl": saved.dqdl,
        "gx_suite": saved.gx_suite,
        "created_at": saved.created_at,
        "updated_at": saved.updated_at,
    }


def _list(catalog: Catalog, table: str | None) -> TableResult:
    rulesets = catalog.list_rulesets(table)
    return TableResult(
        columns=["ruleset", "target", "rules", "GX expectations", "updated", "description"],
        rows=[
            [
                r.name,
                r.target,
                _rule_count(r.dqdl),
                len((r.gx_suite or {}).get("expectations", [])) if r.gx_suite else None,
                r.updated_at,
                r.description,
            ]
            for r in rulesets
        ],
        data=[_ruleset_json(r) for r in rulesets],
    )


def _rule_count(dqdl: str | None) -> int | None:
    if dqdl is None:
        return None
    from glue_magics.quality.dqdl import parse

    return len(parse(dqdl).rules)


def _show(catalog: Catalog, name: str) -> DetailResult:
    saved = catalog.get_ruleset(name)
    fields: list[tuple[str, Any]] = [
        ("target", saved.target),
        ("description", saved.description),
        ("created", saved.created_at),
        ("updated", saved.updated_at),
    ]
    sections = []
    if saved.dqdl is not None:
        sections.append(
            TableResult(title="DQDL", columns=["line"], rows=[[x] for x in saved.dqdl.splitlines()])
        )
    if saved.gx_suite:
        items = saved.gx_suite.get("expectations", [])
        sections.append(
            TableResult(
                title="Great Expectations suite",
                columns=["type", "kwargs", "DQDL rule"],
                rows=[
                    [
                        e.get("type"),
                        json.dumps(e.get("kwargs", {})),
                        (e.get("meta") or {}).get("dqdl"),
                    ]
                    for e in items
                ],
            )
        )
    return DetailResult(
        title=f"ruleset {saved.name}", fields=fields, sections=sections, data=_ruleset_json(saved)
    )


def _history(catalog: Catalog, args: argparse.Namespace) -> TableResult:
    from glue_magics.quality.api import history

    results = history(catalog, args.target, ruleset=args.ruleset, limit=args.limit)
    columns = ["evaluated", "ruleset", "score", "passed", "failed", "errors", "run"]
    if args.metric:
        columns.append(args.metric)
    rows = []
    data = []
    for r in results:
        rules = [x for x in r.rules if isinstance(x, dict) and "Outcome" in x]
        outcomes = [x["Outcome"] for x in rules]
        row: list[Any] = [
            r.evaluated_at,
            r.ruleset,
            round(r.score, 4),
            outcomes.count("PASS"),
            outcomes.count("FAIL"),
            outcomes.count("ERROR"),
            r.run_id,
        ]
        if args.metric:
            row.append(_metric(r.rules, args.metric))
        rows.append(row)
        data.append(
            {
                "evaluated_at": r.evaluated_at,
                "ruleset": r.ruleset,
                "score": r.score,
                "run_id": r.run_id,
                "rules": r.rules,
            }
        )
    return TableResult(
        title=f"data-quality history of {args.target}", columns=columns, rows=rows, data=data
    )


def _metric(records: list[Any], key: str) -> float | None:
    for record in records:
        metrics = record.get("EvaluatedMetrics") if isinstance(record, dict) else None
        if isinstance(metrics, dict) and key in metrics:
            value = metrics[key]
            return float(value) if isinstance(value, (int, float)) else None
    return None


@contextlib.contextmanager
def no_scope(what: str) -> Iterator[None]:
    yield
