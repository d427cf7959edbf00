"""Job parameters: read from the notebook's cell tagged ``parameters``, typed by their defaults.

The parameters cell (papermill's convention) holds plain assignments of literals::

    rows = 100            # int
    ratio = 0.5           # float
    dry_run = False       # bool
    region = "eu"         # str
    since = None          # any literal
    tables = ["a", "b"]   # list (of these)

Run arguments given as text (``--param rows=5``) are converted to the default's type and refused,
with a one-line error, when they do not fit; nothing is ever evaluated (``ast.literal_eval`` only).
The chosen values reach the notebook as a cell of ``name = <repr>`` lines inserted after the
parameters cell (tagged ``injected-parameters``, like papermill).
"""

from __future__ import annotations

import ast
import keyword
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from glue_magics.errors import InvalidInputError

PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def type_name(value: Any) -> str:
    if value is None:
        return "None"
    return type(value).__name__


def check_literal(value: Any, where: str) -> Any:
    """``value`` if it is a plain literal: int, float (finite), bool, str, None, or lists and dicts
    (with text keys) of these; else InvalidInputError naming ``where``."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInputError(f"{where}: {value!r} is not a finite number")
        return value
    if isinstance(value, list):
        return [check_literal(v, where) for v in value]
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise InvalidInputError(f"{where}: dictionary keys must be text, got {key!r}")
        return {k: check_literal(v, where) for k, v in value.items()}
    raise InvalidInputError(
        f"{where}: {type_name(value)} values are not supported; use int, float, bool, str, None, "
        "or lists and dicts of these"
    )


def _cells(nb: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return list(nb.get("cells", []))


def _source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _tags(cell: Mapping[str, Any]) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def parameters_cell_index(nb: Mapping[str, Any]) -> int | None:
    """The index of the first code cell tagged ``parameters``, or None."""
    for index, cell in enumerate(_cells(nb)):
        if cell.get("cell_type") == "code" and PARAMETERS_TAG in _tags(cell):
            return index
    return None


def read_parameters(nb: Mapping[str, Any]) -> dict[str, Any]:
    """The defaults assigned in the notebook's parameters cell ({} without one)."""
    index = parameters_cell_index(nb)
    if index is None:
        return {}
    source = _source(_cells(nb)[index])
    # Magics (%...) and shell escapes are not Python; the parameters cell must be plain Python.
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise InvalidInputError(
            f"the parameters cell has a syntax error on line {exc.lineno}: {exc.msg}"
        ) from None
    params: dict[str, Any] = {}
    for node in tree.body:
        where = f"the parameters cell, line {node.lineno}"
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # a docstring or a bare literal
        else:
            raise InvalidInputError(
                f"{where}: only 'name = literal' assignments are allowed in the parameters cell"
            )
        if not isinstance(target, ast.Name):
            raise InvalidInputError(f"{where}: assign to a plain name")
        try:
            literal = ast.literal_eval(value)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            raise InvalidInputError(
                f"{where}: the default of {target.id!r} is not a literal (numbers, text, "
                "True/False/None, lists and dicts of these)"
            ) from None
        params[target.id] = check_literal(literal, f"{where}, parameter {target.id!r}")
    return params


def check_key(key: object) -> str:
    if not isinstance(key, str) or not key.isidentifier() or keyword.iskeyword(key):
        raise InvalidInputError(f"invalid parameter name {key!r}: use a Python variable name")
    return key


def parse_assignments(items: Iterable[str] | None, what: str = "--param") -> dict[str, str]:
    """``["rows=5", "region=eu"]`` -> ``{"rows": "5", "region": "eu"}`` (values stay text)."""
    result: dict[str, str] = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        if not sep:
            raise InvalidInputError(f"{what} {item!r}: write KEY=VALUE")
        key = key.strip()
        check_key(key)
        if key in result:
            raise InvalidInputError(f"{what}: {key!r} is given twice")
        result[key] = value
    return result


def _literal(text: str) -> Any:
    try:
        return ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        raise ValueError(text) from None


