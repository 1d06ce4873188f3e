"""security hardening: request keys owned by their requester; login back-off replaces the lock;
emailed links derived from a stored nonce, so a retried step resends the same link

Revision ID: 0007s
Revises: 0006
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0007s'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite's unique constraint from 0005 has no name: batch mode finds it through this convention.
UNNAMED = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _old_key_constraint() -> str:
    return ("uq_transfer_request_key" if op.get_bind().dialect.name == "sqlite"
            else "transfer_request_key_key")


def upgrade() -> None:
    op.create_table('login_throttle',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('window_started', sa.DateTime(timezone=True), nullable=False),
    sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')
    with op.batch_alter_table('access_link', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_nonce', sqlmodel.sql.sqltypes.AutoString(length=32),
                                      nullable=True))
    with op.batch_alter_table('transfer', naming_convention=UNNAMED) as batch_op:
        batch_op.drop_constraint(_old_key_constraint(), type_='unique')
        batch_op.create_unique_constraint('uq_transfer_requester_key',
                                          ['requested_by', 'request_key'])


def downgrade() -> None:
    with op.batch_alter_table('access_link', schema=None) as batch_op:
        batch_op.drop_column('token_nonce')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
    op.drop_table('login_throttle')
    with op.batch_alter_table('transfer', naming_convention=UNNAMED) as batch_op:
        batch_op.drop_constraint('uq_transfer_requester_key', type_='unique')
        batch_op.create_unique_constraint(_old_key_constraint(), ['request_key'])
