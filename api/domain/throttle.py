"""Back-off against guessing, kept in the database so every API replica sees the same counts.

Failed logins are counted per client address and per typed login (known or not, so the
answers cannot tell them apart), and per account when the typed login names one (its email
and its username share that count): each attempt as it arrives, before its password is
checked, and taken back when the password is right (the login's and the account's counts
cleared, the attempt taken off the client's). The waits said (429) are the client's and the
typed login's; an account made to wait by guesses through its other login refuses every
password meanwhile as a wrong one, so no answer tells that an email and a username belong
together, and guessing through both gets no more tries than through one. Past a few free failures each further one makes that key wait twice as
long as the last, up to a cap: guessing slows to a crawl, while an account's owner is never
locked out for long by someone who only knows the address. Emails about an account that anyone
can trigger (a reset link, a registration of a taken address) are counted per address: past a
few an hour, the same public answer is given and no email goes out. Every counter is held from
its read to its write, so requests sent all at once are counted one after another.
"""

import contextlib
import hashlib
import math
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import delete
from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import StillWorking, TooManyRequests, Unavailable
from core.wording import counted
from models.base import as_utc, insert_or_skip, utcnow
from models.helpdesk_rules import TOO_MANY_FILES, TOO_MANY_QUESTIONS
from models.throttle import LoginThrottle


@dataclass(frozen=True)
class Rule:
    prefix: str
    free: int  # failures (or emails) allowed within the window before any wait
    window: timedelta  # counts older than this start again from zero
    max_wait: timedelta  # the longest single wait


def hourly(prefix: str, free: int) -> Rule:
    """An allowance of `free` an hour, refused until the hour that counted them has passed."""
    return Rule(prefix, free=free, window=timedelta(hours=1), max_wait=timedelta(hours=1))


CLIENT = Rule("client", free=20, window=timedelta(minutes=15), max_wait=timedelta(minutes=15))
ACCOUNT = Rule("account", free=5, window=timedelta(minutes=15), max_wait=timedelta(minutes=1))
# the account a typed login names, whichever of its logins (email, username) was typed
ACCOUNT_ID = Rule("account-id", free=ACCOUNT.free, window=ACCOUNT.window,
                  max_wait=ACCOUNT.max_wait)
RESET_EMAIL = hourly("reset", 3)
# Public questions need no account and each emails the address it gives: a few an hour per
# address, and per client however many addresses it types.
QUESTION_EMAIL = hourly("question", 3)
# "Email me a new signing link" needs no account and each one emails the officer fresh links
# (the older ones die): a few an hour per address, or anyone could flood an officer and keep
# every link they hold dead.
SIGNING_LINK_EMAIL = hourly("signing-link", 3)
# "Email me my personal link" needs no account and emails the link to the address on file: a
# few an hour per address typed, or anyone could flood a recipient's inbox.
RECIPIENT_LINK_EMAIL = hourly("recipient-link", 3)
# ... and so does "Email me my current link" for a public question's case.
CASE_LINK_EMAIL = hourly("case-link", 3)
# Files stored for visitors without an account (with a public question, a reply from a case's
# personal link, or kept with a refused form): a bounded number an hour from one client, so
# nobody fills the database anonymously.
PUBLIC_FILES = hourly("public-files", 25)

# "Email me a new link" from an old invitation or signing link: each one emails a fresh link and
# kills the one before, so a few an hour per address (an old link forwarded or leaked would
# otherwise keep the person's newest link dead).
RENEWED_LINK = hourly("renewed-link", 3)
RENEWALS = ("A new link was already emailed {times} in the last hour. Use the link in the "
            "newest email, or ask again in {wait}.")

# Invitations an organization's administrator makes the program email (Section A's locations
# on submission, a location added after it, a coordinator corrected or invited again): to one
# address a few a day, whichever organizations ask (an address typed for location after
# location, or changed back and forth, would otherwise mail a stranger without end), and from
# one organization after its Section A a bounded number a day.
DAY = timedelta(days=1)
INVITED_ADDRESS = Rule("invited-address", free=3, window=DAY, max_wait=DAY)
INVITING_ORGANIZATION = Rule("inviting-org", free=10, window=DAY, max_wait=DAY)
INVITED_TOO_OFTEN = ("{address} was already emailed {times} invitations or signing links in "
                     "the last 24 hours, the most we send to one address. Check the address "
                     "with its owner, or try again in {wait}.")
INVITING_TOO_OFTEN = ("Your organization had {times} invitations or signing links emailed in "
                      "the last 24 hours, the most we send for one organization. Try again in "
                      "{wait}, or open a help-desk case.")

REGISTRATIONS = ("Many accounts were registered from your network in the last hour. Try again "
                 "in {wait}, or call the help desk.")

WAIT = ("Too many failed attempts from here or for this account. Wait {seconds} and try again, "
        "or reset your password.")


