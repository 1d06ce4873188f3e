"""Issuing single-use emailed links (workflow steps only): a step's link, rotated on reissue."""

from datetime import timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.security import new_token, token_hash
from models.accounts import AccessLink
from models.base import utcnow


async def issue_link(session: AsyncSession, *, purpose: str, step_key: str, subject_id: int,
                     ttl: timedelta, bound_to: str | None = None) -> tuple[str, AccessLink]:
    """Create (or rotate) the link for one workflow step; returns the raw token once."""
    token = new_token()
    result = await session.exec(
        select(AccessLink).where(AccessLink.purpose == purpose, AccessLink.step_key == step_key))
    link = result.first() or AccessLink(purpose=purpose, step_key=step_key, subject_id=subject_id,
                                        token_hash="", expires_at=utcnow())
    link.token_hash = token_hash(token)
    link.subject_id = subject_id
    link.bound_to = bound_to
    link.expires_at = utcnow() + ttl
    link.used_at = None
    link.revoked_at = None
    session.add(link)
    await session.flush()
    return token, link
