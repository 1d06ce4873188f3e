"""The records database does not answer (a Postgres nobody listens for, a SQLite file that
cannot be opened): a person is told the action was not done and to try again (503), as when
Temporal is away, not to check a form that had nothing wrong with it."""

import httpx
import pytest

from api.app import create_app
from core.settings import Settings
from tests.support.smtp import free_port


@pytest.mark.parametrize("database_url", [
    f"postgresql://postgres@127.0.0.1:{free_port()}/nobody",
    "sqlite:////nonexistent-cvms-directory/cvms.db",
], ids=["postgres-unreachable", "sqlite-unopenable"])
async def test_a_database_that_does_not_answer_is_a_503_that_says_try_again(database_url,
                                                                             tmp_path):
    app = create_app(Settings(database_url=database_url, data_dir=tmp_path, gc_freeze=False))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            login = await http.post("/api/v1/auth/token",
                                    json={"email": "pat@example.org", "password": "x" * 12})
            page = await http.get("/help")
    assert login.status_code == 503, login.text
    assert login.json()["code"] == "unavailable"
    assert "did not answer" in login.json()["detail"]
    assert "try again" in login.json()["detail"]
    assert page.status_code == 503
    assert "did not answer" in page.text and "Check the form" not in page.text
