"""Provider enrollment records: organizations, locations, officers, Section B and its parts."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.base import created_at_field, time_field, trigram_indexes
from models.enrollment_enums import (
    LicenseType,
    LocationStatus,
    OfficerRole,
    OrganizationStatus,
    StorageUnitType,
)
from models.enums import Role
from models.types import enum_field

# Since when an organization is in its status: its Section A's submission, or its creation.
ORGANIZATION_SINCE = "(CASE WHEN status = 'submitted' THEN submitted_at ELSE created_at END)"


class Organization(SQLModel, table=True):
    __table_args__ = (*trigram_indexes("organization", "legal_name"),  # searched by name
                      # The state's organizations with no location yet, the longest waiting
                      # first (api/domain/state_lists.py): read in order, never all sorted.
                      Index("ix_organization_status_since", text(ORGANIZATION_SINCE), "id",
                            info={"expression": True}))

    id: int | None = Field(default=None, primary_key=True)
    legal_name: str = Field(default="", max_length=200, index=True)
    org_type: str | None = Field(default=None, max_length=40)
    street: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=100)
    state: str | None = Field(default=None, max_length=2)
    zip_code: str | None = Field(default=None, max_length=10)
    phone: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=254)
    redistribution_participant: bool | None = None
    admin_user_id: int = Field(foreign_key="user_account.id", index=True)
    status: OrganizationStatus = enum_field(OrganizationStatus, OrganizationStatus.DRAFT)
    section_a_step: str = Field(default="details", max_length=20)
    created_at: datetime = created_at_field()
    submitted_at: datetime | None = time_field()


class ResponsibleOfficer(SQLModel, table=True):
    __tablename__ = "responsible_officer"
    __table_args__ = (UniqueConstraint("organization_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    role: OfficerRole = enum_field(OfficerRole)
    name: str = Field(max_length=160)
    title: str = Field(max_length=120)
    email: str = Field(max_length=254)


IN_REVIEW = "status = 'pending_review'"
REVIEW_SINCE = f"(CASE WHEN {IN_REVIEW} THEN status_since ELSE amendment_since END)"


class Location(SQLModel, table=True):
    # The state view's order: a page reads its rows from this index instead of sorting all.
    # On Postgres a search finds sites by the trigrams of their name or city (pg_trgm).
    __table_args__ = (Index("ix_location_status_since", "status_since", "id"),
                      *trigram_indexes("location", "name", "city"),
                      # The review queue (api/domain/review.py: PENDING, SINCE): only the
                      # locations waiting for a decision, in the order they are reviewed.
                      Index("ix_location_review_queue", text(REVIEW_SINCE), "id",
                            sqlite_where=text(f"{IN_REVIEW} OR amendment_pending = 1"),
                            postgresql_where=text(f"{IN_REVIEW} OR amendment_pending"),
                            info={"expression": True}))

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    name: str = Field(max_length=200)
    street: str = Field(max_length=200)
    city: str = Field(max_length=100)
    state: str = Field(max_length=2)
    zip_code: str = Field(max_length=10)
    coordinator_first_name: str = Field(max_length=80)
    coordinator_last_name: str = Field(max_length=80)
    coordinator_email: str = Field(max_length=254)
    coordinator_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    # The status projection the enrollment workflow writes at every transition.
    status: LocationStatus = enum_field(LocationStatus, LocationStatus.NEW, index=True)
    status_since: datetime = created_at_field()
    status_seq: int = 0  # the workflow's transition number; an older one never overwrites
    waiting_on: str | None = Field(default=None, max_length=300)
    providers_pending: bool = False
    resubmission: bool = False  # walking Section B again after a rejection
    amendment_pending: bool = False  # an approved site's change waiting for review
    amendment_since: datetime | None = time_field()
    # The next Section B reminder and how many went, as the workflow last projected them.
    next_reminder_at: datetime | None = time_field()
    reminders_sent: int = 0
    reminder_seq: int = 0  # the workflow's reminder write number; an older one never overwrites
    # A Location Manager's switch: off, recipients cannot book (walk-ins only) and no time is
    # offered; appointments already booked stay.
    appointments_on: bool = True
    created_at: datetime = created_at_field()

    @property
    def coordinator_name(self) -> str:
        return f"{self.coordinator_first_name} {self.coordinator_last_name}"

    @property
    def address(self) -> str:
        return f"{self.street}, {self.city}, {self.state} {self.zip_code}"


class UserLocation(SQLModel, table=True):
    """Which locations a person works at, and with which portal profile.

    A coordinator's row exists from the invitation (Section B); its profile is set once the
    location is approved (the coordinator becomes its first Location Manager). Portal contacts
    get their rows from a manager. `direct` marks the person's own location: only managers of
    that location may deactivate them."""

    __tablename__ = "user_location"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    location_id: int = Field(foreign_key="location.id", primary_key=True, index=True)
    profile: Role | None = enum_field(Role, None, nullable=True)
    direct: bool = False
    granted_by: int | None = Field(default=None, foreign_key="user_account.id")


class SectionB(SQLModel, table=True):
    """The coordinator's answers, one JSON document per step, saved as typed."""

    __tablename__ = "section_b"

    location_id: int = Field(foreign_key="location.id", primary_key=True)
    steps: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    complete_steps: list[str] = Field(default_factory=list,
                                      sa_column=Column(JSON, nullable=False))
    last_step: str = Field(default="location", max_length=20)
    bulk_upload_planned: bool = False
    updated_at: datetime = created_at_field()
    revision: int = 0  # every save counts; the reminder timer compares it
    completed_at: datetime | None = time_field()


class StoredFile(SQLModel, table=True):
    """An uploaded file after validation and re-encoding (photos, signature images)."""

    __tablename__ = "stored_file"

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64, index=True)
    content_type: str = Field(max_length=120)
    filename: str = Field(max_length=200)
    size: int
    width: int | None = None
    height: int | None = None
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = created_at_field()
    # Who sent it, when it was kept for a form shown again (not yet attached to anything):
    # until it is, only they may open it (api/routers/files.py).
    uploaded_by: int | None = Field(default=None)


class StorageUnit(SQLModel, table=True):
    __tablename__ = "storage_unit"

    id: int | None = Field(default=None, primary_key=True)
    location_id: int = Field(foreign_key="location.id", index=True)
    brand: str = Field(max_length=80)
    model: str = Field(max_length=80)
    unit_type: StorageUnitType = enum_field(StorageUnitType)
    inside_photo_id: int = Field(foreign_key="stored_file.id")
    outside_photo_id: int = Field(foreign_key="stored_file.id")
    # Units added to an approved site go through review on their own.
    review_status: str = Field(default="with_section_b", max_length=20)
    created_at: datetime = created_at_field()


class PracticingProvider(SQLModel, table=True):
    __tablename__ = "practicing_provider"

    id: int | None = Field(default=None, primary_key=True)
    location_id: int = Field(foreign_key="location.id", index=True)
    first_name: str = Field(max_length=80)
    middle_initial: str | None = Field(default=None, max_length=1)
    last_name: str = Field(max_length=80)
    license_type: LicenseType = enum_field(LicenseType)
    license_number: str = Field(max_length=40)
    active: bool = True
    source: str = Field(default="portal", max_length=20)
    created_at: datetime = created_at_field()
    deactivated_at: datetime | None = time_field()

    @property
    def full_name(self) -> str:
        middle = f" {self.middle_initial}." if self.middle_initial else ""
        return f"{self.first_name}{middle} {self.last_name}"
