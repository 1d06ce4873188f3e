"""point of care: product series, check-ins, administrations, appointment slots

Revision ID: 0009a
Revises: 0008d
Create Date: 2026-11-30 08:55:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009a'
down_revision: str | None = '0008d'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The primary series of each seeded product (CVX code: doses, days between doses).
SERIES = {"207": (2, 28), "208": (2, 21), "211": (2, 21), "212": (1, None),
          "217": (2, 21), "218": (2, 21), "219": (2, 21)}


def _series() -> None:
    product = sa.table("vaccine_product", sa.column("cvx_code", sa.String),
                       sa.column("doses_in_series", sa.Integer),
                       sa.column("interval_days", sa.Integer))
    for cvx, (doses, days) in SERIES.items():
        op.execute(product.update().where(product.c.cvx_code == cvx)
                   .values(doses_in_series=doses, interval_days=days))


def _when(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table('vaccine_product', schema=None) as batch_op:
        batch_op.add_column(sa.Column('doses_in_series', sa.Integer(), nullable=False,
                                      server_default='1'))
        batch_op.add_column(sa.Column('interval_days', sa.Integer(), nullable=True))
    _series()
    with op.batch_alter_table('inventory_ledger', schema=None) as batch_op:
        batch_op.add_column(sa.Column('occurred_on', sa.Date(), nullable=True))
    op.create_table(
        'check_in',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('recipient_id', sa.Integer(), sa.ForeignKey('recipient.id'), nullable=False,
                  index=True),
        sa.Column('location_id', sa.Integer(), sa.ForeignKey('location.id'), nullable=False,
                  index=True),
        sa.Column('checked_in_by', sa.Integer(), sa.ForeignKey('user_account.id'),
                  nullable=False),
        _when('checked_in_at', nullable=False))
    op.create_table(
        'administration',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('recipient_id', sa.Integer(), sa.ForeignKey('recipient.id'), nullable=False,
                  index=True),
        sa.Column('location_id', sa.Integer(), sa.ForeignKey('location.id'), nullable=False,
                  index=True),
        sa.Column('product_id', sa.Integer(), sa.ForeignKey('vaccine_product.id'),
                  nullable=False),
        sa.Column('lot_id', sa.Integer(), sa.ForeignKey('inventory_lot.id'), nullable=False,
                  index=True),
        sa.Column('dose_number', sa.Integer(), nullable=False),
        sa.Column('administered_on', sa.Date(), nullable=False, index=True),
        sa.Column('site', sa.String(length=4), nullable=False),
        sa.Column('route', sa.String(length=4), nullable=False),
        sa.Column('provider_name', sa.String(length=160), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False, index=True),
        sa.Column('entered_late', sa.Boolean(), nullable=False),
        sa.Column('recorded_by', sa.Integer(), sa.ForeignKey('user_account.id'),
                  nullable=False),
        sa.Column('request_key', sa.String(length=64), nullable=False),
        _when('created_at', nullable=False), _when('updated_at'), _when('removed_at'),
        sa.Column('removed_by', sa.Integer(), sa.ForeignKey('user_account.id'), nullable=True),
        sa.Column('removal_reason', sa.String(length=500), nullable=True),
        sa.UniqueConstraint('recorded_by', 'request_key', name='uq_administration_request'))
    op.create_table(
        'appointment_slot',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('location_id', sa.Integer(), sa.ForeignKey('location.id'), nullable=False,
                  index=True),
        _when('starts_at', nullable=False),
        sa.Column('capacity', sa.Integer(), nullable=False),
        sa.Column('booked', sa.Integer(), nullable=False),
        sa.Column('dose_number', sa.Integer(), nullable=False),
        sa.CheckConstraint('booked <= capacity', name='booked_within_capacity'))
    op.create_index('ix_appointment_slot_starts_at', 'appointment_slot', ['starts_at'])
    op.create_table(
        'appointment',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('slot_id', sa.Integer(), sa.ForeignKey('appointment_slot.id'),
                  nullable=False, index=True),
        sa.Column('recipient_id', sa.Integer(), sa.ForeignKey('recipient.id'), nullable=False,
                  index=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        _when('created_at', nullable=False))


def downgrade() -> None:
    op.drop_table('appointment')
    op.drop_index('ix_appointment_slot_starts_at', table_name='appointment_slot')
    op.drop_table('appointment_slot')
    op.drop_table('administration')
    op.drop_table('check_in')
    with op.batch_alter_table('inventory_ledger', schema=None) as batch_op:
        batch_op.drop_column('occurred_on')
    with op.batch_alter_table('vaccine_product', schema=None) as batch_op:
        batch_op.drop_column('interval_days')
        batch_op.drop_column('doses_in_series')
