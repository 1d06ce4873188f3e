"""process gateway: messages published by their case, Section B revisions, addenda, one
signature per signing request

Revision ID: 0007g
Revises: 0007s
Create Date: 2026-11-30 04:53:55.938580
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007g'
down_revision: str | None = '0007s'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('case_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('posted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_case_message_posted_at'), ['posted_at'], unique=False)
    # Messages stored before this revision were all delivered.
    op.execute("UPDATE case_message SET posted_at = created_at")

    with op.batch_alter_table('section_b', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision', sa.Integer(), nullable=False,
                                      server_default='0'))

    with op.batch_alter_table('signature', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signature_signing_request_id'))
        batch_op.create_unique_constraint('uq_signature_signing_request_id',
                                          ['signing_request_id'])

    with op.batch_alter_table('signing_round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('addendum', sa.JSON(), nullable=False,
                                      server_default='[]'))


def downgrade() -> None:
    with op.batch_alter_table('signing_round', schema=None) as batch_op:
        batch_op.drop_column('addendum')

    with op.batch_alter_table('signature', schema=None) as batch_op:
        batch_op.drop_constraint('uq_signature_signing_request_id', type_='unique')
        batch_op.create_index(batch_op.f('ix_signature_signing_request_id'),
                              ['signing_request_id'], unique=False)

    with op.batch_alter_table('section_b', schema=None) as batch_op:
        batch_op.drop_column('revision')

    with op.batch_alter_table('case_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_message_posted_at'))
        batch_op.drop_column('posted_at')
