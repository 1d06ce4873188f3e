"""Issuing single-use emailed links (workflow steps only): each step issues its link once."""

import base64
import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.security import token_hash
from models.accounts import AccessLink
from models.base import utcnow


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
