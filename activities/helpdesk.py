"""Help-desk activities: credentials, the case projection, and every case email (once each)."""

from sqlmodel import select
from temporalio import activity

from activities.mailer import MailingActivities, as_told, present
from core import i18n
from core.db import transaction
from core.security import hash_password, temporary_password
from models.accounts import User
from models.base import utcnow
from models.contracts import (
    CaseChange,
    CaseEmail,
    CaseLinkRef,
    CaseMessageRef,
    PublishedMessage,
    WelcomeInput,
)
from models.enums import AccountStatus, Role
from models.helpdesk import Case, CaseAttachment, CaseMessage
from models.helpdesk_rules import (
    INFO_CLOSE_AFTER,
    LINK_EMAILED,
    REOPEN_WITHIN,
    TEMPORARY_PASSWORD_VALID_FOR,
    requester_case_path,
    requester_reason,
)
from models.projection import project
from notifications.catalogue import CaseEmailContext, CredentialsContext, EmailKind

REQUESTER_KINDS = {"received": EmailKind.CASE_RECEIVED, "updated": EmailKind.CASE_UPDATED,
                   "info_requested": EmailKind.CASE_INFO_REQUESTED,
                   "info_reminder": EmailKind.CASE_INFO_REMINDER,
                   "resolved": EmailKind.CASE_RESOLVED, "closed": EmailKind.CASE_CLOSED}
STAFF_KINDS = {"escalated": EmailKind.CASE_ESCALATED, "for_agent": EmailKind.CASE_FOR_AGENT,
               "taken_from": EmailKind.CASE_FOR_AGENT}  # a lead moved it from its holder


