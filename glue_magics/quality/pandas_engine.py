"""Metrics and row-level checks on a pandas DataFrame, with the same semantics as the Spark engine.

SQL (where clauses, CustomSql) runs in an in-memory SQLite database holding the data as table
``primary`` (and the reference aliases), so it is SQLite's dialect, not Spark's.
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from glue_magics.quality.model import (
    BOOLEAN,
    NUMERIC,
    OTHER,
    TEMPORAL,
    TEXT,
    Age,
    Agg,
    And,
    Blank,
    Castable,
    Compare,
    DateValue,
    Freq,
    FreqStats,
    InSet,
    IsNull,
    Length,
    Matches,
    Not,
    Or,
    Pred,
    Sql,
    Value,
    freq_stats,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

_INT_RANGES = {
    "integer": (-(2**31), 2**31 - 1),
    "int": (-(2**31), 2**31 - 1),
    "long": (-(2**63), 2**63 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-128, 127),
}
_TRUE_FALSE = {"true", "false", "t", "f", "yes", "no", "y", "n", "1", "0"}
_PRIMARY = re.compile(r"(\"[^\"]*\"|'[^']*'|`[^`]*`)|\bprimary\b", re.IGNORECASE)


class PandasEngine:
    kind = "pandas"

    def __init__(self, df: pd.DataFrame) -> None:
        self.df = df.reset_index(drop=True)
        self._labels = {str(c): c for c in self.df.columns}
        self.columns = list(self._labels)
        self._db: sqlite3.Connection | None = None
        self._db_views: tuple[str, ...] = ()
        self._masks: dict[str, np.ndarray] = {}

    # -- schema
    def resolve(self, name: str) -> str | None:
        if name in self._labels:
            return name
        lower = name.lower()
        return next((c for c in self.columns if c.lower() == lower), None)

    def series(self, name: str) -> pd.Series:
        return self.df[self._labels[name]]

    def family(self, name: str) -> str:
        import pandas as pd

        s = self.series(name)
        if pd.api.types.is_bool_dtype(s):
            return BOOLEAN
        if pd.api.types.is_numeric_dtype(s):
            return NUMERIC
        if pd.api.types.is_datetime64_any_dtype(s):
            return TEMPORAL
        if pd.api.types.is_string_dtype(s) or s.dtype == object:
            from datetime import date
            from decimal import Decimal

            first = next((v for v in s if v is not None and v == v), None)
            if first is None or isinstance(first, str):
                return TEXT
            if isinstance(first, date):
                return TEMPORAL
            if isinstance(first, (Decimal, int, float)):
                return NUMERIC
            if isinstance(first, bool):
                return BOOLEAN
        return OTHER

    def type_name(self, name: str) -> str:
        """Spark's name for the column's type, so SchemaMatch compares like with like."""
        import pandas as pd

        s = self.series(name)
        family = self.family(name)
        if family == BOOLEAN:
            return "boolean"
        if family == NUMERIC:
            if pd.api.types.is_integer_dtype(s):
                return {1: "tinyint", 2: "smallint", 4: "int"}.get(s.dtype.itemsize, "bigint")
            if pd.api.types.is_float_dtype(s):
                return "float" if s.dtype.itemsize == 4 else "double"
            return "decimal"
        if family == TEMPORAL:
            return "timestamp" if pd.api.types.is_datetime64_any_dtype(s) else "date"
        if family == TEXT:
            return "string"
        return str(s.dtype)

    # -- compiling
    def value(self, v: Value) -> pd.Series:
        import pandas as pd

        if isinstance(v, Length):
            return self.series(v.name).astype("string").str.len().fillna(0).astype("int64")
        if isinstance(v, Age):
            ts = self._timestamp(v.name)
            return v.now - ts.map(lambda t: t.timestamp() if t is not pd.NaT else math.nan)
        s = self.series(v.name)
        if v.as_type == "double":
            if self.family(v.name) == NUMERIC:
                return pd.to_numeric(s, errors="coerce").astype("float64")
            return pd.to_numeric(s, errors="coerce")
        if v.as_type == "timestamp":
            return self._timestamp(v.name)
        if v.as_type == "string":
            return s.astype("string")
        return s

    def _timestamp(self, name: str) -> pd.Series:
        import pandas as pd

        s = self.series(name)
        if pd.api.types.is_datetime64_any_dtype(s):
            out = pd.to_datetime(s)
        else:
            out = pd.to_datetime(s, errors="coerce", format="mixed")
        if getattr(out.dt, "tz", None) is None:
            out = out.dt.tz_localize("UTC")
        return out.dt.tz_convert("UTC")

    @staticmethod
    def literal(x: object) -> object:
        import pandas as pd

        if isinstance(x, DateValue):
            return pd.Timestamp(x.epoch, unit="s", tz="UTC")
        return x

    def pred(self, p: Pred) -> np.ndarray:
        import numpy as np

        n = len(self.df)
        if isinstance(p, Not):
            return ~self.pred(p.pred)
        if isinstance(p, And):
            out = np.ones(n, dtype=bool)
            for q in p.preds:
                out &= self.pred(q)
            return out
        if isinstance(p, Or):
            out = np.zeros(n, dtype=bool)
            for q in p.preds:
                out |= self.pred(q)
            return out
        return self._leaf(p)

    def _leaf(self, p: Pred) -> np.ndarray:
        import numpy as np
        import pandas as pd

        def clean(values: Any) -> np.ndarray:
            arr = pd.Series(values).fillna(False).to_numpy()
            return np.asarray(arr, dtype=bool)

        if isinstance(p, IsNull):
            return np.asarray(self.series(p.name).isna().to_numpy(), dtype=bool)
        if isinstance(p, Compare):
            left = self.value(p.value)
            right = self.literal(p.literal)
            present = left.notna().to_numpy()
            with np.errstate(invalid="ignore"):
                try:
                    result = {
                        ">": lambda: left > right,
                        ">=": lambda: left >= right,
                        "<": lambda: left < right,
                        "<=": lambda: left <= right,
                        "=": lambda: left == right,
                        "!=": lambda: left != right,
                    }[p.op]()
                except TypeError:
                    return np.zeros(len(left), dtype=bool)
            return clean(result) & present
        if isinstance(p, InSet):
            left = self.value(p.value)
            values = [self.literal(v) for v in p.values]
            return clean(left.isin(values)) & left.notna().to_numpy()
        if isinstance(p, Matches):
            s = self.series(p.name)
            text = s.map(lambda x: None if _missing(x) else str(x)).astype("string")
            return clean(text.str.contains(p.pattern, regex=True, na=False))
        if isinstance(p, Blank):
            s = self.series(p.name)
            text = s.map(lambda x: None if _missing(x) else str(x)).astype("string")
            if p.whitespace_only:
                return clean(text.str.fullmatch(r"\s+", na=False))
            return clean(text == "")
        if isinstance(p, Castable):
            return self._castable(p.name, p.type.lower())
        if isinstance(p, Sql):
            return self.mask(p.text)
        raise TypeError(f"not a predicate: {p!r}")

    def _castable(self, name: str, type_: str) -> np.ndarray:
        import numpy as np
        import pandas as pd

        s = self.series(name)
        null = s.isna().to_numpy()
        family = self.family(name)
        if type_ == "string":
            return np.ones(len(s), dtype=bool)
        if type_ in _INT_RANGES:
            low, high = _INT_RANGES[type_]
            if family == TEXT:
                text = s.astype("string").str.strip()
                whole = text.str.fullmatch(r"[+-]?\d+", na=False).to_numpy()
                numbers = pd.to_numeric(text.where(whole), errors="coerce")
            else:
                numbers = pd.to_numeric(s, errors="coerce")
                whole = numbers.notna().to_numpy()
            inside = ((numbers >= low) & (numbers <= high)).fillna(False).to_numpy(dtype=bool)
            return null | (whole & inside)
        if type_ in ("double", "float", "decimal"):
            return null | pd.to_numeric(s, errors="coerce").notna().to_numpy()
        if type_ == "boolean":
            if family in (BOOLEAN, NUMERIC):
                return np.ones(len(s), dtype=bool)
            ok = s.astype("string").str.strip().str.lower().isin(_TRUE_FALSE)
            return null | ok.fillna(False).to_numpy(dtype=bool)
        if type_ in ("date", "timestamp"):
            return null | self._timestamp(name).notna().to_numpy()
        return np.ones(len(s), dtype=bool)

    # -- SQL through SQLite
    def _database(self, views: dict[str, PandasEngine] | None = None) -> sqlite3.Connection:
        names = tuple(sorted((views or {}).keys()))
        if self._db is None or not set(names) <= set(self._db_views):
            if self._db is not None:
                self._db.close()
            db = sqlite3.connect(":memory:")
            _load(db, "primary", self.df)
            for alias, engine in (views or {}).items():
                _load(db, alias, engine.df)
            self._db, self._db_views = db, names
        return self._db

    def mask(self, where: str) -> np.ndarray:
        """Rows where the SQL predicate holds (NULL: no)."""
        import numpy as np

        if where not in self._masks:
            db = self._database()
            rows = db.execute(
                f'SELECT CASE WHEN ({where}) THEN 1 ELSE 0 END FROM "primary" ORDER BY rowid'
            ).fetchall()
            self._masks[where] = np.asarray([r[0] == 1 for r in rows], dtype=bool)
        return self._masks[where]

    def sql(self, query: str, views: dict[str, PandasEngine]) -> list[tuple[Any, ...]]:
        db = self._database(views)
        return [tuple(r) for r in db.execute(quote_primary(query)).fetchmany(1000)]

    def sql_count(self, query: str, views: dict[str, PandasEngine]) -> int:
        db = self._database(views)
        return int(db.execute(f"SELECT count(*) FROM ({quote_primary(query)})").fetchone()[0])

    def _sql_frame(self, query: str, views: dict[str, PandasEngine]) -> pd.DataFrame:
        import pandas as pd

        db = self._database(views)
        cursor = db.execute(quote_primary(query))
        names = [d[0] for d in cursor.description or []]
        return pd.DataFrame(cursor.fetchall(), columns=names)

    # -- metrics
    def _scope(self, where: str | None) -> np.ndarray:
        import numpy as np

        return np.ones(len(self.df), dtype=bool) if where is None else self.mask(where)

    def _agg(self, a: Agg) -> Any:
        import pandas as pd

        scope = self._scope(a.where)
        if a.fn == "rows":
            return int(scope.sum())
        if a.fn == "count_if":
            assert a.pred is not None
            return int((scope & self.pred(a.pred)).sum())
        assert a.arg is not None
        v = self.value(a.arg)[scope]
        if a.fn == "nonnull":
            return int(v.notna().sum())
        if a.fn == "corr":
            assert a.arg2 is not None
            w = pd.to_numeric(self.value(a.arg2)[scope], errors="coerce")
            pair = pd.DataFrame({"a": pd.to_numeric(v, errors="coerce"), "b": w}).dropna()
            if len(pair) < 2:
                return None
            value = pair["a"].corr(pair["b"])
            return None if value != value else float(value)
        values = v.dropna()
        if a.fn in ("min", "max"):
            if values.empty:
                return None
            out = values.min() if a.fn == "min" else values.max()
            return _python(out)
        numbers = pd.to_numeric(values, errors="coerce").dropna().astype("float64")
        if numbers.empty:
            return None
        if a.fn == "sum":
            total = pd.to_numeric(values, errors="coerce").dropna().sum()
            return _python(total)
        if a.fn == "mean":
            return float(numbers.mean())
        if a.fn == "stddev":
            return float(numbers.std(ddof=0))
        if a.fn == "variance":
            return float(numbers.var(ddof=0))
        raise ValueError(f"unknown aggregate {a.fn}")

    def _freq(self, f: Freq) -> FreqStats:
        import numpy as np

        frame = self.df[[self._labels[c] for c in f.columns]][self._scope(f.where)]
        frame = frame[frame.notna().any(axis=1)]
        if frame.empty:
            return freq_stats(0, 0, 0, 0.0)
        counts = frame.groupby(list(frame.columns), dropna=False).size().to_numpy()
        return freq_stats(
            int(counts.sum()),
            len(counts),
            int((counts == 1).sum()),
            float((counts * np.log(counts)).sum()),
        )

    def compute(
        self, aggs: Sequence[Agg], freqs: Sequence[Freq]
    ) -> tuple[dict[Agg, Any], dict[Freq, FreqStats], dict[object, str]]:
        values: dict[Agg, Any] = {}
        stats: dict[Freq, FreqStats] = {}
        errors: dict[object, str] = {}
        for a in dict.fromkeys(aggs):
            try:
                values[a] = self._agg(a)
            except Exception as exc:
                errors[a] = _message(exc)
        for f in dict.fromkeys(freqs):
            try:
                stats[f] = self._freq(f)
            except Exception as exc:
                errors[f] = _message(exc)
        return values, stats, errors

    def first_value(self, value: Value, pred: Pred, where: str | None) -> Any:
        """A non-NULL value (as text) from a row where ``pred`` holds, else None (NULL)."""
        hits = self.value(value)[self._scope(where) & self.pred(pred)]
        hits = hits[hits.notna()]
        return None if hits.empty else str(hits.iloc[0])

    def row_count(self) -> int:
        return len(self.df)

    def key_fraction_present(
        self, columns: list[str], other: PandasEngine, other_columns: list[str]
    ) -> tuple[int, int]:
        present = self._members(columns, other.df[[other._labels[c] for c in other_columns]])
        return int(present.sum()), len(self.df)

    def _members(self, columns: list[str], keys: pd.DataFrame) -> np.ndarray:
        import numpy as np
        import pandas as pd

        mine = self.df[[self._labels[c] for c in columns]].copy()
        mine.columns = [f"k{i}" for i in range(len(columns))]
        keys = keys.copy()
        keys.columns = [f"k{i}" for i in range(len(keys.columns))]
        keys = keys.dropna().drop_duplicates()
        keys["__found"] = True
        merged = mine.merge(keys, how="left", on=list(mine.columns))
        found = merged["__found"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        complete = mine.notna().all(axis=1).to_numpy()
        _ = pd
        return np.asarray(found & complete, dtype=bool)

    def dataset_match(
        self, other: PandasEngine, keys: list[tuple[str, str]], matches: list[tuple[str, str]]
    ) -> tuple[int, int, str | None]:
        import pandas as pd

        mine = pd.DataFrame(
            {f"k{i}": self.series(a) for i, (a, _) in enumerate(keys)}
            | {f"v{i}": self.series(a) for i, (a, _) in enumerate(matches)}
        )
        theirs = pd.DataFrame(
            {f"k{i}": other.series(b) for i, (_, b) in enumerate(keys)}
            | {f"w{i}": other.series(b) for i, (_, b) in enumerate(matches)}
        )
        kcols = [f"k{i}" for i in range(len(keys))]
        for frame in (mine, theirs):
            if frame[kcols].isna().any(axis=None) or frame.duplicated(subset=kcols).any():
                return 0, 0, "Provided key map not suitable for given data frames"
        merged = mine.merge(theirs, how="left", on=kcols, indicator=True)
        same = merged["_merge"] == "both"
        for i in range(len(matches)):
            a, b = merged[f"v{i}"], merged[f"w{i}"]
            same &= (a == b) | (a.isna() & b.isna())
        return int(same.sum()), len(mine), None

    # -- row level
    def with_outcomes(
        self, checks: list[tuple[str, Any, str | None]], views: dict[str, PandasEngine]
    ) -> pd.DataFrame:
        import numpy as np

        n = len(self.df)
        passed: list[list[str]] = [[] for _ in range(n)]
        failed: list[list[str]] = [[] for _ in range(n)]
        skipped: list[list[str]] = [[] for _ in range(n)]
        for text, check, where in checks:
            if check is None:
                for row in skipped:
                    row.append(text)
                continue
            scope = self._scope(where)
            if isinstance(check, tuple) and check[0] == "unique":
                _, cols, complete = check
                frame = self.df[[self._labels[c] for c in cols]]
                allnull = frame.isna().all(axis=1).to_numpy()
                counts = (
                    frame.assign(__one=1)
                    .groupby(list(frame.columns), dropna=False)["__one"]
                    .transform("size")
                    .to_numpy()
                )
                once = np.asarray(counts == 1, dtype=bool)
                complete_rows = frame.notna().all(axis=1).to_numpy()
                ok = (once & complete_rows) if complete else (allnull | once)
            elif isinstance(check, tuple) and check[0] == "member":
                _, cols, source, other_cols = check
                if isinstance(source, str):
                    keys = self._sql_frame(source, views)
                    keys = keys.iloc[:, : max(1, len(other_cols))]
                else:
                    keys = source.df[[source._labels[c] for c in other_cols]]
                ok = self._members(cols, keys)
            else:
                ok = self.pred(check)
            for i in range(n):
                if not scope[i]:
                    skipped[i].append(text)
                elif ok[i]:
                    passed[i].append(text)
                else:
                    failed[i].append(text)
        out = self.df.copy()
        out["DataQualityRulesPass"] = passed
        out["DataQualityRulesFail"] = failed
        out["DataQualityRulesSkip"] = skipped
        out["DataQualityEvaluationResult"] = ["Failed" if f else "Passed" for f in failed]
        return out


def quote_primary(query: str) -> str:
    """SQLite reserves PRIMARY: quote the table name where the query uses it as one."""
    return _PRIMARY.sub(lambda m: m.group(1) or '"primary"', query)


def _load(db: sqlite3.Connection, name: str, df: pd.DataFrame) -> None:
    import pandas as pd

    frame = df.copy()
    frame.columns = [str(c) for c in frame.columns]
    for c in frame.columns:
        s = frame[c]
        if pd.api.types.is_datetime64_any_dtype(s):
            frame[c] = s.astype("string")
        elif s.dtype == object:
            frame[c] = s.map(_sqlite_value)
    frame.to_sql(name, db, index=False)


def _sqlite_value(x: Any) -> Any:
    from datetime import date, datetime
    from decimal import Decimal

    if isinstance(x, Decimal):
        return float(x)
    if isinstance(x, (date, datetime)):
        return x.isoformat(sep=" ") if isinstance(x, datetime) else x.isoformat()
    if isinstance(x, (list, dict, tuple)):
        return str(x)
    return x


def _missing(x: Any) -> bool:
    import pandas as pd

    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _python(x: Any) -> Any:
    import numpy as np

    if isinstance(x, np.generic):
        return x.item()
    from decimal import Decimal

    if isinstance(x, Decimal):
        return float(x)
    return x


def _message(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:500]


__all__ = ["OTHER", "TEMPORAL", "TEXT", "PandasEngine"]
