"""Point of care at a location: who may act there, finding recipients (name and date of birth,
partial names, a page at a time), registering a walk-in, checking someone in.

Healthcare Providers and Location Managers act; read-only profiles look (api/domain/scope.py
says which profile a person holds at the location).

A person has one record, at the location where they registered. A walk-in at another location
with the same legal name and date of birth (a second dose elsewhere) is that person: the
location then serves them too (`RecipientSite`), finds them and records their doses, and
nothing tells it more than the person in front of them gives."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.recipient_portal import fill_in
from api.domain.scope import profile_at, site_for_staff
from api.forms import one_field, parse, refuse_fields
from api.processes import recipients as recipient_processes
from core.db import one_at_a_time
from core.errors import Forbidden, Invalid, NotFound
from core.timefmt import clock
from models.accounts import User
from models.administrations import CheckIn
from models.audit import SERVED_ELSEWHERE, AuditEvent
from models.base import as_utc, insert_or_skip, utcnow
from models.care_rules import EASTERN, local_today
from models.enrollment import Location
from models.portal_rules import ACTING, PROFILES
from models.recipient_rules import name_key
from models.recipient_schemas import WalkInIn
from models.recipients import Recipient, RecipientSite

PAGE_SIZE = 20
NO_RECIPIENT = "We could not find that recipient at this location."


async def care_site(session: AsyncSession, user: User, location_id: int,
                    *, write: bool = False) -> Location:
    """A location this person works at: any portal profile reads, acting profiles change."""
    return await site_for_staff(session, user, location_id,
                                profiles=ACTING if write else frozenset(PROFILES),
                                state_reads=False)


async def may_act(session: AsyncSession, user: User, location_id: int) -> bool:
    return await profile_at(session, user, location_id) in ACTING


@dataclass
class Found:
    items: list[Recipient]
    total: int
    page: int
    pages: int


async def find(session: AsyncSession, location: Location, name: str = "",
               date_of_birth: date | None = None, page: int = 1) -> Found:
    """Recipients of the location whose first or last name (or "first last") starts with what
    was typed (accents, apostrophes and hyphens aside: `name_key`), born on that day when
    given."""
    where = [served_at(location.id)]
    if (named := typed_name(name)) is not None:
        where.append(named)
    if date_of_birth is not None:
        where.append(Recipient.date_of_birth == date_of_birth)
    total = (await session.exec(select(func.count()).select_from(Recipient).where(*where))).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    items = (await session.exec(select(Recipient).where(*where).order_by(
        Recipient.last_key, Recipient.first_key, Recipient.id)
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))).all()
    return Found(list(items), total, page, pages)


def _word_start(column, text: str):
    """The column starts with the text, or one of its later words does."""
    # autoescape: a typed % or _ is a letter of the name, not LIKE's wildcard
    return or_(column.startswith(text, autoescape=True),
               column.contains(" " + text, autoescape=True))


def typed_name(typed: str):
    """The condition on Recipient for a name as staff type it (None for nothing typed): the
    first or the last name starts with it, or "first last" does ("García López" is a surname,
    or a first name and a surname), and a surname's later part counts as its start: "obrien"
    and "Ana O'Brien" find Ana López-O'Brien. Accents, apostrophes and hyphens aside
    (`name_key`)."""
    words = name_key(typed).split()
    if not words:
        return None
    first, last = col(Recipient.first_key), col(Recipient.last_key)
    whole = " ".join(words)
    either = [_word_start(last, whole), first.startswith(whole, autoescape=True)]
    if len(words) > 1:
        either.append(and_(first.startswith(words[0], autoescape=True),
                           _word_start(last, " ".join(words[1:]))))
    return or_(*either)


def served_at(location_id: int):
    """The condition on Recipient: registered at the location, or served there too."""
    return or_(Recipient.location_id == location_id, col(Recipient.id).in_(
        select(RecipientSite.recipient_id).where(RecipientSite.location_id == location_id)))


async def serves(session: AsyncSession, location_id: int, person: Recipient) -> bool:
    if person.location_id == location_id:
        return True
    return (await session.exec(select(RecipientSite.id).where(
        RecipientSite.recipient_id == person.id,
        RecipientSite.location_id == location_id))).first() is not None


async def recipient_at(session: AsyncSession, location: Location, recipient_id: int
                       ) -> Recipient:
    person = await session.get(Recipient, recipient_id)
    if person is None or not await serves(session, location.id, person):
        raise NotFound(NO_RECIPIENT, field="recipient_id")
    return person


async def take_turn(session: AsyncSession, recipient_id: int) -> None:
    """One change at a time to a person's bookings and doses: the transaction's first write,
    on the person's row (changing nothing), holds it until the commit (Postgres: the row's
    lock; SQLite: the database's write lock), so requests sent at once (two tabs, two
    stations, a double click) take turns and each sees what its twin committed."""
    await one_at_a_time(session, Recipient, recipient_id)


# What a walk-in's registration did with what was typed.
NEW, COMPLETED, KNOWN = "new", "completed", "known"
PAPER_DAYS = 366  # a paper form is entered within a year, as a dose from paper is


def registration_time(data: WalkInIn, now: datetime) -> tuple[datetime, bool]:
    """When the person registered, and whether it is entered late: today, or the day written on
    a paper form (at noon Eastern: a day, whatever the zone it is read in)."""
    today = local_today(now)
    filled = data.registered_on
    problem = paper_day_problem(filled, data.date_of_birth, today)
    if problem:
        raise Invalid(problem, field="registered_on")
    if filled is None or filled == today:
        return now, False
    return datetime.combine(filled, time(12), tzinfo=EASTERN).astimezone(UTC), True


def paper_day_problem(filled: date | None, born: date | None, today: date) -> str | None:
    """What is wrong with the day written on a paper form, if anything (none: today)."""
    if filled is None or filled == today:
        return None
    if filled > today:
        return "The form cannot be dated on a day that has not come yet."
    if (today - filled).days > PAPER_DAYS:
        return "Enter the day the paper form was filled in (within the last year)."
    if born is not None and filled < born:
        return "The form cannot be dated before the person's date of birth."
    return None


def walk_in_form(values: Mapping[str, Any], now: datetime) -> WalkInIn:
    """The walk-in page's form, or a 422 naming every mistake at once: with other fields
    wrong, the form's day is checked here too (against today and the birth date), not only
    by `registration_time` once they are right."""
    parsed, errors = parse(WalkInIn, values)
    if errors and "registered_on" not in errors:
        filled = one_field(WalkInIn, "registered_on", values)
        problem = filled and paper_day_problem(
            filled, one_field(WalkInIn, "date_of_birth", values), local_today(now))
        if problem:
            errors["registered_on"] = problem
    refuse_fields(errors)
    return parsed


def _register(person: Recipient, data: WalkInIn, when: tuple[datetime, bool]) -> None:
    fill_in(person, data)
    person.registered_at, person.registered_late = when
    person.updated_at = utcnow()


async def walk_in(session: AsyncSession, user: User, location: Location,
                  data: WalkInIn, now: datetime) -> tuple[Recipient, str]:
    """Register someone on the spot or from a paper form, with their questionnaire answers:
    (their record, what was done: NEW, COMPLETED or KNOWN). The same legal name and birth
    date is the same person, whose record is returned: someone invited (a file) who never
    registered, at a location of the organization that keeps their details, is registered
    from what was typed, as their own Recipient Portal would (an Email left empty keeps the
    file's address); someone registered keeps what
    they registered (what was typed, answers and date included, is not used). A location where
    they did not register serves them from now on (who opened the record there is audited)."""
    when = registration_time(data, now)
    values = data.record()
    existing = await _same_person(session, values)
    if existing is None:
        person = Recipient(location_id=location.id, **values)
        _register(person, data, when)
        session.add(person)
        try:
            await session.flush()
        except IntegrityError:  # the same person saved at once elsewhere: theirs is the record
            await session.rollback()
            for kept in (user, location):  # read again: the rollback expired them
                await session.refresh(kept)
            existing = await _same_person(session, values)
        else:
            await session.refresh(person)
            return person, NEW
    outcome = KNOWN
    if existing.registered_at is None and await keeps_details(session, location.id, existing):
        if not data.email and existing.email:  # the Email field left empty: not a removal
            # of the address the file gave, where the invitation went and reminders will go
            data = data.model_copy(update={"email": existing.email})
        _register(existing, data, when)
        session.add(existing)
        outcome = COMPLETED
    if existing.location_id != location.id:
        added = await session.exec(insert_or_skip(session.bind.dialect.name, RecipientSite)
                                   .values(recipient_id=existing.id, location_id=location.id,
                                           created_at=utcnow()).on_conflict_do_nothing()
                                   .returning(RecipientSite.id))
        if added.first() is not None:  # the first time here (the driver's rowcount may be -1)
            session.add(AuditEvent(
                subject_type="recipient", subject_id=existing.id,
                action=SERVED_ELSEWHERE, actor=user.audit_name,
                detail={"location_id": location.id, "how": "walk-in", "user_id": user.id}))
    return existing, outcome


async def email_link(gateway, session: AsyncSession, person: Recipient, outcome: str) -> bool:
    """Someone registered here now who gave an email address is emailed their Recipient
    Portal link (eligibility, appointments, proof of vaccination), once; the registration
    commits only with its email's process started. True when it is on its way."""
    if outcome == KNOWN or not person.email:
        return False
    await recipient_processes.email_link(gateway, session, person.id, person.link_version)
    return True


def walk_in_notice(person: Recipient, outcome: str) -> str | None:
    """What staff are told of a walk-in that found a record."""
    if outcome == COMPLETED:
        return (f"{person.full_name} was invited before (the same legal name and date of "
                "birth) and had not registered: their registration is complete with the "
                "details and answers typed.")
    if outcome == KNOWN:
        return (f"{person.full_name} was already registered (the same legal name and date of "
                "birth): this is their record, and the contact details typed were not used "
                "(nor the answers or the form's date).")
    return None


async def keeps_details(session: AsyncSession, location_id: int, person: Recipient) -> bool:
    """Does this location hold the person's contact details, answers and Recipient Portal
    link: where they registered (or were first imported), or another location of that
    organization? Another organization's location that serves them (a walk-in, a file naming
    them: a legal name and a birth date, which others can know) sees only what vaccinating
    needs: their name, date of birth and doses."""
    if person.location_id == location_id:
        return True
    home, here = (await session.get(Location, person.location_id),
                  await session.get(Location, location_id))
    return here is not None and home.organization_id == here.organization_id


def other_organization(person: Recipient) -> Forbidden:
    return Forbidden(f"{person.full_name} registered at another organization's location: "
                     "their contact details, answers and Recipient Portal link stay there. "
                     "Here you find them, check them in and record their doses.")


async def _same_person(session: AsyncSession, values: dict) -> Recipient | None:
    return (await session.exec(select(Recipient).where(
        Recipient.first_key == values["first_key"], Recipient.last_key == values["last_key"],
        Recipient.date_of_birth == values["date_of_birth"]))).first()


@dataclass
class Visit:
    check_in: CheckIn
    new: bool  # False: checked in already today, by an earlier press (or another station)

    def notice(self, person: Recipient) -> str:
        at = clock(self.check_in.checked_in_at)
        return (f"{person.full_name} is checked in." if self.new else
                f"{person.full_name} is already checked in at {at}.")


async def check_in(session: AsyncSession, user: User, location: Location,
                   person: Recipient, now: datetime) -> Visit:
    """One check-in a day per person at a location: "Check in" pressed again (a double click,
    two stations, a retry) answers with the day's check-in. The person's changes take turns
    (`take_turn`), so presses sent at once each see the one their twin committed."""
    await take_turn(session, person.id)
    visit = await last_check_in(session, location, person)
    if visit is not None and local_today(as_utc(visit.checked_in_at)) == local_today(now):
        return Visit(visit, new=False)
    visit = CheckIn(recipient_id=person.id, location_id=location.id, checked_in_by=user.id,
                    checked_in_at=now)
    session.add(visit)
    await session.flush()
    return Visit(visit, new=True)


async def last_check_in(session: AsyncSession, location: Location, person: Recipient
                        ) -> CheckIn | None:
    return (await session.exec(select(CheckIn).where(
        CheckIn.recipient_id == person.id, CheckIn.location_id == location.id)
        .order_by(CheckIn.id.desc()))).first()
