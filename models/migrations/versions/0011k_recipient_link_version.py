"""a recipient's personal link carries a version: correcting their email address moves it on,
so the links sent to the address before stop working

Revision ID: 0011k
Revises: 0011j
Create Date: 2026-12-05 17:00:00

Every link sent so far is version 0 (the key made without a version), so the links people
already hold keep working until their address changes.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011k'
down_revision: str | None = '0011j'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('recipient', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link_version', sa.Integer(), nullable=False,
                                      server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('recipient', schema=None) as batch_op:
        batch_op.drop_column('link_version')
