"""The state's screens at statewide volume: paged, searched by name, Provider PIN or city,
filtered by status and age in status, exported to CSV that a spreadsheet shows as text."""

import csv
import io
import re
import uuid
from datetime import date, timedelta

from sqlalchemy import insert, update
from sqlmodel import select

from api.domain.state_lists import pin
from models.audit import AuditEvent
from models.base import utcnow
from models.enrollment import Location, Organization
from models.enrollment_enums import LocationStatus, OrganizationStatus
from models.enums import Role
from models.inventory import Lot, Product, Transfer
from tests.support.accounts import make_user, register_org_admin
from tests.support.enrollment import ORG_DETAILS, location_body
from tests.support.web import api_client, browser, unique_email

FORMULAS = ['=HYPERLINK("http://evil.example","Click")', "+1 Clinic", "-2 Clinic", "@SUM(A1)"]


async def seed_sites(system, marker: str, admin_id: int) -> tuple[Organization, list[Location]]:
    now = utcnow()
    async with system.sessions() as session:
        org = Organization(legal_name=f"{marker} Health System", admin_user_id=admin_id,
                           status=OrganizationStatus.SUBMITTED)
        session.add(org)
        await session.flush()
        names = [f"{marker} Site {n}" for n in range(60)] + [f"{f} {marker}" for f in FORMULAS]
        rows = [{"organization_id": org.id, "name": name, "street": "1 Main St",
                 "city": "Boone" if n % 10 == 0 else "Raleigh", "state": "NC",
                 "zip_code": "27601", "coordinator_first_name": "C",
                 "coordinator_last_name": "Q", "coordinator_email": f"c{n}@{marker}.org",
                 "status": (LocationStatus.PENDING_REVIEW if n % 3 == 0
                            else LocationStatus.IN_PROGRESS).value,
                 "status_since": now - timedelta(days=n)} for n, name in enumerate(names)]
        await (await session.connection()).execute(insert(Location), rows)
        await session.commit()
        found = (await session.exec(Location.__table__.select().where(
            Location.organization_id == org.id).order_by(Location.id))).all()
        session.add(AuditEvent(subject_type="location", subject_id=found[5].id,
                               action="status:pending_review", actor=f"user:{marker}"))
        await session.commit()
    return org, found


async def few_sites(system, marker: str, admin_id: int, count: int = 3,
                    status: LocationStatus = LocationStatus.IN_PROGRESS) -> list[Location]:
    """A few locations of one organization, just made (a list's last rows: they push no
    other test's rows off the first page of a queue the whole run shares)."""
    async with system.sessions() as session:
        org = Organization(legal_name=f"{marker} Health System", admin_user_id=admin_id,
                           status=OrganizationStatus.SUBMITTED)
        session.add(org)
        await session.flush()
        sites = [Location(organization_id=org.id, name=f"{marker} Site {n}", street="1 Main St",
                          city="Raleigh", state="NC", zip_code="27601",
                          coordinator_first_name="C", coordinator_last_name="Q",
                          coordinator_email=f"c{n}@{marker.replace(' ', '-').lower()}.org",
                          status=status) for n in range(count)]
        session.add_all(sites)
        await session.commit()
        return sites


async def seed_transfer(system, requester_id: int, sender: Location, receiver: Location) -> str:
    """A transfer awaiting the state's decision; its number."""
    async with system.sessions() as session:
        product = (await session.exec(select(Product))).first()
        lot = Lot(location_id=sender.id, product_id=product.id, lot_number="L-1", on_hand=0,
                  expiration_date=date.today() + timedelta(days=90))
        session.add(lot)
        await session.flush()
        transfer = Transfer(kind="transfer", from_location_id=sender.id,
                            to_location_id=receiver.id, requested_by_location_id=sender.id,
                            requested_by=requester_id, lot_id=lot.id, product_id=product.id,
                            lot_number=lot.lot_number, expiration_date=lot.expiration_date,
                            doses=10, reason="Test", request_key=f"t-{uuid.uuid4().hex}")
        session.add(transfer)
        await session.commit()
        return transfer.number


def names(html: str) -> list[str]:
    return re.findall(r'<a href="/review/locations/\d+">([^<]+)</a>', html)


def cells(response) -> list[list[str]]:
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


