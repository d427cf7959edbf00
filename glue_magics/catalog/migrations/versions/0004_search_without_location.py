"""Table search no longer matches words of the location: recompute tables.search_text.

New and updated tables get the new text from tables.search_text(); this brings every existing table in
line at once, so a search gives the same answer for old and new tables. No schema change. The words
are computed here from the stored definition with a frozen copy of the rule, so this migration does
not change when tables.py does.

Revision ID: 0004
Revises: 0003
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_BATCH = 1000
_databases = sa.table("databases", sa.column("id", sa.Integer), sa.column("name", sa.String))
_tables = sa.table(
    "tables",
    sa.column("id", sa.Integer),
    sa.column("database_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("definition", sa.JSON),
    sa.column("search_text", sa.Text),
)


def _search_text(database: str, name: str, definition: dict[str, Any], location: bool) -> str:
    words = [
        database,
        name,
        definition.get("classification") or "",
        definition.get("description") or "",
        definition.get("owner") or "",
    ]
    if location:
        words.append(definition.get("location") or "")
    for col in (*definition.get("columns", ()), *definition.get("partition_keys", ())):
        words += col.get("name") or "", col.get("comment") or ""
    for key, value in (definition.get("parameters") or {}).items():
        words += key, value
    return " ".join(w for w in words if w).lower()


def _recompute(location: bool) -> None:
    conn = op.get_bind()
    query = (
        sa.select(
            _tables.c.id,
            _tables.c.name,
            _tables.c.definition,
            _tables.c.search_text,
            _databases.c.name,
        )
        .join(_databases, _databases.c.id == _tables.c.database_id)
        .order_by(_tables.c.id)
    )
    changes = []
    for table_id, name, definition, current, database in conn.execute(query):
        text = _search_text(database, name, definition or {}, location)
        if text != current:
            changes.append({"row_id": table_id, "text": text})
    update = (
        _tables.update()
        .where(_tables.c.id == sa.bindparam("row_id"))
        .values(search_text=sa.bindparam("text"))
    )
    for start in range(0, len(changes), _BATCH):
        conn.execute(update, changes[start : start + _BATCH])


def upgrade() -> None:
    _recompute(location=False)


def downgrade() -> None:
    _recompute(location=True)
