"""Employers (organizations that are not vaccine providers) and their points of contact."""

from datetime import datetime

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from models.base import created_at_field, time_field


class Employer(SQLModel, table=True):
    """Created by a Location Manager (for their location) or by state staff."""

    # Searched by name, accents folded on both sides: on Postgres by the trigrams of the
    # unaccented name (migration 0011y; api/domain/text_search.py, unaccented).
    __table_args__ = (Index("ix_employer_name_unaccented_trgm",
                            text("cvms_unaccent(name) gin_trgm_ops"), postgresql_using="gin",
                            info={"expression": True, "only_on": "postgresql"}),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, index=True)
    industry: str = Field(max_length=80)
    street: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=100)
    state: str | None = Field(default=None, max_length=40)  # spelled out
    zip_code: str | None = Field(default=None, max_length=10)
    location_id: int | None = Field(default=None, foreign_key="location.id", index=True)
    created_by: int = Field(foreign_key="user_account.id")
    created_at: datetime = created_at_field()
    confirmed_at: datetime | None = time_field()  # its point of contact confirmed the details
    confirmed_by: int | None = Field(default=None, foreign_key="user_account.id")


class EmployerContact(SQLModel, table=True):
    """A point of contact: validated from an emailed link that lives 48 hours (a workflow
    timer); `round` counts the links sent, so only the newest round's timer expires it."""

    __tablename__ = "employer_contact"

    id: int | None = Field(default=None, primary_key=True)
    employer_id: int = Field(foreign_key="employer.id", index=True)
    first_name: str = Field(max_length=80)
    last_name: str = Field(max_length=80)
    email: str = Field(max_length=254, index=True)
    phone: str | None = Field(default=None, max_length=20)
    status: str = Field(default="pending", max_length=20)
    round: int = 1
    user_id: int | None = Field(default=None, foreign_key="user_account.id", unique=True)
    created_by: int = Field(foreign_key="user_account.id")
    created_at: datetime = created_at_field()
    validated_at: datetime | None = time_field()
    new_link_asked_at: datetime | None = time_field()
    # Set when a manager deactivated them (they left the organization): their links and their
    # account stop working until reactivated. Apart from `status`, which reactivation keeps.
    deactivated_at: datetime | None = time_field()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def active(self) -> bool:
        return self.deactivated_at is None
