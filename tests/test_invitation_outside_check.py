"""What an outside check of the coordinator's invitation link found."""

from tests.support.enrollment import start_enrollment
from tests.support.web import browser

INVITED = "Primary Vaccine Coordinator"


async def test_a_new_invitation_link_is_said_on_a_page_to_reload(system):
    """"Email me a new link" on an invitation's page answered "A new link is on its way" as
    the form's own answer: reloading it (the browser's "Confirm form resubmission") emailed
    another invitation and killed the one just sent. The answer now comes by a redirect."""
    enrollment = await start_enrollment(system, ["Invited Again Clinic"])
    (coordinator, _), = enrollment.locations.items()
    mail = await system.smtp.one(to=coordinator, subject=INVITED)
    token = mail.link("/invite/").rsplit("/", 1)[1]
    person = browser(system)
    renewed = await person.submit(f"/invite/{token}", {}, action=f"/invite/{token}/renew")
    assert [r.status_code for r in renewed.history] == [303]
    assert renewed.status_code == 200 and "A new link is on its way" in renewed.text
    again = await person.get(str(renewed.url))  # reloaded
    assert again.status_code == 200 and "A new link is on its way" in again.text
    mails = await system.smtp.wait_for(to=coordinator, subject=INVITED, count=2)
    assert len(system.smtp.find(to=coordinator, subject=INVITED)) == 2
    fresh = mails[-1].link("/invite/").rsplit("/", 1)[1]
    assert (await person.get(f"/invite/{fresh}")).status_code == 200
    await person.http.aclose()
