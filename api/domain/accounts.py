"""Registration, email confirmation, login and password changes."""

import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain import throttle
from api.processes import Gateway
from api.processes import accounts as account_processes
from api.sessions import end_all_sessions, end_other_sessions
from core.db import read_afresh
from core.errors import CVMSError, Gone, Invalid
from core.security import dummy_hash, hash_password_async, needs_rehash, verify_password_async
from models.accounts import AccessLink, User
from models.base import as_utc, utcnow
from models.enums import AccountStatus, Role
from models.helpdesk_rules import TEMPORARY_PASSWORD_VALID_FOR
from models.links import (
    PROBLEMS,
    RESET_PURPOSE,
    VERIFY_PURPOSE,
    claim_link,
    expire_unused,
    find_link,
    link_problem,
    readdressed,
)
from models.portal_rules import PROFILES
from models.schemas import LoginIn, NewPassword, PasswordChangeIn, RegistrationIn


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    result = await session.exec(select(User).where(func.lower(User.email) == email.lower()))
    return result.first()


# A link's form sent again this soon after the link was used is the same press (a double
# click); later, the link is only 'already used' (no password is checked through it then).
SENT_TWICE_WITHIN = timedelta(seconds=10)


async def chosen_just_now(session: AsyncSession, link: AccessLink | None, email: str,
                          password: str, within: float = 2.0) -> bool:
    """Whether the account of `email` has `password`, chosen from `link` a moment ago by the
    same form's other send (a double click): the send the browser shows is then answered as
    the first was, not 'This link was already used'. Read afresh, waiting a little for the
    other send to commit its password."""
    if link is None:
        return False
    checked = None

    async def look(fresh: AsyncSession) -> bool | None:
        nonlocal checked
        used = (await fresh.exec(select(AccessLink.used_at).where(
            AccessLink.id == link.id))).first()
        if used is not None and utcnow() - as_utc(used) > SENT_TWICE_WITHIN:
            return False
        user = await user_by_email(fresh, email)
        stored = user.password_hash if user is not None else None
        if used is not None and stored and stored != checked:  # (a reset: the old one first)
            if await verify_password_async(stored, password):
                return True
            checked = stored
        return None

    return bool(await read_afresh(session, look, within))


REGISTERED = ("If this address can be registered, we emailed it a confirmation link; if it "
              "already has an account, we emailed it how to log in.")


def registered_just_now(user: User, first_name: str, last_name: str) -> bool:
    """The same registration's other send (a double click, its first send done a moment
    before): an account not used yet, registered seconds ago with these names. It is answered
    alike and sends nothing more: a second email would carry a second link, the first one dead
    as it arrives, or tell the person they already have the account they just made."""
    unused = user.status == AccountStatus.PENDING_VERIFICATION or (
        user.status == AccountStatus.ACTIVE and user.must_change_password)
    return unused and (user.first_name, user.last_name) == (first_name, last_name) and \
        utcnow() - as_utc(user.created_at) <= SENT_TWICE_WITHIN


async def sent_just_now(session: AsyncSession, email: str, first_name: str,
                        last_name: str) -> bool:
    """Whether this registration was made a moment ago by the same form's other send
    (`registered_just_now`): asked before it is counted, so the repeat is not."""
    user = await user_by_email(session, email)
    return user is not None and user.status != AccountStatus.EXPIRED and \
        registered_just_now(user, first_name, last_name)


async def tell_owner(session: AsyncSession, gateway: Gateway, user: User,
                     newer: Callable[[User], None] | None = None) -> None:
    """Someone registered an address that is taken: its owner is emailed (a fresh confirmation
    link while it waits for one, how to log in when it is active), never the one who typed it;
    past a few emails an hour to the address, nothing is sent and nothing changes. `newer`
    updates a registration still waiting, kept only with its fresh link."""
    if user.status not in (AccountStatus.PENDING_VERIFICATION, AccountStatus.ACTIVE,
                           AccountStatus.DEACTIVATED):
        return
    if not await throttle.account_email_allowed(session, user.email):
        return
    async with throttle.given_back_if_not_done(session, throttle.RESET_EMAIL, user.email):
        if user.status == AccountStatus.PENDING_VERIFICATION:
            if newer is not None:
                newer(user)
                session.add(user)
            await account_processes.send_verification_again(gateway, session, user.id)
        else:
            await account_processes.start_password_reset(gateway, user.id,
                                                         secrets.token_hex(8), registering=True)