async def test_the_state_view_pages_searches_filters_and_exports(system):
    marker = f"st{uuid.uuid4().hex[:6]}"
    staff = await make_user(system, Role.REVIEWER, first_name="Rita")
    _org, sites = await seed_sites(system, marker, staff.id)
    person = browser(system)
    await person.login(staff.email)

    first = await person.get(f"/state/locations?q={marker}")
    assert first.status_code == 200 and "64 locations, page 1 of 2" in first.text
    assert len(names(first.text)) == 50
    shouted = await person.get(f"/state/locations?q={marker.upper()}+SITE")  # case ignored
    assert "60 locations, page 1 of 2" in shouted.text
    for wildcard in ("%25", "_"):  # LIKE's wildcards are searched for, not obeyed
        literal = await person.get(f"/state/locations?q={marker}{wildcard}Site")
        assert literal.status_code == 200 and "No locations match" in literal.text
        assert "Clear the search and filters" in literal.text
    second = await person.get(f"/state/locations?q={marker}&page=2")
    assert len(names(second.text)) == 14
    assert "There is no page" not in second.text
    beyond = await person.get(f"/state/locations?q={marker}&page=99999")  # said, not silent
    assert names(beyond.text) == names(second.text)
    assert "page 2 of 2. There is no page 99999: this is the last." in beyond.text
    by_pin = await person.get(f"/state/locations?q={pin(sites[7].id)}")
    assert names(by_pin.text) == [f"{marker} Site 7"]
    # SPEC 7's age in status, on the page as in the export; one result is one location
    assert "1 location." in by_pin.text
    assert re.search(r'data-label="Age in this status">(\d+ days?|Less than a day)<',
                     by_pin.text), by_pin.text
    boone = await person.get("/state/locations?q=boone&status=pending_review")
    found = [n for n in names(boone.text) if marker in n]  # sites 0, 30 and the 60th
    assert len(found) == 3 and {f"{marker} Site 0", f"{marker} Site 30"} < set(found)
    old = await person.get(f"/state/locations?q={marker}&age=30&status=in_progress")
    shown = names(old.text)
    assert shown and all(int(n.rsplit(" ", 1)[1]) >= 30 for n in shown if "Site" in n)

    export = await person.get(f"/state/locations.csv?q={marker}")
    rows = cells(export)
    assert rows[0][:3] == ["Organization", "Location", "Provider PIN"]
    assert len(rows) == 65
    by_name = {row[1]: row for row in rows[1:]}
    for formula in FORMULAS:  # shown as text: an apostrophe before the formula character
        assert f"'{formula} {marker}" in by_name, formula
    assert by_name[f"{marker} Site 7"][2] == pin(sites[7].id)

    queue = await person.get(f"/review?q={marker}&age=14")
    assert all(int(n.rsplit(" ", 1)[1]) >= 14 for n in names(queue.text) if "Site" in n)
    assert cells(await person.get(f"/review.csv?q={marker}"))[0][0] == "Location"
    audit = await person.get(f"/state/audit?q={pin(sites[5].id)}")
    assert f"user:{marker}" in audit.text
    assert f"{marker} Site 5 ({pin(sites[5].id)})" in audit.text, "the location by its name"
    audit_csv = cells(await person.get(f"/state/audit.csv?q={marker}"))
    assert audit_csv[0] == ["When (Eastern time)", "Record", "Record number", "Record name", "What", "Who"]
    assert [f"user:{marker}"] == [row[5] for row in audit_csv[1:]]
    transfers = await person.get(f"/state/transfers?q={marker}")
    assert transfers.status_code == 200 and "No transfers match" in transfers.text
    number = await seed_transfer(system, staff.id, sites[1], sites[10])  # to Boone
    for found_by in (f"{marker}+Health", "boone", f"{marker}+Site+10", pin(sites[1].id)):
        page = await person.get(f"/state/transfers?q={found_by}")
        assert number in page.text, found_by
    assert number not in (await person.get(f"/state/transfers?q={marker}+Site+2")).text
    by_site = await person.get(f"/state/audit?q={marker}+Site+5")  # a location's events
    assert f"user:{marker}" in by_site.text
    assert f"user:{marker}" not in (await person.get(f"/state/audit?q={marker}+Site+6")).text
    # A filter that is no choice, a search too long: the list stays, the problem is named on
    # its field in plain words (it was a page headed "Unprocessable Entity", "q: ...")
    refused = await person.get(f"/state/locations?q={marker}&age=5&sort=name")
    assert refused.status_code == 422 and 'id="f-age-error"' in refused.text
    assert "Unprocessable" not in refused.text and len(names(refused.text)) == 50
    bogus = await person.get(f"/state/locations?q={marker}&status=bogus")
    assert bogus.status_code == 422 and 'id="f-status-error"' in bogus.text
    assert len(names(bogus.text)) == 50, "the list stays, without the status"
    typed = "x" * 500
    long = await person.get(f"/state/locations?q={typed}")
    assert long.status_code == 422 and 'id="f-q-error"' in long.text
    assert "Use at most 200 characters" in long.text and "<code>q</code>" not in long.text
    assert 'maxlength="200"' in first.text


