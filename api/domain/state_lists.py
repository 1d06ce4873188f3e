"""The state's screens at statewide volume: every organization and location, the review queue,
transfers awaiting a decision and the audit timeline, each paged, searched (organization or
location name, Provider PIN, city), filtered by status and age in status, and exported to CSV.

A Provider PIN is the location's number in the program: NCA followed by six digits.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi.responses import Response
from pydantic import Field
from sqlalchemy import ColumnElement, case, exists, false, literal_column, or_, union
from sqlalchemy.orm import aliased
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.text_search import contains, like_pattern
from core.cells import safe_cell
from core.timefmt import EASTERN, age, spreadsheet
from models.accounts import User
from models.audit import AuditEvent
from models.base import as_utc, utcnow
from models.enrollment import Location, Organization
from models.enrollment_enums import WAITING_SECTION_A, LocationStatus, OrganizationStatus
from models.helpdesk import Case, searched
from models.helpdesk_rules import case_id_of, case_number
from models.input import Input
from models.inventory import (
    AWAITING_DECISION,
    FLAGGED_LATE_SHIPMENT,
    TRANSFER_STATUS_SINCE,
    Transfer,
)
from models.inventory_rules import flag_label, transfer_number

PAGE_SIZE = 50
PAGE_KEYS = ("page", "org_page")  # StateFilters' page numbers, left out of a URL at 1
EXPORT_LIMIT = 100_000
PIN_BASE = 650_000
PIN = re.compile(r"NCA(\d{6})", re.IGNORECASE)
PIN_SEPARATORS = re.compile(r"[\s-]")
AGES = [("", "Any time"), ("7", "7 days or more"), ("14", "14 days or more"),
        ("30", "30 days or more"), ("60", "60 days or more"), ("90", "90 days or more")]


def pin(location_id: int) -> str:
    return f"NCA{PIN_BASE + location_id:06d}"


def location_of_pin(text: str) -> int | None:
    """The location a Provider PIN names, typed as written on a packing list or read out on
    the phone ("NCA 650-001", as the help desk's registration takes it), or None."""
    match = PIN.fullmatch(PIN_SEPARATORS.sub("", text))
    return int(match[1]) - PIN_BASE if match and int(match[1]) > PIN_BASE else None


class StateFilters(Input):
    """A list's view; every filter is a query parameter, so a view is a URL."""

    q: Annotated[str, Field(max_length=200)] = ""  # Input refuses control characters
    status: Annotated[str, Field(max_length=40, pattern=r"^[a-z_]*$")] = ""
    age: Literal["", "7", "14", "30", "60", "90"] = ""
    page: Annotated[int, Field(ge=1, le=100_000)] = 1
    # the page of the list under the locations': organizations with no location yet
    org_page: Annotated[int, Field(ge=1, le=100_000)] = 1

    def url(self, base: str, **changes: Any) -> str:
        data = {**self.model_dump(), **changes}
        query = {k: v for k, v in data.items() if v not in ("", None) and not (
            k in PAGE_KEYS and v == 1)}
        return base + ("?" + urlencode(query) if query else "")

    def older_than(self) -> datetime | None:
        return utcnow() - timedelta(days=int(self.age)) if self.age else None


@dataclass
class Listing:
    rows: list[Any]
    total: int
    page: int
    pages: int
    names: dict[str, str] = field(default_factory=dict)  # the audit log's actors, as people
    records: dict[int, str] = field(default_factory=dict)  # its locations, by name
    transfers: dict[int, str] = field(default_factory=dict)  # its transfers, by number
    # the state's list of locations: each organization's own status, in a sentence
    organizations: dict[int, str] = field(default_factory=dict)


ACTOR_KINDS = ("user", "reviewer")  # an account, as "user:6" or "reviewer:6"
ACTOR_ID = re.compile(r"^(?:user|reviewer):(\d+)$")
FIXED_ACTORS = {"system": "CVMS (automatic)", "requester": "The requester",
                "user:None": "The requester"}


async def actor_names(session: AsyncSession, actors: set[str],
                      around: str = "<>") -> dict[str, str]:
    """Who an audit event names, in words: an account's name and email ("user:6" is someone;
    the email between `around`'s two marks), the process itself, the requester of a case
    asked without an account."""
    ids = {int(m[1]) for actor in actors if (m := ACTOR_ID.match(actor))}
    people = {}
    if ids:
        rows = await session.exec(select(User.id, User.first_name, User.last_name, User.email)
                                  .where(User.id.in_(ids)))
        people = {i: f"{first} {last} {around[0]}{email}{around[1]}".strip()
                  for i, first, last, email in rows.all()}
    names = {}
    for actor in actors:
        if actor in FIXED_ACTORS:
            names[actor] = FIXED_ACTORS[actor]
        elif (m := ACTOR_ID.match(actor)) and int(m[1]) in people:
            names[actor] = people[int(m[1])]
        elif actor.startswith("reviewer:"):
            names[actor] = actor.removeprefix("reviewer:")
        elif actor.startswith(("ceo:", "cmo:")):  # an officer, by their role and name
            role, _, name = actor.partition(":")
            names[actor] = f"{name} ({role.upper()})"
    return names


def _site_search(q: str, location_id) -> ColumnElement[bool]:
    """The location (`location_id`, a column holding one) has the organization or location
    name, PIN or city searched for. The sites are a set of ids from two selects, each of which
    Postgres answers from trigram indexes: one condition across a join's two tables could only
    be tested row by row (10,000 locations, ~20 ms per statement)."""
    by_pin = location_of_pin(q)
    if by_pin is not None:
        return location_id == by_pin
    named = select(Location.id).where(contains(q, Location.name, Location.city))
    in_organization = select(Location.id).join(
        Organization, Organization.id == Location.organization_id).where(
        contains(q, Organization.legal_name))
    return location_id.in_(union(named, in_organization))


async def _page(session: AsyncSession, statement, count, f: StateFilters,
                page_size: int | None) -> Listing:
    if page_size is None:  # an export: every row, up to a bound
        total = (await session.exec(count)).one()
        rows = (await session.exec(statement.limit(EXPORT_LIMIT))).all()
        return Listing(list(rows), total, 1, 1)
    return await paged(session, statement, count, f.page, page_size)


async def paged(session: AsyncSession, statement, count, page: int, page_size: int) -> Listing:
    """One page of the statement's rows (`count` counts them all); a page past the last is the
    last. For the shared pager (macros/listing.html `pager`)."""
    total = (await session.exec(count)).one()
    if not total:  # nothing to read: the page's statement would scan for rows none has
        return Listing([], 0, 1, 1)
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    rows = (await session.exec(statement.offset((page - 1) * page_size).limit(page_size))).all()
    return Listing(list(rows), total, page, pages)


LOCATION_STATUSES = [("", "Any status")] + [(s.value, s.label) for s in LocationStatus]


async def locations(session: AsyncSession, f: StateFilters,
                    page_size: int | None = PAGE_SIZE) -> Listing:
    """(Location, organization name, organization status) rows, the longest in their status
    first."""
    conditions = []
    if f.q:
        conditions.append(_site_search(f.q, Location.id))
    if f.status in LocationStatus._value2member_map_:
        conditions.append(Location.status == f.status)
    if f.age:
        conditions.append(Location.status_since <= f.older_than())
    joined = select(Location, Organization.legal_name, Organization.status).join(
        Organization, Organization.id == Location.organization_id)
    # Every location has its organization: the count needs no join.
    count = select(func.count()).select_from(Location).where(*conditions)
    if f.q and page_size is not None and location_of_pin(f.q) is None:
        listing = await _searched_locations(session, joined, conditions, count, f, page_size)
    else:
        listing = await _page(session, joined.where(*conditions).order_by(
            Location.status_since, Location.id), count, f, page_size)
    listing.organizations = await organization_summaries(session, listing.rows)
    return listing


async def location_counts(session: AsyncSession) -> list[tuple[LocationStatus, int]]:
    """How many locations are in each status (SPEC 7's view), in the statuses' order, those
    with none left out: one grouped count."""
    found = dict((await session.exec(select(Location.status, func.count())
                                     .group_by(Location.status))).all())
    return [(status, found[status]) for status in LocationStatus if found.get(status)]


SUMMARY_IDS = 1_000  # more organizations than this (an export): every one grouped, not named


async def organization_summaries(session: AsyncSession, rows) -> dict[int, str]:
    """Each listed organization's own status, for the organizations the (Location,
    organization name, organization status) rows name: Section A's, its locations counted by
    status, and the longest any of them not yet approved has waited in its status ("Section A
    submitted. 3 locations: 1 Section B in progress, 2 Approved. Waiting longest: 12 days
    (Section B in progress)."). One grouped statement over the organizations' locations."""
    statuses = {loc.organization_id: org_status for loc, _name, org_status in rows}
    if not statuses:
        return {}
    grouped = select(Location.organization_id, Location.status, func.count(),
                     func.min(Location.status_since)).group_by(
        Location.organization_id, Location.status)
    if len(statuses) <= SUMMARY_IDS:
        grouped = grouped.where(col(Location.organization_id).in_(statuses))
    order = list(LocationStatus)
    found: dict[int, list[tuple[LocationStatus, int, datetime | None]]] = {}
    for org_id, status, n, since in (await session.exec(grouped)).all():
        if org_id in statuses:
            found.setdefault(org_id, []).append((LocationStatus(status), n, since))
    summaries = {}
    for org_id, org_status in statuses.items():
        counts = sorted(found.get(org_id, []), key=lambda c: order.index(c[0]))
        total = sum(n for _status, n, _since in counts)
        text = (f"{OrganizationStatus(org_status).label}. {total} location"
                f"{'' if total == 1 else 's'}: "
                + ", ".join(f"{n} {status.label}" for status, n, _since in counts) + ".")
        waiting = [(since, status) for status, _n, since in counts
                   if status != LocationStatus.APPROVED and since is not None]
        if waiting:
            since, status = min(waiting, key=lambda w: as_utc(w[0]))
            text += f" Waiting longest: {age(since)} ({status.label})."
        summaries[org_id] = text
    return summaries


async def _searched_locations(session: AsyncSession, joined, conditions, count,
                              f: StateFilters, page_size: int) -> Listing:
    """A searched page of locations: the matches gathered once (by name, city or
    organization), then their total (a window count) and their page's ids, then those rows;
    not the search run twice, for the count and then for the page (at 10,000 locations on
    SQLite 5.5 ms of statements, now half)."""
    found = (select(Location.id, Location.status_since).where(*conditions)
             .cte("found").prefix_with("MATERIALIZED"))

    async def ids_of(page: int) -> list[tuple[int, int]]:
        return [tuple(row) for row in (await session.exec(
            select(found.c.id, func.count().over())
            .order_by(found.c.status_since, found.c.id)
            .offset((page - 1) * page_size).limit(page_size))).all()]

    numbered = await ids_of(f.page)
    total = numbered[0][1] if numbered else (await session.exec(count)).one()
    pages = max(1, -(-total // page_size))
    page = min(f.page, pages)
    if not numbered and total:  # past the last page: the last
        numbered = await ids_of(page)
    ids = [location_id for location_id, _total in numbered]
    rows = {loc.id: (loc, name, status) for loc, name, status in (await session.exec(
        joined.where(col(Location.id).in_(ids)))).all()} if ids else {}
    return Listing([rows[i] for i in ids if i in rows], total, page, pages)


ORGANIZATIONS_PAGE_SIZE = 20  # a page of them, under a page of locations
# Since when an organization is in its status, as its index has it (models/enrollment.py
# ORGANIZATION_SINCE; a literal, not a bound value, so both databases match the index).
ORGANIZATION_SINCE = case(
    (Organization.status == literal_column(f"'{OrganizationStatus.SUBMITTED.value}'"),
     Organization.submitted_at), else_=Organization.created_at)


async def organizations_without_location(
        session: AsyncSession, f: StateFilters,
        page_size: int | None = ORGANIZATIONS_PAGE_SIZE) -> Listing:
    """Organizations with no location yet (Section A saved, none added, or the only ones removed
    as drafts), the longest in their status first: (Organization, since, administrator's name,
    administrator's email) rows, the page `f.org_page` of `page_size` (None: an export, every
    one up to a bound). The search and the age filter are the page's; a location's status is
    no organization's."""
    conditions = [~exists().where(Location.organization_id == Organization.id)]
    if f.q:
        conditions.append(contains(f.q, Organization.legal_name))
    if f.age:
        conditions.append(ORGANIZATION_SINCE <= f.older_than())  # noqa: SIM300 - SQL
    statement = (select(Organization, ORGANIZATION_SINCE.label("since")).where(*conditions)
                 .order_by(ORGANIZATION_SINCE, Organization.id))
    if len(conditions) == 1:  # all of them: every organization less those a location names,
        # two index-only counts (the NOT EXISTS counted each organization's locations: 2.5x)
        count = select(select(func.count()).select_from(Organization).scalar_subquery()
                       - select(func.count(func.distinct(Location.organization_id)))
                       .scalar_subquery())
    else:
        count = select(func.count()).select_from(Organization).where(*conditions)
    listing = await _page(session, statement, count, f.model_copy(update={"page": f.org_page}),
                          page_size)
    found = listing.rows
    # their administrators, read by key (a join let SQLite read the organizations unordered)
    admins = {i: (f"{first} {last}".strip(), email) for i, first, last, email in (
        await session.exec(select(User.id, User.first_name, User.last_name, User.email).where(
            col(User.id).in_({org.admin_user_id for org, _ in found})))).all()} if found else {}
    listing.rows = [(org, since, *admins.get(org.admin_user_id, ("", "")))
                    for org, since in found]
    return listing


def organization_rows(listing: Listing) -> tuple[list[str], list[list[Any]]]:
    header = ["Organization", "Status", f"In status since {ZONE}", "Days in status",
              "Administrator", "Administrator's email"]
    return header, [[org.legal_name, org.status.label, spreadsheet(since), days_since(since), name,
                     email] for org, since, name, email in listing.rows]


async def review_queue(session: AsyncSession, f: StateFilters,
                       page_size: int | None = PAGE_SIZE) -> Listing:
    """Locations waiting for a decision (enrollments, resubmissions, changes), the
    longest-waiting first: (Location, organization name, waiting since) rows."""
    from api.domain.review import PENDING, SINCE

    conditions = [PENDING]
    if f.q:
        conditions.append(_site_search(f.q, Location.id))
    if f.status == "resubmission":
        conditions.append(Location.resubmission)
    elif f.status == "change":
        conditions.append(Location.status != LocationStatus.PENDING_REVIEW)
    elif f.status == "enrollment":
        conditions += [Location.status == LocationStatus.PENDING_REVIEW,
                       Location.resubmission.is_(False)]
    if f.age:
        conditions.append(SINCE <= f.older_than())  # noqa: SIM300 - a SQL expression
    statement = select(Location, Organization.legal_name, SINCE.label("since")).join(
        Organization, Organization.id == Location.organization_id).where(*conditions)
    count = select(func.count()).select_from(Location).where(*conditions)  # (see locations)
    return await _page(session, statement.order_by(SINCE, Location.id), count, f, page_size)


REVIEW_KINDS = [("", "Every kind"), ("enrollment", "Enrollment"),
                ("resubmission", "Resubmission"), ("change", "Change to an enrolled site")]
TRANSFER_STATUSES = [("", "Awaiting a decision or flagged"),
                     ("requested", "Awaiting a decision"),
                     ("flagged", "Not shipped or not received in time")]


# The two sites of a transfer, made once: an alias built per request cost ~1 ms of column
# proxies, and its reference cycles fed the garbage collector.
TRANSFER_SIDES = (aliased(Location, name="sender"), aliased(Location, name="receiver"))


def transfer_search(q: str, bare_number: bool = False) -> ColumnElement[bool]:
    """Transfers searched for by number ("TR000002", or its digits alone when `bare_number`)
    or by either site (organization or location name, PIN or city)."""
    number = re.fullmatch(r"(?:TR)?0*(\d{1,9})" if bare_number else r"TR0*(\d{1,9})", q.strip(),
                          re.IGNORECASE)
    return or_(_site_search(q, Transfer.from_location_id),
               _site_search(q, Transfer.to_location_id),
               *([Transfer.id == int(number[1])] if number else []))


async def transfers(session: AsyncSession, f: StateFilters,
                    page_size: int | None = PAGE_SIZE) -> Listing:
    """Transfers awaiting the state's decision and flagged shipments, the oldest first:
    (Transfer, from site, to site) rows."""
    sender, receiver = TRANSFER_SIDES
    waiting, flagged = AWAITING_DECISION, FLAGGED_LATE_SHIPMENT  # as its index names them
    conditions = [{"requested": waiting, "flagged": flagged}.get(f.status, or_(waiting, flagged))]
    if f.q:
        conditions.append(transfer_search(f.q, bare_number=True))
    if f.age:  # of the age each row shows: in its status (approved, shipped) since when
        conditions.append(TRANSFER_STATUS_SINCE <= f.older_than())  # noqa: SIM300 - SQL

    statement = (select(Transfer, sender.name, receiver.name)
                 .join(sender, sender.id == Transfer.from_location_id)
                 .join(receiver, receiver.id == Transfer.to_location_id)
                 .where(*conditions).order_by(Transfer.requested_at, Transfer.id))
    # Both sites always exist: the count reads transfers only.
    count = select(func.count()).select_from(Transfer).where(*conditions)
    return await _page(session, statement, count, f, page_size)


AUDIT_KINDS = [("", "Every record"), ("location", "Locations"), ("organization", "Organizations"),
               ("case", "Help-desk cases"), ("transfer", "Transfers"),
               ("signature", "Signatures")]


async def audit(session: AsyncSession, f: StateFilters,
                page_size: int | None = PAGE_SIZE) -> Listing:
    """The append-only audit events, newest first. A search names a location (name, PIN or
    city) or an organization, whose events it shows (and those of the transfers into or out of
    its sites); a transfer by its number; or an action, or a person (an account by its name or
    email, whose events are kept under its id)."""
    conditions = []
    if f.status:
        conditions.append(AuditEvent.subject_type == f.status)
    if f.age:
        conditions.append(AuditEvent.at <= f.older_than())
    if f.q:
        orgs = select(Organization.id).where(contains(f.q, Organization.legal_name))
        people = (await session.exec(select(User.id).where(contains(
            f.q, User.email, User.first_name + " " + User.last_name)).limit(500))).all()
        conditions.append(or_(
            (AuditEvent.subject_type == "location") & _site_search(f.q, AuditEvent.subject_id),
            (AuditEvent.subject_type == "organization") & AuditEvent.subject_id.in_(orgs),
            (AuditEvent.subject_type == "transfer") & AuditEvent.subject_id.in_(
                select(Transfer.id).where(transfer_search(f.q))),
            (AuditEvent.subject_type == "case") & case_search(f.q),
            AuditEvent.actor.in_([f"{kind}:{i}" for i in people for kind in ACTOR_KINDS]),
            contains(f.q, AuditEvent.action, AuditEvent.actor)))
    statement = select(AuditEvent).where(*conditions).order_by(AuditEvent.id.desc())
    count = select(func.count()).select_from(AuditEvent).where(*conditions)
    listing = await _page(session, statement, count, f, page_size)
    # people by name: who acted, and to whom a case was assigned
    listing.names = await actor_names(session, {event.actor for event in listing.rows} | {
        f"user:{holder}" for e in listing.rows if (holder := assigned_to(e))})
    places = {e.subject_id for e in listing.rows if e.subject_type == "location"}
    if places:  # a location by its name, as people know it (and its PIN)
        rows = await session.exec(select(Location.id, Location.name)
                                  .where(col(Location.id).in_(places)))
        listing.records = {i: f"{name} ({pin(i)})" for i, name in rows.all()}
    moves = {e.subject_id for e in listing.rows if e.subject_type == "transfer"}
    if moves:  # a transfer by its number and its two sites
        sender, receiver = TRANSFER_SIDES
        rows = await session.exec(select(Transfer.id, sender.name, receiver.name)
                                  .join(sender, sender.id == Transfer.from_location_id)
                                  .join(receiver, receiver.id == Transfer.to_location_id)
                                  .where(col(Transfer.id).in_(moves)))
        listing.transfers = {i: f"{transfer_number(i)} ({a} to {b})" for i, a, b in rows.all()}
    return listing


def case_search(q: str) -> ColumnElement[bool]:
    """A case's events by its number ("CS0000012"), or by its subject or requester's name or
    email (the console's search text)."""
    number = case_id_of(q)
    if number is not None:
        return AuditEvent.subject_id == number
    if not searched(q):  # apostrophes or hyphens alone fold to nothing, which every case holds
        return false()
    return AuditEvent.subject_id.in_(select(Case.id).where(
        Case.search_text.like(like_pattern(searched(q)), escape="\\")))


def assigned_to(event: AuditEvent) -> int | None:
    """The person a case's event gave it to (an assignment, or an agent picking it up)."""
    if event.subject_type == "case" and event.detail.get("assigned"):
        return event.detail.get("assignee")
    return None


def audit_what(event: AuditEvent, names: dict[str, str]) -> str:
    """What happened, in people's words: a case's assignment says to whom."""
    from api.pages import audit_action

    what = audit_action(event.action, event.subject_type)
    holder = assigned_to(event)
    if holder:
        what += f"; assigned to {names.get(f'user:{holder}', f'user {holder}')}"
    return what


def record_number(event: AuditEvent) -> str | int:
    """The number people know a record by: a location's Provider PIN, a transfer's and a
    case's numbers (a location's row id is no number anyone is told)."""
    if event.subject_type == "location":
        return pin(event.subject_id)
    if event.subject_type == "transfer":
        return transfer_number(event.subject_id)
    if event.subject_type == "case":
        return case_number(event.subject_id)
    return event.subject_id


# --- CSV ---------------------------------------------------------------------------------

def to_csv(header: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM: Excel reads UTF-8


def csv_download(name: str, header: list[str], rows: list[list[Any]]) -> Response:
    """A list's rows as the CSV file people download, named for the list and today's date
    (Eastern), every cell made safe for a spreadsheet."""
    stamp = utcnow().astimezone(EASTERN).strftime("%Y-%m-%d")
    return Response(to_csv(header, rows), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}-{stamp}.csv"'})


def days_since(moment: datetime | None) -> int | str:
    if moment is None:
        return ""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)
    return (utcnow() - aware).days


# An enrolled site whose added storage unit waits for review: its status stays "Approved", and
# it waits on the reviewer all the same (the list said "-").
CHANGE_WAITING = "Immunization Branch: review a change to the enrolled site"


def location_waiting_on(loc, organization_status: OrganizationStatus | None = None) -> str:
    """Whom the location waits on: its process's words, or, before its organization submits
    Section A (no process runs for it yet), the administrator's turn."""
    if loc.amendment_pending:
        return CHANGE_WAITING
    if not loc.waiting_on and organization_status == OrganizationStatus.DRAFT:
        return WAITING_SECTION_A
    return loc.waiting_on or ""


# The CSV files' dates are a spreadsheet's ("2026-12-07 08:34"), in North Carolina's time.
ZONE = "(Eastern time)"


def location_rows(listing: Listing) -> tuple[list[str], list[list[Any]]]:
    header = ["Organization", "Location", "Provider PIN", "City", "Status",
              f"In status since {ZONE}", "Days in status", "Waiting on",
              "Organization's status"]
    return header, [[org, loc.name, pin(loc.id), loc.city, loc.status.label,
                     spreadsheet(loc.status_since), days_since(loc.status_since),
                     location_waiting_on(loc, status),
                     listing.organizations.get(loc.organization_id, "")]
                    for loc, org, status in listing.rows]


def review_rows(listing: Listing) -> tuple[list[str], list[list[Any]]]:
    from api.domain.review import kind_label

    header = ["Location", "Provider PIN", "Organization", "City", "Review of",
              f"Waiting since {ZONE}", "Days waiting"]
    return header, [[loc.name, pin(loc.id), org, loc.city, kind_label(loc), spreadsheet(since),
                     days_since(since)] for loc, org, since in listing.rows]


def transfer_rows(listing: Listing) -> tuple[list[str], list[list[Any]]]:
    """As the page shows them: the days in its status (a shipment's from its shipping, an
    approved transfer's from its approval: the page's "age in this status"), and a late
    transfer says which flag it has (late to ship, or to arrive)."""
    header = ["Transfer", "Kind", "Status", "From", "To", "Lot", "Doses", f"Requested {ZONE}",
              "Days in this status", "Escalated", "Flagged"]
    return header, [[t.number, t.kind.value, t.status.label, sender, receiver, t.lot_number,
                     t.doses, spreadsheet(t.requested_at), days_since(t.in_status_since),
                     "yes" if t.escalated else "", flag_label(t.status) if t.flagged else ""]
                    for t, sender, receiver in listing.rows]


def audit_rows(listing: Listing) -> tuple[list[str], list[list[Any]]]:
    header = [f"When {ZONE}", "Record", "Record number", "Record name", "What", "Who"]
    return header, [[spreadsheet(e.at), e.subject_type, record_number(e), record_name(e, listing),
                     audit_what(e, listing.names), listing.names.get(e.actor, e.actor)]
                    for e in listing.rows]


def record_name(event: AuditEvent, listing: Listing) -> str:
    """The record in words, as the page names it: a location by its name and PIN, a transfer
    by its number and its two sites, an employer organization by its name."""
    if event.subject_type == "location":
        return listing.records.get(event.subject_id, "")
    if event.subject_type == "transfer":
        return listing.transfers.get(event.subject_id, "")
    if event.subject_type == "employer":
        return str(event.detail.get("name") or "")
    return ""
