"""A point of contact who left their organization: the manager who may edit the organization's
contacts deactivates them (the page asks first) and may reactivate them. Found by an outside
check: a contact could be corrected and sent links, never removed, so someone who had left kept
the Organization Portal and their links kept working."""

import pytest
from sqlmodel import select
from temporalio.exceptions import ApplicationError

from activities.mailer import Mailer
from activities.portal import PortalActivities
from models.accounts import AccessLink, User
from models.audit import AuditEvent
from models.contracts import ContactClaim
from models.enums import Role
from models.links import CONTACT_PURPOSE
from notifications.sender import SmtpSender
from tests.support.accounts import make_user
from tests.support.portal import VALIDATION
from tests.support.recipients import location_manager
from tests.support.web import PASSWORD, api_client, browser, unique_email

EMPLOYER = {"industry": "Grocery and retail", "street": "1 Main St", "city": "Raleigh",
            "state": "North Carolina", "zip_code": "27601"}


async def organization(manager, name: str) -> int:
    made = await manager.post("/api/v1/employers", json={
        **EMPLOYER, "name": f"{name} {unique_email()[5:13]}"})
    assert made.status_code == 201, made.text
    return made.json()["id"]


async def contact(system, manager, employer: int, first: str) -> tuple[int, str, str]:
    email = unique_email(first.lower())
    added = await manager.post(f"/api/v1/employers/{employer}/contacts", json={
        "first_name": first, "last_name": "Leaver", "email": email})
    assert added.status_code == 201, added.text
    mail = (await system.smtp.wait_for(to=email, subject=VALIDATION))[-1]
    return added.json()["id"], email, mail.link("/org-contact/validate/").rsplit("/", 1)[1]


async def validate(system, token: str):
    async with system.http() as http:
        return await http.post(f"/api/v1/org-contacts/validate/{token}",
                               json={"password": PASSWORD, "password_confirm": PASSWORD})


async def test_a_contact_who_left_is_deactivated_and_reactivated_through_the_api(system):
    lm = await location_manager(system)
    manager = await api_client(system, lm.email)
    employer = await organization(manager, "Leavers Grocery")
    gone, gone_email, gone_token = await contact(system, manager, employer, "Gone")
    stays, _stays_email, _t = await contact(system, manager, employer, "Stays")
    assert (await validate(system, gone_token)).status_code == 204
    signed_in = await api_client(system, gone_email)
    assert (await signed_in.get("/api/v1/org-portal")).status_code == 200
    base = f"/api/v1/employers/{employer}/contacts/{gone}"

    done = await manager.post(f"{base}/deactivate")
    assert done.status_code == 200, done.text
    assert done.json()["active"] is False and done.json()["status"] == "validated"
    assert (await signed_in.get("/api/v1/org-portal")).status_code == 401, "signed out at once"
    async with system.http() as http:
        refused = await http.post("/api/v1/auth/token",
                                  json={"email": gone_email, "password": PASSWORD})
    assert refused.status_code == 422 and "deactivated" in refused.text, refused.text
    async with system.http() as http:  # "Forgot your password?": no link, and who can help
        asked = await http.post("/api/v1/auth/password-reset", json={"email": gone_email})
    assert asked.status_code == 202, asked.text
    told = await system.smtp.one(to=gone_email, subject="Your NC CVMS account is deactivated")
    assert "who manages your organization" in told.text and "/password/reset/" not in told.text
    listed = {c["id"]: c["active"] for c in (await manager.get(
        f"/api/v1/employers/{employer}/contacts")).json()}
    assert listed == {gone: False, stays: True}
    again = await manager.post(f"{base}/deactivate")
    assert again.status_code == 409 and "already deactivated" in again.text
    for method, tail, body in (("PUT", "", {"first_name": "Gone", "last_name": "X",
                                             "email": gone_email}), ("POST", "/resend", None)):
        changed = await manager.request(method, f"{base}{tail}", json=body)
        assert changed.status_code == 409 and "Reactivate" in changed.text, changed.text
    async with system.sessions() as session:
        events = (await session.exec(select(AuditEvent).where(
            AuditEvent.subject_type == "employer", AuditEvent.subject_id == employer))).all()
    assert [(e.action, e.detail["contact_id"], e.actor) for e in events] == [
        ("point_of_contact:deactivated", gone, f"user:{lm.user_id}")]

    back = await manager.post(f"{base}/reactivate")
    assert back.status_code == 200 and back.json()["active"] is True, back.text
    assert (await manager.post(f"{base}/reactivate")).status_code == 409
    await api_client(system, gone_email)  # logs in with the password they had


