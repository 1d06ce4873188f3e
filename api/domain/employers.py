"""Organization management: employers (not vaccine providers), their points of contact and
the 48-hour validation link, and the Organization Portal's confirmation of details."""


from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.accounts import chosen_just_now, user_by_email
from api.domain.scope import NO_EMPLOYER, contact_of, managed_location_ids, may_manage
from api.domain.text_search import contains_plain
from api.processes import Gateway
from api.processes import portal as portal_process
from core.db import one_at_a_time
from core.errors import Conflict, CVMSError, Forbidden, Gone, NotFound, SentMeanwhile
from core.security import hash_password_async
from core.wording import fingerprint
from models.accounts import AccessLink, User
from models.base import utcnow
from models.employers import Employer, EmployerContact
from models.enrollment import Location
from models.enums import Role
from models.links import CONTACT_PURPOSE, PROBLEMS, find_link, link_problem, readdressed
from models.portal_rules import PAGE_SIZE, ContactStatus
from models.portal_schemas import ContactIn, EmployerIn
from models.schemas import NewPassword

LINK_PROBLEMS = PROBLEMS[CONTACT_PURPOSE]


async def search(session: AsyncSession, user: User, q: str, limit: int = PAGE_SIZE,
                 offset: int = 0, *, no_location: bool = False,
                 ) -> tuple[list[tuple[Employer, bool, str | None]], int]:
    """Every employer by name, each with whether this person may open it and the name of its
    vaccinating location when they may know it, a page at a time with the number of matches
    (so every match can be reached).

    Search comes first so nobody creates an organization that exists already (SPEC 5), so it
    lists them all, the ones other locations manage included; those are marked, not linked
    (`employer_for` would refuse them), and the page says who to ask. State staff may ask for
    those no vaccinating location serves yet (`no_location`), which they link."""
    state = user.role == Role.REVIEWER
    if no_location and not state:
        raise Forbidden("Only state staff can list the organizations with no vaccinating "
                        "location yet.")
    matching = select(Employer).where(contains_plain(q, Employer.name))
    if no_location:
        matching = matching.where(Employer.location_id.is_(None))
    total = (await session.exec(select(func.count()).select_from(matching.subquery()))).one()
    rows = (await session.exec(matching.order_by(Employer.name, Employer.id)
                               .offset(offset).limit(limit))).all()
    mine = set() if state else set(await managed_location_ids(session, user))
    names = await _location_names(session, {e.location_id for e in rows
                                            if e.location_id and (state or e.location_id in mine)})
    return [(e, state or e.location_id in mine, names.get(e.location_id)) for e in rows], \
        int(total)


async def _location_names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    found = await session.exec(select(Location.id, Location.name).where(Location.id.in_(ids)))
    return dict(found.all())


def as_searched(employer: Employer, managed: bool, location_name: str | None) -> dict:
    """What a search answers of an organization beyond its name, industry and address (what
    tells it apart, so nobody adds it again): one another location manages is marked so, and
    which location that is stays unsaid (SPEC 5 needs no more; the help desk knows)."""
    if not managed:
        return {"managed": False, "location_id": None}
    return {"managed": True, "location_name": location_name}


async def _not_a_duplicate(session: AsyncSession, data: EmployerIn,
                           employer_id: int | None = None) -> None:
    """The same name at the same address (ignoring case) is the same organization."""
    same = (await session.exec(select(Employer).where(*(
        func.lower(getattr(Employer, name)) == getattr(data, name).lower()
        for name in ("name", "street", "city", "state", "zip_code"))))).first()
    if same is not None and same.id != employer_id:
        raise Conflict(f"{same.name} at this address is already in CVMS (organization "
                       f"{same.id}): search for it instead of adding it again.", field="name")