def organizations(html: str) -> list[tuple[str, str, str, str]]:
    """The section of organizations with no location yet: (name, status, age, administrator)."""
    section = html.partition('id="organizations"')[2]
    return [tuple(cell.strip() for cell in row) for row in re.findall(
        r'data-label="Organization">([^<]*)</td><td data-label="Status">([^<]*)</td><td '
        r'data-label="Since">[^<]*</td><td data-label="Age in this status">([^<]*)</td><td '
        r'data-label="Administrator">([^<]*)<', section)]


async def test_the_state_view_shows_organizations_with_no_location_yet(system):
    """SPEC 7's "every organization": an organization whose administrator saved Section A and
    added no location (or removed its only draft one) is on the state's view with its own
    status and age in it, the longest waiting first; one with a location is not among them.
    The page's search finds them by name; past 20, the rest are a CSV away."""
    marker = f"og{uuid.uuid4().hex[:6]}"
    staff = await make_user(system, Role.REVIEWER)
    draft_email, located_email, removed_email = (
        await register_org_admin(system, first_name="Dana"),
        await register_org_admin(system), await register_org_admin(system))
    made = {}
    for email, name in ((draft_email, "Draft Clinic"), (located_email, "Located Clinic"),
                        (removed_email, "Removed Clinic")):
        admin = await api_client(system, email)
        saved = await admin.post("/api/v1/organizations",
                                 json={**ORG_DETAILS, "legal_name": f"{marker} {name}"})
        assert saved.status_code in (200, 201), saved.text
        made[name] = saved.json()["id"]
        if name != "Draft Clinic":
            added = await admin.post(f"/api/v1/organizations/{made[name]}/locations",
                                     json=location_body(f"Site {marker}", unique_email("co")))
            assert added.status_code == 201, added.text
        if name == "Removed Clinic":
            removed = await admin.delete(
                f"/api/v1/organizations/{made[name]}/locations/{added.json()['id']}")
            assert removed.status_code in (200, 204), removed.text
    admin = await make_user(system, Role.ORG_ADMIN, first_name="Sam", last_name="Submitter")
    now = utcnow()
    async with system.sessions() as session:
        await session.exec(update(Organization).where(Organization.id == made["Draft Clinic"])
                           .values(created_at=now - timedelta(days=12)))
        await session.exec(update(Organization).where(Organization.id == made["Removed Clinic"])
                           .values(created_at=now - timedelta(days=2)))
        session.add(Organization(legal_name=f"{marker} Submitted Clinic", admin_user_id=admin.id,
                                 status=OrganizationStatus.SUBMITTED,
                                 created_at=now - timedelta(days=40),
                                 submitted_at=now - timedelta(days=5, hours=1)))
        await session.commit()
    person = browser(system)
    await person.login(staff.email)

    page = await person.get(f"/state/locations?q={marker}")
    assert page.status_code == 200 and "Organizations with no location yet" in page.text
    # the oldest in its status first: a draft since its creation, a submission since then
    assert organizations(page.text) == [
        (f"{marker} Draft Clinic", "Section A in progress", "12 days", "Dana Admin"),
        (f"{marker} Submitted Clinic", "Section A submitted", "5 days", "Sam Submitter"),
        (f"{marker} Removed Clinic", "Section A in progress", "2 days", "Olivia Admin")]
    assert draft_email in page.text
    assert "3 organizations have saved Section A" in page.text
    assert names(page.text) == [f"Site {marker}"], "the located clinic's site, in the list"
    aged = organizations((await person.get(f"/state/locations?q={marker}&age=7")).text)
    assert [name for name, *_ in aged] == [f"{marker} Draft Clinic"]
    searched = await person.get(f"/state/locations?q={marker}+sub")
    assert [name for name, *_ in organizations(searched.text)] == [
        f"{marker} Submitted Clinic"]
    none = await person.get(f"/state/locations?q={marker}+Located")
    assert organizations(none.text) == []
    assert "No organization without a location matches" in none.text
    by_status = await person.get(f"/state/locations?q={marker}&status=in_progress")
    assert "Organizations with no location yet" not in by_status.text  # no location, no status
    other_view = await person.get(f"/state/locations/organizations.csv?q={marker}&status=new")
    assert other_view.status_code == 422 and "text/csv" not in other_view.headers["content-type"]
    assert "no location status" in other_view.text

    many = f"om{uuid.uuid4().hex[:6]}"
    async with system.sessions() as session:
        await (await session.connection()).execute(insert(Organization), [
            {"legal_name": f"{many} Org {n:02d}", "admin_user_id": staff.id,
             "status": OrganizationStatus.DRAFT.value, "section_a_step": "details",
             "created_at": now - timedelta(days=n)} for n in range(23)])
        await session.commit()
    crowded = await person.get(f"/state/locations?q={many}")
    shown = organizations(crowded.text)
    assert len(shown) == 20 and shown[0][0] == f"{many} Org 22", shown[:2]
    assert "23 organizations have" in crowded.text and "; page 1 of 2." in crowded.text
    # paged as the locations are, each list its own page in one query string (it showed
    # the first 20, and the rest only in the CSV)
    assert f'href="/state/locations?q={many}&amp;org_page=2#organizations"' in crowded.text
    second = await person.get(f"/state/locations?q={many}&org_page=2")
    assert [name for name, *_ in organizations(second.text)] == [
        f"{many} Org {n:02d}" for n in (2, 1, 0)]
    assert "; page 2 of 2." in second.text
    assert 'aria-label="Pages of organizations with no location yet"' in second.text
    beyond = await person.get(f"/state/locations?q={many}&org_page=9")
    assert organizations(beyond.text) == organizations(second.text)
    assert "page 2 of 2. There is no page 9: this is the last." in beyond.text
    bad = await person.get(f"/state/locations?q={many}&org_page=x")
    assert bad.status_code == 422 and "There is no page “x” of organizations" in bad.text
    assert organizations(bad.text) == shown
    link = f"/state/locations/organizations.csv?q={many}"
    assert link in crowded.text and "Download all 23 as CSV" in crowded.text
    rows = cells(await person.get(link))
    assert rows[0] == ["Organization", "Status", "In status since (Eastern time)", "Days in status",
                       "Administrator", "Administrator's email"]
    assert len(rows) == 24 and rows[1][0] == f"{many} Org 22" and rows[1][3] == "22"

    provider = browser(system)  # the state's view is the state's
    await provider.login(draft_email)
    for url in (f"/state/locations?q={marker}", f"/state/locations/organizations.csv?q={marker}"):
        refused = await provider.get(url)
        assert refused.status_code == 403 and marker not in refused.text, url


