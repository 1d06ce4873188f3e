"""a public question's personal link carries a version: an agent correcting the requester's
email address moves it on, so the links sent to the address before stop working

Revision ID: 0011m
Revises: 0011l
Create Date: 2026-12-05 18:00:00

Every case link sent so far is version 0 (the key made without a version), so the links
requesters already hold keep working until their address is corrected.
"""
import sqlite3
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011m'
down_revision: str | None = '0011l'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('help_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link_version', sa.Integer(), nullable=False,
                                      server_default='0'))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite" and sqlite3.sqlite_version_info >= (3, 35):
        # In place: a batch migration recreates help_case, which drops the triggers that keep
        # the console's trigram table (models/search_index.py) in step with the cases.
        op.execute("ALTER TABLE help_case DROP COLUMN link_version")
        return
    with op.batch_alter_table('help_case', schema=None) as batch_op:
        batch_op.drop_column('link_version')
