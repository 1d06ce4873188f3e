"""appointments: a location's scheduling switch, and an appointment's number of moves

Revision ID: 0009b
Revises: 0009a
Create Date: 2026-12-01 09:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009b'
down_revision: str | None = '0009a'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every existing location keeps taking appointments (the switch starts on).
    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.add_column(sa.Column('appointments_on', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('moves', sa.Integer(), nullable=False,
                                      server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_column('moves')
    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.drop_column('appointments_on')
