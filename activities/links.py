"""Single-use emailed links: only a hash is stored; reissuing a step's link kills the old one."""

import base64
import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.security import token_hash
from models.accounts import AccessLink
from models.base import as_utc, utcnow


def link_token(secret: str, link: AccessLink) -> str:
    """The raw token of a link: derived from the secret key and the link's random nonce, so the
    same step can send the same link again while only its hash and nonce are stored (neither
    the database nor the key alone gives the token)."""
    message = f"link|{link.purpose}|{link.step_key}|{link.token_nonce}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


async def issue_link(session: AsyncSession, *, secret: str, purpose: str, step_key: str,
                     subject_id: int, ttl: timedelta,
                     bound_to: str | None = None) -> tuple[str, AccessLink]:
    """The link for one workflow step; returns its raw token.

    A step issues its link once: an activity retried after its email may already have been
    accepted by the SMTP server gets the very same link (same token, same expiry), so every
    copy of that email carries the one link that works."""
    result = await session.exec(
        select(AccessLink).where(AccessLink.purpose == purpose, AccessLink.step_key == step_key))
    link = result.first()
    if link is not None and link.token_nonce:
        return link_token(secret, link), link
    link = link or AccessLink(purpose=purpose, step_key=step_key, subject_id=subject_id,
                              token_hash="", expires_at=utcnow())
    link.token_nonce = secrets.token_hex(16)
    token = link_token(secret, link)
    link.token_hash = token_hash(token)
    link.subject_id = subject_id
    link.bound_to = bound_to
    link.expires_at = utcnow() + ttl
    link.used_at = None
    link.revoked_at = None
    session.add(link)
    await session.flush()
    return token, link


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


async def expire_links(session: AsyncSession, purpose: str, step_key: str) -> None:
    """The workflow's timer, not the wall clock, decides when a step's link dies."""
    result = await session.exec(
        select(AccessLink).where(AccessLink.purpose == purpose, AccessLink.step_key == step_key))
    for link in result.all():
        if link.used_at is None:
            link.expires_at = min(as_utc(link.expires_at), utcnow())
            session.add(link)


async def revoke_links(session: AsyncSession, purpose: str, subject_id: int,
                       keep_step_key: str) -> None:
    """A newer link for the same purpose kills the older, unused ones (not the one of the step
    now running: on a retry, that is the link its email already carries)."""
    result = await session.exec(select(AccessLink).where(
        AccessLink.purpose == purpose, AccessLink.subject_id == subject_id,
        AccessLink.step_key != keep_step_key,
        AccessLink.used_at.is_(None), AccessLink.revoked_at.is_(None)))
    for link in result.all():
        link.revoked_at = utcnow()
        session.add(link)
