"""portal accounts: a profile per user and location, the active location, employers and their
points of contact

Revision ID: 0008a
Revises: 0007g
Create Date: 2026-11-30 08:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008a'
down_revision: str | None = '0007g'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('user_location', schema=None) as batch_op:
        batch_op.add_column(sa.Column('profile', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('direct', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('granted_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_user_location_granted_by', 'user_account',
                                    ['granted_by'], ['id'])
    # Coordinators of locations approved before this revision manage them.
    op.execute("UPDATE user_location SET profile = 'location_manager', direct = true "
               "WHERE location_id IN (SELECT id FROM location WHERE status = 'approved') "
               "AND user_id IN (SELECT coordinator_user_id FROM location "
               "WHERE coordinator_user_id IS NOT NULL)")
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active_location_id', sa.Integer(), nullable=True))

    op.create_table(
        'employer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('industry', sa.String(length=80), nullable=False),
        sa.Column('street', sa.String(length=200), nullable=True),
        sa.Column('city', sa.String(length=100), nullable=True),
        sa.Column('state', sa.String(length=40), nullable=True),
        sa.Column('zip_code', sa.String(length=10), nullable=True),
        sa.Column('location_id', sa.Integer(), nullable=True),
        sa.Column('created_by', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('confirmed_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['location_id'], ['location.id']),
        sa.ForeignKeyConstraint(['created_by'], ['user_account.id']),
        sa.ForeignKeyConstraint(['confirmed_by'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_employer_name'), 'employer', ['name'], unique=False)
    op.create_index(op.f('ix_employer_location_id'), 'employer', ['location_id'], unique=False)
    op.create_table(
        'employer_contact',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('employer_id', sa.Integer(), nullable=False),
        sa.Column('first_name', sa.String(length=80), nullable=False),
        sa.Column('last_name', sa.String(length=80), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('created_by', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('validated_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('new_link_asked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['employer_id'], ['employer.id']),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id']),
        sa.ForeignKeyConstraint(['created_by'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id'),
    )
    op.create_index(op.f('ix_employer_contact_employer_id'), 'employer_contact',
                    ['employer_id'], unique=False)
    op.create_index(op.f('ix_employer_contact_email'), 'employer_contact', ['email'],
                    unique=False)


def downgrade() -> None:
    op.drop_table('employer_contact')
    op.drop_table('employer')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('active_location_id')
    with op.batch_alter_table('user_location', schema=None) as batch_op:
        batch_op.drop_constraint('fk_user_location_granted_by', type_='foreignkey')
        batch_op.drop_column('granted_by')
        batch_op.drop_column('direct')
        batch_op.drop_column('profile')
