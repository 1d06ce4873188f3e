"""a link is bound to an email address of any length an address may have (254): 200 refused a
longer one on Postgres when the link was made

Revision ID: 0011d
Revises: 0011c
Create Date: 2026-12-03 16:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011d'
down_revision: str | None = '0011c'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('access_link') as batch:
        batch.alter_column('bound_to', existing_type=sa.String(length=200),
                           type_=sa.String(length=254), existing_nullable=True)


def downgrade() -> None:
    with op.batch_alter_table('access_link') as batch:
        batch.alter_column('bound_to', existing_type=sa.String(length=254),
                           type_=sa.String(length=200), existing_nullable=True)
