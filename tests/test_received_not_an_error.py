"""An action the process accepted but did not finish within the wait for its result (60 s in
production) answers 202. Its page showed the answer under "Please correct the following", as
if something typed were wrong, and titled itself "Error:". Now the page says plainly that it
was received, that nothing needs sending again and what happens next; the action completes."""

from tests.support.review import reviewing, wait_for_status


async def test_an_accepted_decision_still_working_says_received(system):
    location_id, _email, person = await reviewing(system, "Slow Answer Clinic")
    # the process's result comes later than the API waits for it (as under heavy load)
    before = system.settings.action_result_timeout_seconds
    system.settings.action_result_timeout_seconds = 0.001
    try:
        page = await person.submit(f"/review/locations/{location_id}",
                                   {"decision": "approve", "reason": ""},
                                   action=f"/review/locations/{location_id}/decision")
    finally:
        system.settings.action_result_timeout_seconds = before
    assert page.status_code == 202, page.text[:500]
    assert "Please correct" not in page.text
    assert "<title>Error" not in page.text
    assert "received" in page.text and "do not need to send it again" in page.text, \
        page.text[:3000]
    await wait_for_status(system, location_id, "approved")

