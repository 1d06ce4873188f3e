"""a point of contact who left their organization is deactivated by its manager: when, kept on
the contact (their links and their account stop working until they are reactivated)

Revision ID: 0011v
Revises: 0011u
Create Date: 2026-12-07 01:30:00

Every contact so far is active (the column empty).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011v'
down_revision: str | None = '0011u'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('employer_contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deactivated_at', sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('employer_contact', schema=None) as batch_op:
        batch_op.drop_column('deactivated_at')
