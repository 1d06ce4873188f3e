"""the knowledge base answers vaccine recipients too: their personal link, appointments and
proof of vaccination (models/kb_seed.py), each article added once

Revision ID: 0011g
Revises: 0011f
Create Date: 2026-12-05 05:20:00
"""
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = '0011g'
down_revision: str | None = '0011f'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Articles not there yet (by title): an agent's edit, or a title already taken, is left
    alone, as 0008b does."""
    from models.kb_seed import ARTICLES

    article = sa.table('kb_article', sa.column('title', sa.String), sa.column('body', sa.Text),
                       sa.column('category', sa.String), sa.column('published', sa.Boolean),
                       sa.column('created_at', sa.DateTime(timezone=True)),
                       sa.column('updated_at', sa.DateTime(timezone=True)))
    connection = op.get_bind()
    taken = {row[0] for row in connection.execute(sa.select(article.c.title))}
    now = datetime.now(UTC)
    rows = [{'title': title, 'body': body, 'category': category, 'published': True,
             'created_at': now, 'updated_at': now}
            for title, category, body in ARTICLES if title not in taken]
    if rows:
        op.bulk_insert(article, rows)


def downgrade() -> None:
    pass  # articles stay: agents may have edited them