async def test_the_audit_log_names_people_and_each_records_own_statuses(system):
    """A case's status reads as a case's ("Being worked on"), not as the location status of
    the same name; "user:N" reads as that person; the requester of a public question and the
    process itself are named in words. The CSV says the same."""
    staff = await make_user(system, Role.REVIEWER, first_name="Rita", last_name="Auditor")
    case_id = 900_000 + uuid.uuid4().int % 90_000
    async with system.sessions() as session:
        for action, actor in (("status:in_progress", f"user:{staff.id}"),
                              ("status:in_progress", "user:None"), ("status:new", "system")):
            session.add(AuditEvent(subject_type="case", subject_id=case_id, action=action,
                                   actor=actor))
        await session.commit()
    person = browser(system)
    await person.login(staff.email)
    page = (await person.get("/state/audit?status=case")).text
    number = f"CS{case_id:07d}"  # a case by its number, as the desk knows it (not "case 12")
    rows = [row for row in re.findall(r"<tr>(.*?)</tr>", page, re.S) if f"Case {number}" in row]
    assert len(rows) == 3, rows
    assert "Status: Being worked on" in rows[2] and "Section B" not in page
    assert f"Rita Auditor &lt;{staff.email}&gt;" in rows[2]
    assert "The requester" in rows[1] and "CVMS (automatic)" in rows[0]
    assert "Status: New, not yet picked up" in rows[0]
    exported = cells(await person.get("/state/audit.csv?status=case"))
    mine = [row for row in exported[1:] if row[2] == number]
    assert [row[4:] for row in mine] == [
        ["Status: New, not yet picked up", "CVMS (automatic)"],
        ["Status: Being worked on", "The requester"],
        ["Status: Being worked on", f"Rita Auditor <{staff.email}>"]]


