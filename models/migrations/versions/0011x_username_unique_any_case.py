"""a username is unique whatever its case, as login reads it

Revision ID: 0011x
Revises: 0011w
Create Date: 2026-12-07 23:00:00

Login and every check that a username is free compare lower(username); the constraint since 0001
compared the text as typed, so two saves at the same instant could store "Jo.X" and "jo.x", and
login would then pick one of two people. An index on lower(username) refuses the second
(SQLite and Postgres both index an expression; a race's IntegrityError is the API's 409).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011x'
down_revision: str | None = '0011w'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = 'ix_user_account_username_lower'


def upgrade() -> None:
    op.create_index(INDEX, 'user_account', [sa.text('lower(username)')], unique=True)


def downgrade() -> None:
    op.drop_index(INDEX, table_name='user_account')
