"""Recipients (people invited to register for vaccination) and the files that upload them."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import created_at_field, time_field


class Recipient(SQLModel, table=True):
    """One person: the same legal name and date of birth is one recipient, whoever uploads it."""

    __table_args__ = (UniqueConstraint("first_key", "last_key", "date_of_birth",
                                       name="uq_recipient_person"),)

    id: int | None = Field(default=None, primary_key=True)
    location_id: int = Field(foreign_key="location.id", index=True)
    upload_id: int | None = Field(default=None, foreign_key="recipient_upload.id", index=True)
    first_name: str = Field(max_length=80)
    last_name: str = Field(max_length=80)
    # Legal names compared without case, spacing, accents, apostrophes and hyphens
    # (recipient_rules.name_key): the identity of a person with the birth date.
    first_key: str = Field(max_length=80)
    last_key: str = Field(max_length=80, index=True)
    date_of_birth: date
    phone: str = Field(max_length=12)
    email: str | None = Field(default=None, max_length=254, index=True)
    street: str = Field(max_length=200)
    city: str = Field(max_length=100)
    state: str = Field(max_length=2)
    zip_code: str = Field(max_length=10)
    employer: str | None = Field(default=None, max_length=200)
    industry: str = Field(max_length=40)
    language: str = Field(default="en", max_length=5)
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    eligibility: str = Field(default="unknown", max_length=20)  # projection of the rules
    eligibility_group: str | None = Field(default=None, max_length=40)
    created_at: datetime = created_at_field()
    invited_at: datetime | None = time_field()
    registered_at: datetime | None = time_field(index=True)
    # A paper registration entered later: registered_at is the day written on the form (noon
    # Eastern), not when staff typed it in (created_at), as a dose from paper is marked.
    registered_late: bool = False
    updated_at: datetime | None = time_field()
    # The personal link's version (recipient_rules.recipient_path): moved on when the email
    # address is corrected, so the links sent to the address before stop working.
    link_version: int = 0

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class RecipientSite(SQLModel, table=True):
    """Another location that serves this person (their record is at `Recipient.location_id`,
    where they registered): a walk-in there with the same legal name and date of birth, e.g.
    for a second dose elsewhere. Its staff find the person and record their doses; the
    record stays one."""

    __tablename__ = "recipient_site"
    __table_args__ = (UniqueConstraint("recipient_id", "location_id",
                                       name="uq_recipient_site"),)

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id", index=True)
    location_id: int = Field(foreign_key="location.id", index=True)
    created_at: datetime = created_at_field()


class RecipientUpload(SQLModel, table=True):
    """A bulk-upload file: its parsed rows live here (never in a workflow), with its progress."""

    __tablename__ = "recipient_upload"

    id: int | None = Field(default=None, primary_key=True)
    location_id: int = Field(foreign_key="location.id", index=True)
    uploaded_by: int = Field(foreign_key="user_account.id")
    filename: str = Field(max_length=200)
    file_kind: str = Field(max_length=5)  # xlsx or csv
    # A CSV file's separator (`;` or a tab from Excel in Spanish/European settings): its
    # errors file is written with it.
    csv_separator: str = Field(default=",", max_length=1)
    # A workbook's sheet the list was read from (a cover sheet first is passed over): named on
    # the upload's page. None: a CSV file, or an upload from before it was kept.
    sheet_name: str | None = Field(default=None, max_length=100)
    valid_rows_only: bool = False
    background: bool = False
    status: str = Field(default="validating", max_length=20)
    total_rows: int = 0
    validated: int = 0
    valid_rows: int = 0
    stored: int = 0  # rows that are recipients now (new or already known)
    new_recipients: int = 0
    to_invite: int = 0
    invited: int = 0
    header: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    rows: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    errors: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = created_at_field()
    finished_at: datetime | None = time_field()
