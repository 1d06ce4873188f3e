"""the employers' names searched by the trigrams of their unaccented names (Postgres)

Revision ID: 0011y
Revises: 0011x
Create Date: 2026-12-07 23:20:00

An organization's search ("search first", SPEC 5) folds accents on both sides (garcia finds
García), which no trigram index of the name answered: every employer's name went through
translate() and a dozen replace() calls, twice a search (the count and the page): 0.6-1.0 s at
12,500 employers on Postgres. The fold becomes a function, `cvms_unaccent` (immutable: its
letters are fixed here, core.wording.unaccent_sql as of this revision), which the searches call
(SQLite has a Python one of the same name) and a GIN trigram index holds: ~5 ms.
"""
from collections.abc import Sequence

from alembic import op

from core.wording import unaccent_sql

revision: str = '0011y'
down_revision: str | None = '0011x'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = 'ix_employer_name_unaccented_trgm'


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    body = unaccent_sql('$1')
    # PL/pgSQL, never inlined: a SQL function would be, and its expansion then no longer
    # matched the index's expression (the planner read every row again)
    op.execute(f'CREATE OR REPLACE FUNCTION cvms_unaccent(text) RETURNS text LANGUAGE plpgsql '
               f'IMMUTABLE STRICT PARALLEL SAFE AS $fold$ BEGIN RETURN {body}; END $fold$')
    op.execute(f'CREATE INDEX {INDEX} ON employer USING gin (cvms_unaccent(name) gin_trgm_ops)')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(f'DROP INDEX {INDEX}')
    op.execute('DROP FUNCTION cvms_unaccent(text)')
