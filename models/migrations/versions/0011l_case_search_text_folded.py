"""the help desk's search text is folded as a recipient's name is (no accents, apostrophes of
any kind or hyphens): the console's "Jose" finds José's case and "O’Brien" O'Brien's, either
way round; the cases already there are refilled

Revision ID: 0011l
Revises: 0011k
Create Date: 2026-12-05 17:30:00

On SQLite the trigram table's update trigger (0011h) indexes each refilled text; on Postgres
the pg_trgm index follows the column.
"""
import unicodedata
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011l'
down_revision: str | None = '0011k'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# models.helpdesk.Case.searchable as of this revision: models.recipient_rules.name_key over
# the subject, name and email (a migration keeps its own copy)
_LEFT_OUT = dict.fromkeys(map(ord, "'’‘ʼ`´"), None) | dict.fromkeys(map(ord, "-‐‑‒–—"), " ")


def _folded(text: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))
    return " ".join(bare.translate(_LEFT_OUT).split()).casefold()[:600]


def _lower(text: str) -> str:
    return text.lower()[:600]


def _refill(fold: Callable[[str], str]) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, subject, requester_name, requester_email, "
                                "search_text FROM help_case")).all()
    changed = []
    for row in rows:
        text = fold(f"{row.subject} | {row.requester_name} | {row.requester_email or ''}")
        if text != row.search_text:
            changed.append({"id": row.id, "text": text})
    if changed:
        bind.execute(sa.text("UPDATE help_case SET search_text = :text WHERE id = :id"),
                     changed)


def upgrade() -> None:
    _refill(_folded)


def downgrade() -> None:
    _refill(_lower)