async def register_org_admin(*, session: AsyncSession, gateway: Gateway,
                             data: RegistrationIn, verify_within: timedelta, client: str,
                             per_client: int) -> None:
    """The same answer (`REGISTERED`) and the same work for every address, so nobody learns
    which are registered. A new address (or one whose registration expired) gets an unconfirmed
    account and its confirmation process: both, or neither. One still waiting for confirmation
    takes the newer name and password (only the mailbox's owner can confirm either) and is sent
    a fresh link; an account that exists is told how to log in. A few an hour from one client
    (`throttle.registration_allowed`), given back when not done (the process system away)."""
    if await sent_just_now(session, data.email, data.first_name, data.last_name):
        return  # the same registration again (a double click): counted and sent once
    counted_keys = await throttle.registration_allowed(session, client, per_client)
    async with throttle.given_back_if_not_done(session, counted_keys, not_done=(CVMSError,)):
        done = await _register_org_admin(session, gateway, data, verify_within)
    if not done:  # the other send of a double click did it: one registration, counted once
        await throttle.give_back(session, counted_keys)


async def _register_org_admin(session: AsyncSession, gateway: Gateway, data: RegistrationIn,
                              verify_within: timedelta) -> bool:
    """False: the same registration's other send did it (nothing more is done)."""
    password_hash = await hash_password_async(data.password)

    def registered(user: User) -> None:
        user.first_name, user.last_name = data.first_name, data.last_name
        user.password_hash = password_hash

    user = await user_by_email(session, data.email)
    if user is not None and user.status != AccountStatus.EXPIRED:
        if registered_just_now(user, data.first_name, data.last_name):
            return False
        await tell_owner(session, gateway, user, newer=registered)
        return True
    user = user or User(email=data.email.lower(), first_name="", last_name="",
                        role=Role.ORG_ADMIN)
    registered(user)
    user.status = AccountStatus.PENDING_VERIFICATION
    session.add(user)
    try:
        await session.flush()
    except IntegrityError:
        # The same address's other send at the same instant (a double click) made it first:
        # this one is answered alike, its account and email being that send's.
        await session.rollback()
        if await user_by_email(session, data.email) is not None:
            return False
        raise
    await account_processes.start_verification(gateway, session, user.id, verify_within)
    return True


async def usable_verification_link(session: AsyncSession, token: str) -> AccessLink:
    link = await find_link(session, VERIFY_PURPOSE, token)
    problem = link_problem(link)
    if problem:
        raise Gone(PROBLEMS[VERIFY_PURPOSE][problem], field="token", errors={"link": problem})
    return link


async def confirm_email(*, session: AsyncSession, gateway: Gateway, token: str) -> User:
    try:
        link = await usable_verification_link(session, token)
        link_id, user_id = link.id, link.subject_id
        await account_processes.confirm_email(gateway, user_id, link_id)
    except CVMSError:
        # the other send confirmed it: under way ("already confirming") or, under load, done
        # before this one read the link ("already confirmed")
        link = await find_link(session, VERIFY_PURPOSE, token)
        if link is None or not await _confirmed_just_now(session, link.id, link.subject_id):
            raise
        link_id, user_id = link.id, link.subject_id
    user = await session.get(User, user_id)
    await session.refresh(user)
    return user


async def _confirmed_just_now(session: AsyncSession, link_id: int, user_id: int,
                              within: float = 3.0) -> bool:
    """'Confirm my email' double-clicked: the other send, under way when this one was refused
    ('already confirming'), confirmed the address with this same link a moment ago. Read
    afresh, waiting a little for it to finish."""
    async def look(fresh: AsyncSession) -> bool | None:
        used = (await fresh.exec(select(AccessLink.used_at).where(
            AccessLink.id == link_id))).first()
        user = await fresh.get(User, user_id)
        if used is not None and user is not None and user.status == AccountStatus.ACTIVE:
            return utcnow() - as_utc(used) <= SENT_TWICE_WITHIN
        return None

    return bool(await read_afresh(session, look, within))


