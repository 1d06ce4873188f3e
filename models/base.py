"""Shared column helpers."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Index
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class UtcDateTime(TypeDecorator):
    """A moment, stored in UTC and read back with its zone on every database. SQLite keeps no
    zone: it stored an aware time's wall clock as it was (10:00 Eastern as 10:00, read back as
    10:00 UTC, five hours early), so every time is turned to UTC before it is written. A time
    with no zone is taken as UTC, as the code's own `utcnow()` values are."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value).astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value)


def created_at_field() -> datetime:
    return Field(default_factory=utcnow, sa_type=UtcDateTime(), nullable=False)


def time_field(nullable: bool = True, index: bool = False) -> datetime | None:
    return Field(default=None, sa_type=UtcDateTime(), nullable=nullable, index=index)


def insert_or_skip(dialect: str, table: Any):
    """The database's own INSERT (PostgreSQL's or SQLite's), which has ON CONFLICT DO NOTHING:
    a keyed row written once, whoever gets there first, without reading for it before."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def trigram_indexes(table: str, *columns: str) -> list[Index]:
    """On Postgres, a GIN trigram index (pg_trgm) per column, so a search for text anywhere
    in it (ILIKE '%text%') reads the index, not every row; other databases have none (the
    migrations create them on Postgres only; `only_on` keeps the model check in step)."""
    return [Index(f"ix_{table}_{column}_trgm", column, postgresql_using="gin",
                  postgresql_ops={column: "gin_trgm_ops"}, info={"only_on": "postgresql"})
            for column in columns]
