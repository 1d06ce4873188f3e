"""The console's search finds exactly the cases whose subject, requester name or email holds
the typed text, whichever index answers it (SQLite: an FTS5 trigram table kept by triggers;
Postgres: pg_trgm; under three characters: LIKE): hostile characters are literal, a changed
subject is found by its new words only, a deleted case is gone."""

import uuid

from sqlmodel import delete, select

from api.domain.helpdesk_console import ConsoleFilters, console
from api.domain.state_lists import case_search
from models import search_index
from models.audit import AuditEvent
from models.helpdesk import Case, searched
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


async def requested_by(system, people: dict[str, str], marker: str) -> dict[str, int]:
    """A "Freezer alarm" case from each of `people` (key: the requester's name): their ids."""
    async with system.sessions() as session:
        cases = {}
        for key, name in people.items():
            cases[key] = Case(requester_name=name, requester_email=f"{key}.{marker}@x.test",
                              search_text=Case.searchable("Freezer alarm", name, None),
                              category=Category.INVENTORY, team=route(Category.INVENTORY),
                              subject="Freezer alarm", description="Help.")
            session.add(cases[key])
        await session.commit()
        return {key: case.id for key, case in cases.items()}


async def test_a_search_finds_exactly_the_cases_holding_the_text(system):
    marker = uuid.uuid4().hex[:8]
    cases = await seeded(system, marker)
    for q in QUERIES:
        expected = {c.id for c in cases if searched(q) in c.search_text}
        assert await found(system, q, marker) == expected, q
    assert await found(system, "requester 3", marker) == {cases[3].id}


async def test_accents_and_apostrophes_of_any_kind_are_no_part_of_a_search(system):
    """Found by the outside check: "O’Brien" (a phone's curly apostrophe) did not find a case
    from "O'Brien", nor "Jose" José's. Both the search text and what is typed are folded as a
    recipient's name is, so each finds the other, either way round (and hyphens are spaces)."""
    marker = uuid.uuid4().hex[:8]
    people = {"straight": f"Sean O'Brien {marker}", "curly": f"Sean O’Brien {marker}",
              "accented": f"José Núñez-Peña {marker}", "plain": f"Jose Nunez Pena {marker}"}
    ids = await requested_by(system, people, marker)
    brien, jose = {ids["straight"], ids["curly"]}, {ids["accented"], ids["plain"]}
    for q in ("O'Brien", "O’Brien", "o‘brien", "OBRIEN", "Sean O’Brien"):
        assert await found(system, q, marker) == brien, q
    for q in ("Jose", "José", "JOSÉ NÚÑEZ", "nunez-pena", "Núñez Peña", "jose nunez pena"):
        assert await found(system, q, marker) == jose, q
    assert await found(system, f"jose {marker}", marker) == set(), "the words stay in order"
    async with system.sessions() as session:  # the state's audit log finds a case's events so
        session.add_all(AuditEvent(subject_type="case", subject_id=i, action="opened",
                                   actor="system") for i in ids.values())
        await session.commit()
        for q, expected in (("O’Brien", brien), ("Jose", jose), ("josé núñez", jose)):
            events = await session.exec(select(AuditEvent.subject_id).where(
                AuditEvent.subject_type == "case", case_search(q),
                AuditEvent.subject_id.in_(list(ids.values()))))
            assert set(events.all()) == expected, q


async def test_latin_letters_without_an_accent_are_no_part_of_a_console_search(system):
    """Found by an outside check: "walesa" did not find Lech Wałęsa's case (ł has no accent
    to strip), nor "yilmaz" İsa Yılmaz's, nor "aero" Ærø's."""
    marker = uuid.uuid4().hex[:8]
    people = {"lech": f"Lech Wałęsa {marker}", "isa": f"İsa Yılmaz {marker}",
              "aero": f"Ærø Straße {marker}"}
    ids = await requested_by(system, people, marker)
    for key, typed in (("lech", "walesa"), ("lech", "Lech Wałęsa"), ("lech", "WAŁĘSA"),
                       ("isa", "isa yilmaz"), ("isa", "ISA YILMAZ"), ("aero", "aero strasse"),
                       ("aero", "ÆRØ")):
        assert await found(system, typed, marker) == {ids[key]}, typed


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


def test_the_cases_already_there_are_refilled_folded(tmp_path):
    """0011l: a case stored before (its search text only in lower case) is found by "Jose"
    and "O’Brien" after the upgrade, through SQLite's trigram table too; downgrading gives
    the old text back."""
    import sqlalchemy
    from alembic import command

    from core.db import sync_url
    from core.migrate import alembic_config

    url = f"sqlite+aiosqlite:///{tmp_path / 'folded.db'}"
    config = alembic_config(url)
    command.upgrade(config, "0011k")
    engine = sqlalchemy.create_engine(sync_url(url))
    old = "freezer – alarm | josé o'brien | jo.ob@x.test"
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text(
            "INSERT INTO help_case (requester_name, requester_email, search_text, category, "
            "team, subject, description, status, status_seq, created_at) VALUES ("
            "'José O''Brien', 'jo.ob@x.test', :old, 'inventory', 'inventory', "
            "'Freezer – alarm', 'Help.', 'new', 0, '2026-12-01 10:00:00')"), {"old": old})

    def stored() -> str:
        with engine.begin() as connection:
            return connection.execute(sqlalchemy.text(
                "SELECT search_text FROM help_case")).scalar_one()

    def matched(text: str) -> list[int]:
        with engine.begin() as connection:
            return [row[0] for row in connection.execute(sqlalchemy.text(
                "SELECT rowid FROM help_case_search WHERE help_case_search MATCH :q"),
                {"q": f'"{searched(text)}"'})]

    try:
        assert matched("Jose O’Brien") == []
        command.upgrade(config, "head")
        assert stored() == Case.searchable("Freezer – alarm", "José O'Brien", "jo.ob@x.test")
        assert matched("Jose O’Brien") == [1] and matched("freezer alarm") == [1]
        command.downgrade(config, "0011k")
        assert stored() == old
        assert matched("Jose O’Brien") == []
    finally:
        engine.dispose()
