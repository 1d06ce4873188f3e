"""Shared column helpers."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Index
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def created_at_field() -> datetime:
    return Field(default_factory=utcnow, sa_type=DateTime(timezone=True), nullable=False)


def time_field(nullable: bool = True, index: bool = False) -> datetime | None:
    return Field(default=None, sa_type=DateTime(timezone=True), nullable=nullable, index=index)


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
