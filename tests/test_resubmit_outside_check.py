"""What an outside check of a rejected location's Resubmit found, as its coordinator uses it."""

import html
import re

from tests.support.enrollment import complete_location, start_enrollment
from tests.support.review import decide, reviewer, sign_until, wait_for_status
from tests.support.web import browser


def _text(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.text))


async def test_resubmit_pressed_again_opens_section_b_not_an_error(system):
    """Resubmit pressed in a second tab (or twice, or sent again by Back and reload) after the
    first reopened Section B: the coordinator got "This could not be done ... Only a rejected
    location can be resubmitted; this one is section b in progress." (409). It now lands on
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
