"""a reply's form (requester, personal link, agent) carries a random key, as the new-case form
does: the same form sent twice (Back, then the button again) is one message

Revision ID: 0011c
Revises: 0011b
Create Date: 2026-12-03 09:50:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011c'
down_revision: str | None = '0011b'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('case_message') as batch:
        batch.add_column(sa.Column('request_key', sa.String(length=64), nullable=True))
        batch.create_unique_constraint('uq_case_message_request_key',
                                       ['case_id', 'request_key'])


def downgrade() -> None:
    with op.batch_alter_table('case_message') as batch:
        batch.drop_constraint('uq_case_message_request_key', type_='unique')
        batch.drop_column('request_key')
