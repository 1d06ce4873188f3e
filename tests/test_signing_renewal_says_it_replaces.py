"""A signing request sent again without the officer asking (the administrator corrected a
coordinator while the officers' request was open) says it replaces the links sent before.

Found by the newcomer check: the CEO of an organization whose administrator corrected a
coordinator's address twice got five "Please sign" emails within a minute, the later ones worded
as the first request; the links of the first had stopped working and nothing said so."""

from tests.support.enrollment import complete_location, correct_coordinator, start_enrollment
from tests.support.review import SIGNING_SUBJECT
from tests.support.web import browser, unique_email

REPLACED = "Earlier links we sent you no longer work."


async def test_a_renewed_signing_request_says_the_earlier_links_stopped_working(system):
    enrollment = await start_enrollment(system, ["Renewal Ready Clinic", "Renewal Other Clinic"])
    (ready_email, ready_id), (_wrong_email, wrong_id) = enrollment.locations.items()
    await complete_location(system, ready_email, ready_id)
    first = await system.smtp.one(to=enrollment.ceo_email, subject=SIGNING_SUBJECT)
    assert REPLACED not in first.text, "the first request replaces nothing"

    admin = browser(system)
    await admin.login(enrollment.admin_email)
    saved = await correct_coordinator(admin, wrong_id, "Rae", "Renewed", unique_email("coord-renewed"))
    assert saved.status_code == 200, saved.text[:400]
    mails = await system.smtp.wait_for(to=enrollment.ceo_email, subject=SIGNING_SUBJECT, count=2)
    renewed = mails[-1]
    assert REPLACED in renewed.text, renewed.text
    assert REPLACED in renewed.html, renewed.html
    assert "replaces" in renewed.text, renewed.text
