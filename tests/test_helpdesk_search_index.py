"""The console's search finds exactly the cases whose subject, requester name or email holds
the typed text, whichever index answers it (SQLite: an FTS5 trigram table kept by triggers;
Postgres: pg_trgm; under three characters: LIKE): hostile characters are literal, a changed
subject is found by its new words only, a deleted case is gone."""

import uuid

from sqlmodel import delete

from api.domain.helpdesk_console import ConsoleFilters, console
from models import search_index
from models.helpdesk import Case
from models.helpdesk_rules import Category, route

SUBJECTS = ['100% of doses "spoiled"', "under_score and back\\slash", "Ñandú clinic freezer",
            "O'Brien's fridge", "50%_off", 'say "hi"', "plain question"]
QUERIES = ["100%", "%", "_", "r_s", "back\\slash", "\\", '"spoiled"', '"', 'say "hi', "ñandú",
           "ÑANDÚ", "o'brien", "50%_", "fridge", "hi", "lain q", "nothing like this"]


async def seeded(system, marker: str) -> list[Case]:
    async with system.sessions() as session:
        cases = []
        for n, subject in enumerate(SUBJECTS):
            name, email = f"Requester {n} {marker}", f"r{n}.{marker}@x.test"
            cases.append(Case(requester_name=name, requester_email=email,
                              search_text=Case.searchable(subject, name, email),
                              category=Category.INVENTORY, team=route(Category.INVENTORY),
                              subject=subject, description="Help."))
        session.add_all(cases)
        await session.commit()
        for case in cases:
            await session.refresh(case)
    return cases


async def found(system, q: str, marker: str) -> set[int]:
    """The ids of this test's cases the console finds for `q` (other tests' cases aside)."""
    async with system.sessions() as session:
        page = await console(session, ConsoleFilters(team="all", status="all", q=q),
                             page_size=10_000)
    return {c.id for c in page.cases if marker in c.search_text}


async def test_a_search_finds_exactly_the_cases_holding_the_text(system):
    marker = uuid.uuid4().hex[:8]
    cases = await seeded(system, marker)
    for q in QUERIES:
        expected = {c.id for c in cases if q.lower() in c.search_text}
        assert await found(system, q, marker) == expected, q
    assert await found(system, "requester 3", marker) == {cases[3].id}


async def test_a_changed_subject_is_found_by_its_new_words_and_a_deleted_case_not_at_all(system):
    marker = uuid.uuid4().hex[:8]
    cases = await seeded(system, marker)
    async with system.sessions() as session:
        case = await session.get(Case, cases[6].id)
        case.subject = "walk-in cooler alarm"
        case.search_text = Case.searchable(case.subject, case.requester_name,
                                           case.requester_email)
        case.status = "in_progress"  # a projection's write beside it changes nothing found
        session.add(case)
        await session.commit()
    assert await found(system, "plain question", marker) == set()
    assert await found(system, "cooler alarm", marker) == {cases[6].id}
    async with system.sessions() as session:
        await session.exec(delete(Case).where(Case.id == cases[6].id))
        await session.commit()
    assert await found(system, "cooler alarm", marker) == set()
    assert await found(system, "fridge", marker) == {cases[3].id}


async def test_an_sqlite_without_trigrams_searches_without_the_table(tmp_path, monkeypatch):
    """An SQLite before 3.34 (no FTS5 trigram tokenizer): the migration leaves the table out
    and the console still finds what it holds, reading the narrow search index."""
    import sqlite3

    from alembic import command

    from core.db import create_engine, session_factory
    from core.migrate import alembic_config

    connect = sqlite3.connect

    def without_trigrams(database, *args, **kwargs):
        """The migration's probe (an in-memory database) meets an SQLite without them."""
        if database != ":memory:":
            return connect(database, *args, **kwargs)
        probe = connect(database, *args, **kwargs)
        probe.execute("CREATE TABLE probe (x)")  # the name the probe's table would take
        return probe

    monkeypatch.setattr(sqlite3, "connect", without_trigrams)
    url = f"sqlite+aiosqlite:///{tmp_path / 'old-sqlite.db'}"
    command.upgrade(alembic_config(url), "head")
    monkeypatch.undo()
    engine = create_engine(url)
    sessions = session_factory(engine)
    try:
        marker = uuid.uuid4().hex[:8]
        async with sessions() as session:
            assert not await search_index.ready(session)
            name = f"Old {marker}"
            session.add(Case(requester_name=name, subject="Freezer alarm", description="Help.",
                             search_text=Case.searchable("Freezer alarm", name, None),
                             category=Category.INVENTORY, team=route(Category.INVENTORY)))
            await session.commit()
            page = await console(session, ConsoleFilters(team="all", status="all",
                                                         q="zer ala"))
            assert [c.requester_name for c in page.cases] == [name]
    finally:
        await engine.dispose()
