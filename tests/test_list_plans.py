"""The state's and the help desk's lists read a page from an index in the list's order: a page
never sorts every location or every case (at 10,000 locations a sorted page cost 11 ms on
Postgres, 4.6 ms on SQLite; read from the index, under 1 ms). Each test opens a list as a
person does, records the statements it made, and asks the database for each paged statement's
plan: on Postgres with sorting disabled (a plan that can only sort still shows a Sort), on
SQLite with EXPLAIN QUERY PLAN (a sort is a temporary B-tree)."""

import re
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, event, insert, text
from sqlmodel import select
from temporalio import activity

from models.base import utcnow
from models.employers import Employer
from models.enrollment import Organization
from models.enrollment_enums import LocationStatus
from models.enums import Role
from models.helpdesk import Case
from models.helpdesk_rules import Category, route
from models.inventory import Lot, Product, Transfer
from tests.support.accounts import make_user
from tests.support.web import browser
from tests.test_state_screens import few_sites


@contextmanager
def statements(engine):
    """The reads the API makes meanwhile (the in-process worker's activities share the engine;
    SQLAlchemy runs each statement in the awaiting task's context, so they are told apart)."""
    seen: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if activity.in_activity():
            return  # the worker's, on the same engine: a process's step running meanwhile
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def sorts(engine, statement: str, parameters) -> list[str]:
    """The plan's lines that sort the rows."""
    async with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            await conn.exec_driver_sql("SET enable_sort = off")
            plan = (await conn.exec_driver_sql("EXPLAIN " + statement, parameters)).all()
            return [row[0] for row in plan if "Sort" in row[0]]
        await conn.exec_driver_sql("ANALYZE")  # the planner's statistics, as a live table has
        plan = (await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)).all()
        return [row[-1] for row in plan if "TEMP B-TREE" in row[-1]]


async def paged_statements(system, role: Role, url: str, **user) -> list[tuple[str, object]]:
    person = browser(system)
    await person.login((await make_user(system, role, **user)).email)
    with statements(system.engine) as seen:
        response = await person.get(url)
    assert response.status_code == 200, response.text[:300]
    return seen


async def test_the_state_view_reads_its_page_in_order_from_an_index(system):
    # a page is read only when there is a location
    await few_sites(system, "Order Plan", (await make_user(system, Role.ORG_ADMIN)).id)
    seen = await paged_statements(system, Role.REVIEWER, "/state/locations")
    pages = [(s, p) for s, p in seen if "FROM location" in s and "ORDER BY location.status_since"
             in s]
    assert pages, seen
    for statement, parameters in pages:
        assert await sorts(system.engine, statement, parameters) == [], statement


async def test_the_organizations_with_no_location_are_read_in_order_from_an_index(system):
    """The state view's organizations with no location yet: the longest in their status first,
    read from ix_organization_status_since (each checked against location's organization
    index), never every organization sorted."""
    admin = await make_user(system, Role.ORG_ADMIN)
    async with system.sessions() as session:  # enough that reading all is not the cheapest
        await (await session.connection()).execute(insert(Organization), [
            {"legal_name": f"Plan Clinic {n}", "admin_user_id": admin.id, "status": "draft",
             "section_a_step": "details", "created_at": utcnow() - timedelta(hours=n)}
            for n in range(200)])
        await session.commit()
    seen = await paged_statements(system, Role.REVIEWER, "/state/locations")
    pages = [(s, p) for s, p in seen if "FROM organization" in s and "ORDER BY CASE" in s]
    assert len(pages) == 1, seen
    for statement, parameters in pages:
        assert await sorts(system.engine, statement, parameters) == [], statement


async def test_the_review_queue_reads_its_page_and_count_from_its_own_index(system):
    """Only the locations waiting for a decision, in the order they are reviewed: the page is
    not sorted and neither statement reads every location. Postgres only: with a few rows
    pending in the shared test database, SQLite's statistics can make joining from the
    organizations cheaper (seen in a full run); bench.lists shows SQLite's plan at volume."""
    if system.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's choice here follows the test database's statistics")
    # a page is read only when a location waits for review
    await few_sites(system, "Queue Order", (await make_user(system, Role.ORG_ADMIN)).id, 1,
                    LocationStatus.PENDING_REVIEW)
    seen = await paged_statements(system, Role.REVIEWER, "/review")
    queue = [(s, p) for s, p in seen if "amendment_pending" in s]
    assert len(queue) == 2, seen  # the count and the page
    for statement, parameters in queue:
        assert await sorts(system.engine, statement, parameters) == [], statement
    for plan in await index_lookups(system, queue):
        assert "ix_location_review_queue" in plan, plan


