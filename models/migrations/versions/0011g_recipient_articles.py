"""the knowledge base answers vaccine recipients too: their personal link, appointments and
proof of vaccination (models/kb_seed.py), each article added once

Revision ID: 0011g
Revises: 0011f
Create Date: 2026-12-05 05:20:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0011g'
down_revision: str | None = '0011f'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The recipients' articles not there yet (by title): 0008b adds the starting ones, so an
    agent's retitled starting article is not added again here."""
    from models.kb_seed import FOR_RECIPIENTS, add_articles

    add_articles(op.get_bind(), FOR_RECIPIENTS)


def downgrade() -> None:
    pass  # articles stay: agents may have edited them
