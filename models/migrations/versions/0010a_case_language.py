"""a help-desk case's language: a recipient asks on the public form in English or Spanish, and
is answered (pages, emails) in it

Revision ID: 0010a
Revises: 0009c
Create Date: 2026-12-02 08:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010a'
down_revision: str | None = '0009c'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('help_case') as batch:
        batch.add_column(sa.Column('language', sa.String(length=5), nullable=False,
                                   server_default='en'))


def downgrade() -> None:
    with op.batch_alter_table('help_case') as batch:
        batch.drop_column('language')