def coerce(key: str, value: Any, default: Any) -> Any:
    """``value`` (text from a command line, or an already typed value) as the type of ``default``.

    InvalidInputError with a one-line message when it does not fit.
    """
    expected = type_name(default)
    where = f"parameter {key!r}"

    def bad(reason: str = "") -> InvalidInputError:
        shown = value if isinstance(value, str) else repr(value)
        return InvalidInputError(
            f"invalid value for {where}: {shown!r} is not {_a(expected)}"
            f"{reason} (default {default!r})"
        )

    if not isinstance(value, str):
        # Typed values (from Python or JSON): the same type, an int for a float, or anything
        # literal for a None default.
        check_literal(value, where)
        if default is None or type(value) is type(default):
            return value
        if isinstance(default, float) and type(value) is int:
            return float(value)
        raise bad()
    text = value
    if isinstance(default, bool):
        if text.strip().lower() in _TRUE:
            return True
        if text.strip().lower() in _FALSE:
            return False
        raise bad("; use true or false")
    if isinstance(default, int):
        stripped = text.strip()
        if not re.fullmatch(r"[+-]?[0-9]+", stripped):
            raise bad()
        return int(stripped)
    if isinstance(default, float):
        try:
            number = float(text.strip())
        except ValueError:
            raise bad() from None
        if not math.isfinite(number):
            raise bad("; it must be finite")
        return number
    if isinstance(default, str):
        return text
    if default is None:
        # No type to follow: a literal if it reads as one, else the text itself.
        try:
            return check_literal(_literal(text), where)
        except (ValueError, InvalidInputError):
            return text
    # list or dict: a Python/JSON literal of the same container type.
    try:
        parsed = _literal(text)
    except ValueError:
        raise bad("; write it as a literal, e.g. [1, 2] or {'k': 'v'}") from None
    if type(parsed) is not type(default):
        raise bad()
    return check_literal(parsed, where)


def _a(name: str) -> str:
    return {"int": "an int", "None": "None"}.get(name, f"a {name}")


def resolve_arguments(
    defaults: Mapping[str, Any],
    run_args: Mapping[str, Any] | None = None,
    fixed: Mapping[str, Any] | None = None,
    *,
    allow_extra: bool = False,
) -> dict[str, Any]:
    """The values a run gets, Glue's precedence: defaults < run arguments < fixed arguments.

    ``defaults`` are the job's (the notebook's parameters cell with the job's default
    arguments applied); ``fixed`` are its non-overridable arguments, typed already. A run argument
    must name a parameter of the notebook unless the job allows extra parameters (then it is
    kept as text, or as given).
    """
    result = dict(defaults)
    result.update(
        typed_arguments(
            run_args or {},
            defaults,
            allow_extra=allow_extra,
            unknown="unknown parameter {key!r}: the notebook's parameters are {known} "
            "(promote with --allow-extra-params to accept others)",
        )
    )
    result.update(fixed or {})
    return result


def typed_arguments(
    given: Mapping[str, Any], defaults: Mapping[str, Any], *, allow_extra: bool, unknown: str
) -> dict[str, Any]:
    """``given`` typed like ``defaults``; a key the notebook lacks is refused with ``unknown``
    (formatted with ``key`` and ``known``) unless ``allow_extra``."""
    result = {}
    for key, value in given.items():
        check_key(key)
        if key in defaults:
            result[key] = coerce(key, value, defaults[key])
        elif allow_extra:
            result[key] = check_literal(value, f"parameter {key!r}")
        else:
            known = ", ".join(sorted(defaults)) or "none"
            raise InvalidInputError(unknown.format(key=key, known=known))
    return result


def injected_source(arguments: Mapping[str, Any], header: str) -> str:
    """The injected cell: one ``name = <repr>`` line per argument (values checked literals)."""
    lines = [f"# {header}"]
    for key, value in arguments.items():
        check_key(key)
        lines.append(f"{key} = {check_literal(value, f'parameter {key!r}')!r}")
    return "\n".join(lines) + "\n"


def inject(nb: Any, arguments: Mapping[str, Any], header: str) -> int:
    """Insert the injected-parameters cell into ``nb`` (an nbformat NotebookNode), after the
    parameters cell or first; an injected cell already there is replaced. Returns its index."""
    from nbformat.v4 import new_code_cell

    nb.cells = [c for c in nb.cells if INJECTED_TAG not in _tags(c)]
    index = parameters_cell_index(nb)
    position = 0 if index is None else index + 1
    cell = new_code_cell(injected_source(arguments, header))
    cell.metadata["tags"] = [INJECTED_TAG]
    nb.cells.insert(position, cell)
    return position
