"""Help desk: requester registration, cases and their conversation, agents' actions."""

import re
import secrets
import time
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import TypeVar

from anyascii import anyascii
from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain import throttle
from api.domain.accounts import registered_just_now, sent_just_now, tell_owner, user_by_email
from api.domain.attachments import (
    MAX_ATTACHMENTS,
    XLSX,
    check_attachments,
    store_attachments,
    too_many,
)
from api.domain.helpdesk_console import PAGE_SIZE
from api.domain.scope import my_location_ids
from api.domain.section_b import Upload
from api.domain.state_lists import Listing, paged
from api.processes import Gateway
from api.processes import accounts as account_processes
from api.processes import helpdesk as case_process
from api.processes.gateway import keep_after_refusal
from core.db import read_afresh
from core.errors import Conflict, CVMSError, Forbidden, Invalid, NotFound
from core.i18n import N_
from core.timefmt import when
from models.accounts import User
from models.enrollment import StoredFile
from models.enums import HELPDESK_ROLES, AccountStatus, Role
from models.fields import NOT_ONE_LINE
from models.helpdesk import Case, CaseAttachment, CaseMessage, CaseStatus
from models.helpdesk_rules import Category, route
from models.helpdesk_schemas import CaseIn, PublicQuestionIn, RequesterRegistrationIn

NO_CASE = "We could not find that case among the ones you can open."
# A bulk upload is its file: the help desk imports it (SPEC 4). A recipient list may be the
# CSV the upload page also takes (the agent's import reads both, api/domain/recipient_files.py).
BULK_UPLOADS = {Category.PROVIDER_BULK_UPLOAD: {XLSX},
                Category.RECIPIENT_BULK_UPLOAD: {XLSX, "text/csv"}}
NO_WORKBOOK = ("Attach the filled-in bulk upload template, an Excel (.xlsx) file: the help desk "
               "imports the rows from it.")
NO_RECIPIENT_LIST = ("Attach the recipient list: the Recipient Bulk Upload template filled in, "
                     "as an Excel (.xlsx) or CSV file; the help desk imports the rows from it.")

T = TypeVar("T")


def is_agent(user: User) -> bool:
    return user.role in HELPDESK_ROLES


def username_base(first: str, last: str) -> str:
    """The first initial and the last name in plain letters: accented and other scripts'
    letters spelled in Latin ones (Å is a, Ø is o, Nguyễn is nguyen), nothing dropped."""
    return re.sub(r"[^a-z]", "", anyascii(first.strip()[:1] + last).lower())[:20] or "user"


async def _unique_username(session: AsyncSession, first: str, last: str) -> str:
    base = username_base(first, last)
    while True:
        candidate = f"{base}{secrets.randbelow(9000) + 1000}"
        taken = await session.exec(select(User).where(User.username == candidate))
        if taken.first() is None:
            return candidate


REGISTERED = ("If this address can be registered, we emailed it a username and a temporary "
              "password; if it already has an account, we emailed it how to log in.")


async def register_requester(session: AsyncSession, gateway: Gateway,
                             data: RequesterRegistrationIn, client: str, per_client: int) -> None:
    """The same answer (`REGISTERED`) for every address: a taken one is not told to the person
    who typed it; its owner is emailed instead. An address whose self-registration expired
    unconfirmed was never proven anyone's, and becomes this requester's. A few an hour from one
    client, counted with the administrators' (`throttle.registration_allowed`), and given back
    when not done (the process system away, or refused)."""
    if await sent_just_now(session, data.email, data.first_name, data.last_name):
        return  # the same registration again (a double click): counted and sent once
    counted_keys = await throttle.registration_allowed(session, client, per_client)
    async with throttle.given_back_if_not_done(session, counted_keys, not_done=(CVMSError,)):
        done = await _register_requester(session, gateway, data)
    if not done:  # the other send of a double click did it: one registration, counted once
        await throttle.give_back(session, counted_keys)


