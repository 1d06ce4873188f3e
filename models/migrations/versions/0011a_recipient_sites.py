"""another location serves a recipient registered elsewhere (a walk-in with the same legal
name and date of birth, e.g. a second dose there): their record stays one

Revision ID: 0011a
Revises: 0010b
Create Date: 2026-12-03 07:15:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011a'
down_revision: str | None = '0010b'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'recipient_site',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('recipient_id', sa.Integer(), sa.ForeignKey('recipient.id'), nullable=False),
        sa.Column('location_id', sa.Integer(), sa.ForeignKey('location.id'), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('recipient_id', 'location_id', name='uq_recipient_site'))
    op.create_index('ix_recipient_site_recipient_id', 'recipient_site', ['recipient_id'])
    op.create_index('ix_recipient_site_location_id', 'recipient_site', ['location_id'])


def downgrade() -> None:
    op.drop_index('ix_recipient_site_location_id', table_name='recipient_site')
    op.drop_index('ix_recipient_site_recipient_id', table_name='recipient_site')
    op.drop_table('recipient_site')