async def create(session: AsyncSession, user: User, active_location_id: int | None,
                 data: EmployerIn) -> Employer:
    """A manager's employer belongs to their active location; the state's to none."""
    await one_at_a_time(session, User, user.id)
    await _not_a_duplicate(session, data)
    location_id = None
    if user.role != Role.REVIEWER:
        if active_location_id is None or not await may_manage(session, user, active_location_id):
            raise Forbidden("Only a Location Manager or state staff can add organizations.")
        location_id = active_location_id
    employer = Employer(**data.model_dump(), location_id=location_id, created_by=user.id)
    session.add(employer)
    await session.flush()
    return employer


async def update(session: AsyncSession, employer: Employer, data: EmployerIn) -> Employer:
    """Saved details that differ from the confirmed ones need confirming again; saved as they
    were, the point of contact's confirmation stands."""
    await _not_a_duplicate(session, data, employer.id)
    before = details_key(employer)
    for name, value in data.model_dump().items():
        setattr(employer, name, value)
    if details_key(employer) != before:
        employer.confirmed_at = employer.confirmed_by = None  # changed details need confirming
    session.add(employer)
    return employer


def details_key(employer: Employer) -> str:
    """A fingerprint of the details the Organization Portal shows its point of contact to
    confirm: the confirm form carries the one its page showed."""
    return fingerprint(getattr(employer, name) for name in EmployerIn.model_fields)


def not_changed_since(employer: Employer, seen: str, data: EmployerIn) -> None:
    """A manager's form sent from a page showing older details (another tab, another manager
    saved since) would put them back unseen: refused, naming the details as they are now,
    unless it saves those very details. `seen` empty (the API, an old form): not checked."""
    if seen and seen != details_key(employer) and details_key(data) != details_key(employer):
        address = ", ".join(str(part) for part in (employer.street, employer.city,
                                                    employer.state, employer.zip_code) if part)
        raise Conflict(f"This organization's details were changed since you opened this page "
                       f"(in another tab, or by another manager), so yours were not saved. "
                       f"They now read: {employer.name}, {employer.industry}, {address}. Your "
                       "changes are still in the form below: check them and save again.",
                       field="form")


DETAILS_CHANGED = ("Your organization's details were changed since you opened this page, so "
                   "they were not confirmed. Check them again below, then confirm.")


async def contacts(session: AsyncSession, employer_id: int) -> list[EmployerContact]:
    rows = await session.exec(select(EmployerContact).where(
        EmployerContact.employer_id == employer_id).order_by(EmployerContact.id))
    return list(rows.all())


async def shown_status(session: AsyncSession, contacts: list[EmployerContact]) -> dict[int, str]:
    """Each contact's validation as the manager reads it: one not validated whose address has
    a CVMS account already (it validated for another organization, say) can never validate
    here, as its link says; waiting for it would be forever."""
    waiting = {c.email.lower() for c in contacts if c.status != ContactStatus.VALIDATED}
    taken = set((await session.exec(select(func.lower(User.email)).where(
        func.lower(User.email).in_(waiting)))).all()) if waiting else set()
    return {c.id: ContactStatus.ACCOUNT_EXISTS if c.status != ContactStatus.VALIDATED
            and c.email.lower() in taken else c.status for c in contacts}


async def add_contact(session: AsyncSession, gateway: Gateway, user: User, employer: Employer,
                      data: ContactIn) -> EmployerContact:
    """The contact and its validation link's workflow: both, or neither."""
    await one_at_a_time(session, Employer, employer.id)
    if await user_by_email(session, data.email):
        raise Conflict("An account with this email address exists already; use another "
                       "address for the point of contact.", field="email")
    twin = (await session.exec(select(EmployerContact).where(
        EmployerContact.employer_id == employer.id,
        EmployerContact.email == data.email.lower()))).first()  # stored in lower case
    if twin is not None and not twin.active:
        raise Conflict(f"{twin.full_name} is a deactivated point of contact with this email "
                       "address. Reactivate them from the list instead.", field="email")
    if twin is not None:
        raise Conflict(f"{twin.full_name} is already a point of contact with this email "
                       "address. Resend their validation link from the list instead.",
                       field="email")
    contact = EmployerContact(employer_id=employer.id, created_by=user.id,
                              **data.model_dump())
    contact.email = contact.email.lower()
    session.add(contact)
    await session.flush()
    await portal_process.send_validation(gateway, session, contact.id, contact.round, user.id)
    return contact


