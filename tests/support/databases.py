"""A fresh database per test run: a SQLite file, or a new database on a Postgres server."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from core.migrate import upgrade

POSTGRES_ENV = "CVMS_TEST_POSTGRES_URL"
BACKEND_ENV = "CVMS_TEST_BACKEND"
# where the browser tests run: "postgres" when the Postgres pass runs beside the SQLite pass
BROWSER_BACKEND_ENV = "CVMS_TEST_BROWSER_BACKEND"


def backend() -> str:
    return os.environ.get(BACKEND_ENV, "sqlite")


@contextmanager
def sqlite_database(tmp: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp / 'cvms-test.db'}"
    upgrade(url)
    yield url


def no_flush(engine: AsyncEngine) -> AsyncEngine:
    """The test system's engine: on SQLite a commit does not wait for the disk (WAL with
    synchronous=NORMAL: a killed process loses nothing, only a crash of the machine could).
    Each test process commits tens of thousands of times, and each fdatasync took 0.4 ms on an
    idle disk here and can take many times that on a busy or networked one. Production keeps
    SQLite's default (FULL) and Postgres's (synchronous_commit on)."""
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _synchronous_normal)
    return engine


def _synchronous_normal(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _admin_dsn(server_url: str) -> str:
    url = make_url(server_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    name = f"cvms_test_{uuid.uuid4().hex[:10]}"
    admin = _admin_dsn(server_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
        # A commit does not wait for its WAL to reach the disk (as no_flush does on SQLite):
        # what it wrote is visible to every other session at once as before, and only a crash
        # of the server or the machine, which no test makes, could lose it.
        conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def test_database(tmp: Path) -> Iterator[str]:
    if backend() == "postgres":
        server = os.environ.get(POSTGRES_ENV)
        if not server:
            raise RuntimeError(f"{BACKEND_ENV}=postgres needs {POSTGRES_ENV}")
        with postgres_database(server) as url:
            yield url
    else:
        with sqlite_database(tmp) as url:
            yield url
