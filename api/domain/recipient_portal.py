"""The recipient's own pages, reached from the personal link in the invitation: register,
see the eligibility status and what it means, update the answers at any time. The link is a
capability (an HMAC of the recipient's id), so no account is needed; the recipient's
registration is a fact the API alone writes."""

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain import throttle
from api.processes import recipients as recipient_processes
from core import i18n
from core.errors import CVMSError, Gone, NotFound
from core.security import link_version, moved_on
from core.timefmt import day
from models.administrations import RECORDED, Administration
from models.audit import AuditEvent
from models.base import as_utc, utcnow
from models.care_rules import local_today
from models.eligibility import QUESTIONS, STATUSES, evaluate
from models.enrollment import Location
from models.enrollment_enums import US_STATES
from models.recipient_rules import (
    FORM_DATE,
    INDUSTRIES,
    NO_SUCH_DAY,
    RECIPIENT_LINK,
    US_DATE_EXAMPLE,
    RecipientIn,
    field_errors,
)
from models.recipient_schemas import RegistrationIn, WalkInIn, ask_yes_or_no
from models.recipients import Recipient

TWIN = i18n.N_("Someone else is already registered with this legal name and date of birth. "
               "Check them, or ask the help desk.")
# Once a dose is on record, the name and date of birth are the vaccination record's: changed
# here, the proof of vaccination (a signed SMART Health Card) would name someone else.
IDENTITY = ("first_name", "last_name", "date_of_birth")
IDENTITY_LOCKED = i18n.N_("Your name and date of birth are on your vaccination record and "
                          "cannot be changed here: to correct them, ask the location that "
                          "vaccinated you.")


async def identity_locked(session: AsyncSession, person: Recipient) -> bool:
    """Whether a dose is on the person's record (their name and date of birth are then fixed)."""
    if person.id is None:
        return False
    return (await session.exec(select(Administration.id).where(
        Administration.recipient_id == person.id,
        Administration.status == RECORDED).limit(1))).first() is not None


NO_LONGER_VALID = "This link is no longer valid."


async def by_link(session: AsyncSession, secret: str, recipient_id: int, key: str) -> Recipient:
    """The person whose current personal link this is. A link of theirs from before their
    email address was corrected is gone (410: a newer one went to the address on file);
    any other is not valid (404)."""
    found = await session.get(Recipient, recipient_id)
    which = link_version(secret, RECIPIENT_LINK, recipient_id, found.link_version,
                         key) if found is not None else ""
    if which == "gone":
        raise Gone(NO_LONGER_VALID)
    if not which:
        raise NotFound("This link is not valid.")
    return found


def move_link_on(person: Recipient, before: str | None) -> None:
    """An email address corrected: the links sent to the old address stop working
    (`moved_on`); the caller emails the new one to the new address."""
    if person.id is not None:
        person.link_version = moved_on(person.link_version, before, person.email)


# Said whether or not the address is on file (no one learns who is registered here).
LINK_ASKED = i18n.N_("If a vaccination record has this email address, we emailed its personal "
                     "link to it. Use the link in the newest email: older links may no longer "
                     "work.")
MOST_LINKS = 10  # records sharing one address (a family's) emailed at one ask


async def email_current_link(session: AsyncSession, gateway, email: str,
                             request_key: str | None = None) -> None:
    """Each record with this email address is emailed its current personal link (the same
    answer, `LINK_ASKED`, whether the address is on file or not; `email_asked_links`)."""
    await email_asked_links(
        session, email, throttle.RECIPIENT_LINK_EMAIL,
        select(Recipient.id, Recipient.link_version).where(
            Recipient.email == email.strip().lower()).order_by(Recipient.id),
        lambda recipient_id, version, request: recipient_processes.email_link(
            gateway, None, recipient_id, version, "asked", request), request_key)


async def email_asked_links(session: AsyncSession, email: str, rule: throttle.Rule,
                            statement, send, request_key: str | None = None) -> None:
    """Personal links asked for by address, without an account: each thing `statement` finds
    ((id, link version) rows) has its current link emailed by `send(id, version, request)`;
    nothing else happens, so the answer is the same whether the address is on file or not,
    and past a few asks an hour for an address (`rule`) nothing more is sent (no mail
    bombing). `request_key`: the form's; the same ask sent again (a double click) is the same
    request, whose emails' processes have started already."""
    ask = await throttle.email_asked(session, email, rule, request_key)
    if ask is None:
        return
    request = ask.request  # the same ask again (`throttle.email_asked`): counted once
    found = (await session.exec(statement.limit(MOST_LINKS))).all()
    async with throttle.given_back_if_not_done(session, rule, email):
        for ident, version in found:
            await send(ident, version, request)


def form_values(person: Recipient) -> dict[str, Any]:
    values = {k: getattr(person, k) for k in ("first_name", "last_name", "phone", "email",
                                               "street", "city", "state", "zip_code",
                                               "employer", "industry", "language")}
    values["date_of_birth"] = person.date_of_birth.isoformat()
    return {**values, **person.answers}