async def contact_at(session: AsyncSession, employer: Employer, contact_id: int) -> EmployerContact:
    contact = await session.get(EmployerContact, contact_id)
    if contact is None or contact.employer_id != employer.id:
        raise NotFound("We could not find that point of contact.")
    return contact


def still_active(contact: EmployerContact) -> None:
    """A deactivated point of contact is not changed, nor sent links, until reactivated."""
    if not contact.active:
        raise Conflict(f"{contact.full_name} is deactivated (they left the organization). "
                       "Reactivate them first, from the organization's page.", field="form")


async def resend(session: AsyncSession, gateway: Gateway, user: User,
                 contact: EmployerContact, seen: str = "") -> EmployerContact:
    """A new link (a new round and its own 48 hours); the older link dies. `seen`: the round
    the page pressed knew of (nothing is sent when a newer one went out since: two tabs, two
    managers)."""
    still_active(contact)
    if contact.status == ContactStatus.VALIDATED:
        raise Conflict(f"{contact.full_name} has already validated.")
    if await user_by_email(session, contact.email):
        raise Conflict(ContactStatus.LABELS[ContactStatus.ACCOUNT_EXISTS].replace(
            "Cannot validate", f"{contact.full_name} cannot validate", 1))
    if seen.isdigit() and contact.round > int(seen):
        raise SentMeanwhile(f"A new validation link was already emailed to "
                            f"{contact.full_name} at {contact.email} after this page was opened "
                            "(from another tab, or by another manager): nothing was sent "
                            "again. Only the newest link works; to send another, choose "
                            "\"Re-send link\" again.")
    contact.round += 1
    contact.status, contact.new_link_asked_at = ContactStatus.PENDING, None
    session.add(contact)
    await portal_process.send_validation(gateway, session, contact.id, contact.round, user.id)
    return contact


async def correct_contact(session: AsyncSession, gateway: Gateway, user: User,
                          contact: EmployerContact, data: ContactIn) -> bool:
    """A point of contact's name and phone as they should read (their account's too, once
    they validated); an address mistyped before they validated is corrected and sent a new
    link (the one to the old address dies). A validated contact logs in with their address,
    so it is not changed here. True when a new link was sent."""
    still_active(contact)
    email = data.email.lower()
    readdressed = email != contact.email
    if readdressed:
        if contact.status == ContactStatus.VALIDATED:
            raise Conflict(f"{contact.full_name} has validated: this address is how they log "
                           "in, so it is not changed here. The help desk changes it.",
                           field="email")
        if await user_by_email(session, email):
            raise Conflict("An account with this email address exists already; use another "
                           "address for the point of contact.", field="email")
        twin = (await session.exec(select(EmployerContact).where(
            EmployerContact.employer_id == contact.employer_id, EmployerContact.email == email,
            EmployerContact.id != contact.id))).first()
        if twin is not None:
            raise Conflict(f"{twin.full_name} is already a point of contact with this email "
                           "address.", field="email")
    contact.first_name, contact.last_name = data.first_name, data.last_name
    contact.phone, contact.email = data.phone, email
    session.add(contact)
    if contact.user_id is not None:
        account = await session.get(User, contact.user_id)
        account.first_name, account.last_name = data.first_name, data.last_name
        account.phone = data.phone
        session.add(account)
    if readdressed:
        await resend(session, gateway, user, contact)
    return readdressed


def contact_key(contact: EmployerContact | ContactIn) -> str:
    """A fingerprint of a point of contact as their page shows them: its form carries it."""
    return fingerprint(str(getattr(contact, name) or "").lower()
                       for name in ContactIn.model_fields)


