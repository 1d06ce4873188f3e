"""A public question's personal link (/help/c/{case}/{key}): the requester has no account, so
the link in the case's emails is their key. It dies with the address it was sent to: an agent
correcting a mistyped email address moves it to its next version (Case.link_version), the
new address is emailed the new link, and an old link answers "no longer valid" with a way to
have the current one emailed to the address on file (as a recipient's personal link does:
api/domain/recipient_portal.py)."""

from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain import throttle
from api.domain.recipient_portal import email_asked_links
from api.processes import helpdesk as case_process
from core.errors import Conflict, Gone, Invalid, NotFound
from core.i18n import N_
from core.security import link_version, moved_on
from models.accounts import User
from models.audit import AuditEvent
from models.helpdesk import Case
from models.helpdesk_rules import CASE_LINK

CORRECTED = "requester email corrected"
NO_LONGER_VALID = "This link is no longer valid."
NOT_A_CASE = "This link does not open a case."
SAME_ADDRESS = "That is the address on file already: type the corrected one."
HAS_ACCOUNT = ("This requester has a CVMS account: their email address is their account's, "
               "which they change themselves.")
# Said whether or not the address is on file (no one learns who asked the help desk).
LINK_ASKED = N_("If a question to the help desk was asked with this email address, we emailed "
                "the current link to its case to it. Use the link in the newest email: older "
                "links may no longer work.")


async def by_link(session: AsyncSession, secret: str, case_id: int, key: str) -> Case:
    """The public case whose current link this is. A link of its from before the requester's
    address was corrected is gone (410: a newer one went to the address on file); any other,
    or one to an account holder's case, is not valid (404)."""
    case = await session.get(Case, case_id)
    if case is None or case.requester_user_id is not None:
        raise NotFound(NOT_A_CASE)
    which = link_version(secret, CASE_LINK, case_id, case.link_version, key)
    if which == "gone":
        raise Gone(NO_LONGER_VALID)
    if not which:
        raise NotFound(NOT_A_CASE)
    return case


async def correct_requester_email(session: AsyncSession, gateway, case: Case, agent: User,
                                  email: str) -> None:
    """An agent corrects a public question's mistyped address: recorded on the case's history
    (who, when, old and new), the case's link moves to its next version (the one sent to the
    old address stops working) and the new address is emailed the current link. It commits
    only once that email's process has started."""
    if case.requester_user_id is not None:
        raise Conflict(HAS_ACCOUNT, field="requester_email")
    before = case.requester_email
    if (before or "").lower() == email.lower():
        raise Invalid(SAME_ADDRESS, field="requester_email")
    case.requester_email = email
    case.link_version = moved_on(case.link_version, before, email)
    case.search_text = Case.searchable(case.subject, case.requester_name, email)
    session.add(case)
    session.add(AuditEvent(subject_type="case", subject_id=case.id, action=CORRECTED,
                           actor=agent.audit_name,
                           detail={"user_id": agent.id, "name": agent.full_name,
                                   "before": before, "after": email,
                                   "link_version": case.link_version}))
    await case_process.email_link(gateway, session, case.id, case.link_version)


async def corrections(session: AsyncSession, case: Case) -> list[AuditEvent]:
    """The case's requester email corrections, the oldest first: its history of them."""
    return list((await session.exec(select(AuditEvent).where(
        AuditEvent.subject_type == "case", AuditEvent.subject_id == case.id,
        AuditEvent.action == CORRECTED).order_by(AuditEvent.id))).all())


async def email_current_links(session: AsyncSession, gateway, email: str,
                              request_key: str | None = None) -> None:
    """Each public question asked with this address is emailed the current link to its case
    (the newest first); the answer (`LINK_ASKED`) is the same whether the address is on file
    or not, and a few asks an hour per address at most (`email_asked_links`)."""
    await email_asked_links(
        session, email, throttle.CASE_LINK_EMAIL,
        select(Case.id, Case.link_version).where(
            Case.requester_user_id.is_(None),
            func.lower(Case.requester_email) == email.strip().lower()).order_by(Case.id.desc()),
        lambda case_id, version, request: case_process.email_link(
            gateway, None, case_id, version, "asked", request), request_key)
