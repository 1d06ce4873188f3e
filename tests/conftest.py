"""Shared fixtures: real Temporal (time-skipping and local dev server, both from wheels),
a database per test run, a real SMTP server on loopback, and the running system."""

import gc
import os
import uuid

import pytest
import uvloop
from temporalio.testing import WorkflowEnvironment

from core.temporal import DATA_CONVERTER
from tests.support.databases import BROWSER_BACKEND_ENV, backend, test_database
from tests.support.outage import RestartableTemporal, outage_system
from tests.support.pacer import Pacer
from tests.support.replay import check_at_the_end
from tests.support.smtp import SmtpCapture
from tests.support.system import (
    BIN,
    SERVER_STARTUP,
    local_temporal,
    start_system,
    use_test_password_hashing,
)
from tests.support.timeskipping import finishing_sleep, reading_again


def pytest_configure(config) -> None:
    use_test_password_hashing()  # what the tests hash directly, as the systems they start do
    # A test process keeps its systems (app, worker, clients) and what every test made for the
    # whole run, so each full collection walks an ever larger heap: 19 of them took 2.5 s of
    # 58 s of CPU in six files. A full one every 100 middle ones instead of 10 (the young
    # generations as CPython's defaults): 3 took 0.7 s. The servers freeze their start-up heap
    # instead (core/heap.py), which the tests leave off: they start and stop many systems.
    gc.set_threshold(700, 10, 100)


def pytest_asyncio_loop_factories(config, item):
    """The tests' loop is the one production's API (uvicorn) and worker (worker.run_loop) run
    on: uvloop. The system a test process starts (API, worker, clients) runs on it too."""
    return {"uvloop": uvloop.new_event_loop}


@pytest.fixture(autouse=True)
def _suite_password_hashing():
    yield
    use_test_password_hashing()  # a test may have started an app with production's settings


def pytest_report_header() -> str:
    return f"cvms database backend: {backend()}"


def pytest_collection_modifyitems(config, items):
    """Each pass runs what can differ on its backend.

    The Postgres pass runs only tests that use the database: a test that never asks for
    `database_url` (or is marked `once`) has run in the SQLite pass. The browser tests (marked
    `browser`) run once: on Postgres, production's database, when tests/run.py runs the Postgres
    pass beside this one (it sets CVMS_TEST_BROWSER_BACKEND), else on SQLite. A page sends what
    a person types to the same API whose own tests run on both backends; a browser test twice
    cost Chromium, a system and axe again (~435 s of the Postgres pass's test time). So do the
    tests marked `production_database`: the OpenAPI fuzz sends its ~5,300 generated requests to
    the API's input checks, which are the same on both backends, and Postgres is the stricter
    of the two (NUL characters, integer widths), where the fuzz found its one backend-bound
    error; twice it cost ~155 s of test time a pass, the suite's longest test."""
    def on_production(item) -> bool:  # once, on Postgres when its pass runs beside this one
        return any(item.get_closest_marker(name) for name in ("browser", "production_database"))

    def on_both(item) -> bool:  # uses the database, and is not marked to run once
        return ("database_url" in getattr(item, "fixturenames", ())
                and not item.get_closest_marker("once"))

    if backend() == "postgres":
        leave = [item for item in items if not on_both(item)]
    elif os.environ.get(BROWSER_BACKEND_ENV) == "postgres":
        leave = [item for item in items if on_both(item) and on_production(item)]
    else:
        return
    if leave:
        config.hook.pytest_deselected(items=leave)
        left = set(leave)
        items[:] = [item for item in items if item not in left]


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    with test_database(tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def smtp():
    capture = SmtpCapture().start()
    yield capture
    capture.stop()


@pytest.fixture(scope="session")
async def dev_env():
    env = await local_temporal()
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
async def ts_env():
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(BIN / "temporal-test-server"),
        data_converter=DATA_CONVERTER, test_server_startup_timeout=SERVER_STARTUP)
    clock = env.get_current_time  # neither ends on a broken connection (timeskipping.py)
    env.get_current_time, env.sleep = reading_again(clock), finishing_sleep(clock, env.sleep)
    async with Pacer(env.client):  # no leaps of years between a result and the lock
        yield env
    await env.shutdown()


@pytest.fixture(scope="session")
async def system(dev_env, database_url, smtp, tmp_path_factory):
    """The whole system on the local Temporal dev server."""
    running = await start_system(dev_env, database_url, smtp, f"cvms-{uuid.uuid4().hex[:8]}",
                                 tmp_path_factory.mktemp("data"))
    yield running
    try:
        await check_at_the_end(running)  # every history it made: replayed, no personal data
    finally:
        await running.stop()
        await running.engine.dispose()


@pytest.fixture(scope="session")
async def ts_system(ts_env, database_url, smtp, tmp_path_factory):
    """The whole system on the time-skipping test server: timers of days pass at once."""
    running = await start_system(ts_env, database_url, smtp, f"cvms-ts-{uuid.uuid4().hex[:8]}",
                                 tmp_path_factory.mktemp("data-ts"))
    yield running
    await running.stop()
    await running.engine.dispose()


@pytest.fixture(scope="session")
async def outage(database_url, smtp, tmp_path_factory):
    """A system whose Temporal server (and worker) a test may stop and start again."""
    temporal = RestartableTemporal(tmp_path_factory.mktemp("temporal"))
    system = await outage_system(temporal, database_url, smtp,
                                 tmp_path_factory.mktemp("outage-data"))
    yield temporal, system
    if temporal.env is None:
        await temporal.start()
    await system.stop()
    await system.engine.dispose()
    await temporal.stop()


@pytest.fixture(scope="session")
async def chromium():
    from playwright.async_api import async_playwright, expect

    from tests.support.browser import ARGS, CHROMIUM, require_chromium

    require_chromium()
    # what a page waits for (a signature through its process, a workflow's answer) may take
    # more than Playwright's 5 s on CI's two cores running both backends' suites at once:
    # assertions wait as long as actions do
    expect.set_options(timeout=15_000)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        await browser.close()


@pytest.fixture
async def page(chromium, system):
    context = await chromium.new_context(base_url=system.base_url)
    tab = await context.new_page()
    tab.set_default_timeout(15_000)
    refused = []  # every page must work under the Content-Security-Policy it is sent
    tab.on("console", lambda message: refused.append(message.text)
           if "Content Security Policy" in message.text else None)
    yield tab
    await context.close()
    assert not refused, f"the page broke its Content-Security-Policy: {refused}"
