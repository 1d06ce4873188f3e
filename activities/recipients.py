"""The recipient import's steps: validate, store (one statement), invite in batches, report.

Each step reads the upload from the database by its id and is idempotent: the upload's status
says what is done, the unique (legal name, date of birth) constraint keeps a person once, and
each invitation is keyed per recipient in the outbox, so a retried batch, a worker killed
mid-file or the same file uploaded again never invites anyone twice.
"""


from sqlalchemy import ColumnElement, String, and_, cast, exists, literal, update
from sqlalchemy.orm import defer
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity

from activities.mailer import BatchMailer, Letter, MailingActivities, as_told, present
from core.db import transaction
from models.accounts import User
from models.base import utcnow
from models.contracts import InviteResult, RecipientRef, UploadRef, UploadStep
from models.enrollment import Location
from models.outbox import SentEmail
from models.recipient_rules import invitation_key, recipient_path, validate_rows
from models.recipient_store import count, insert_recipients, refused
from models.recipients import Recipient, RecipientUpload
from notifications.catalogue import (
    EmailKind,
    RecipientInvitationContext,
    RecipientRegisteredContext,
    RecipientUploadDoneContext,
)

BATCH_SIZE = 250
CHUNK = 500  # rows validated between two progress updates


def still_to_invite() -> ColumnElement[bool]:
    """A person with an address not invited yet, whose invitation the relay has not refused
    for good (a mailbox that does not exist: its outbox row says so, and it is never sent
    again; counted as waiting, an upload would ask for it for ever)."""
    key = literal("recipient-") + cast(Recipient.id, String) + literal(":invitation")
    return and_(Recipient.email.is_not(None), Recipient.invited_at.is_(None),
                ~exists().where(SentEmail.event_key == key, SentEmail.refused_at.is_not(None)))


def link_key(recipient_id: int, version: int = 0, request: str = "") -> str:
    """The personal link's email: once, once for each later version of the link, and once for
    each ask."""
    return (f"recipient-{recipient_id}:registered" + (f"-v{version}" if version else "")
            + (f"-{request}" if request else ""))


def _told(person: Recipient, data: RecipientRef) -> bool:
    """Has the change that told of this email committed: the link's version it made, the
    registration, and an address given where there was none (the link stays, so only the
    address shows it)?"""
    return person.link_version >= data.version and (
        data.reason != "registered" or person.registered_at is not None) and (
        data.reason != "readdressed" or bool(person.email)
        or person.link_version > data.version)