class HelpdeskActivities(MailingActivities):
    @activity.defn
    async def send_credentials(self, data: WelcomeInput) -> None:
        """A fresh temporary password, set and emailed together (a retry makes a new one)."""
        key = f"requester-{data.user_id}:credentials"
        if await self.mailer.already_sent(key):
            return
        password = temporary_password()
        async with transaction(self.sessions) as session:
            # an address whose self-registration expired becomes the new requester's on the
            # same row, just before its process looks: read as registered again
            user = await as_told(session, User, data.user_id, "account",
                                 lambda row: row.status != AccountStatus.EXPIRED)
            user.password_hash = hash_password(password)
            user.must_change_password = True
            user.temporary_password_expires_at = utcnow() + TEMPORARY_PASSWORD_VALID_FOR
            session.add(user)
            context = CredentialsContext(recipient_name=user.first_name, username=user.username,
                                         temporary_password=password,
                                         valid_days=TEMPORARY_PASSWORD_VALID_FOR.days,
                                         login_url=self.settings.link("/login"))
            to = user.email
        await self.mailer.send(key, EmailKind.HELPDESK_CREDENTIALS, [to], context)

    @activity.defn
    async def project_case(self, change: CaseChange) -> None:
        async with transaction(self.sessions) as session:
            case = await present(session, Case, change.case_id, "case")
            await project(session, case, subject_type="case", seq=change.seq,
                          status=change.status, actor=change.actor,
                          apply=lambda: self._apply(case, change),
                          detail={"assignee": change.assignee_id, "sla": change.sla_flag,
                                  "closed_reason": change.closed_reason,
                                  **({"assigned": True} if change.assigned else {})})
            if change.resolution_message_id:
                message = await session.get(CaseMessage, change.resolution_message_id)
                case.resolution_notes = message.body
                session.add(case)

    @activity.defn
    async def publish_message(self, data: CaseMessageRef) -> PublishedMessage:
        """The case accepted a message the API stored unpublished: it becomes visible."""
        async with transaction(self.sessions) as session:
            message = await present(session, CaseMessage, data.message_id, "message")
            if message.posted_at is None:
                message.posted_at = utcnow()
                session.add(message)
            return PublishedMessage(message_id=message.id, author_kind=message.author_kind,
                                    internal=message.internal)

    @staticmethod
    def _apply(case: Case, change: CaseChange) -> None:
        now = utcnow()
        case.assignee_id, case.sla_flag = change.assignee_id, change.sla_flag
        case.sla_due_at = change.sla_due_at
        if change.first_response and case.first_response_at is None:
            case.first_response_at = now
        case.resolved_at = now if change.status == "resolved" else (
            case.resolved_at if change.status == "closed" else None)
        if change.status == "closed":
            case.closed_at, case.closed_reason = now, change.closed_reason

    @activity.defn
    async def send_case_email(self, email: CaseEmail) -> None:
        async with self.sessions() as session:
            case = await present(session, Case, email.case_id, "case")
            message = await session.get(CaseMessage, email.message_id) if email.message_id else None
            recipients = await self._recipients(session, case, email.kind, email.to_user_id)
            if email.kind == "for_agent" and message and message.author_kind == "agent":
                # an agent's reopening: its holder is told who did it (not "the requester"),
                # and nobody is emailed about what they did themselves
                recipients = [r for r in recipients if message.author_user_id != case.assignee_id]
                email = email.model_copy(update={"detail": f"reopened by {message.author_name}"})
            if email.kind == "taken_from":  # the holder a lead took the case from
                email = email.model_copy(update={"detail": await self._taken_from(session, case)})
            kind = REQUESTER_KINDS.get(email.kind) or STAFF_KINDS[email.kind]
            staff = email.kind in STAFF_KINDS
            url = self.settings.link(f"/helpdesk/cases/{case.id}" if staff else requester_case_path(
                self.secret, case.id, has_account=case.requester_user_id is not None,
                version=case.link_version))
            files = await self._files(session, case, email.kind, message)
        language = "en" if staff else case.language
        with i18n.language(language):  # a date or a reason in the requester's language
            detail = self._detail(email, case, message)
        for n, (name, address) in enumerate(recipients):
            context = CaseEmailContext(recipient_name=name, case_number=case.number,
                                       case_subject=case.subject, url=url,
                                       message=message.body if message else None,
                                       detail=detail, language=language, files=files,
                                       public=not staff and case.requester_user_id is None)
            await self.mailer.send(f"{email.key}:{n}", kind, [address], context)

    @activity.defn
    async def send_case_link(self, data: CaseLinkRef) -> None:
        """A public question's personal link, to the address on file, once: its new version
        to the address an agent corrected, or the current one asked for by address. A case
        update email (case_updated) saying why, with the link as it is when sent."""
        def told(case: Case) -> bool:
            """This change has committed (or a later one): an address given to a phone-only
            question keeps the link's version, so there only the address shows it."""
            if case.link_version != data.version:
                return case.link_version > data.version
            return data.reason != "readdressed" or bool(case.requester_email)

        async with self.sessions() as session:
            await as_told(session, Case, data.case_id, "case", told)
        await self.send_case_email(CaseEmail(
            case_id=data.case_id, kind="updated", detail=LINK_EMAILED[data.reason],
            key=f"case-{data.case_id}:link-v{data.version}"
                + (f"-{data.request}" if data.request else "")))

    @staticmethod
    async def _files(session, case: Case, kind: str, message: CaseMessage | None) -> list[str]:
        """The names of the files a message brought; for the receipt, those the case was
        opened with (they belong to no message), so the requester sees they arrived."""
        if message is not None:
            which = CaseAttachment.message_id == message.id
        elif kind == "received":
            which = (CaseAttachment.case_id == case.id) & CaseAttachment.message_id.is_(None)
        else:
            return []
        return list((await session.exec(select(CaseAttachment.filename).where(which)
                                        .order_by(CaseAttachment.id))).all())

    @staticmethod
    def _detail(email: CaseEmail, case: Case, message: CaseMessage | None) -> str | None:
        """Emails name concrete dates in Eastern time, never "7 days from now"."""
        if email.due_at:
            return i18n.local_when(email.due_at)
        if email.kind == "closed":  # why, from the requester's side, and since when
            return requester_reason(email.detail, case.closed_at or utcnow())
        if email.detail:
            return i18n.gettext(email.detail)
        if email.kind == "resolved" and case.resolved_at:  # an email queued before due_at
            return i18n.local_when(case.resolved_at + REOPEN_WITHIN)
        if email.kind == "info_requested" and message and message.posted_at:
            return i18n.local_when(message.posted_at + INFO_CLOSE_AFTER)
        return None

    @staticmethod
    async def _taken_from(session, case: Case) -> str:
        holder = await session.get(User, case.assignee_id) if case.assignee_id else None
        who = f"{holder.first_name} {holder.last_name}" if holder else "nobody"
        return f"a team lead moved it to {who}; it is no longer yours to work"

    async def _recipients(self, session, case: Case, kind: str,
                          to_user_id: int | None = None) -> list[tuple[str, str]]:
        if to_user_id is not None:  # an agent the email is for, not the case's holder
            agent = await session.get(User, to_user_id)
            return [(agent.first_name, agent.email)] if agent else []
        if kind == "for_agent" and case.assignee_id:
            agent = await session.get(User, case.assignee_id)
            return [(agent.first_name, agent.email)] if agent else []
        if kind in STAFF_KINDS:  # escalated, or news of a case nobody holds: its team's leads
            leads = (await session.exec(select(User).where(
                User.role == Role.HELPDESK_LEAD, User.team == case.team))).all()
            if not leads:
                leads = (await session.exec(select(User).where(
                    User.role == Role.HELPDESK_LEAD))).all()
            return [(lead.first_name, lead.email) for lead in leads]
        if not case.requester_email:
            return []  # a recipient who gave only a phone number is called back instead
        return [(case.requester_name.split()[0], case.requester_email)]
