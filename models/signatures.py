"""Signature records: who signed what, exactly, when, from where, and how."""

from datetime import datetime

from sqlalchemy import Text, func
from sqlmodel import Field, SQLModel, select

from models.agreements import DocumentKind
from models.base import created_at_field, time_field
from models.types import enum_field


class Signature(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    location_id: int | None = Field(default=None, foreign_key="location.id", index=True)
    # One signature per signing request, guaranteed by the database (unique).
    signing_request_id: int | None = Field(default=None, unique=True)
    document: DocumentKind = enum_field(DocumentKind)
    document_version: str = Field(max_length=40)
    signer_role: str = Field(max_length=20)  # coordinator, ceo, cmo
    signer_name: str = Field(max_length=170)
    signer_email: str = Field(max_length=254)
    content_sha256: str = Field(max_length=64)
    signed_content: str = Field(sa_type=Text)
    method: str = Field(max_length=10)  # drawn or typed
    typed_name: str | None = Field(default=None, max_length=160)
    image_file_id: int | None = Field(default=None, foreign_key="stored_file.id")
    ip_address: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=400)
    signed_at: datetime = created_at_field()
    voided_at: datetime | None = time_field()
    void_reason: str | None = Field(default=None, max_length=300)


async def signed_before(session, organization_id: int, role: str, email: str) -> bool:
    """Whether this officer (role and address) signed any of the organization's documents,
    even one voided since: only they are told a new request is an addendum to what they
    signed; the other officer, who never signed, is told it replaces the earlier request."""
    found = await session.exec(select(Signature.id).where(
        Signature.organization_id == organization_id,
        Signature.signer_role == getattr(role, "value", role),
        func.lower(Signature.signer_email) == email.lower()).limit(1))
    return found.first() is not None


async def redistribution_signed(session, organization_id: int) -> bool:
    """Both officers' valid signatures on the supplemental redistribution agreement."""
    result = await session.exec(select(Signature.signer_role).where(
        Signature.organization_id == organization_id,
        Signature.document == DocumentKind.REDISTRIBUTION_AGREEMENT,
        Signature.voided_at.is_(None)))
    return {"ceo", "cmo"} <= set(result.all())
