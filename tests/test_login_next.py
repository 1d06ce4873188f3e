"""Where logging in leads: `?next=` is followed only to a path of this site. "/\\host" reads
as another site to a browser, as "//host" does (found by the security check: the login's own
test let the backslash through, the language switch's did not)."""

from models.enums import Role
from tests.support.accounts import make_user
from tests.support.web import PASSWORD, Browserish

ELSEWHERE = ("//evil.example/x", "/\\evil.example/x", "https://evil.example/x", "evil.example")


async def test_logging_in_never_leads_to_another_site(system):
    person = await make_user(system, Role.REVIEWER)
    for target in ELSEWHERE:
        visitor = Browserish(system.http(follow_redirects=False))
        page = await visitor.get(f"/login?next={target}")
        assert 'name="next" value="/"' in page.text, (target, page.text)
        signed_in = await visitor.submit("/login", {
            "email": person.email, "password": PASSWORD, "next": target})
        assert signed_in.status_code == 303, (target, signed_in.text)
        assert signed_in.headers["location"] == "/", (target, signed_in.headers)
    at_home = Browserish(system.http(follow_redirects=False))
    await at_home.get("/login?next=/review")
    kept = await at_home.submit("/login", {"email": person.email, "password": PASSWORD,
                                          "next": "/review"})
    assert kept.headers["location"] == "/review"
