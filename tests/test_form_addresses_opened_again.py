"""A refused form is answered at the address it was posted to; opened again from there (a new
tab, a restored session, Enter in the address bar) that address answered 405 "That action is
not available here" with a link to the home page only. Five such addresses had a GET of their
own leading back; the rest (a help-desk case's reply, a portal user's actions, an employer's
contacts...) still answered 405. Now every page address that only takes a form leads to the
page above it of the same route (where its form is), which then checks who may see it; the
API's addresses answer 405 as before, and a recipient's link says the way back in their
language."""

import re

from fastapi.routing import iter_route_contexts

from api.app import create_app

PARAMETER = re.compile(r"\{[^}]+\}")
# Path parameters that are words, not numbers
WORDS = {"token": "x" * 43, "key": "x" * 20, "action": "reply"}


def _concrete(path: str) -> str:
    return PARAMETER.sub(lambda match: WORDS.get(match[0][1:-1], "7"), path)


def _form_only_pages(app) -> list[str]:
    """Page addresses (not the API's, not a recipient's link) that take no GET (nor does a
    route of another shape, as "/organization/section-a/{step}" takes ".../details")."""
    answered, taken = [], set()
    for context in iter_route_contexts(app.routes):
        methods = context.methods or {"GET"}  # a mount (the static files) answers GET
        if "GET" in methods:
            answered.append(context.path_regex)
        else:
            taken.add(context.path)
    return sorted(path for path in taken if not path.startswith(("/api/", "/r/"))
                  and not any(regex.match(_concrete(path)) for regex in answered))


async def test_a_form_address_opened_again_leads_to_the_page_above_it(system):
    app = create_app(system.settings, engine=system.engine, gateway=system.gateway())
    pages = _form_only_pages(app)
    assert len(pages) >= 20, pages
    led = {}
    async with system.http() as client:
        for pattern in pages:
            address = _concrete(pattern)
            answer = await client.get(address)
            assert answer.status_code == 303, (pattern, answer.status_code, answer.text[:300])
            above = answer.headers["location"]
            assert address.startswith(above.rstrip("/") + "/") and above != address, (
                pattern, above)
            there = await client.get(above)
            assert there.status_code != 405, (pattern, above)
            led[pattern] = above
        assert led["/helpdesk/cases/{case_id}/{action}"] == "/helpdesk/cases/7"
        assert led["/portal/organizations/{employer_id}/contacts/{contact_id}/resend"] == (
            "/portal/organizations/7/contacts/7")
        assert led["/care/{location_id}/recipients/{recipient_id}/{action}"] == (
            "/care/7/recipients/7")
        # "/care/doses" would read as a location called "doses": the page of that route is /care
        assert led["/care/doses/{administration_id}/{action}"] == "/care"
        assert led["/logout"] == "/"

        # the API answers 405 as it did, in JSON
        api = await client.get("/api/v1/auth/logout")
        assert api.status_code == 405 and api.json()["code"] == "http_error", api.text
        # a recipient's link: their pages' own answer (in their language), not a redirect
        link = await client.get(f"/r/7/{'x' * 43}/appointments/7/cancel")
        assert link.status_code in (404, 405), link.status_code
