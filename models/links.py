"""Single-use emailed links: what each is for, why one cannot be used, and its claiming.

Only a hash of a link's token is stored. Using a link is a conditional update in the same
transaction as what it unlocks, so a link works once whatever the concurrency."""

from sqlalchemy import update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.security import token_hash
from models.accounts import AccessLink
from models.base import as_utc, utcnow

VERIFY_PURPOSE = "verify_email"
RESET_PURPOSE = "password_reset"
INVITE_PURPOSE = "coordinator_invite"
SIGNING_PURPOSE = "officer_signing"


async def find_link(session: AsyncSession, purpose: str, token: str) -> AccessLink | None:
    result = await session.exec(
        select(AccessLink).where(AccessLink.purpose == purpose,
                                 AccessLink.token_hash == token_hash(token)))
    return result.first()


def link_problem(link: AccessLink | None) -> str | None:
    """Why a link cannot be used: 'invalid', 'used', 'revoked', 'expired' - or None."""
    if link is None:
        return "invalid"
    if link.used_at is not None:
        return "used"
    if link.revoked_at is not None:
        return "revoked"
    if as_utc(link.expires_at) <= utcnow():
        return "expired"
    return None


async def claim_link(session: AsyncSession, link_id: int) -> str | None:
    """Mark the link used if (and only if) it is still usable; the problem otherwise. Two
    concurrent claims cannot both succeed: the update's condition is checked by the database."""
    now = utcnow()
    claimed = await session.exec(
        update(AccessLink).where(AccessLink.id == link_id, AccessLink.used_at.is_(None),
                                 AccessLink.revoked_at.is_(None), AccessLink.expires_at > now)
        .values(used_at=now).execution_options(synchronize_session=False))
    if claimed.rowcount == 1:
        return None
    link = await session.get(AccessLink, link_id)
    if link is not None:
        await session.refresh(link)
    return link_problem(link) or "used"


async def expire_links(session: AsyncSession, purpose: str, step_key: str) -> None:
    """The workflow's timer, not the wall clock, decides when a step's link dies."""
    result = await session.exec(
        select(AccessLink).where(AccessLink.purpose == purpose, AccessLink.step_key == step_key))
    for link in result.all():
        if link.used_at is None:
            link.expires_at = min(as_utc(link.expires_at), utcnow())
            session.add(link)


async def revoke_links(session: AsyncSession, purpose: str, subject_id: int,
                       keep_step: str | None = None) -> None:
    """A newer link for the same purpose kills the older, unused ones."""
    result = await session.exec(select(AccessLink).where(
        AccessLink.purpose == purpose, AccessLink.subject_id == subject_id,
        AccessLink.used_at.is_(None), AccessLink.revoked_at.is_(None)))
    for link in result.all():
        if link.step_key != keep_step:
            link.revoked_at = utcnow()
            session.add(link)
