"""the knowledge base's "How the help desk answers you" says a requester asked for information
is reminded again the day before the case closes (as cases now do), unless an agent has edited
the article since it was added

Revision ID: 0011s
Revises: 0011r
Create Date: 2026-12-07 01:50:00
"""
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = '0011s'
down_revision: str | None = '0011r'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TITLE = "How the help desk answers you"
BEFORE = ("Without an answer we remind you after two days and close the case after five.")
AFTER = ("Without an answer we remind you after two days and again the day before we close the "
         "case, after five.")


def _rewrite(old: str, new: str) -> None:
    article = sa.table('kb_article', sa.column('title', sa.String), sa.column('body', sa.Text),
                       sa.column('updated_at', sa.DateTime(timezone=True)))
    connection = op.get_bind()
    for body, in connection.execute(sa.select(article.c.body).where(article.c.title == TITLE)):
        if old in body:
            connection.execute(sa.update(article).where(
                article.c.title == TITLE, article.c.body == body).values(
                body=body.replace(old, new), updated_at=datetime.now(UTC)))


def upgrade() -> None:
    _rewrite(BEFORE, AFTER)


def downgrade() -> None:
    _rewrite(AFTER, BEFORE)
