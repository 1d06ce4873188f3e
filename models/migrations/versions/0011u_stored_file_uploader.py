"""a stored file records who uploaded it: a file kept for a form shown again, attached to
nothing yet, is theirs alone to open

Revision ID: 0011u
Revises: 0011t
Create Date: 2026-12-07 02:00:00

Files kept before have no uploader: attached to nothing, nobody opens them (the form that kept
them still sends them by its signed reference), and the weekly sweep removes them.
"""
import sqlite3
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011u'
down_revision: str | None = '0011t'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('stored_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('uploaded_by', sa.Integer(), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite" and sqlite3.sqlite_version_info >= (3, 35):
        # In place: a batch migration would copy every stored file's bytes into a new table.
        op.execute("ALTER TABLE stored_file DROP COLUMN uploaded_by")
        return
    with op.batch_alter_table('stored_file', schema=None) as batch_op:
        batch_op.drop_column('uploaded_by')
