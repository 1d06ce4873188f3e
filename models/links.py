"""Single-use emailed links: what each is for, why one cannot be used, and its claiming.

Only a hash of a link's token is stored. Using a link is a conditional update in the same
transaction as what it unlocks, so a link works once whatever the concurrency."""

from sqlalchemy import update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.security import capability, token_hash
from models.accounts import AccessLink
from models.base import as_utc, utcnow

VERIFY_PURPOSE = "verify_email"
ALREADY_CONFIRMED = "This email address is already confirmed."  # said alone to one logged in
RESET_PURPOSE = "password_reset"
INVITE_PURPOSE = "coordinator_invite"
SIGNING_PURPOSE = "officer_signing"
SIGNED_COPY = "signed_copy"
PORTAL_INVITE_PURPOSE = "portal_invite"
CONTACT_PURPOSE = "contact_validation"

# Why a link cannot be used, in words for the person holding it: one set per purpose, shown by
# the pages and the API and raised by the activities that claim links.
PROBLEMS: dict[str, dict[str, str]] = {
    VERIFY_PURPOSE: {
        "invalid": "This confirmation link is not valid. Check that you copied the whole "
                   "address.",
        "used": f"{ALREADY_CONFIRMED} You can log in.",
        "revoked": "This link was replaced by a newer one. Use the most recent email we sent.",
        "expired": "This confirmation link has expired. Register again to get a new one.",
    },
    RESET_PURPOSE: {
        "invalid": "This reset link is not valid. Ask for a new one.",
        "used": "This reset link was already used.",
        "revoked": "A newer reset link was sent; use the most recent email.",
        "expired": "This reset link has expired. Ask for a new one.",
        # sent to an address the account no longer has (corrected since): its holder is not
        # the account's owner
        "readdressed": "This reset link was sent to an address that is no longer this "
                       "account's, so it no longer works. Ask for a new link with the "
                       "account's email address.",
        "deactivated": "This account was deactivated, so no password can be chosen with this "
                       "link. If you should have access, ask the Location Manager of your "
                       "location to reactivate it, then ask for a new link.",
    },
    INVITE_PURPOSE: {
        "invalid": "This invitation link is not valid. Check that you copied the whole address, "
                   "or ask your Organization Administrator to check your email address.",
        "used": "This invitation was already used to register. Log in to open Section B.",
        "revoked": "This invitation link was replaced by a newer one. Use the most recent "
                   "email, or ask for a new link below.",
        "expired": "This invitation link has expired. Ask for a new one below; it will be "
                   "emailed to you at once.",
        # sent to an address the administrator then corrected: its holder is not the
        # coordinator, so it offers no new link (which would kill the coordinator's)
        "readdressed": "This invitation was sent to an address that is no longer the "
                       "coordinator of this location: your Organization Administrator "
                       "corrected it. If you are the coordinator, ask them to check your email "
                       "address.",
    },
    PORTAL_INVITE_PURPOSE: {
        "invalid": "This link is not valid. Check that you copied the whole address, or ask "
                   "your Location Manager to check your email address.",
        "used": "Your password is already chosen with this link. Log in with it.",
        "revoked": "This link was replaced by a newer one. Use the most recent email.",
        "expired": "This link has expired. Ask your Location Manager to invite you again, or "
                   "use \"Forgot your password?\" on the login page.",
        # sent to an address the manager then corrected: no newer email comes to it
        "readdressed": "This invitation was sent to an address that is no longer this "
                       "account's: a Location Manager corrected it, so this link no longer "
                       "works. If the account is yours, ask your Location Manager to check "
                       "your email address.",
    },
    CONTACT_PURPOSE: {
        "invalid": "This validation link is not valid. Check that you copied the whole "
                   "address.",
        "used": "Your access is already validated. Sign in to the Organization Portal.",
        "revoked": "This validation link was replaced by a newer one. Use the most recent "
                   "email.",
        "expired": "This validation link has expired: it worked for 48 hours. Ask the "
                   "manager who added you for a new one below.",
        # sent to an address the contact no longer has (corrected since): not the contact's
        "readdressed": "This validation link was sent to an address that is no longer this "
                       "point of contact's, so it no longer works. A new link was sent to the "
                       "corrected address.",
        # the manager deactivated the contact (they left the organization): no new link either
        "deactivated": "This validation link no longer works: you are no longer a point of "
                       "contact of this organization in CVMS (its manager deactivated your "
                       "access). If you should have access, ask the Healthcare Location Manager "
                       "or the state program who manages your organization to reactivate it.",
    },
    SIGNING_PURPOSE: {
        "invalid": "This signing link is not valid: it may have been mistyped or changed. Ask "
                   "for a new link below with your email address.",
        "used": "This signing link was already used: the document is signed. Nothing more is "
                "needed from you.",
        "revoked": "This signing link was replaced by a newer one and no longer works. Use the "
                   "most recent email, or ask for a new link below.",
        "expired": "This signing link has expired. Ask for a new one below; it is emailed to "
                   "you at once and this one stops working.",
        "void": "What this link asked you to sign has changed, so it no longer works. If "
                "there is still something for you to sign, a new request is emailed to you "
                "with the updated agreement.",
        # sent to an officer's address the administrator then corrected: its holder is not
        # the officer, so it offers no new link (which would kill the officer's)
        "readdressed": "This signing link was sent to an address that is no longer this "
                       "officer's: your Organization Administrator corrected it, and the "
                       "agreement was emailed to the corrected address.",
    },
}


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


def readdressed(link: AccessLink, address: str) -> bool:
    """A link sent to an address the invitation no longer names (the coordinator was
    corrected): it answers as replaced, so the correction itself writes no link."""
    return bool(link.bound_to) and link.bound_to != address.lower()


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


async def expire_unused(session: AsyncSession, purpose: str, subject_id: int) -> None:
    """The subject's unused links of this purpose stop working now (they answer as expired):
    what they were asked for no longer stands."""
    now = utcnow()
    await session.exec(update(AccessLink).where(
        AccessLink.purpose == purpose, AccessLink.subject_id == subject_id,
        AccessLink.used_at.is_(None), AccessLink.expires_at > now)
        .values(expires_at=now).execution_options(synchronize_session=False))


async def revoke_links(session: AsyncSession, purpose: str, subject_id: int,
                       keep_step_key: str | None = None) -> None:
    """A newer link for the same purpose kills the older, unused ones (not the one of the step
    now running: on a retry, that is the link its email already carries)."""
    result = await session.exec(select(AccessLink).where(
        AccessLink.purpose == purpose, AccessLink.subject_id == subject_id,
        AccessLink.used_at.is_(None), AccessLink.revoked_at.is_(None)))
    for link in result.all():
        if link.step_key != keep_step_key:
            link.revoked_at = utcnow()
            session.add(link)


def signed_copy_path(secret: str, signature_id: int) -> str:
    """Where an officer downloads a copy of what they signed (thank-you page, receipt email);
    the key proves we issued the link, so no account is needed."""
    key = capability(secret, SIGNED_COPY, signature_id)
    return f"/sign/copies/{signature_id}/agreement.pdf?key={key}"
