"""names are compared with the Latin letters that have no accent folded too (ı, ł, ø, đ, æ, œ,
þ, ß: "İsa Yılmaz" is "isa YILMAZ", "walesa" finds Wałęsa): recipients' name keys and the help
desk's search text are refolded

A recipient whose new keys are another's (two records of one person, made before) keeps its
old keys, and is logged: merging records is a person's decision, not a migration's. The
first of them by id is refolded when none already holds the key.

Revision ID: 0011q
Revises: 0011p
Create Date: 2026-12-05 21:00:00

On SQLite the trigram table's update trigger (0011h) indexes each refilled search text (the
column is updated in place); on Postgres the pg_trgm index follows the column.
"""
import logging
import unicodedata
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op
from anyascii import anyascii

revision: str = '0011q'
down_revision: str | None = '0011p'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")

# models.recipient_rules.name_key as of this revision and the one before (a migration keeps
# its own copy)
_LEFT_OUT = dict.fromkeys(map(ord, "'’‘ʼ`´"), None) | dict.fromkeys(map(ord, "-‐‑‒–—"), " ")
_LATIN = ((0x00C0, 0x024F), (0x1E00, 0x1EFF))


def _latin_letter(c: str) -> str:
    if c.isascii() or not any(low <= ord(c) <= high for low, high in _LATIN):
        return c
    plain = anyascii(c)
    return plain if plain.isascii() and plain.isalpha() else c


def _new_key(name: str) -> str:
    bare = "".join(_latin_letter(c) for c in unicodedata.normalize("NFKD", name)
                   if not unicodedata.combining(c))
    return " ".join(bare.translate(_LEFT_OUT).split()).casefold()


def _old_key(name: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFKD", name)
                   if not unicodedata.combining(c))
    return " ".join(bare.translate(_LEFT_OUT).split()).casefold()


def _rekey(key: Callable[[str], str]) -> None:
    """Each recipient's keys by `key`, in order of id, unless another recipient (born the same
    day) holds them by then: the unique constraint uq_recipient_person would fail the
    migration, and the two are left apart."""
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, first_name, last_name, date_of_birth, first_key, "
                                "last_key FROM recipient ORDER BY id")).all()
    held = {(row.first_key, row.last_key, row.date_of_birth) for row in rows}
    for row in rows:
        # as the columns hold them: the first 80 characters (æ, ß... are written as two;
        # models.recipient_rules.person_name_key)
        first, last = key(row.first_name)[:80].rstrip(), key(row.last_name)[:80].rstrip()
        if (first, last) == (row.first_key, row.last_key):
            continue
        if (first, last, row.date_of_birth) in held:
            log.warning("recipient %s keeps its name keys: another recipient born the same day "
                        "has the keys %r %r (two records of one person?)", row.id, first, last)
            continue
        bind.execute(sa.text("UPDATE recipient SET first_key = :first, last_key = :last "
                             "WHERE id = :id"), {"id": row.id, "first": first, "last": last})
        held.discard((row.first_key, row.last_key, row.date_of_birth))
        held.add((first, last, row.date_of_birth))


def _refill(key: Callable[[str], str]) -> None:
    """The help desk's search text (models.helpdesk.Case.searchable) folded by `key`."""
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, subject, requester_name, requester_email, "
                                "search_text FROM help_case")).all()
    changed = []
    for row in rows:
        text = key(f"{row.subject} | {row.requester_name} | {row.requester_email or ''}")[:600]
        if text != row.search_text:
            changed.append({"id": row.id, "text": text})
    if changed:
        bind.execute(sa.text("UPDATE help_case SET search_text = :text WHERE id = :id"),
                     changed)


def upgrade() -> None:
    _rekey(_new_key)
    _refill(_new_key)


def downgrade() -> None:
    _rekey(_old_key)
    _refill(_old_key)
