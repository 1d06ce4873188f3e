"""an email the relay refused for good (no such mailbox, or an address in its own letters and a
relay without SMTPUTF8) is noted on its outbox row with the relay's reason, and its process goes
on instead of trying it again for ever

Revision ID: 0011r
Revises: 0011q
Create Date: 2026-12-07 01:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0011r'
down_revision: str | None = '0011q'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('sent_email', sa.Column('refused_at', sa.DateTime(timezone=True),
                                          nullable=True))
    op.add_column('sent_email', sa.Column(
        'refusal', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))
    refused = sa.text("refused_at IS NOT NULL")
    op.create_index('ix_sent_email_refused', 'sent_email', ['event_key'],
                    sqlite_where=refused, postgresql_where=refused)


def downgrade() -> None:
    op.drop_index('ix_sent_email_refused', table_name='sent_email')
    op.drop_column('sent_email', 'refusal')
    op.drop_column('sent_email', 'refused_at')
