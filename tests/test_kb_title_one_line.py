"""A knowledge-base article's title is one line (found by the outside check of the help desk):
it heads the article's page, its browser tab, the help centre's list and the suggestions on
the new-case form, as a case's subject heads the console, yet a pasted title kept its line
breaks, tabs and text-direction characters (U+202E shows "txt.exe" backwards as "exe.txt")."""

from models.enums import Role
from tests.support.accounts import make_user
from tests.support.web import api_client


async def test_an_articles_title_with_line_breaks_or_direction_marks_is_named_on_its_field(
        system):
    agent = await api_client(system, (await make_user(system, Role.HELPDESK_AGENT,
                                                      team="general")).email)
    for title in ("Reset your\npassword", "Reset\tyour password", "Open \u202etxt.exe first"):
        refused = await agent.post("/api/v1/helpdesk/articles", json={
            "title": title, "body": "Use Forgot your password? on the login page."})
        assert refused.status_code == 422, (title, refused.text)
        assert "one line" in refused.json()["errors"]["title"]
    kept = await agent.post("/api/v1/helpdesk/articles", json={
        "title": "Reset your password", "body": "Line one.\nLine two."})
    assert kept.status_code == 201, kept.text