async def _register_requester(session: AsyncSession, gateway: Gateway,
                              data: RequesterRegistrationIn) -> bool:
    """False: the same registration's other send did it (nothing more is done)."""
    user = await user_by_email(session, data.email)
    if user is not None and user.status != AccountStatus.EXPIRED:
        if registered_just_now(user, data.first_name, data.last_name):
            return False
        await tell_owner(session, gateway, user)
        return True
    user = user or User(email=data.email.lower(), first_name="", last_name="",
                        role=Role.REQUESTER)
    user.first_name, user.last_name = data.first_name, data.last_name
    user.role, user.registration_code = Role.REQUESTER, data.registration_code
    user.username = await _unique_username(session, data.first_name, data.last_name)
    user.status, user.password_hash, user.must_change_password = AccountStatus.ACTIVE, None, True
    session.add(user)
    # The same address's other send at the same instant (a double click) registered it first:
    # this one is answered alike, its account and email being that send's.
    if await _flush_once(session, lambda: user_by_email(session, data.email)) is not None:
        return False
    await account_processes.welcome_requester(gateway, session, user.id)
    return True


async def _start(session: AsyncSession, gateway: Gateway, case: Case) -> Case:
    await case_process.open_case(gateway, session, case.id, case.team)
    return case


async def open_case(session: AsyncSession, gateway: Gateway, user: User, data: CaseIn,
                    uploads: list[Upload], kept: list[StoredFile] = ()) -> Case:
    checked = check_attachments(uploads)
    if len(checked) + len(kept) > MAX_ATTACHMENTS:
        raise too_many()
    if data.category in BULK_UPLOADS and not BULK_UPLOADS[data.category] & (
            {kind for _upload, kind in checked} | {file.content_type for file in kept}):
        raise Invalid(NO_RECIPIENT_LIST if data.category == Category.RECIPIENT_BULK_UPLOAD
                      else NO_WORKBOOK, field="attachments")
    if data.location_id is not None and data.location_id not in await my_location_ids(
            session, user):
        raise Invalid("Choose one of your own locations, or none.", field="location_id")
    if data.related_case_id is not None:
        earlier = await session.get(Case, data.related_case_id)
        if earlier is None or earlier.requester_user_id != user.id:
            raise Invalid("A follow-up names one of your own cases.", field="related_case_id")
        if earlier.status != CaseStatus.CLOSED:  # an open case takes a reply, not a twin
            raise Invalid(f"Case {earlier.number} is not closed: reply to it instead (a "
                          "follow-up is for a closed case).", field="related_case_id")
    case = Case(requester_user_id=user.id, requester_name=user.full_name,
                requester_email=user.email, category=data.category, team=route(data.category),
                subject=data.subject, description=data.description, location_id=data.location_id,
                related_case_id=data.related_case_id, request_key=data.request_key)
    case.search_text = Case.searchable(case.subject, case.requester_name, case.requester_email)
    user_id = user.id
    session.add(case)
    if first := await _flush_once(session, lambda: opened_with(session, user_id,
                                                               data.request_key)):
        raise SentAlready(case_sent_already(first), case=first)
    await store_attachments(session, case.id, None, checked, list(kept))
    return await _start(session, gateway, case)


def case_sent_already(case: Case) -> str:
    return f"Case {case.number} was already sent, so it was not sent again."


async def opened_with(session: AsyncSession, user_id: int,
                      request_key: str | None) -> Case | None:
    """The case this requester's form already opened (the form sent again after Back, or at
    the same instant: a double click), if any."""
    if not request_key:
        return None
    return (await session.exec(select(Case).where(Case.requester_user_id == user_id,
                                                  Case.request_key == request_key))).first()


# A public question's form key sent with another question: the key's question is another
# visitor's (a copied form, an API client's weak keys), so nothing of it is said.
ANOTHER_QUESTION = N_("This form was already sent with another question, so this one was not "
                      "sent. Send it again to ask it.")


