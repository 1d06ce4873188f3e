"""a browser's session ends after a time without a request: its last request, to the minute

Revision ID: 0011w
Revises: 0011v
Create Date: 2026-12-07 20:10:00

Sessions so far have none (the column empty): they count from their start.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011w'
down_revision: str | None = '0011v'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seen_at', sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.drop_column('last_seen_at')