async def test_the_console_across_teams_reads_its_page_in_order_from_an_index(system):
    async with system.sessions() as session:  # a page is read only when there is a case
        session.add(Case(requester_name="Pat Plan", subject="Freezer", description="Help.",
                         category=Category.INVENTORY, team=route(Category.INVENTORY),
                         status="new", sla_due_at=utcnow() + timedelta(hours=4)))
        await session.commit()
    seen = await paged_statements(system, Role.HELPDESK_AGENT, "/helpdesk?team=all",
                                  team="inventory")
    pages = [(s, p) for s, p in seen if "FROM help_case" in s and "sla_due_at" in s]
    assert pages, seen
    for statement, parameters in pages:
        assert await sorts(system.engine, statement, parameters) == [], statement


async def index_lookups(system, searches) -> list[str]:
    """Each statement's plan, asked with reading a whole table (or a whole index, in its
    order) priced as on a large table: a tiny test table is otherwise cheapest read whole."""
    plans = []
    async with system.engine.connect() as conn:
        await conn.exec_driver_sql("SET enable_seqscan = off")
        await conn.exec_driver_sql("SET enable_indexscan = off")
        for statement, parameters in searches:
            plans.append("\n".join(row[0] for row in (await conn.exec_driver_sql(
                "EXPLAIN " + statement, parameters)).all()))
    return plans


async def test_a_console_search_finds_its_cases_by_trigrams_on_postgres(system):
    """Postgres: the matches come from the trigram index, not from testing every case's text
    in due-time order (SQLite reads its narrow search index; it has no trigram index)."""
    if system.engine.dialect.name != "postgresql":
        pytest.skip("trigram indexes are Postgres's (pg_trgm)")
    seen = await paged_statements(system, Role.HELPDESK_AGENT,
                                  "/helpdesk?team=all&status=all&q=rodriguez", team="inventory")
    searches = [(s, p) for s, p in seen if "search_text LIKE" in s and "MATERIALIZED" in s]
    assert searches, seen
    for plan in await index_lookups(system, searches):
        assert "ix_help_case_search_text_trgm" in plan, plan


async def test_a_console_search_finds_its_cases_by_trigrams_on_sqlite(system):
    """SQLite: the matches come from the FTS5 trigram table of the cases' search text
    (models/search_index.py), not from reading every case's text (at 20,000 cases the searched
    console was the one list past 25 ms with 20 people asking)."""
    if system.engine.dialect.name != "sqlite":
        pytest.skip("the FTS5 table is SQLite's; Postgres has pg_trgm")
    seen = await paged_statements(system, Role.HELPDESK_AGENT,
                                  "/helpdesk?team=all&status=all&q=rodriguez", team="inventory")
    searches = [(s, p) for s, p in seen if "MATERIALIZED" in s]
    assert searches, seen
    async with system.engine.connect() as conn:
        for statement, parameters in searches:
            plan = "\n".join(row[-1] for row in (await conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + statement, parameters)).all())
            assert "SCAN help_case_search VIRTUAL TABLE INDEX" in plan, plan
            # The matches' ids, which SQLite at scale looks up one by one (at 20,000 cases
            # 5 ms). Written as "(id IN (...)) = 1", as a Boolean function is on SQLite, it was
            # planned as a scan testing every case against them (16 ms); which of the two the
            # planner takes on this small table follows its statistics, so the form is checked.
            flat = " ".join(statement.split())
            assert "help_case.id IN (SELECT rowid FROM help_case_search WHERE " \
                   "help_case_search MATCH ?)" in flat, flat
            assert not re.search(r"MATCH \?\)\s*=", flat), flat


async def test_a_site_search_finds_its_sites_by_trigrams_on_postgres(system):
    """Postgres: a search of the state view reads the trigram indexes of location names and
    cities and of organization names, not every location joined to its organization."""
    if system.engine.dialect.name != "postgresql":
        pytest.skip("trigram indexes are Postgres's (pg_trgm)")
    seen = await paged_statements(system, Role.REVIEWER, "/state/locations?q=health+system")
    searches = [(s, p) for s, p in seen if "ILIKE" in s and "NOT (EXISTS" not in s]
    assert searches, seen
    for plan in await index_lookups(system, searches):
        for index in ("ix_location_name_trgm", "ix_location_city_trgm",
                      "ix_organization_legal_name_trgm"):
            assert index in plan, plan
    # the organizations with no location yet, searched by name: by the same trigrams
    unlocated = [(s, p) for s, p in seen if "ILIKE" in s and "NOT (EXISTS" in s]
    assert unlocated, seen
    for plan in await index_lookups(system, unlocated):
        assert "ix_organization_legal_name_trgm" in plan, plan


