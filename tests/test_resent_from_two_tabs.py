"""A link sent again from two tabs (found by the emails' outside check): a Location Manager
with a point of contact's organization page open in two tabs, or a person's record, pressed
"Re-send link" (or "Send the invitation again") in one, then in the other. Each press sent its
own email with its own link, the first one's link dead on arrival; the second tab, opened
before the first sent, now says a new link went out after it was opened and sends nothing
(its page, now current, sends another if asked)."""

import asyncio
import html
import re

from tests.support.portal import INVITATION, VALIDATION
from tests.support.recipients import location_manager
from tests.support.web import CSRF, api_client, browser, unique_email

EMPLOYER = {"industry": "Grocery and retail", "street": "1 Main St", "city": "Raleigh",
            "state": "North Carolina", "zip_code": "27601"}


def form_of(page: str, action: str) -> dict:
    """The hidden fields of the form posting to `action`, as the browser sends them."""
    start = page.index(f'action="{action}"')
    form = page[start:page.index("</form>", start)]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    return {**fields, "csrf_token": CSRF.search(page)[1]}


async def two_tabs(http, path: str, action: str) -> tuple[dict, dict]:
    return tuple([form_of((await http.get(path)).text, action) for _ in range(2)])


async def test_a_contacts_link_resent_from_a_second_tab_is_sent_once(system):
    lm = await location_manager(system)
    page = browser(system)
    await page.login(lm.email)
    api = await api_client(system, lm.email)
    made = await api.post("/api/v1/employers", json={
        **EMPLOYER, "name": f"Two Tabs Grocery {unique_email()[5:13]}"})
    assert made.status_code == 201, made.text
    employer = made.json()["id"]
    email = unique_email("tabs")
    added = await api.post(f"/api/v1/employers/{employer}/contacts", json={
        "first_name": "Tabitha", "last_name": "Twice", "email": email})
    assert added.status_code == 201, added.text
    await system.smtp.wait_for(to=email, subject=VALIDATION)
    path, action = f"/portal/organizations/{employer}", \
        f"/portal/organizations/{employer}/contacts/{added.json()['id']}/resend"
    first, second = await two_tabs(page.http, path, action)
    sent = await page.http.post(action, data=first)
    assert "A new validation link is emailed" in html.unescape(sent.text)
    again = await page.http.post(action, data=second)
    shown = html.unescape(again.text)
    assert again.status_code == 200 and "already emailed" in shown, shown[shown.find("<main"):][:600]
    await asyncio.sleep(2)  # a second email would be on its way by now
    assert len(system.smtp.find(to=email, subject=VALIDATION)) == 2  # the first, one again
    current = form_of(shown, action)  # the page shown now sends another when asked
    assert "A new validation link is emailed" in html.unescape(
        (await page.http.post(action, data=current)).text)
    await system.smtp.wait_for(to=email, subject=VALIDATION, count=3)


async def test_an_invitation_sent_again_from_a_second_tab_is_sent_once(system):
    lm = await location_manager(system)
    page = browser(system)
    await page.login(lm.email)
    email = unique_email("invitee")
    created = await (await api_client(system, lm.email)).post("/api/v1/portal/users", json={
        "first_name": "Ivy", "last_name": "Twice", "email": email,
        "location_id": lm.location_id, "profile": "provider",
        "username": f"ivy.{unique_email()[5:11]}"})
    assert created.status_code == 201, created.text
    await system.smtp.wait_for(to=email, subject=INVITATION)
    person = created.json()["id"]
    path, action = f"/portal/accounts/{person}", f"/portal/accounts/{person}/invite"
    first, second = await two_tabs(page.http, path, action)
    sent = await page.http.post(action, data=first)
    assert "A new invitation is on its way" in html.unescape(sent.text)
    # its link written (pressed before that, the second joins the same round: one email too)
    await system.smtp.wait_for(to=email, subject=INVITATION, count=2)
    again = await page.http.post(action, data=second)
    shown = html.unescape(again.text)
    assert again.status_code == 200 and "already emailed" in shown, shown[shown.find("<main"):][:600]
    await asyncio.sleep(2)
    assert len(system.smtp.find(to=email, subject=INVITATION)) == 2
    current = form_of(shown, action)
    assert "A new invitation is on its way" in html.unescape(
        (await page.http.post(action, data=current)).text)
    await system.smtp.wait_for(to=email, subject=INVITATION, count=3)