async def asked_with(session: AsyncSession, data: PublicQuestionIn) -> Case | None:
    """The public question this form already asked (sent again after Back, or at the same
    instant), if any: only the same question from the same address. The key alone is no
    way to another visitor's question (its personal link, its answer): refused."""
    if not data.request_key:
        return None
    case = (await session.exec(select(Case).where(Case.requester_user_id.is_(None),
                                                  Case.request_key == data.request_key))).first()
    if case is None or (case.description == data.question and (
            case.requester_email or "").lower() == str(data.email or "").lower()):
        return case
    raise Conflict(ANOTHER_QUESTION, field="request_key")


async def sent_with(session: AsyncSession, case_id: int,
                    request_key: str | None) -> CaseMessage | None:
    """The message this form already sent on the case (Back then again, or a double click)."""
    if not request_key:
        return None
    return (await session.exec(select(CaseMessage).where(
        CaseMessage.case_id == case_id, CaseMessage.request_key == request_key))).first()


def question_heading(question: str, limit: int = 80) -> str:
    """A public question's case subject (its form asks none): its first words on one line, as
    every case subject is (it heads the console and the emails), cut between two words."""
    words = " ".join(NOT_ONE_LINE.sub(" ", question).split())
    if len(words) <= limit:
        return words
    return words[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


async def ask_question(session: AsyncSession, gateway: Gateway,
                       data: PublicQuestionIn, client: str, per_client: int,
                       uploads: list[Upload] = (), kept: list[StoredFile] = ()) -> Case:
    """A recipient's question from the public form: no account needed (so a few an hour per
    address and per client: each question emails its address), with files checked as a
    provider's case's are (a refused file costs no question)."""
    checked = check_attachments(list(uploads))
    if len(checked) + len(kept) > MAX_ATTACHMENTS:
        raise too_many()
    case = Case(requester_name=data.name, requester_email=data.email, requester_phone=data.phone,
                language=data.language, request_key=data.request_key, category=Category.RECIPIENT_QUESTION, team=route(Category.RECIPIENT_QUESTION),
                subject=question_heading(data.question), description=data.question)
    case.search_text = Case.searchable(case.subject, case.requester_name, case.requester_email)
    session.add(case)
    if asked := await _flush_once(session, lambda: asked_with(session, data)):
        return asked  # the question the other send asked: one case, one email, one count
    # counted with the case it allows, after its row: a twin send that met it counts nothing
    await throttle.question_allowed(session, data.email, client, per_client)
    await throttle.public_files_allowed(session, client, len(checked), within=True)
    await store_attachments(session, case.id, None, checked, list(kept))
    return await _start(session, gateway, case)


NO_FILE = "That file is not available."


async def case_for(session: AsyncSession, user: User, case_id: int) -> Case:
    """Agents open every case; a requester only their own."""
    case = await session.get(Case, case_id)
    if case is None or not (is_agent(user) or case.requester_user_id == user.id):
        raise NotFound(NO_CASE)
    return case


async def my_cases(session: AsyncSession, user: User, page: int = 1,
                   page_size: int = PAGE_SIZE) -> Listing:
    """A requester's cases, the newest first, a page at a time as the console's (a page past
    the last is the last)."""
    mine = Case.requester_user_id == user.id
    return await paged(session, select(Case).where(mine).order_by(Case.id.desc()),
                       select(func.count()).select_from(Case).where(mine), page, page_size)


async def conversation(session: AsyncSession, case: Case, user: User) -> list[CaseMessage]:
    statement = select(CaseMessage).where(CaseMessage.case_id == case.id,
                                          CaseMessage.posted_at.is_not(None))
    if not is_agent(user):
        statement = statement.where(CaseMessage.internal.is_(False))
    return list((await session.exec(statement.order_by(CaseMessage.id))).all())


async def attachments(session: AsyncSession, case: Case, viewer: User) -> list[CaseAttachment]:
    """The files of the case itself and of the messages `viewer` may read: an agent's every
    published one, a requester's not those of internal notes."""
    published = select(CaseMessage.id).where(CaseMessage.posted_at.is_not(None))
    if not is_agent(viewer):
        published = published.where(CaseMessage.internal.is_(False))
    result = await session.exec(select(CaseAttachment).where(
        CaseAttachment.case_id == case.id, or_(CaseAttachment.message_id.is_(None),
                                               CaseAttachment.message_id.in_(published)))
        .order_by(CaseAttachment.id))
    return list(result.all())


async def attached_file(session: AsyncSession, case: Case, viewer: User,
                        file_id: int) -> StoredFile:
    """A file of this case that `viewer` may open (see `attachments`), else 404."""
    if not any(a.file_id == file_id for a in await attachments(session, case, viewer)):
        raise NotFound(NO_FILE)
    return await session.get(StoredFile, file_id)


SENT_ALREADY = "This message was already sent, so it was not sent again."


class SentAlready(Conflict):
    """The same form's other send, at the same instant (a double click), stored what this one
    would have: nothing more to do. `case`: the case it opened, when it opened one. The session
    was rolled back (its objects are expired)."""

    def __init__(self, message: str, case: Case | None = None) -> None:
        super().__init__(message)
        self.case = case


async def _flush_once(session: AsyncSession,
                      earlier: Callable[[], Awaitable[T | None]]) -> T | None:
    """Flush a new row carrying a form's key. When the key's unique constraint refuses it
    because the same form's other send stored it first, roll back and return what that send
    stored (`earlier()`); None when the row is flushed. Any other refusal stands."""
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()
        if (first := await earlier()) is not None:
            return first
        raise
    return None


async def _store_message(session: AsyncSession, case: Case, user: User, body: str, *,
                         internal: bool = False, kind: str = "comment",
                         uploads: list[Upload] = (), kept: list[StoredFile] = (),
                         request_key: str | None = None) -> CaseMessage:
    checked = check_attachments(list(uploads))
    if len(checked) + len(kept) > MAX_ATTACHMENTS:
        raise too_many()
    message = CaseMessage(case_id=case.id, author_user_id=user.id, author_name=user.full_name,
                          author_kind="agent" if is_agent(user) else "requester",
                          internal=internal, kind=kind, body=body, request_key=request_key)
    case_id = case.id
    session.add(message)
    if await _flush_once(session, lambda: sent_with(session, case_id, request_key)):
        raise SentAlready(SENT_ALREADY)
    await store_attachments(session, case.id, message.id, checked, list(kept))
    return message


async def add_message(session: AsyncSession, gateway: Gateway, case: Case, user: User,
                      body: str, internal: bool = False, uploads: list[Upload] = (),
                      kept: list[StoredFile] = (), request_key: str | None = None) -> CaseMessage:
    if case.status == CaseStatus.CLOSED:
        if is_agent(user):  # from a page opened before it closed
            unsent = "your note was not saved" if internal else "your reply was not sent"
            raise Conflict(closed_for_agent(case, unsent), field="body")
        raise Conflict("This case is closed. Open a new case if you still need help.")
    if internal and not is_agent(user):
        raise Forbidden("Only help-desk agents write internal notes.", field="internal")
    if is_agent(user) and not internal and case.status == CaseStatus.RESOLVED:
        # from a page opened before the case was resolved: a reply would be emailed about a
        # case that stays resolved (the requester's own reply reopens it; an agent reopens)
        raise Conflict(await _resolved_by(session, case, user, "your reply was not sent"),
                       field="body")
    if is_agent(user) and not internal:
        await not_held_by_another(session, case, user)
        await pick_up(session, gateway, case, user)
    message = await _store_message(session, case, user, body, internal=internal,
                                   uploads=uploads, kept=kept, request_key=request_key)
    # The requester commenting on a resolved case (within the reopening period) reopens it.
    action = "reopen" if case.status == CaseStatus.RESOLVED and not is_agent(user) else "post"
    case_id, message_id, user_id = case.id, message.id, user.id
    try:
        await case_process.message(gateway, session, case_id, action, message_id, user_id,
                                   reply=is_agent(user) and not internal)
    except CVMSError as error:
        if action == "reopen" and error.status_code == 409 and await _status_now(
                session, case_id, CaseStatus.OPEN):
            # reopened a moment ago by the requester's other comment (another tab): this one
            # joins the reopened case as a reply, not lost to the process's refusal
            keep_after_refusal(session)
            await case_process.message(gateway, session, case_id, "post", message_id, user_id)
            return message
        if error.code != "resolved":  # resolved a moment before: its process refused it
            raise
        raise Conflict(await _resolved_by(session, case, user, "your reply was not sent"),
                       field="body") from error
    return message


def closed_for_agent(case: Case, unsent: str) -> str:
    """What an agent writing on a closed case is told: when and why it closed, and what is left
    (a closed case is not reopened: the requester opens a new one, linked to it from its page;
    a public question's asker asks again), not the requester's words."""
    closed = f"This case closed on {when(case.closed_at)}" if case.closed_at else \
        "This case is closed"
    reason = (case.closed_reason or "").rstrip(".")
    why = f" ({reason[:1].lower()}{reason[1:]})" if reason else ""
    again = ("the requester may open a new case from its page, linked to this one"
             if case.requester_user_id else
             "the requester may ask a new question from the help page")
    reach = " or ".join(
        [f"write to them at {case.requester_email}"] * bool(case.requester_email)
        + [f"call them at {case.requester_phone}"] * bool(case.requester_phone))
    return (f"{closed}{why}: {unsent}. A closed case is not reopened: {again}"
            + (f"; to reach them now, {reach}." if reach else "."))


async def not_held_by_another(session: AsyncSession, case: Case, user: User,
                              field: str = "body") -> None:
    """A case someone holds is theirs to answer: another agent may leave them an internal
    note, and a team lead may reassign it (or answer it), but a reply, a request for
    information, a resolution, a reopening or an import by anyone else is refused, naming the
    holder (their work would otherwise be answered over, and they would not know)."""
    if (not is_agent(user) or user.role == Role.HELPDESK_LEAD or not case.assignee_id
            or case.assignee_id == user.id):
        return
    raise Conflict(f"{await _name(session, case.assignee_id)} holds this case: leave them an "
                   "internal note, or ask a team lead to reassign it to you.", field=field)


async def pick_up(session: AsyncSession, gateway: Gateway, case: Case, agent: User) -> None:
    """An agent answering a new, unassigned case (a reply, an import's message) has picked it
    up: it is theirs, in progress (unless someone took it a moment before: then it is theirs,
    and the answer still goes)."""
    if case.status == CaseStatus.NEW and not case.assignee_id:
        with suppress(Conflict):
            await assign(session, gateway, case, agent, None)


async def assign(session: AsyncSession, gateway: Gateway, case: Case, user: User,
                 agent_id: int | None, *, seen: bool = False,
                 holder_seen: int | None = None) -> str:
    """A lead assigns a case to anyone, or takes it; an agent takes a case nobody else holds.
    Of two at once, one wins; the other is told who (field "agent_id" for a lead's form,
    "take" for an agent's button). `seen`: the page's form says whom it showed holding the
    case (`holder_seen`, None for nobody): sent after the case changed hands (another lead
    reassigned it in their tab), it is refused, naming who holds it now, not moved again."""
    agent = await session.get(User, agent_id or user.id)
    if agent is None or not is_agent(agent):
        raise Invalid("Choose a help-desk agent.", field="agent_id")
    lead = user.role == Role.HELPDESK_LEAD
    if agent.id != user.id and not lead:
        raise Forbidden("Only a team lead assigns cases to others; take the case yourself.",
                        field="agent_id")
    field = "agent_id" if lead else "take"
    holder = case.assignee_id
    if seen and holder != holder_seen and holder != agent.id:
        now = f"{await _name(session, holder)} holds this case now" if holder else \
            "Nobody holds this case now"
        raise Conflict(f"{now}: it changed hands after this page was opened, so it was not "
                       "reassigned. Choose again if it should still move.", field=field)
    if holder and holder not in (agent.id, user.id) and not lead:
        raise Conflict(f"{await _name(session, holder)} holds this case: ask them, or a team "
                       "lead, to reassign it.", field=field)
    try:
        return await case_process.assign(gateway, case.id, agent.id, user.id, holder)
    except CVMSError as error:
        if error.code != "taken":
            raise
        holder = await _winner(session, case.id)
        raise Conflict(f"{await _name(session, holder)} took this case a moment ago, so it "
                       "was not assigned.", field=field) from error


async def _winner(session: AsyncSession, case_id: int) -> int | None:
    """Who took the case a moment ago: read afresh (this request's own transaction may still
    see the case as it was, SQLite's snapshot), waiting a little for the winner's step to have
    written it (the process refused this take as soon as the other was under way)."""
    async def look(fresh: AsyncSession) -> int | None:
        return (await fresh.exec(select(Case.assignee_id).where(Case.id == case_id))).one()

    return await read_afresh(session, look)


async def _name(session: AsyncSession, user_id: int | None) -> str:
    person = await session.get(User, user_id) if user_id else None
    return person.full_name if person else "Someone else"


async def _message_update(session, gateway, case: Case, user: User, body: str,
                          action: str, uploads: list[Upload] = (),
                          kept: list[StoredFile] = (), request_key: str | None = None) -> str:
    """The message is kept only if the case accepts the action (refused, it is not sent)."""
    if case.status == CaseStatus.CLOSED:
        raise Conflict("This case is closed. Open a new case if you still need help.")
    if is_agent(user):
        await not_held_by_another(session, case, user, "notes" if action == "resolve" else "body")
    kind = {"request_info": "info_request", "resolve": "resolution"}.get(action, action)
    message = await _store_message(session, case, user, body, kind=kind, uploads=uploads,
                                   kept=kept, request_key=request_key)
    # An agent asking or resolving picks up a case nobody holds, as a reply does: the
    # requester's answer (or reopening) then reaches them.
    return await case_process.message(gateway, session, case.id, action, message.id, user.id,
                                      pick_up=is_agent(user))


async def request_info(session, gateway, case: Case, agent: User, body: str,
                       uploads: list[Upload] = (), kept: list[StoredFile] = (),
                       request_key: str | None = None) -> str:
    """The case waits for the requester's answer and closes on its own without one: only for
    a requester we can write to (one who left only a phone number is called instead)."""
    if not case.requester_email:
        raise Conflict(f"Nothing was sent: {no_email_call(case)} A written request for "
                       "information would reach nobody, and the case would close on its own.")
    if case.status == CaseStatus.AWAITING_REQUESTER:  # from a tab opened before the first ask
        raise Conflict(ASKED_ALREADY, field="body")
    case_id = case.id
    try:
        return await _message_update(session, gateway, case, agent, body, "request_info",
                                     uploads, kept, request_key)
    except SentAlready:
        raise
    except CVMSError as error:  # two asks at once (two tabs): the process took the other
        if error.status_code != 409 or not await _status_now(
                session, case_id, (CaseStatus.AWAITING_REQUESTER,)):
            raise
        raise Conflict(ASKED_ALREADY, field="body") from error


ASKED_ALREADY = ("Nothing was sent: the requester was already asked for information and the "
                 "case waits for their answer. To add to the question, reply to the requester.")


def no_email_call(case: Case) -> str:
    """What an agent is told about a requester who left only a phone number."""
    return (f"the requester gave no email address: call them at "
            f"{case.requester_phone or 'the number they gave'}.")


async def resolve(session, gateway, case: Case, agent: User, notes: str,
                  request_key: str | None = None) -> str:
    if case.status == CaseStatus.RESOLVED:  # from a page opened before another agent did
        raise Conflict(await _resolved_by(session, case, agent, "your notes were not sent"))
    case_id, agent_id = case.id, agent.id
    try:
        return await _message_update(session, gateway, case, agent, notes, "resolve",
                                     request_key=request_key)
    except SentAlready:
        raise
    except CVMSError as error:
        # two at once (two tabs, two agents): both passed the check above, the process took
        # the other one and refused this one in its own words
        if error.status_code != 409 or not await _status_now(
                session, case_id, (CaseStatus.RESOLVED,)):
            raise
        async with AsyncSession(session.bind) as fresh:
            said = await _resolved_by(fresh, await fresh.get(Case, case_id),
                                      await fresh.get(User, agent_id), "your notes were not sent")
        raise Conflict(said) from error


async def _status_now(session: AsyncSession, case_id: int,
                      statuses: tuple[CaseStatus, ...]) -> bool:
    """Whether another request took the case to one of `statuses` a moment ago (two tabs, two
    agents), read afresh (this request's transaction holds its own refused message), waiting a
    little for the other's step to be written (the process refused this one as soon as the
    other was under way)."""
    async def look(fresh: AsyncSession) -> bool | None:
        status = (await fresh.exec(select(Case.status).where(Case.id == case_id))).first()
        return True if status in statuses else None

    return bool(await read_afresh(session, look))


async def still_open(session: AsyncSession, case: Case, agent: User, unsent: str,
                     field: str) -> None:
    """An agent's answer to the requester that is not a reply (an import's message) is
    refused where a reply is: on a resolved case it would be emailed about a case that stays
    resolved (the agent reopens it first), and a closed case takes nothing more."""
    if case.status == CaseStatus.CLOSED:
        raise Conflict(closed_for_agent(case, unsent), field=field)
    if case.status == CaseStatus.RESOLVED:
        raise Conflict(await _resolved_by(session, case, agent, unsent), field=field)


async def _resolved_by(session: AsyncSession, case: Case, agent: User, unsent: str) -> str:
    """Who resolved the case, and when: what an agent resolving it again, or replying on it
    from a page opened before, is told ("You", when it was this agent, from another tab)."""
    last = (await session.exec(select(CaseMessage).where(
        CaseMessage.case_id == case.id, CaseMessage.kind == "resolution")
        .order_by(CaseMessage.id.desc()))).first()
    name = "You" if last and last.author_user_id == agent.id else last and last.author_name
    who = f"{name} resolved this case on {when(last.created_at)}" if last else \
        "This case is resolved"
    return f"{who}: {unsent}. Reopen it if it needs more work."


async def reopen(session, gateway, case: Case, user: User, reason: str,
                 request_key: str | None = None) -> str:
    if case.requester_user_id != user.id and not is_agent(user):
        raise NotFound(NO_CASE)
    return await _message_update(session, gateway, case, user, reason, "reopen",
                                 request_key=request_key)


COUNTS_FOR = 10.0  # seconds: the console's per-team counts are at most this old
_counts: dict[int, tuple[float, dict[str, int]]] = {}


async def queue_counts(session: AsyncSession) -> dict[str, int]:
    """Open cases per team, for the console's team links. Every agent's every page shows
    them, so each process counts at most every few seconds per database."""
    key, now = id(session.bind), time.monotonic()
    cached = _counts.get(key)
    if cached and now - cached[0] < COUNTS_FOR:
        return cached[1]
    rows = await session.exec(select(Case.team, func.count()).where(
        Case.status.in_(CaseStatus.OPEN)).group_by(Case.team))
    counts = {str(team): count for team, count in rows.all()}
    _counts[key] = (now, counts)
    return counts


async def agents(session: AsyncSession) -> list[User]:
    result = await session.exec(select(User).where(User.role.in_(list(HELPDESK_ROLES)))
                                .order_by(User.last_name))
    return list(result.all())
