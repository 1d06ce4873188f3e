"""a requester's new-case form carries a random key: the same form sent twice (Back, then the
button again) is one case

Revision ID: 0010b
Revises: 0010a
Create Date: 2026-12-03 03:45:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010b'
down_revision: str | None = '0010a'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('help_case') as batch:
        batch.add_column(sa.Column('request_key', sa.String(length=64), nullable=True))
        batch.create_unique_constraint('uq_help_case_request_key',
                                       ['requester_user_id', 'request_key'])


def downgrade() -> None:
    with op.batch_alter_table('help_case') as batch:
        batch.drop_constraint('uq_help_case_request_key', type_='unique')
        batch.drop_column('request_key')
