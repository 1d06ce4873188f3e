"""The knowledge base found by the plural of a word its articles use (found by the outside
check): 'passwords', 'agreements', 'vials' or 'entries' found nothing, since the search
matched each word as typed inside the articles, where 'password' is written."""

import subprocess
import sys
from pathlib import Path

from models.enums import Role
from tests.support.accounts import make_user
from tests.support.web import api_client

ROOT = Path(__file__).resolve().parent.parent


async def titles(http, query: str) -> list[str]:
    found = await http.get("/api/v1/helpdesk/articles", params={"q": query})
    assert found.status_code == 200, found.text
    return [article["title"] for article in found.json()]


async def test_a_plural_finds_the_articles_that_use_the_word(system):
    async with system.http() as anonymous:
        assert "Signing in: a lost password or a locked account" in await titles(
            anonymous, "passwords")
        assert "Who signs the provider agreement, and when?" in await titles(
            anonymous, "agreements")
        assert "Recording more doses per vial than the label says" in await titles(
            anonymous, "extra vials")
        # the singular and a plural written in the article still find it
        assert "Signing in: a lost password or a locked account" in await titles(
            anonymous, "password")
        assert "Why do I get Section B reminders?" in await titles(anonymous, "reminders")
        page = await anonymous.get("/help", params={"q": "passwords"})
        assert "Signing in: a lost password or a locked account" in page.text


async def test_a_plural_in_y_finds_its_singular(system):
    staff = await make_user(system, Role.HELPDESK_AGENT, team="general")
    async with await api_client(system, staff.email) as http:
        made = await http.post("/api/v1/helpdesk/articles", json={
            "title": "Fixing a wrong inventory entry", "category": "inventory",
            "body": "Open the lot and correct the entry.", "published": True})
        assert made.status_code == 201, made.text
    async with system.http() as anonymous:
        assert "Fixing a wrong inventory entry" in await titles(anonymous, "entries")


async def test_a_two_letter_word_finds_the_articles_that_use_it_as_a_word(system):
    """Found by the outside check: "QR" (or "ID") found no article, since words under three
    letters were dropped from a search, though an article is titled "Your proof of vaccination
    and its QR code". A two-letter word now finds the articles holding it as a word (not inside
    another: "id" is no match for "provider"), and the little words (to, in, of...) still find
    nothing by themselves."""
    staff = await make_user(system, Role.HELPDESK_AGENT, team="general")
    async with await api_client(system, staff.email) as http:
        made = await http.post("/api/v1/helpdesk/articles", json={
            "title": "Which photo ID to bring", "category": "recipient_question",
            "body": "Bring an ID card with your name.", "published": True})
        assert made.status_code == 201, made.text
    async with system.http() as anonymous:
        assert "Your proof of vaccination and its QR code" in await titles(anonymous, "QR")
        found = await titles(anonymous, "id")
        assert "Which photo ID to bring" in found
        assert "Registering for the help desk" not in found, "'id' inside 'provider' is no match"
        assert await titles(anonymous, "to in of") == []
        page = await anonymous.get("/help", params={"q": "qr"})
        assert "Your proof of vaccination and its QR code" in page.text


def test_inflect_is_imported_without_typeguards_instrumentation():
    """The API imports inflect without typeguard's @typechecked (2.4 s of its 4.9 s start-up,
    spent parsing inflect's source once per method) and puts typeguard back as it was: a fresh
    interpreter, with typeguard imported first and without."""
    check = """
import sys
before = {typeguard_first}
if before:
    import typeguard
import api.domain.kb as kb
import inflect
names = inflect.engine.singular_noun.__code__.co_names
assert not any("typeguard" in name or "check_argument" in name for name in names), names
if before:
    assert sys.modules["typeguard"] is typeguard
else:
    assert "typeguard" not in sys.modules
assert kb.singular("entries") == "entry" and kb.singular("passwords") == "password"
"""
    for first in (False, True):
        done = subprocess.run([sys.executable, "-c", check.format(typeguard_first=first)],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