async def test_a_deactivated_contacts_link_stops_working_and_reactivation_sends_a_new_one(
        system):
    lm = await location_manager(system)
    manager = await api_client(system, lm.email)
    employer = await organization(manager, "Pending Leavers")
    pending, email, token = await contact(system, manager, employer, "Never")
    base = f"/api/v1/employers/{employer}/contacts/{pending}"
    assert (await manager.post(f"{base}/deactivate")).status_code == 200
    async with system.http() as http:
        page = await http.get(f"/org-contact/validate/{token}")
        assert page.status_code == 410 and "deactivated" in page.text
        assert "Ask for a new link" not in page.text
        assert (await validate(system, token)).status_code == 410
        asked = await http.post(f"/api/v1/org-contacts/validate/{token}/new-link")
        assert asked.status_code in (409, 410) and "deactivated" in asked.text, asked.text

    back = await manager.post(f"{base}/reactivate")
    assert back.status_code == 200 and back.json()["status"] == "pending", back.text
    mails = await system.smtp.wait_for(to=email, subject=VALIDATION, count=2)
    fresh = mails[-1].link("/org-contact/validate/").rsplit("/", 1)[1]
    assert fresh != token
    assert (await validate(system, token)).status_code == 410, "the old link stays dead"
    assert (await validate(system, fresh)).status_code == 204


async def test_only_the_organizations_managers_and_the_state_deactivate_its_contacts(system):
    lm, other = await location_manager(system), await location_manager(system)
    manager, stranger = await api_client(system, lm.email), await api_client(system, other.email)
    employer = await organization(manager, "Scoped Leavers")
    person, _e, _t = await contact(system, manager, employer, "Scoped")
    for action in ("deactivate", "reactivate"):
        refused = await stranger.post(
            f"/api/v1/employers/{employer}/contacts/{person}/{action}")
        assert refused.status_code == 404, refused.text
    missing = await manager.post(f"/api/v1/employers/{employer}/contacts/999999999/deactivate")
    assert missing.status_code == 404
    staff = await make_user(system, Role.REVIEWER)  # the state opens every organization
    state = await api_client(system, staff.email)
    done = await state.post(f"/api/v1/employers/{employer}/contacts/{person}/deactivate")
    assert done.status_code == 200 and done.json()["active"] is False, done.text
    page = browser(system)
    await page.login(staff.email)
    audit = await page.get("/state/audit?q=Test+Reviewer")
    row = audit.text.split(f"Employer organization {employer}")[1].split("</tr>")[0]
    assert "(Scoped Leaver)" in audit.text and "Point of contact: deactivated" in row


async def test_the_page_asks_first_then_says_what_changed(system):
    lm = await location_manager(system)
    manager = await api_client(system, lm.email)
    employer = await organization(manager, "Asked Leavers")
    only, _email, _token = await contact(system, manager, employer, "Only")
    page = browser(system)
    await page.login(lm.email)
    record = f"/portal/organizations/{employer}"
    action = f"{record}/contacts/{only}/deactivate"
    shown = await page.get(record)
    assert "Deactivate Only Leaver" in shown.text
    asked = await page.submit(record, {}, action=action)
    assert asked.status_code == 200
    assert "Deactivate Only Leaver?" in asked.text and "Yes, deactivate Only Leaver" in asked.text
    assert "only active point of contact" in asked.text
    listed = (await manager.get(f"/api/v1/employers/{employer}/contacts")).json()
    assert listed[0]["active"] is True, "asked, not done"
    done = await page.submit(record, {"confirm": "yes"}, action=action)
    assert done.status_code == 200 and str(done.url).endswith(record)
    assert "Only Leaver is deactivated" in done.text
    assert "no active point of contact" in done.text
    assert "Reactivate Only Leaver" in done.text and "Deactivated" in done.text
    twice = await page.submit(record, {"confirm": "yes"}, action=action)  # an older tab
    assert twice.status_code == 409 and "already deactivated" in twice.text
    back = await page.submit(record, {}, action=f"{record}/contacts/{only}/reactivate")
    assert back.status_code == 200 and "Only Leaver is active again" in back.text
    assert "new validation link" in back.text


async def test_a_claim_already_on_its_way_when_the_contact_is_deactivated_opens_no_account(
        system):
    """The page checked the link a moment before the manager's deactivation committed: the
    process's claim finds the contact deactivated, says so, and leaves the link unused."""
    lm = await location_manager(system)
    manager = await api_client(system, lm.email)
    employer = await organization(manager, "Racing Leavers")
    person, email, _token = await contact(system, manager, employer, "Racer")
    async with system.sessions() as session:
        link = (await session.exec(select(AccessLink).where(
            AccessLink.purpose == CONTACT_PURPOSE, AccessLink.subject_id == person))).one()
    assert (await manager.post(
        f"/api/v1/employers/{employer}/contacts/{person}/deactivate")).status_code == 200
    activities = PortalActivities(Mailer(system.sessions, SmtpSender(system.settings),
                                         system.settings))
    with pytest.raises(ApplicationError) as refused:
        await activities.validate_contact(ContactClaim(contact_id=person, round=1,
                                                       link_id=link.id))
    assert refused.value.type == "Gone" and "deactivated" in str(refused.value)
    async with system.sessions() as session:
        assert (await session.get(AccessLink, link.id)).used_at is None
        assert (await session.exec(select(User).where(User.email == email))).first() is None