async def user_by_login(session: AsyncSession, login: str) -> User | None:
    """Help-desk requesters log in with the username they were emailed; everyone by email."""
    if "@" in login:
        return await user_by_email(session, login)
    result = await session.exec(select(User).where(func.lower(User.username) == login.lower()))
    return result.first()


REFUSED = "The email (or username) or password is not correct."


async def password_is_right(session: AsyncSession, user: User | None, login: str,
                            password: str, client: str, field: str = "password") -> bool:
    """One password check behind the back-off (api/domain/throttle): refused (429) while the
    client or the login typed must wait, counted on both and on the account it names until it
    proves right (while that account waits, no password is right). Known and
    unknown accounts take the same argon2 work (a dummy hash when there is no account). Every
    check of a person's password that anyone may try goes through here."""
    attempt = await throttle.begin_login(
        session, (throttle.CLIENT, throttle.key(throttle.CLIENT, client)),
        (throttle.ACCOUNT, throttle.key(throttle.ACCOUNT, login)), field,
        named=throttle.account_of(user.id) if user is not None else None)
    stored = user.password_hash if user is not None else None
    right = await verify_password_async(stored or dummy_hash(), password)  # the same work
    if not right or not stored or attempt.silenced:
        return False
    await throttle.passed(session, attempt)
    return True


TEMPORARY_EXPIRED = (f"This temporary password has expired: it worked for "
                     f"{TEMPORARY_PASSWORD_VALID_FOR.days} days after we emailed it. Choose a "
                     "new password with \"Forgot your password?\" on the login page, using the "
                     "email address you registered with.")


async def authenticate(session: AsyncSession, data: LoginIn, client: str) -> User:
    """Known and unknown accounts are answered alike: the same message, the same argon2 work,
    the same back-off."""
    user = await user_by_login(session, data.email)
    if not await password_is_right(session, user, data.email, data.password, client):
        raise Invalid(REFUSED, field="password")
    if user.status == AccountStatus.PENDING_VERIFICATION:
        raise Invalid("Confirm your email address first: use the link we emailed you.",
                      field="email")
    if not user.can_log_in and user.status == AccountStatus.DEACTIVATED \
            and user.role in PROFILES:  # a portal contact: their manager reactivates them
        raise Invalid("This account was deactivated by a Location Manager. If you should have "
                      "access, ask the Location Manager of your location to reactivate it; "
                      "you then log in with the password you had.", field="email")
    if user.status == AccountStatus.DEACTIVATED and user.role == Role.ORG_CONTACT:
        raise Invalid("Your Organization Portal access was deactivated: you are no longer a "
                      "point of contact of your organization in CVMS. If you should have "
                      "access, ask the Healthcare Location Manager or the state program who "
                      "manages your organization to reactivate it; you then log in with the "
                      "password you had.", field="email")
    if not user.can_log_in:
        raise Invalid("This account is not active. Contact the help desk.", field="email")
    if user.temporary_password_expired:  # told only to whoever typed it right
        raise Invalid(TEMPORARY_EXPIRED, field="password")
    if needs_rehash(user.password_hash):  # parameters changed since it was stored: upgrade it now
        user.password_hash = await hash_password_async(data.password)
        session.add(user)
    return user


async def change_password(*, session: AsyncSession, user: User, data: PasswordChangeIn,
                          keep_session_key: str | None, client: str) -> None:
    """A new password ends every other session of this person, and any reset link asked
    before it; the one changing it stays. The current password is checked behind the login's
    back-off (a session left open is no way to guess it)."""
    if not await password_is_right(session, user, user.email, data.current_password, client,
                                   field="current_password"):
        raise Invalid("Your current password is not correct.", field="current_password")
    if await verify_password_async(user.password_hash, data.password):
        raise Invalid("Choose a password different from the current one.", field="password")
    user.password_hash = await hash_password_async(data.password)
    user.must_change_password = False
    session.add(user)
    await end_other_sessions(session, user.id, keep_session_key)
    # a reset link asked before (perhaps by whoever made the person change it) sets nothing
    await expire_unused(session, RESET_PURPOSE, user.id)


