"""an employer's industry is one of the recipients' industries (one list for both)

Revision ID: 0011o
Revises: 0011n
Create Date: 2026-12-05 20:45:00

Organizations (employers) chose from a list of 18 industries of their own while their
employees, registering, chose from the recipients' 11 (the list eligibility reads). The
employer's list is now the recipients' (models/portal_rules.INDUSTRIES): each stored industry
becomes the recipients' group it falls in, and one with no group of its own (construction,
energy, finance, hospitality, religious organizations, sanitation) becomes "Other". The
downgrade gives each back the old list's nearest name (what became "Other" stays "Other
essential workers").
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011o'
down_revision: str | None = '0011n'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OTHER = 'Other (including not employed)'
TO_RECIPIENTS = {
    'Agriculture and food processing': 'Food and agriculture',
    'Child care': 'Education and child care',
    'Education (K-12)': 'Education and child care',
    'Higher education': 'Education and child care',
    'Government': 'Government and community services',
    'Grocery and retail': 'Grocery and retail',
    'Law enforcement and public safety': 'Public safety',
    'Manufacturing': 'Manufacturing',
    'Postal and delivery services': 'Postal and delivery',
    'Public transit': 'Public transit and transportation',
    'Transportation and warehousing': 'Public transit and transportation',
}
BACK = {
    'Food and agriculture': 'Agriculture and food processing',
    'Education and child care': 'Education (K-12)',
    'Government and community services': 'Government',
    'Grocery and retail': 'Grocery and retail',
    'Public safety': 'Law enforcement and public safety',
    'Manufacturing': 'Manufacturing',
    'Postal and delivery': 'Postal and delivery services',
    'Public transit and transportation': 'Transportation and warehousing',
}
employer = sa.table('employer', sa.column('industry', sa.String))


def _rename(names: dict[str, str], otherwise: str, also: set[str]) -> None:
    """Each of `names` to its new name; any other than those and `also` to `otherwise`."""
    for old, new in names.items():
        if old != new:
            op.execute(employer.update().where(employer.c.industry == old)
                       .values(industry=new))
    kept = {*names.values(), *also, otherwise}
    op.execute(employer.update().where(employer.c.industry.not_in(kept))
               .values(industry=otherwise))


def upgrade() -> None:
    _rename(TO_RECIPIENTS, OTHER, {'Health care', 'Long-term care'})


def downgrade() -> None:
    _rename(BACK, 'Other essential workers', set())
