"""Officer signing rounds and requests, and the Immunization Branch's review decisions."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint, func, or_
from sqlmodel import Field, SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.agreements import DOCUMENTS, DocumentKind
from models.base import created_at_field, time_field
from models.enrollment_enums import OfficerRole
from models.types import enum_field


class SigningRound(SQLModel, table=True):
    """One request to the CEO and CMO to sign, covering the locations ready at the time."""

    __tablename__ = "signing_round"
    __table_args__ = (UniqueConstraint("organization_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    number: int
    status: str = Field(default="open", max_length=20)  # open, complete, void
    location_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # What changed since the previous signature (an addendum); empty for the first round.
    addendum: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = created_at_field()
    closed_at: datetime | None = time_field()


class SigningRequest(SQLModel, table=True):
    """One officer, one document, one exact content: what a signing link is bound to."""

    __tablename__ = "signing_request"
    __table_args__ = (UniqueConstraint("round_id", "officer_role", "document"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="signing_round.id", index=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    officer_role: OfficerRole = enum_field(OfficerRole)
    officer_name: str = Field(max_length=160)
    officer_email: str = Field(max_length=254)
    document: DocumentKind = enum_field(DocumentKind)
    document_version: str = Field(max_length=40)
    content: str = Field(sa_type=Text)
    content_sha256: str = Field(max_length=64)
    status: str = Field(default="pending", max_length=20)  # pending, signed, void
    signature_id: int | None = Field(default=None, foreign_key="signature.id")
    link_issue: int = 0  # how many links were issued; only the newest works
    created_at: datetime = created_at_field()
    signed_at: datetime | None = time_field()


async def others_pending(session: AsyncSession,
                         request: SigningRequest) -> list[SigningRequest]:
    """The officer's other requests in the request's round still waiting for their signature
    (what the thank-you page, the receipt and a used link name as left to sign): one person
    holding both roles (the same address for the CEO and the CMO) has both roles' requests."""
    return list((await session.exec(select(SigningRequest).where(
        SigningRequest.round_id == request.round_id,
        or_(SigningRequest.officer_role == request.officer_role,
            func.lower(SigningRequest.officer_email) == request.officer_email.lower()),
        SigningRequest.id != request.id, SigningRequest.status == "pending")
        .order_by(SigningRequest.id))).all())


def left_titles(request: SigningRequest, others: list[SigningRequest]) -> list[str]:
    """What `others_pending` found, as the officer reads it: a document they sign in their
    other role names that role."""
    return [DOCUMENTS[r.document].title + (
        "" if r.officer_role == request.officer_role
        else f" (as {OfficerRole(r.officer_role).label})") for r in others]


class ReviewDecision(SQLModel, table=True):
    __tablename__ = "review_decision"

    id: int | None = Field(default=None, primary_key=True)
    location_id: int = Field(foreign_key="location.id", index=True)
    event_key: str = Field(unique=True, max_length=120)
    kind: str = Field(default="enrollment", max_length=20)  # enrollment or amendment
    approved: bool
    reason: str | None = Field(default=None, max_length=1000)
    reviewer_id: int = Field(foreign_key="user_account.id")
    reviewer_name: str = Field(max_length=170)
    storage_unit_id: int | None = Field(default=None, foreign_key="storage_unit.id")
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    decided_at: datetime = created_at_field()