async def test_the_state_transfer_queue_reads_its_page_from_its_own_index(system):
    """Only the transfers awaiting the state's decision or flagged late, in request order, from
    ix_transfer_state_queue: a page of the queue neither sorts nor reads every transfer (3,000
    transfers sorted for each page cost 3.7 ms on SQLite; from the index, 0.4 ms). Plans on
    Postgres; on SQLite they follow the shared test database's statistics (below)."""
    admin = await make_user(system, Role.ORG_ADMIN)
    sites = await few_sites(system, "Queue Plan", admin.id, 2)
    sender, receiver = sites[0], sites[1]
    statuses = ["requested", "shipped", "received", "approved", "denied", "received"]
    async with system.sessions() as session:
        product = (await session.exec(select(Product))).first()
        lot = Lot(location_id=sender.id, product_id=product.id, lot_number="QP-1", on_hand=0,
                  expiration_date=date.today() + timedelta(days=90))
        session.add(lot)
        await session.flush()
        await (await session.connection()).execute(insert(Transfer), [{
            "kind": "transfer", "from_location_id": sender.id, "to_location_id": receiver.id,
            "requested_by_location_id": sender.id, "requested_by": admin.id, "lot_id": lot.id,
            "product_id": product.id, "lot_number": "QP-1",
            "expiration_date": lot.expiration_date, "doses": 1, "reason": "Plan",
            "request_key": f"queue-plan-{n}", "status": statuses[n % 6],
            "flagged": n % 12 == 1, "requested_at": utcnow() - timedelta(minutes=n)}
            for n in range(600)])
        await session.commit()

    try:
        # SQLite's plans follow the shared test database's statistics: in a whole run its
        # transfers are mostly awaiting a decision (unlike a live one's), and CI's run twice
        # read them through the status index and sorted; there, the statements are counted
        # (bench.lists shows SQLite's plan at volume). Postgres's plans are checked.
        postgres = system.engine.dialect.name == "postgresql"
        for url in ("/state/transfers", "/state/transfers?status=requested"):
            seen = await paged_statements(system, Role.REVIEWER, url)
            queue = [(s, p) for s, p in seen if "FROM transfer" in s]
            assert len(queue) == 2, seen  # the count and the page
            if not postgres:
                continue
            for statement, parameters in queue:
                assert await sorts(system.engine, statement, parameters) == [], statement
            if url == "/state/transfers":  # a status chosen may count from the status's index
                for plan in await index_lookups(system, queue):
                    assert "ix_transfer_state_queue" in plan, plan

        # the API's queue: the requests awaiting a decision, read in order from the same index
        seen = await paged_statements(system, Role.REVIEWER, "/api/v1/state/transfers")
        waiting = [(s, p) for s, p in seen if "ORDER BY transfer.requested_at" in s]
        assert len(waiting) == 1, seen
        if postgres:
            assert await sorts(system.engine, *waiting[0]) == [], waiting
    finally:  # the shared queue's first page is other tests' (the oldest first)
        async with system.sessions() as session:
            await session.exec(delete(Transfer).where(Transfer.lot_id == lot.id))
            await session.exec(delete(Lot).where(Lot.id == lot.id))
            await session.commit()


async def test_a_searched_state_view_gathers_its_matches_once(system):
    """The search (location name or city, organization name) is asked once for the page: its
    total comes with the page's ids (a window count), not from asking the search again."""
    await few_sites(system, "Once Plan", (await make_user(system, Role.ORG_ADMIN)).id)
    seen = await paged_statements(system, Role.REVIEWER, "/state/locations?q=Once+Plan+Site")
    searches = [s for s, _p in seen if re.search(r"location\.name I?LIKE", s)]
    assert len(searches) == 1, searches
    person = browser(system)
    await person.login((await make_user(system, Role.REVIEWER)).email)
    page = await person.get("/state/locations?q=Once+Plan+Site")
    assert "3 locations" in page.text.replace("\u00a0", " "), page.text[:2000]
    await person.http.aclose()


async def test_an_organization_search_reads_the_trigrams_of_unaccented_names_on_postgres(system):
    """Postgres: "search first" for an organization (SPEC 5) folds accents on both sides; every
    employer's name went through translate() and a dozen replace() calls, twice a search (the
    count and the page): 0.6-1.0 s at 12,500 employers. Both now read the trigram index of the
    unaccented names (migration 0011y's `cvms_unaccent`), and still find García by "garcia"."""
    if system.engine.dialect.name != "postgresql":
        pytest.skip("trigram indexes are Postgres's (pg_trgm)")
    reviewer = await make_user(system, Role.REVIEWER)
    async with system.sessions() as session:
        session.add(Employer(name="Plan García Hauling", industry="Other", created_by=reviewer.id))
        # a state's worth of others, so the planner weighs the index as on a live table
        await session.exec(text(
            "INSERT INTO employer (name, industry, created_by, created_at) SELECT 'Plan employer "
            "' || g, 'Other', :by, now() FROM generate_series(1, 3000) g").bindparams(
            by=reviewer.id))
        await session.commit()
    async with system.engine.connect() as conn:
        await conn.exec_driver_sql("ANALYZE employer")
    person = browser(system)
    await person.login(reviewer.email)
    with statements(system.engine) as seen:
        found = await person.get("/api/v1/employers?q=garcia+haul")
    assert found.status_code == 200, found.text
    assert "Plan García Hauling" in found.text
    searches = [(s, p) for s, p in seen if "cvms_unaccent" in s]
    assert len(searches) == 2, seen  # the count and the page
    for plan in await index_lookups(system, searches):
        assert "ix_employer_name_unaccented_trgm" in plan, plan