RESET_SENT = ("If an account exists for that address, we emailed it a link to choose a new "
              "password. The link works once, for one hour.")


async def request_password_reset(session: AsyncSession, gateway: Gateway,
                                 email: str, request_key: str | None = None) -> None:
    """The same answer whether or not the address is known (no account discovery), and past
    a few requests an hour no further email to that address (no mail bombing); the same ask
    sent again (`throttle.email_asked`) is one request. A registration
    not yet confirmed is sent its confirmation link again: a reset link could not log it in,
    and someone who lost the first email had no other way to it."""
    ask = await throttle.email_asked(session, email, throttle.RESET_EMAIL, request_key)
    if ask is None:
        return
    user = await user_by_email(session, email)
    async with throttle.given_back_if_not_done(session, throttle.RESET_EMAIL, email):
        if user is not None and user.status == AccountStatus.PENDING_VERIFICATION:
            if not ask.repeat:  # (a fresh confirmation link would kill the one just sent)
                await account_processes.send_verification_again(gateway, session, user.id)
            return
        if user is None or user.status not in (AccountStatus.ACTIVE,
                                               AccountStatus.DEACTIVATED):
            return  # (a deactivated account's owner is told why no link comes, and who can help)
        # one process per ask: the same ask again (a double click, a retry, with the form's
        # key or a moment after) joins that one, counted once and emailed once
        await account_processes.start_password_reset(gateway, user.id, ask.request)


async def usable_reset_link(session: AsyncSession, token: str) -> AccessLink:
    """A reset link still usable, and still its account's: one sent to an address the
    account no longer has (corrected by a manager or the help desk) sets no password, nor one
    of an account deactivated since (which is emailed no link)."""
    link = await find_link(session, RESET_PURPOSE, token)
    problem = link_problem(link)
    user = await session.get(User, link.subject_id) if problem is None else None
    if user is not None and readdressed(link, user.email):
        problem = "readdressed"
    elif user is not None and user.status != AccountStatus.ACTIVE:
        problem = "deactivated"
    if problem:
        raise Gone(PROBLEMS[RESET_PURPOSE][problem], field="token")
    return link


async def claimed(session: AsyncSession, purpose: str, token: str, password: str,
                  usable: Callable[[AsyncSession, str], Awaitable[Any]]) -> Any:
    """What `usable(session, token)` finds (a link, or a link and its account), once this
    request has claimed the link; None when this same password was chosen through it a moment
    ago (a double click); else the link's problem (Gone: used, expired...)."""
    try:
        found = await usable(session, token)
        link = found[0] if isinstance(found, tuple) else found
        if await claim_link(session, link.id):  # used by a concurrent request a moment ago
            raise Gone(PROBLEMS[purpose]["used"], field="token")
        return found
    except Gone:
        link = await find_link(session, purpose, token)
        owner = await session.get(User, link.subject_id) if link else None
        if owner is not None and await chosen_just_now(session, link, owner.email, password):
            return None
        raise


async def reset_password(session: AsyncSession, token: str, data: NewPassword) -> User | None:
    """None: this same password was set with this link a moment ago (a double click)."""
    link = await claimed(session, RESET_PURPOSE, token, data.password, usable_reset_link)
    if link is None:
        return None
    user = await session.get(User, link.subject_id)
    user.password_hash = await hash_password_async(data.password)
    user.must_change_password = False
    session.add(user)
    await end_all_sessions(session, user.id)  # whoever knew the old password is logged out
    # the owner proved their mailbox: guesses by others no longer hold their account up (the
    # wait through their other login says nothing, `throttle.begin_login`)
    await throttle.forget_account(session, user.id)
    return user