class RecipientActivities(MailingActivities):
    def __init__(self, mailer) -> None:
        super().__init__(mailer)
        self.batch = BatchMailer(mailer.sessions, mailer.sender, mailer.settings)

    async def _upload(self, session: AsyncSession, upload_id: int,
                      rows: bool = False) -> RecipientUpload:
        """The upload; its rows (~1 MB of JSON at 5,000) only for the steps that read them."""
        return await present(session, RecipientUpload, upload_id, "upload",
                             options=[] if rows else [defer(RecipientUpload.rows)])

    @activity.defn
    async def validate_upload(self, data: UploadRef) -> UploadStep:
        """Check every row, counting progress as it goes; a file with problems stops here
        unless its uploader chose the valid rows only."""
        async with self.sessions() as session:
            upload = await self._upload(session, data.upload_id, rows=True)
            if upload.status != "validating":
                return UploadStep(upload_id=upload.id, status=upload.status)
            rows = upload.rows
        errors: list = []
        for start in range(0, len(rows), CHUNK):
            _valid, found = validate_rows(rows[start:start + CHUNK])
            errors.extend(found)
            await self._set(data.upload_id, validated=min(start + CHUNK, len(rows)))
            activity.heartbeat(start)
        async with transaction(self.sessions) as session:
            upload = await self._upload(session, data.upload_id)
            upload.errors = errors
            upload.valid_rows = upload.total_rows - len({e["row"] for e in errors})
            upload.status = "refused" if refused(upload) else "storing"
            if upload.status == "refused":
                upload.finished_at = utcnow()
            session.add(upload)
            return UploadStep(upload_id=upload.id, status=upload.status)

    @activity.defn
    async def store_upload(self, data: UploadRef) -> UploadStep:
        """All valid rows in one INSERT ... ON CONFLICT DO NOTHING, in one transaction."""
        async with transaction(self.sessions) as session:
            upload = await self._upload(session, data.upload_id, rows=True)
            if upload.status != "storing":
                return UploadStep(upload_id=upload.id, status=upload.status)
            valid, _errors = validate_rows(upload.rows)
            upload.new_recipients = await insert_recipients(session, upload,
                                                            [r for _, r in valid])
            upload.stored = upload.valid_rows
            upload.to_invite = await count(session, Recipient.upload_id == upload.id,
                                           Recipient.email.is_not(None))
            upload.status = "inviting" if upload.to_invite else "done"
            session.add(upload)
            return UploadStep(upload_id=upload.id, status=upload.status)

    @activity.defn
    async def invite_batch(self, data: UploadRef) -> InviteResult:
        """The next people this upload created who were not invited yet, each once."""
        async with self.sessions() as session:
            upload = await self._upload(session, data.upload_id)
            location = await session.get(Location, upload.location_id)
            people = (await session.exec(select(Recipient).where(
                Recipient.upload_id == upload.id, still_to_invite())
                .order_by(Recipient.id).limit(BATCH_SIZE))).all()
            letters = [self._invitation(person, location.name) for person in people]
        sent = await self.batch.send_batch(letters, self._invited)
        async with transaction(self.sessions) as session:
            invited = await count(session, Recipient.upload_id == data.upload_id,
                                  Recipient.invited_at.is_not(None))
            remaining = await count(session, Recipient.upload_id == data.upload_id,
                                    still_to_invite())
            await session.exec(update(RecipientUpload).where(
                RecipientUpload.id == data.upload_id).values(
                invited=invited, status="inviting" if remaining else "done"))
        return InviteResult(sent=sent, remaining=remaining)

    def _invitation(self, person: Recipient, location_name: str, key: str = "") -> Letter:
        url = self.settings.link(recipient_path(self.secret, person.id, person.link_version))
        return Letter(event_key=key or invitation_key(person.id),
                      kind=EmailKind.RECIPIENT_INVITATION,
                      to=person.email, context=RecipientInvitationContext(
                          recipient_name=person.first_name, location_name=location_name,
                          register_url=url, language=person.language))

    @activity.defn
    async def send_personal_link(self, data: RecipientRef) -> bool:
        """Someone registered at the point of care, whose address was corrected or who asked
        for it gets their personal link by email, once (in their language), at the address on
        file: the link as it is when sent (its version the record's)."""
        async with self.sessions() as session:
            person = await self._as_told(session, data)
            if not person.email:
                return False
            location = await session.get(Location, person.location_id)
            version = person.link_version
            if data.reason == "readdressed" and person.registered_at is None:
                # never registered: the invitation they missed, at the corrected address
                return await self._invite_now(self._invitation(
                    person, location.name, link_key(person.id, version, data.request)))
            context = RecipientRegisteredContext(
                recipient_name=person.first_name, location_name=location.name,
                portal_url=self.settings.link(recipient_path(self.secret, person.id, version)),
                language=person.language, reason=data.reason)
            to = person.email
        return await self.mailer.send(link_key(person.id, version, data.request),
                                      EmailKind.RECIPIENT_REGISTERED, [to], context)

    async def _invite_now(self, letter: Letter) -> bool:
        sent = await self.mailer.send(letter.event_key, letter.kind, [letter.to],
                                      letter.context)
        if not sent and await self.mailer.refused(letter.event_key):
            return False  # not invited: their record says the mail server refused it
        async with transaction(self.sessions) as session:
            await self._invited(session, letter)
        return sent

    @staticmethod
    async def _as_told(session: AsyncSession, data: RecipientRef) -> Recipient:
        """The person as the registration or the corrected address left them (`as_told`)."""
        return await as_told(session, Recipient, data.recipient_id, "recipient",
                             lambda person: _told(person, data))

    @staticmethod
    async def _invited(session: AsyncSession, letter: Letter) -> None:
        recipient_id = int(letter.event_key.split("-", 1)[1].split(":", 1)[0])
        await session.exec(update(Recipient).where(
            Recipient.id == recipient_id, Recipient.invited_at.is_(None)).values(
            invited_at=utcnow()).execution_options(synchronize_session=False))

    async def _set(self, upload_id: int, **values) -> None:
        async with transaction(self.sessions) as session:
            await session.exec(update(RecipientUpload).where(
                RecipientUpload.id == upload_id).values(**values))

    @activity.defn
    async def finish_upload(self, data: UploadRef) -> None:
        """Mark the upload finished and email its uploader (once)."""
        async with transaction(self.sessions) as session:
            upload = await self._upload(session, data.upload_id)
            if upload.status == "inviting":
                upload.status = "done"
            upload.finished_at = upload.finished_at or utcnow()
            session.add(upload)
            uploader = await session.get(User, upload.uploaded_by)
            location = await session.get(Location, upload.location_id)
            imported = upload.stored if upload.status == "done" else 0
            context = RecipientUploadDoneContext(
                recipient_name=uploader.first_name, location_name=location.name,
                filename=upload.filename, total_rows=upload.total_rows, imported=imported,
                new_recipients=upload.new_recipients, invited=upload.invited,
                skipped=upload.total_rows - imported,
                refused=upload.status == "refused", valid_rows=upload.valid_rows,
                url=self.settings.link(f"/recipients/uploads/{upload.id}"))
            to = uploader.email
        await self.mailer.send(f"recipient-upload-{data.upload_id}:done",
                               EmailKind.RECIPIENT_UPLOAD_DONE, [to], context)
