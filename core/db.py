"""Database engine and sessions. SQLite file by default; Postgres through psycopg 3."""

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from sqlalchemy import event, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from core.wording import without_accents


def async_url(url: str) -> str:
    """Map a plain URL to the async driver this project uses for it."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite").render_as_string(hide_password=False)
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    raise ValueError(f"DATABASE_URL: unsupported database {backend!r} (use sqlite or postgresql)")


def sync_url(url: str) -> str:
    parsed = make_url(async_url(url))
    if parsed.get_backend_name() == "sqlite":
        parsed = parsed.set(drivername="sqlite")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
    # SQLite's lower() and LIKE fold ASCII only: a search typed with accents folds both sides
    # (api/domain/text_search.py)
    dbapi_connection.create_function("cvms_casefold", 1, _casefold, deterministic=True)
    # a search that ignores accents (García for garcia) strips them from the column too
    dbapi_connection.create_function("cvms_unaccent", 1, _unaccent, deterministic=True)


def _unaccent(value: Any) -> Any:
    return without_accents(value) if isinstance(value, str) else value


def _casefold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


class EncodedJSON(str):
    """A JSON column's value encoded already, off the event loop (a 5,000-row upload is 1.6 MB
    of JSON, ~28 ms of encoding that would otherwise stall every other request): written as it
    is. Assign it to the column only where nothing reads the attribute back in that session."""


def _json_serializer(value: Any) -> str:
    return str(value) if isinstance(value, EncodedJSON) else json.dumps(value)


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    url = async_url(url)
    kwargs.setdefault("json_serializer", _json_serializer)
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return create_async_engine(url, pool_pre_ping=True, **kwargs)


SessionFactory = async_sessionmaker[AsyncSession]


def session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


@asynccontextmanager
async def transaction(factory: SessionFactory) -> AsyncIterator[AsyncSession]:
    """A session that commits on success and rolls back on error."""
    async with factory() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


log = logging.getLogger("cvms.db")
AFTER_COMMIT = "after_commit"


def after_commit(session: AsyncSession, action: Callable[[], Awaitable[None]]) -> None:
    """Run `action` once the request's transaction has committed (a hint to a process that
    reads the database itself must not arrive before what it should read)."""
    session.info.setdefault(AFTER_COMMIT, []).append(action)


async def run_after_commit(session: AsyncSession) -> None:
    for action in session.info.pop(AFTER_COMMIT, []):
        try:
            await action()
        except Exception as error:  # noqa: BLE001 - a hint is best effort by design
            log.info("after-commit action failed: %s", error)


async def one_at_a_time(session: AsyncSession, model: Any, row_id: int) -> None:
    """Held until the transaction ends, taken before a check that nothing exists yet: the same
    form sent twice at once (a double click, two tabs) waits for the first to commit, then its
    check sees what the first made (Postgres: the row's lock; SQLite: its write lock, which
    this first write takes). Checked apart, both found nothing and both were made. The one way
    requests take turns: a person's bookings and doses (`care.take_turn`), a site's lots and
    transfers (`inventory.hold_sites`), an organization's contacts, a manager's new records."""
    await session.exec(update(model).where(model.id == row_id).values(id=model.id))


T = TypeVar("T")
LOOK_AGAIN_EVERY = 0.1  # seconds


async def read_afresh(session: AsyncSession, look: Callable[[AsyncSession], Awaitable[T | None]],
                      seconds: float = 2.0) -> T | None:
    """What another request wrote a moment ago (the other of two tabs, a double click):
    `look` asked in a session of its own (this request's transaction may still see the row as
    it was, SQLite's snapshot, or hold a refused write of its own), again every 0.1 s for up
    to `seconds` while it answers None (the other's write not committed yet)."""
    async with AsyncSession(session.bind) as fresh:
        for _ in range(max(1, round(seconds / LOOK_AGAIN_EVERY))):
            found = await look(fresh)
            if found is not None:
                return found
            await fresh.rollback()
            await asyncio.sleep(LOOK_AGAIN_EVERY)
    return None
