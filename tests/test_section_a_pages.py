"""Section A in the pages: errors by the field, what was typed kept, and resuming where one paused."""

from tests.support.accounts import register_org_admin
from tests.support.enrollment import ORG_DETAILS, location_body
from tests.support.web import browser, unique_email


async def test_section_a_keeps_input_and_resumes_where_the_administrator_paused(system):
    person = browser(system)
    await person.login(await register_org_admin(system))
    details = {**{k: v for k, v in ORG_DETAILS.items() if k != "redistribution_participant"},
               "redistribution_participant": "false", "action": "next"}
    bad = await person.submit("/organization/section-a/details", {**details, "phone": "12"})
    assert bad.status_code == 400 and "10-digit phone number" in bad.text
    assert 'value="Wake Health Partners"' in bad.text
    step2 = await person.submit("/organization/section-a/details", details)
    assert "Step 2 of 4" in step2.text
    location = {**location_body("Paused Clinic", unique_email("c")), "action": "add"}
    added = await person.submit("/organization/section-a/locations", location)
    assert "Paused Clinic is saved" in added.text
    nothing = await person.submit("/organization/section-a/locations", {"action": "next"})
    assert "Step 3 of 4" in nothing.text
    paused = await person.submit("/organization/section-a/officers", {
        "action": "pause", "ceo_name": "Half Done"})
    assert "Section A is saved" in paused.text
    assert 'href="/organization/section-a/officers">Continue Section A' in paused.text
    kept = await person.get("/organization/section-a/officers")
    assert 'value="Half Done"' in kept.text, "what was typed before pausing is still there"
    review = await person.get("/organization/section-a/review")
    assert "Name your Chief Executive Officer" in review.text
    # what will be submitted, the organization's type included
    assert "<dt>Type of organization</dt><dd>Clinic or medical practice</dd>" in review.text
