"""a recipient's name keys leave out accents, apostrophes and hyphens (José García-López is
found by "jose garcia lopez", O'Brien by "obrien", and typed so is the same person)

Rows whose new keys would be another row's (two records of one person, made before) keep
their old keys: merging records is a person's decision, not a migration's.

Revision ID: 0011b
Revises: 0011a
Create Date: 2026-12-03 10:00:00
"""
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011b'
down_revision: str | None = '0011a'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# models.recipient_rules.name_key as of this revision (a migration keeps its own copy)
_LEFT_OUT = dict.fromkeys(map(ord, "'’‘ʼ`´"), None) | dict.fromkeys(map(ord, "-‐‑‒–—"), " ")


def _new_key(name: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFKD", name)
                   if not unicodedata.combining(c))
    return " ".join(bare.translate(_LEFT_OUT).split()).casefold()


def _old_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _rekey(key: Callable[[str], str]) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, first_name, last_name, date_of_birth, first_key, "
                                "last_key FROM recipient")).all()
    keys = {row.id: (key(row.first_name), key(row.last_name)) for row in rows}
    people = Counter((*keys[row.id], row.date_of_birth) for row in rows)
    changed = [{"id": row.id, "first": keys[row.id][0], "last": keys[row.id][1]}
               for row in rows if keys[row.id] != (row.first_key, row.last_key)
               and people[(*keys[row.id], row.date_of_birth)] == 1]
    if changed:
        bind.execute(sa.text("UPDATE recipient SET first_key = :first, last_key = :last "
                             "WHERE id = :id"), changed)


def upgrade() -> None:
    _rekey(_new_key)


def downgrade() -> None:
    _rekey(_old_key)
