"""Every email the system sends, keyed by the event that caused it, so none goes twice."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import created_at_field, time_field


class SentEmail(SQLModel, table=True):
    __tablename__ = "sent_email"

    id: int | None = Field(default=None, primary_key=True)
    event_key: str = Field(unique=True, max_length=240)
    kind: str = Field(max_length=60)
    recipients: str = Field(max_length=1000)
    subject: str = Field(max_length=300)
    message_id: str = Field(max_length=300)
    created_at: datetime = created_at_field()
    sent_at: datetime | None = time_field()
