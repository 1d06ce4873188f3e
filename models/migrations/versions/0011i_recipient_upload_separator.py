"""a recipient upload keeps its CSV file's separator (a semicolon or a tab from Excel in
Spanish/European settings), so its errors file is written with it

Revision ID: 0011i
Revises: 0011h
Create Date: 2026-12-05 11:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0011i'
down_revision: str | None = '0011h'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every upload so far was read (and its errors file written) with commas.
    with op.batch_alter_table('recipient_upload', schema=None) as batch_op:
        batch_op.add_column(sa.Column('csv_separator', sqlmodel.sql.sqltypes.AutoString(length=1),
                                      nullable=False, server_default=','))


def downgrade() -> None:
    with op.batch_alter_table('recipient_upload', schema=None) as batch_op:
        batch_op.drop_column('csv_separator')