def key(rule: Rule, value: str) -> str:
    """Client addresses as they are; typed logins and emails only as a hash."""
    if rule is CLIENT:
        return f"{rule.prefix}:{value[:60]}"
    return f"{rule.prefix}:{hashlib.sha256(value.strip().lower().encode()).hexdigest()[:40]}"


async def _current(session: AsyncSession, rule: Rule, name: str) -> LoginThrottle:
    """The counter for this key, held until the transaction ends: made first if missing
    (whoever is first), then read `FOR UPDATE` (on SQLite the insert has taken the write
    lock), so two counts at once are two; read apart, both would write the same next number
    and a burst of requests would pass any allowance. Started afresh when its window has
    passed."""
    now = utcnow()
    await session.exec(insert_or_skip(session.bind.dialect.name, LoginThrottle).values(
        key=name, count=0, window_started=now).on_conflict_do_nothing())
    row = await session.get(LoginThrottle, name, with_for_update=True, populate_existing=True)
    if as_utc(row.window_started) + rule.window <= now:
        row.count, row.window_started = 0, now
    return row


@dataclass
class Attempt:
    """A login attempt counted as it arrived (`begin_login`), to be taken back if its password
    proves right (`passed`)."""
    client: tuple[Rule, str]
    account: tuple[Rule, str]  # the typed login
    started_wait: datetime | None  # the client's wait this attempt started, if it did
    named: tuple[Rule, str] | None = None  # the account the typed login names
    silenced: bool = False  # that account waits: no password is right meanwhile


def account_of(user_id: int) -> tuple[Rule, str]:
    return ACCOUNT_ID, key(ACCOUNT_ID, str(user_id))


async def forget_account(session: AsyncSession, user_id: int) -> None:
    """The account's own count cleared (its password set through an emailed link), in the
    caller's transaction; the counts of each typed login stay."""
    await session.exec(delete(LoginThrottle).where(
        LoginThrottle.key == account_of(user_id)[1]))


async def begin_login(session: AsyncSession, client: tuple[Rule, str],
                      account: tuple[Rule, str], field: str = "password",
                      named: tuple[Rule, str] | None = None) -> Attempt:
    """Before a password is checked: refuse it (429 with Retry-After) while the client or the
    account is made to wait; otherwise count it on both now, as a failure until it proves
    right (`passed`). Counted as they arrive, under the counters' lock, the guesses of a burst
    sent at once meet the back-off as one guess after another does, whether aimed at one
    account or sprayed over many from one client (checked first and counted after, every guess
    of a burst was checked). `named`: the account the typed login names, counted too; while
    it waits the attempt is `silenced` (said as a wrong password, see the module's words).
    Every login takes the client's lock first, then the account's, then the typed login's."""
    now, waits = utcnow(), []
    keys = [client, *([named] if named else []), account]
    rows = [await _current(session, *name) for name in keys]  # held
    for (rule, _name), row in zip(keys, rows, strict=True):
        if rule is not ACCOUNT_ID and row.blocked_until and as_utc(row.blocked_until) > now:
            waits.append((as_utc(row.blocked_until) - now).total_seconds())
    attempt = Attempt(client, account, started_wait=None, named=named)
    if named is not None:
        row = rows[1]
        attempt.silenced = bool(row.blocked_until and as_utc(row.blocked_until) > now)
    if not waits:
        before = rows[0].blocked_until
        for (rule, _name), row in zip(keys, rows, strict=True):
            _fail(rule, row)
        if rows[0].blocked_until != before:
            attempt.started_wait = rows[0].blocked_until
    await session.commit()
    if waits:
        seconds = max(1, math.ceil(max(waits)))
        raise TooManyRequests(WAIT.format(seconds=counted(seconds, "second")),
                              retry_after=seconds, field=field)
    return attempt


async def passed(session: AsyncSession, attempt: Attempt) -> None:
    """A right password was no guess: the account's count is cleared and the attempt comes off
    the client's, with the wait it started unless a later guess has started another; all with
    the login's own commit (a refusal after it, such as an account not yet confirmed, keeps
    the counts). So the right logins of a shared address's many people never make it wait,
    unless more than the client's free number of them are being checked at the same instant."""
    # held like every count (read apart, two right logins at once might take back only one)
    row = await _current(session, *attempt.client)
    row.count = max(0, row.count - 1)
    if (attempt.started_wait is not None and row.blocked_until is not None
            and as_utc(row.blocked_until) == as_utc(attempt.started_wait)):
        row.blocked_until = None  # there was none when the attempt was let in
    names = [attempt.account[1], *([attempt.named[1]] if attempt.named else [])]
    await session.exec(delete(LoginThrottle).where(LoginThrottle.key.in_(names)))


