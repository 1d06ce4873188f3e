"""Shared column helpers."""

from datetime import UTC, datetime

from sqlalchemy import DateTime
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
