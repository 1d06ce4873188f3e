"""What a reviewer sees before deciding includes all of Section A (SPEC 2, Review: "everything
submitted"): the responsible officers (CEO and CMO: name, title, email) and the organization's
administrator, whom the reviewer may need to reach. The page named the officers only as
signers, with no title or email, and the administrator nowhere."""

from tests.support.enrollment import start_enrollment
from tests.support.review import reviewer
from tests.support.web import browser


async def test_the_review_page_shows_the_officers_and_the_administrator(system):
    enrollment = await start_enrollment(system, ["Officers Shown Clinic"])
    (location_id,) = enrollment.locations.values()
    state = await reviewer(system)
    me = (await state.get("/api/v1/me")).json()
    person = browser(system)
    await person.login(me["email"])
    page = (await person.get(f"/review/locations/{location_id}")).text
    section_a = page.split("<h2>Section A")[1].split("<h2>Section B")[0]
    assert "Chief Executive Officer" in section_a, section_a
    assert f"CEO Person, CEO ({enrollment.ceo_email})" in section_a, section_a
    assert f"CMO Person, CMO ({enrollment.cmo_email})" in section_a
    assert "Organization Administrator" in section_a and enrollment.admin_email in section_a
    detail = (await state.get(f"/api/v1/review/locations/{location_id}")).json()
    assert {(o["role"], o["email"]) for o in detail["responsible_officers"]} == {
        ("ceo", enrollment.ceo_email), ("cmo", enrollment.cmo_email)}
    await person.http.aclose()