def _fail(rule: Rule, row: LoginThrottle) -> None:
    row.count += 1
    beyond = row.count - rule.free
    if beyond > 0:
        wait = min(timedelta(seconds=2 ** min(beyond - 1, 30)), rule.max_wait)
        row.blocked_until = utcnow() + wait


async def account_email_allowed(session: AsyncSession, email: str,
                                rule: Rule = RESET_EMAIL) -> bool:
    """Count one email asked for this address; False past the hourly allowance."""
    return await _spend(session, [(rule, key(rule, email))]) is None


# An ask sent again at once (a double click, a retry) is the same ask: with the form's key, the
# ask last made with that key; without one, any ask this soon after the last one.
SAME_ASK_WITHIN = timedelta(seconds=10)


@dataclass(frozen=True)
class Ask:
    request: str  # names the ask's processes: its repeats reach the same ones
    repeat: bool  # the last ask sent again: counted once, its emails sent once


def _last_ask(rule: Rule) -> Rule:
    return Rule(f"{rule.prefix}-ask", free=0, window=rule.window, max_wait=rule.window)


async def email_asked(session: AsyncSession, email: str, rule: Rule = RESET_EMAIL,
                      request_key: str | None = None) -> Ask | None:
    """Count one email asked for this address, as `account_email_allowed`, unless it is the
    last ask again (`SAME_ASK_WITHIN`): that is counted once, and answered with the same
    request. None past the hourly allowance (nothing is sent). The last ask of each address
    is kept in its own counter (its number, and when), held with the count until committed,
    so the two sends of a double click are told apart one after the other."""
    last = await _current(session, _last_ask(rule), key(_last_ask(rule), email))
    number = int(hashlib.sha256(request_key.encode()).hexdigest()[:7], 16) | 1 \
        if request_key else None
    if last.count and (last.count == number if number else
                       utcnow() - as_utc(last.window_started) <= SAME_ASK_WITHIN):
        await session.commit()
        return Ask(f"ask{last.count:07x}", repeat=True)
    row = await _current(session, rule, key(rule, email))
    if row.count + 1 > rule.free:
        await session.commit()
        return None
    row.count += 1
    last.count = number or secrets.randbelow(2 ** 28 - 1) + 1
    last.window_started = utcnow()
    await session.commit()
    return Ask(f"ask{last.count:07x}", repeat=False)


async def renewal_allowed(session: AsyncSession, address: str,
                          rule: Rule = RENEWED_LINK) -> None:
    """Count one new link asked for from an old one, for the address it goes to; past the
    allowance refuse it (429 on the token) until the hour that counted them has passed. An
    officer's asks by address and from old links share one count (`SIGNING_LINK_EMAIL`)."""
    seconds = await _spend(session, [(rule, key(rule, address))])
    if seconds is not None:
        raise TooManyRequests(RENEWALS.format(times=counted(rule.free, "time"),
                                              wait=_in_minutes(seconds)),
                              retry_after=seconds, field="token")


async def question_allowed(session: AsyncSession, email: str | None, client: str,
                           per_client: int) -> None:
    """Count one public question from `client` to `email`, in the transaction that stores the
    question (after its row: a send of the same form that meets it counts nothing); past
    either allowance (3 an hour to an address, `per_client` an hour from a client), refuse it
    (429, naming the email field) until the hour that counted them has passed."""
    from_client = hourly("question-client", per_client)
    keys = [(from_client, key(from_client, client))]
    if email:
        keys.append((QUESTION_EMAIL, key(QUESTION_EMAIL, email)))
    seconds = await _spend(session, keys, within=True)
    if seconds is not None:
        raise TooManyRequests(TOO_MANY_QUESTIONS, retry_after=seconds, field="email")


async def invitations_allowed(session: AsyncSession, addresses: list[str],
                              organization_id: int | None = None,
                              field: str = "coordinator_email") -> list[tuple[Rule, str]]:
    """Count one invitation to each address (each once, however many locations name it) and,
    with `organization_id`, one for that organization (after its Section A); past either
    allowance refuse them all (429, naming the coordinator's email field, or `field`: an
    officer's signing link after a correction counts alike), counting nothing,
    until the day that counted them has passed. Committed at once; returns the keys counted,
    to be given back if the invitations then are not sent (`given_back_if_not_done`)."""
    keys = [(INVITED_ADDRESS, key(INVITED_ADDRESS, address))
            for address in dict.fromkeys(a.strip().lower() for a in addresses)]
    for rule, name in keys:  # each address told apart, so the refusal names the one
        row = await _current(session, rule, name)
        if row.count + 1 > rule.free:
            seconds = _seconds_left(row, rule)
            await session.commit()
            address = next(a for a in addresses if key(rule, a) == name)
            raise TooManyRequests(INVITED_TOO_OFTEN.format(
                address=address, times=rule.free, wait=_in_minutes(seconds)),
                retry_after=seconds, field=field)
    if organization_id is not None:
        org = (INVITING_ORGANIZATION, key(INVITING_ORGANIZATION, str(organization_id)))
        row = await _current(session, *org)
        if row.count + 1 > INVITING_ORGANIZATION.free:
            seconds = _seconds_left(row, INVITING_ORGANIZATION)
            await session.commit()
            raise TooManyRequests(INVITING_TOO_OFTEN.format(
                times=INVITING_ORGANIZATION.free, wait=_in_minutes(seconds)),
                retry_after=seconds, field=field)
        keys.append(org)
    await _spend(session, keys)
    return keys


