"""on SQLite, the help-desk console's search finds its cases by trigrams (an FTS5 table of the
cases' search text, kept by triggers), as Postgres does with its pg_trgm index: a search no
longer reads every case's search text

Revision ID: 0011h
Revises: 0011g
Create Date: 2026-12-05 08:00:00
"""
import sqlite3
from collections.abc import Sequence

from alembic import op

revision: str = '0011h'
down_revision: str | None = '0011g'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# models/search_index.py names these: external content (the text stays in help_case, the table
# keeps only the trigrams), kept in step by the triggers.
CREATE = (
    "CREATE VIRTUAL TABLE help_case_search USING fts5(search_text, content='help_case', "
    "content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER help_case_search_insert AFTER INSERT ON help_case BEGIN "
    "INSERT INTO help_case_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER help_case_search_delete AFTER DELETE ON help_case BEGIN "
    "INSERT INTO help_case_search(help_case_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER help_case_search_update AFTER UPDATE OF search_text ON help_case BEGIN "
    "INSERT INTO help_case_search(help_case_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO help_case_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    # the cases already there
    "INSERT INTO help_case_search(help_case_search) VALUES ('rebuild')",
)
DROP = ("DROP TRIGGER IF EXISTS help_case_search_insert",
        "DROP TRIGGER IF EXISTS help_case_search_delete",
        "DROP TRIGGER IF EXISTS help_case_search_update", "DROP TABLE IF EXISTS help_case_search")


def _has_trigrams() -> bool:
    """FTS5 with its trigram tokenizer (SQLite 3.34 and later, with FTS5 built in): without
    it the console's search reads every case's text, as before."""
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("CREATE VIRTUAL TABLE probe USING fts5(x, tokenize='trigram')")
    except sqlite3.OperationalError:
        return False
    finally:
        probe.close()
    return True


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite" or not _has_trigrams():
        return
    for statement in CREATE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in DROP:
        op.execute(statement)