def choices() -> dict[str, Any]:
    """The form's options in the language of the moment."""
    return {"industries": [(k, i18n.gettext(v)) for k, v in INDUSTRIES.items()],
            "languages": list(i18n.LANGUAGES.items()),
            "states": [(s, s) for s in US_STATES],
            "questions": [(k, i18n.gettext(q)) for k, q in QUESTIONS.items()]}


async def register(session: AsyncSession, person: Recipient,
                   values: dict[str, Any]) -> dict[str, str]:
    """Save the registration (or an update); the errors, translated, when there are any. With a
    dose on record the name and date of birth stay as they are (the form shows them, not as
    fields): one sent changed is refused."""
    changed: dict[str, str] = {}
    if await identity_locked(session, person):
        kept = form_values(person)
        if any(str(values.get(k) or "").strip() not in ("", str(kept[k])) for k in IDENTITY):
            changed = {"first_name": IDENTITY_LOCKED}  # one message, shown with the three
        values = {**values, **{k: kept[k] for k in IDENTITY}}
    try:
        data = RegistrationIn.model_validate(values)
    except ValueError as error:
        errors = ask_yes_or_no(field_errors(error))
        if errors.get("date_of_birth") in (US_DATE_EXAMPLE, NO_SUCH_DAY):
            errors["date_of_birth"] = FORM_DATE
        return i18n.translated({**errors, **changed})
    if changed:
        return i18n.translated(changed)
    fill_in(person, data)
    now = utcnow()
    person.registered_at = person.registered_at or now
    person.updated_at = now
    session.add(person)
    try:
        await session.flush()
    except IntegrityError as error:
        raise CVMSError(i18n.gettext(TWIN), field="first_name") from error
    return {}


def fill_in(person: Recipient, data: RegistrationIn | WalkInIn) -> None:
    """The person's details and answers on their record, with the eligibility they give (the
    stored projection): from their Recipient Portal, or from staff at the point of care."""
    before = person.email
    for key, value in data.record().items():
        setattr(person, key, value)
    move_link_on(person, before)
    person.answers = data.answers()
    result = evaluate(person.date_of_birth, person.industry, person.answers)
    person.eligibility, person.eligibility_group = result.status, result.group


def status_of(person: Recipient):
    result = evaluate(person.date_of_birth, person.industry, person.answers)
    label, meaning = STATUSES[result.status if person.registered_at else "unknown"]
    return result, label, meaning


async def location_name(session: AsyncSession, person: Recipient) -> str:
    location = await session.get(Location, person.location_id)
    return location.name if location else ""


async def _born_too_late(session: AsyncSession, person: Recipient, born) -> str | None:
    """A date of birth after the person's first dose on record, or after the day they
    registered (a paper form's day), cannot be theirs: the proof of vaccination would show a
    dose given before they were born (a dose, and a paper form, dated so are refused too)."""
    first = (await session.exec(select(Administration).where(
        Administration.recipient_id == person.id, Administration.status == RECORDED).order_by(
        Administration.administered_on).limit(1))).first()
    if first is not None and born > first.administered_on:
        return (f"Dose {first.dose_number} was given on {day(first.administered_on)}: the date "
                "of birth cannot be after it.")
    registered = person.registered_at and local_today(as_utc(person.registered_at))
    if registered and born > registered:
        return f"They registered on {day(registered)}: the date of birth cannot be after it."
    return None


async def correct_identity(session: AsyncSession, user, person: Recipient,
                           values: dict[str, Any]) -> dict[str, str]:
    """Staff correcting a legal name or date of birth typed wrong (a dose on record or not):
    checked as a registration's, the same person twice refused, the change audited with what
    it was. The errors by field, when there are any (the caller has checked that this
    location keeps the person's details, and commits)."""
    before = {k: str(getattr(person, k)) for k in IDENTITY}
    # the details alone (RecipientIn), not the questionnaire: someone invited who has not
    # registered yet has no answers, and their name is corrected all the same
    kept = {k: v for k, v in form_values(person).items() if k in RecipientIn.model_fields}
    try:
        data = RecipientIn.model_validate({**kept, **{k: values.get(k, "") for k in IDENTITY}})
    except ValueError as error:
        errors = field_errors(error)
        if errors.get("date_of_birth") in (US_DATE_EXAMPLE, NO_SUCH_DAY):
            errors["date_of_birth"] = FORM_DATE
        return {k: v for k, v in errors.items() if k in IDENTITY} or errors
    if problem := await _born_too_late(session, person, data.date_of_birth):
        return {"date_of_birth": problem}
    record = data.record()
    for key in (*IDENTITY, "first_key", "last_key"):
        setattr(person, key, record[key])
    person.updated_at = utcnow()
    session.add(person)
    try:
        await session.flush()
    except IntegrityError as error:
        raise CVMSError(i18n.gettext(TWIN), field="first_name") from error
    session.add(AuditEvent(subject_type="recipient", subject_id=person.id,
                           action="name or birth date corrected", actor=user.audit_name,
                           detail={"user_id": user.id, "before": before}))
    return {}
