"""Results of front-end commands, rendered as notebook HTML, terminal text, JSON or a DataFrame.

Kept free of pandas and SQLAlchemy imports so that loading the extension stays fast.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

_STYLE = (
    "<style>.glue-magics table{border-collapse:collapse;font-size:12px}"
    ".glue-magics th,.glue-magics td{padding:2px 8px;text-align:left;vertical-align:top}"
    ".glue-magics caption{text-align:left;font-weight:bold;padding:4px 0}"
    ".glue-magics .gm-muted{opacity:.7}</style>"
)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_cell(v)}" for k, v in value.items())
    return str(value)


def _text_table(columns: list[str], rows: list[list[Any]]) -> str:
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def _html_table(title: str | None, columns: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row) + "</tr>" for row in rows
    )
    caption = f"<caption>{html.escape(title)}</caption>" if title else ""
    return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


@dataclass
class TableResult:
    """Rows under named columns: a listing."""

    columns: list[str]
    rows: list[list[Any]]
    title: str | None = None
    data: Any = None
    footer: str | None = None

    def to_dataframe(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns)

    def to_json(self) -> Any:
        if self.data is not None:
            return self.data
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def __str__(self) -> str:
        parts = [self.title] if self.title else []
        parts.append(_text_table(self.columns, self.rows) if self.rows else "(none)")
        if self.footer:
            parts.append(self.footer)
        return "\n".join(parts)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        table = _html_table(self.title, self.columns, self.rows) if self.rows else "<p>(none)</p>"
        footer = f'<p class="gm-muted">{html.escape(self.footer)}</p>' if self.footer else ""
        return f'{_STYLE}<div class="glue-magics">{table}{footer}</div>'


@dataclass
class DetailResult:
    """One object: a list of fields, then sections (e.g. its columns)."""

    title: str
    fields: list[tuple[str, Any]]
    sections: list[TableResult] = field(default_factory=list)
    data: Any = None

    def to_dataframe(self) -> pd.DataFrame:
        if self.sections:
            return self.sections[0].to_dataframe()
        import pandas as pd

        return pd.DataFrame(self.fields, columns=["field", "value"])

    def to_json(self) -> Any:
        return self.data

    def __str__(self) -> str:
        width = max((len(k) for k, _ in self.fields), default=0)
        lines = [self.title] + [f"  {k.ljust(width)}  {_cell(v)}" for k, v in self.fields]
        return "\n".join(lines + ["\n" + str(s) for s in self.sections])

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th>{html.escape(k)}</th><td>{html.escape(_cell(v))}</td></tr>"
            for k, v in self.fields
        )
        fields_html = f"<table><caption>{html.escape(self.title)}</caption>{rows}</table>"
        sections = "".join(_html_table(s.title, s.columns, s.rows) for s in self.sections)
        return f'{_STYLE}<div class="glue-magics">{fields_html}{sections}</div>'


@dataclass
class MessageResult:
    """A confirmation: "created database sales"."""

    text: str
    data: Any = None

    def to_dataframe(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([{"message": self.text}])

    def to_json(self) -> Any:
        return self.data if self.data is not None else {"message": self.text}

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        return f'<div class="glue-magics">{html.escape(self.text)}</div>'


Result = TableResult | DetailResult | MessageResult


def to_json_text(result: Result) -> str:
    return json.dumps(result.to_json(), indent=2, default=_json_default, ensure_ascii=False)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (set, tuple)):
        return list(value)
    raise TypeError(f"cannot serialize {type(value).__name__}")
