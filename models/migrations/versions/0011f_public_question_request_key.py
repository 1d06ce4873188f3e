"""a public question's form sent twice at the same instant (a double click) is one case: its
key is unique among the cases asked without an account, as a requester's is among theirs

Revision ID: 0011f
Revises: 0011e
Create Date: 2026-12-04 11:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011f'
down_revision: str | None = '0011e'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PUBLIC = "requester_user_id IS NULL AND request_key IS NOT NULL"


def upgrade() -> None:
    # Questions a double click asked twice before this: the later ones keep their case and
    # lose only the form's key (a key matters to the form that sent it, minutes later).
    op.execute(f"UPDATE help_case SET request_key = NULL WHERE {PUBLIC} AND id NOT IN "
               f"(SELECT MIN(id) FROM help_case WHERE {PUBLIC} GROUP BY request_key)")
    op.create_index('uq_help_case_public_request_key', 'help_case', ['request_key'],
                    unique=True, sqlite_where=sa.text(PUBLIC), postgresql_where=sa.text(PUBLIC))


def downgrade() -> None:
    op.drop_index('uq_help_case_public_request_key', table_name='help_case')