async def registration_allowed(session: AsyncSession, client: str,
                               per_client: int) -> list[tuple[Rule, str]]:
    """Count one self-registration from `client` (an organization's administrator or a
    help-desk requester: each makes an account and emails the address typed, so a client that
    types many addresses would otherwise make accounts and send mail without end); past
    `per_client` an hour refuse it (429, naming the email field), storing and sending nothing,
    until the hour that counted them has passed. Counted as it arrives; returns the key
    counted, to be given back when the registration then is not done
    (`given_back_if_not_done`)."""
    rule = hourly("registration-client", per_client)
    seconds = await _spend(session, [(rule, key(rule, client))])
    if seconds is not None:
        raise TooManyRequests(REGISTRATIONS.format(wait=_in_minutes(seconds)),
                              retry_after=seconds, field="email")
    return [(rule, key(rule, client))]


async def public_files_allowed(session: AsyncSession, client: str, count: int,
                               within: bool = False) -> None:
    """Count `count` files a visitor without an account stores from `client`; past the hourly
    allowance refuse them (429, naming the attachments field), storing none. `within`: in the
    transaction that stores them (see `_spend`)."""
    seconds = await _spend(session, [(PUBLIC_FILES, key(PUBLIC_FILES, client))], count,
                           within=within)
    if seconds is not None:
        raise TooManyRequests(TOO_MANY_FILES, retry_after=seconds, field="attachments")


async def _spend(session: AsyncSession, keys: list[tuple[Rule, str]],
                 count: int = 1, within: bool = False) -> int | None:
    """Count `count` on every key and return None; or, when that would take any key past its
    rule's allowance, count nothing and return the seconds until the last window that counted
    them has passed. Every allowance (emails, links, questions, files) is this one rule.
    The count is committed at once, kept even when the request then fails; `within`: it is
    part of the caller's transaction instead (counted only if what it allows is stored)."""
    if not count:
        return None
    rows = [(rule, await _current(session, rule, name)) for rule, name in keys]
    full = [_seconds_left(row, rule) for rule, row in rows if row.count + count > rule.free]
    if not full:
        for _rule, row in rows:
            row.count += count
    if within:
        await session.flush()
    else:
        await session.commit()  # the counters let go at once, the counts kept whatever follows
    return max(full) if full else None


@contextlib.asynccontextmanager
async def given_back_if_not_done(session: AsyncSession, rule: Rule | list[tuple[Rule, str]],
                                 value: str = "",
                                 not_done: tuple[type[Exception], ...] = (Unavailable,)
                                 ) -> AsyncIterator[None]:
    """Around what an ask counted on `value` allowed (an email's process started): when that
    was not done (503, the case system did not answer), nothing was sent, so the ask is not
    counted: the person told "try again in a minute" who does is not told the links were
    already emailed, nor answered with no email for the rest of the hour. What the action
    wrote is rolled back first (it was not done), then the count alone is written."""
    keys = rule if isinstance(rule, list) else [(rule, key(rule, value))]
    try:
        yield
    except not_done as error:
        if isinstance(error, StillWorking):  # accepted: it is done
            raise
        await session.rollback()
        await give_back(session, keys, commit=False)
        if not isinstance(rule, list):  # nor is it the last ask: asked again, it is sent
            await session.exec(delete(LoginThrottle).where(
                LoginThrottle.key == key(_last_ask(rule), value)))
        await session.commit()
        raise


async def give_back(session: AsyncSession, keys: list[tuple[Rule, str]],
                    commit: bool = True) -> None:
    """Take back one count on each key: what it allowed was not done, or was the same as
    what an earlier count allowed (the other send of a double click)."""
    for counted_rule, name in keys:
        row = await _current(session, counted_rule, name)
        row.count = max(0, row.count - 1)
    if commit:
        await session.commit()


def _in_minutes(seconds: int) -> str:
    if seconds > 2 * 3600:
        return counted(math.ceil(seconds / 3600), "hour")
    return counted(max(1, math.ceil(seconds / 60)), "minute")


def _seconds_left(row: LoginThrottle, rule: Rule) -> int:
    left = as_utc(row.window_started) + rule.window - utcnow()
    return max(1, math.ceil(left.total_seconds()))