def contact_not_changed_since(contact: EmployerContact, seen: str, data: ContactIn) -> None:
    """A correction sent from a page showing an older version of the contact (another tab,
    another manager) would put it back unseen: refused, naming the contact as they are now,
    unless it saves that very version. `seen` empty (the API): not checked."""
    if seen and seen != contact_key(contact) and contact_key(data) != contact_key(contact):
        now = ", ".join(part for part in (contact.full_name, contact.email, contact.phone)
                        if part)
        raise Conflict(f"{contact.full_name} was changed since you opened this page (in another "
                       f"tab, or by another manager), so your changes were not saved. They now "
                       f"read: {now}. Your changes are still in the form below: check them and "
                       "save again.", field="form")


async def link_and_contact(session: AsyncSession, token: str,
                           *, usable: bool = True) -> tuple[AccessLink, EmployerContact]:
    link = await find_link(session, CONTACT_PURPOSE, token)
    problem = link_problem(link)
    contact = None if problem == "invalid" else await session.get(EmployerContact,
                                                                   link.subject_id)
    # Sent to an address corrected since: dead at once, not only once the new round's
    # process has revoked it (the correction writes no link itself); and said so after that
    # too, not "replaced by a newer one" (no newer email comes to the old address).
    if usable and problem in (None, "revoked") and readdressed(link, contact.email):
        problem = "readdressed"
    if contact is not None and not contact.active:  # whatever the link: no new one either
        raise Gone(LINK_PROBLEMS["deactivated"], field="token", errors={"link": "deactivated"})
    if problem == "invalid" or (usable and problem):
        raise Gone(LINK_PROBLEMS[problem], field="token", errors={"link": problem})
    return link, contact


async def validate(session: AsyncSession, gateway: Gateway, token: str,
                   data: NewPassword) -> User | None:
    """The contact's workflow claims the link and opens the account; the password, which
    never enters a workflow's history, is stored here. None: the same form's other send
    validated with this password a moment ago (a double click)."""
    try:
        link, contact = await link_and_contact(session, token)
        user_id = await portal_process.validate(gateway, contact.id, contact.round, link.id)
    except CVMSError:
        if await _validated_just_now(session, token, data.password):
            return None
        raise
    user = await session.get(User, user_id)
    await session.refresh(user)
    user.password_hash = await hash_password_async(data.password)
    session.add(user)
    return user


async def _validated_just_now(session: AsyncSession, token: str, password: str) -> bool:
    """The same form's other send (a double click) validated with this password a moment ago."""
    link = await find_link(session, CONTACT_PURPOSE, token)
    contact = await session.get(EmployerContact, link.subject_id) if link else None
    return contact is not None and contact.active and \
        await chosen_just_now(session, link, contact.email, password)


async def ask_new_link(session: AsyncSession, gateway: Gateway, token: str) -> EmployerContact:
    link, contact = await link_and_contact(session, token, usable=False)
    problem = link_problem(link)
    if problem != "expired":
        raise Conflict(LINK_PROBLEMS[problem] if problem else
                       "This link still works: use it to validate.", field="token")
    await portal_process.ask_new_link(gateway, contact.id, contact.round, link.id)
    return contact


async def own_employer(session: AsyncSession, user: User) -> tuple[Employer, EmployerContact]:
    contact = await contact_of(session, user)
    if contact is None:
        raise NotFound(NO_EMPLOYER)
    return await session.get(Employer, contact.employer_id), contact


def confirm(session: AsyncSession, user: User, employer: Employer,
            seen: str | None = None) -> None:
    """`seen`: the details' fingerprint the page showed (`details_key`); details changed since
    are not confirmed unseen."""
    if seen is not None and seen != details_key(employer):
        raise Conflict(DETAILS_CHANGED)
    employer.confirmed_at, employer.confirmed_by = utcnow(), user.id
    session.add(employer)
