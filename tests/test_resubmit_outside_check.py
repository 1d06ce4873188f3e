"""What an outside check of a rejected location's Resubmit found, as its coordinator uses it."""

import html
import re

from api.routers import section_b_pages
from tests.support.enrollment import (
    complete_location,
    fill_section_b,
    register_coordinator,
    start_enrollment,
)
from tests.support.review import decide, reviewer, sign_until, wait_for_status
from tests.support.web import browser


def _text(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.text))


async def test_resubmit_pressed_again_opens_section_b_not_an_error(system):
    """Resubmit pressed in a second tab (or twice, or sent again by Back and reload) after the
    first reopened Section B: the coordinator got "This could not be done ... Only a rejected
    location can be resubmitted; this one is section b in progress." (409; the status is now
    named as pages name it). It now lands on
    Section B's first step, as the first press did, told that it was already open again."""
    enrollment = await start_enrollment(system, ["Twice Reopened Clinic"])
    (email, location_id), = enrollment.locations.items()
    await complete_location(system, email, location_id)
    await sign_until(system, enrollment, [location_id])
    staff = await reviewer(system)
    assert (await decide(staff, location_id, "reject", "Photos are blurry")).status_code == 200
    await wait_for_status(system, location_id, "rejected")
    coordinator = browser(system)
    await coordinator.login(email)
    overview = f"/locations/{location_id}/section-b"
    action = f"{overview}/resubmit"
    page = await coordinator.get(overview)  # both tabs show Resubmit, with the same form
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
    first = await coordinator.http.post(action, data={"csrf_token": token})
    assert first.status_code == 200 and first.url.path == f"{overview}/location"
    second = await coordinator.http.post(action, data={"csrf_token": token})
    assert second.status_code == 200, _text(second)
    assert second.url.path == f"{overview}/location"
    shown = _text(second)
    assert "Section B is already open again with everything you entered." in shown
    assert "could not be done" not in shown and "section b in progress" not in shown
    await coordinator.http.aclose()


async def test_submit_pressed_twice_shows_section_b_submitted_not_an_error(system, monkeypatch):
    """"Adopt and use, and submit Section B" pressed twice (a double click, or two tabs): the
    browser shows the second answer, which was "This could not be done: Section B was already
    submitted; the location is section b submitted." (409). It now shows the location's
    Section B page, saying it is submitted, as any later visit to the step does."""
    enrollment = await start_enrollment(system, ["Twice Submitted Clinic"])
    (email, location_id), = enrollment.locations.items()
    api = await register_coordinator(system, email)
    await fill_section_b(api, location_id, 1)
    signed = await api.post(f"/api/v1/locations/{location_id}/section-b/signatures/"
                            "provider_agreement", json={"method": "typed",
                                                        "typed_name": "Casey Coordinator",
                                                        "consent": True})
    assert signed.status_code == 201
    told = section_b_pages.section_b.submit

    async def other_press_lands_first(*args):  # it passed the page's checks as this one did
        await told(*args)
        return await told(*args)

    monkeypatch.setattr(section_b_pages.section_b, "submit", other_press_lands_first)
    coordinator = browser(system)
    await coordinator.login(email)
    step = f"/locations/{location_id}/section-b/attestation"
    second = await coordinator.submit(step, {
        "method": "typed", "typed_name": "Casey Coordinator", "consent": "yes",
        "action": "sign"})
    shown = _text(second)
    assert second.status_code == 200, shown
    assert second.url.path == f"/locations/{location_id}/section-b"
    assert "Section B is submitted and can no longer be changed." in shown
    assert "could not be done" not in shown and "section b submitted" not in shown
    await coordinator.http.aclose()
