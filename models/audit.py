"""Append-only audit events: every decision, signature and status change."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from models.base import created_at_field

# A person's record, registered at one location, opened at another (a walk-in, a file)
SERVED_ELSEWHERE = "served at another location"


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    event_key: str | None = Field(default=None, unique=True, max_length=240)
    subject_type: str = Field(max_length=40, index=True)
    subject_id: int = Field(index=True)
    action: str = Field(max_length=80)
    actor: str = Field(max_length=200)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: datetime = created_at_field()