async def test_the_unfiltered_count_of_organizations_with_no_location_is_exact(system):
    """Unfiltered, the count is every organization less those a location names (two
    index-only counts): it must equal the organizations with no location counted one by one,
    with some having several locations, some none, and a draft location removed."""
    from sqlalchemy import delete, exists, func

    from api.domain.state_lists import StateFilters, organizations_without_location

    admin = await make_user(system, Role.ORG_ADMIN)
    await few_sites(system, "Exact Count", admin.id)  # an organization with locations
    async with system.sessions() as session:
        bare = [Organization(legal_name=f"Exact Count Bare {n}", admin_user_id=admin.id)
                for n in range(3)]
        emptied = Organization(legal_name="Exact Count Emptied", admin_user_id=admin.id)
        session.add_all([*bare, emptied])
        await session.flush()
        session.add(Location(organization_id=emptied.id, name="Removed draft", street="1 A St",
                             city="Cary", state="NC", zip_code="27511",
                             coordinator_first_name="C", coordinator_last_name="Q",
                             coordinator_email="c@exact.example"))
        await session.commit()
        await session.exec(delete(Location).where(Location.organization_id == emptied.id))
        await session.commit()
        one_by_one = (await session.exec(select(func.count()).select_from(Organization).where(
            ~exists().where(Location.organization_id == Organization.id)))).one()
        listing = await organizations_without_location(session, StateFilters())
    assert one_by_one >= 4 and listing.total == one_by_one


async def test_an_audit_search_of_apostrophes_alone_finds_no_case_by_its_text(system):
    """Apostrophes or hyphens alone fold to nothing, which every case's search text holds: the
    audit log listed every case's events as found."""
    from api.domain.state_lists import StateFilters, audit
    from models.helpdesk import Case
    from models.helpdesk_rules import Category, route

    async with system.sessions() as session:
        found_case = Case(requester_name="Pat Quote", subject="Freezer", description="Help.",
                          category=Category.INVENTORY, team=route(Category.INVENTORY),
                          status="new", search_text="pat quote freezer")
        session.add(found_case)
        await session.flush()
        session.add(AuditEvent(subject_type="case", subject_id=found_case.id,
                               action="status:new", actor="requester"))
        await session.commit()
        for typed in ("'''", "- -", "\u2019"):
            listing = await audit(session, StateFilters(q=typed), page_size=None)
            assert found_case.id not in {e.subject_id for e in listing.rows
                                         if e.subject_type == "case"}, typed
        named = await audit(session, StateFilters(q="Pat Quote"), page_size=None)
        assert found_case.id in {e.subject_id for e in named.rows if e.subject_type == "case"}


async def test_a_provider_pin_typed_as_written_on_a_packing_list_finds_its_location(system):
    """Found by the outside check: the help desk takes a Provider PIN typed "NCA 650-001" (as
    on a packing list, or read out on the phone), but the state's screens found nothing for
    it: only "NCA650001" found its location. Spaces and hyphens in a PIN are now ignored on
    the locations, the review queue and the transfers, and in the site finder."""
    marker = f"pn{uuid.uuid4().hex[:6]}"
    staff = await make_user(system, Role.REVIEWER)
    sites = await few_sites(system, marker, staff.id, status=LocationStatus.PENDING_REVIEW)
    number = await seed_transfer(system, staff.id, sites[0], sites[1])
    person = browser(system)
    await person.login(staff.email)
    written = pin(sites[1].id)
    for typed in (f"{written[:3]} {written[3:6]}-{written[6:]}", f"{written[:3]}-{written[3:]}",
                  f"{written[:3]} {written[3:]}".lower()):
        found = await person.get(f"/state/locations?q={typed}")
        assert names(found.text) == [f"{marker} Site 1"], typed
        assert names((await person.get(f"/review?q={typed}")).text) == [f"{marker} Site 1"]
        assert number in (await person.get(f"/state/transfers?q={typed}")).text, typed
    agent = await api_client(system, (await make_user(system, Role.HELPDESK_AGENT)).email)
    suggested = await agent.get("/api/v1/sites", params={"q": f"{written[:3]} {written[3:]}"})
    await agent.aclose()
    assert [s["name"] for s in suggested.json()] == [f"{marker} Site 1"], suggested.text


