"""Partition key columns compare by code point on PostgreSQL: k0..k9 become COLLATE "C".

Partition expressions compare strings by code point on both stores, and pages of partitions follow
the (table_id, k0, k1) index in value order. On PostgreSQL the columns had the database's collation,
so a ``COLLATE "C"`` range could not use that index. Changing only the collation keeps the stored
text; PostgreSQL rebuilds the indexes on these columns. SQLite compares by code point already.

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_KEYS = [f"k{i}" for i in range(10)]


def _collate(collation: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    changes = ", ".join(f'ALTER COLUMN {k} TYPE text COLLATE "{collation}"' for k in _KEYS)
    op.execute(f"ALTER TABLE partitions {changes}")


def upgrade() -> None:
    _collate("C")


def downgrade() -> None:
    _collate("default")
