"""a help-desk registrant's emailed temporary password expires: 7 days after it was emailed,
unchanged, it is refused at login

Revision ID: 0011t
Revises: 0011s
Create Date: 2026-12-07 01:30:00

The passwords emailed before were not dated: each still waiting to be changed gets its 7 days
from the upgrade, so nobody registered yesterday finds theirs refused at once.
"""
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = '0011t'
down_revision: str | None = '0011s'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VALID_FOR_DAYS = 7  # models.helpdesk_rules.TEMPORARY_PASSWORD_VALID_FOR when this was written


def upgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('temporary_password_expires_at',
                                      sa.DateTime(timezone=True), nullable=True))
    expires = datetime.now(UTC) + timedelta(days=VALID_FOR_DAYS)
    op.get_bind().execute(sa.text(
        "UPDATE user_account SET temporary_password_expires_at = :expires"
        " WHERE must_change_password AND password_hash IS NOT NULL").bindparams(
        sa.bindparam("expires", expires, type_=sa.DateTime(timezone=True))))


def downgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('temporary_password_expires_at')
