"""Many portal users at once: a Location Manager sends the onboarding template in a User
onboarding case; an agent checks it (errors by row and column) and imports it once, and each
new person is emailed an invitation."""

from api.domain.case_imports import XLSX_TYPE
from tests.support.helpdesk import agent, filled_workbook, open_case
from tests.support.inventory import enrolled_sites
from tests.support.portal import INVITATION
from tests.support.review import reviewer
from tests.support.web import unique_email


async def test_an_agent_imports_the_onboarding_file_and_each_person_is_invited(system):
    state = await reviewer(system)
    sites = await enrolled_sites(system, ["Onboard Clinic", "Onboard Annex"],
                                 redistribution=False, state=state)
    clinic, annex = sites.ids
    manager = sites.staff[clinic]
    template = await manager.get("/api/v1/portal/templates/portal-users.xlsx")
    assert template.status_code == 200
    first, second = unique_email("one"), unique_email("two")
    rows = [("Ada", "One", first, "Healthcare Provider", "ada.one", None, None),
            ("Bo", "Two", second, "Healthcare Provider (read-only)", "bo.two", "RN",
             "919-555-0101"),
            ("Cy", "Three", first, "Chief", "cy.three", None, None)]
    upload = ("users.xlsx", filled_workbook(template.content, rows, "Onboard Clinic"),
              XLSX_TYPE)
    case = (await open_case(manager, "user_onboarding", "Staff for Onboard Clinic",
                            location_id=clinic, files=[upload])).json()
    staff, _ = await agent(system, "access")
    detail = (await staff.get(f"/api/v1/helpdesk/cases/{case['id']}")).json()
    body = {"attachment_id": detail["attachments"][0]["id"], "location_id": clinic}
    url = f"/api/v1/helpdesk/cases/{case['id']}/portal-users"
    report = (await staff.post(f"{url}/check", json=body)).json()
    assert report["valid_rows"] == 2
    assert sorted((e["row"], e["column"]) for e in report["errors"]) == [(6, "Email"),
                                                                         (6, "Profile")]
    wrong_place = await staff.post(f"{url}/check", json={**body, "location_id": annex})
    assert wrong_place.status_code == 403, "the requester does not manage the annex"
    assert (await manager.post(f"{url}/check", json=body)).status_code == 403
    refused = await staff.post(url, json=body)
    assert refused.status_code == 422 and "Nothing was imported" in refused.json()["detail"]
    done = await staff.post(url, json={**body, "valid_rows_only": True})
    assert done.status_code == 201 and done.json()["imported"] == 2, done.text
    assert (await staff.post(url, json={**body, "valid_rows_only": True})).status_code == 409
    await system.smtp.one(to=first, subject=INVITATION)
    await system.smtp.one(to=second, subject=INVITATION)
    found = (await manager.get("/api/v1/portal/users", params={"username": "bo.two"})).json()
    assert [(p["profile"], p["direct_location_id"]) for p in found["items"]] == [
        ("provider_readonly", clinic)]


async def test_an_agent_imports_the_onboarding_file_from_the_case_page(system):
    from models.enums import Role
    from tests.support.accounts import make_user
    from tests.support.web import browser

    state = await reviewer(system)
    sites = await enrolled_sites(system, ["Page Onboard Clinic"], redistribution=False,
                                 state=state)
    (clinic,) = sites.ids
    manager = sites.staff[clinic]
    template = await manager.get("/api/v1/portal/templates/portal-users.xlsx")
    person_email = unique_email("page")
    rows = [("Dee", "Four", person_email, "Healthcare Provider", "dee.four", None, None),
            ("Ed", "Five", unique_email("bad"), "Chief", "ed.five", None, None)]
    upload = ("users.xlsx", filled_workbook(template.content, rows, "Page Onboard Clinic"),
              XLSX_TYPE)
    case = (await open_case(manager, "user_onboarding", "Staff for Page Onboard Clinic",
                            location_id=clinic, files=[upload])).json()
    staff = await make_user(system, Role.HELPDESK_AGENT, team="access")
    agent_page = browser(system)
    await agent_page.login(staff.email)
    page_url = f"/helpdesk/cases/{case['id']}"
    detail = (await agent_page.get(page_url)).text
    assert "Import portal users" in detail
    attachment = detail.split('name="attachment_id"')[1].split('<option value="')[2].split('"')[0]
    form = {"attachment_id": attachment, "location_id": str(clinic)}
    checked = await agent_page.submit(page_url, form, action=f"{page_url}/check-import")
    assert "Problems by row and column" in checked.text and "Profile" in checked.text
    refused = await agent_page.submit(page_url, form, action=f"{page_url}/import")
    assert refused.status_code == 422 and "Nothing was imported" in refused.text
    done = await agent_page.submit(page_url, {**form, "valid_rows_only": "yes"},
                                   action=f"{page_url}/import")
    assert "Imported 1 portal user." in done.text
    await system.smtp.one(to=person_email, subject=INVITATION)


async def test_a_location_manager_finds_the_onboarding_template_where_cases_are_opened(system):
    """Found by the outside check: the help desk imports portal users only from the HCP user
    onboarding template, but no page offered it (only the API reference did), so a manager
    sent a sheet of their own that the import refused. The case form now links it for a
    Location Manager, the one who may send it; a requester without locations is not offered
    a file they cannot download."""
    import re

    from tests.support.helpdesk import register_requester
    from tests.support.web import browser

    state = await reviewer(system)
    sites = await enrolled_sites(system, ["Template Clinic"], redistribution=False, state=state)
    manager = browser(system)
    await manager.login(sites.emails[sites.ids[0]])
    form = await manager.get("/help/cases/new")
    link = re.search(r'href="([^"]+)"[^>]*>user onboarding template<', form.text)
    assert link, form.text
    template = await manager.get(link[1])
    assert template.status_code == 200 and template.headers["content-type"] == XLSX_TYPE
    api, email = await register_requester(system)
    await api.aclose()
    requester = browser(system)
    await requester.login(email)
    assert "user onboarding template" not in (await requester.get("/help/cases/new")).text