async def test_the_queue_names_what_is_reviewed_as_its_filter_does(system):
    """The queue's "Review of" column (and its CSV) said "enrollment" in lower case while the
    filter above it offered "Enrollment", "Resubmission", "Change to an enrolled site"."""
    marker = f"rk{uuid.uuid4().hex[:6]}"
    staff = await make_user(system, Role.REVIEWER, first_name="Rita")
    sites = await few_sites(system, marker, staff.id, count=2,
                            status=LocationStatus.PENDING_REVIEW)
    async with system.sessions() as session:
        again = await session.get(Location, sites[1].id)
        again.resubmission = True
        session.add(again)
        await session.commit()
    person = browser(system)
    await person.login(staff.email)
    page = await person.get(f"/review?q={marker}")
    kinds = re.findall(r'data-label="Review of">([^<]*)<', page.text)
    assert sorted(kinds) == ["Enrollment", "Resubmission"], kinds
    for value, label in (("enrollment", "Enrollment"), ("resubmission", "Resubmission")):
        assert f'<option value="{value}">{label}</option>' in page.text
    rows = cells(await person.get(f"/review.csv?q={marker}"))
    assert sorted(row[4] for row in rows[1:]) == ["Enrollment", "Resubmission"], rows


async def test_an_organization_with_locations_shows_its_own_status(system):
    """An organization with locations had no status of its own on the state's list (only its
    locations had, one a row; the organizations with none had theirs): its row now says
    Section A's status, its locations counted by status and the longest any of them not yet
    approved has waited, on the page and in the CSV."""
    marker = f"os{uuid.uuid4().hex[:6]}"
    staff = await make_user(system, Role.REVIEWER, first_name="Rita")
    sites = await few_sites(system, marker, staff.id, count=3)
    async with system.sessions() as session:
        await session.exec(update(Location).where(Location.id == sites[0].id).values(
            status=LocationStatus.APPROVED, status_since=utcnow() - timedelta(days=40)))
        await session.exec(update(Location).where(Location.id == sites[1].id).values(
            status=LocationStatus.PENDING_REVIEW, status_since=utcnow() - timedelta(days=12)))
        await session.commit()
    person = browser(system)
    await person.login(staff.email)
    page = await person.get(f"/state/locations?q={marker}")
    summary = ("Section A submitted. 3 locations: 1 Section B in progress, 1 Waiting for "
               "review, 1 Approved. Waiting longest: 12 days (Waiting for review).")
    shown = re.findall(r'data-label="Organization">[^<]*<br><span class="usa-hint">([^<]*)<',
                       page.text)
    assert shown == [summary] * 3, shown
    rows = cells(await person.get(f"/state/locations.csv?q={marker}"))
    assert rows[0][-1] == "Organization's status"
    assert [row[-1] for row in rows[1:]] == [summary] * 3


async def test_the_state_view_counts_locations_by_status_each_a_link_to_them(system):
    """SPEC 7's view of every location had no counts: it now says how many locations are in
    each status, each count a link to the list filtered by it."""
    await few_sites(system, f"Counted {uuid.uuid4().hex[:6]}",
                    (await make_user(system, Role.ORG_ADMIN)).id,
                    status=LocationStatus.AWAITING_SIGNATURES)
    person = browser(system)
    await person.login((await make_user(system, Role.REVIEWER)).email)
    page = await person.get("/state/locations")
    async with system.sessions() as session:
        rows = (await session.exec(select(Location.status))).all()
    counts = {status: rows.count(status) for status in set(rows)}
    said = dict(re.findall(r'<a[^>]*href="/state/locations\?status=([a-z_]+)"[^>]*>[^<]*?'
                           r'<span class="cvms-count">([\d,]+)</span>', page.text))
    assert said, page.text[:3000]
    for status, n in counts.items():
        assert said.get(str(status)) == f"{n:,}", (status, n, said)
