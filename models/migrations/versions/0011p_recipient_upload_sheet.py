"""a recipient upload keeps the name of the workbook's sheet its list was read from (a cover
sheet first is passed over for the one with the template's header row), named on its page

Revision ID: 0011p
Revises: 0011o
Create Date: 2026-12-05 20:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0011p'
down_revision: str | None = '0011o'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The uploads before it name no sheet (their page says nothing of one).
    op.add_column('recipient_upload', sa.Column(
        'sheet_name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))


def downgrade() -> None:
    op.drop_column('recipient_upload', 'sheet_name')
