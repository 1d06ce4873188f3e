"""a paper registration entered later keeps the day it was filled in, marked entered late

Revision ID: 0011e
Revises: 0011d
Create Date: 2026-12-04 10:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011e'
down_revision: str | None = '0011d'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every registration so far was entered on its day.
    with op.batch_alter_table('recipient', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registered_late', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('recipient', schema=None) as batch_op:
        batch_op.drop_column('registered_late')
