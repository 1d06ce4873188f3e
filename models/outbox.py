"""Every email the system sends, keyed by the event that caused it, so none goes twice, and
each the relay refused for good, with its reason."""

from datetime import datetime

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from models.base import created_at_field, time_field

REFUSED = "refused_at IS NOT NULL"


class SentEmail(SQLModel, table=True):
    __tablename__ = "sent_email"
    # The refused few, found by what they were about (a case's page names its own) without
    # reading the outbox's every row.
    __table_args__ = (Index("ix_sent_email_refused", "event_key",
                            sqlite_where=text(REFUSED), postgresql_where=text(REFUSED)),)

    id: int | None = Field(default=None, primary_key=True)
    event_key: str = Field(unique=True, max_length=240)
    kind: str = Field(max_length=60)
    recipients: str = Field(max_length=1000)
    subject: str = Field(max_length=300)
    message_id: str = Field(max_length=300)
    created_at: datetime = created_at_field()
    sent_at: datetime | None = time_field()
    # the relay refused it for good (no such mailbox): never sent, never tried again
    refused_at: datetime | None = time_field()
    refusal: str | None = Field(default=None, max_length=300)
