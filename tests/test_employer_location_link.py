"""An organization state staff created is linked by state staff to the vaccinating location
that serves it. Found by an outside check: a Location Manager's organization belongs to their
location from the start, the state's to none, and no screen or call could give it one, so its
points of contact were told "ask the state program to link it" and the state could not."""

import uuid

from sqlmodel import select

from api.domain.state_lists import pin
from models.audit import AuditEvent
from models.enrollment import Location
from models.enrollment_enums import LocationStatus
from models.enums import Role
from tests.support.accounts import make_user
from tests.support.recipients import location_manager
from tests.support.web import api_client, browser
from tests.test_contact_deactivation import EMPLOYER, contact, validate


async def enrolled_manager(system, name: str):
    """A Location Manager of an enrolled (approved) site named `name`."""
    lm = await location_manager(system, name)
    async with system.sessions() as session:
        location = await session.get(Location, lm.location_id)
        location.status = LocationStatus.APPROVED
        session.add(location)
        await session.commit()
    return lm


async def state_organization(system, name: str):
    staff = await make_user(system, Role.REVIEWER)
    state = await api_client(system, staff.email)
    made = await state.post("/api/v1/employers", json={**EMPLOYER, "name": name})
    assert made.status_code == 201, made.text
    assert made.json()["location_id"] is None
    return staff, state, made.json()["id"]


async def test_state_staff_link_their_organization_and_its_contacts_can_upload(system):
    tag = uuid.uuid4().hex[:8]
    lm = await enrolled_manager(system, f"Harbor {tag} Clinic")
    _staff, state, employer = await state_organization(system, f"Dockworkers {tag}")
    _id, email, token = await contact(system, state, employer, "Dock")
    assert (await validate(system, token)).status_code == 204
    person = browser(system)
    await person.login(email)
    assert "not linked to a vaccinating location yet" in (await person.get("/org-portal")).text
    manager = await api_client(system, lm.email)
    assert (await manager.get(f"/api/v1/employers/{employer}")).status_code == 404

    linked = await state.put(f"/api/v1/employers/{employer}/location",
                             json={"location": pin(lm.location_id)})
    assert linked.status_code == 200, linked.text
    assert linked.json()["location_id"] == lm.location_id
    assert linked.json()["location_name"] == f"Harbor {tag} Clinic"
    assert (await manager.get(f"/api/v1/employers/{employer}")).status_code == 200
    assert (await manager.get(f"/api/v1/employers/{employer}/contacts")).status_code == 200
    portal = await person.get("/org-portal")
    assert "Upload your employees" in portal.text, "the employee upload is open to them now"
    async with system.sessions() as session:
        events = (await session.exec(select(AuditEvent).where(
            AuditEvent.subject_type == "employer", AuditEvent.subject_id == employer))).all()
    assert [(e.action, e.detail["location_id"]) for e in events] == [
        ("location:linked", lm.location_id)]
    again = await state.put(f"/api/v1/employers/{employer}/location",
                            json={"location": str(lm.location_id)})
    assert again.status_code == 409 and "already linked" in again.text


async def test_a_site_typed_in_part_or_not_enrolled_or_unknown_is_said_on_the_field(system):
    tag = uuid.uuid4().hex[:8]
    lm = await enrolled_manager(system, f"Quayside {tag} Clinic")
    waiting = await location_manager(system, f"Unapproved {tag} Site")  # status: new
    _staff, state, employer = await state_organization(system, f"Fishers {tag}")
    path = f"/api/v1/employers/{employer}/location"
    for typed, said in ((f"Quayside {tag}", f"Did you mean Quayside {tag} Clinic — Raleigh "
                                            f"({pin(lm.location_id)})?"),
                        ("NCA999999", "No enrolled site is found for “NCA999999”"),
                        (f"Unapproved {tag} Site", "is not enrolled yet"),
                        (pin(waiting.location_id), "is not enrolled yet")):
        refused = await state.put(path, json={"location": typed})
        assert refused.status_code == 422, refused.text
        assert said in refused.json()["errors"]["location"], refused.text
    blank = await state.put(path, json={"location": " "})
    assert blank.status_code == 422 and "location" in blank.json()["errors"]
    assert (await state.get(f"/api/v1/employers/{employer}")).json()["location_id"] is None


async def test_only_state_staff_link_and_only_an_organization_the_state_created(system):
    tag = uuid.uuid4().hex[:8]
    lm = await enrolled_manager(system, f"Pier {tag} Clinic")
    other = await enrolled_manager(system, f"Jetty {tag} Clinic")
    manager = await api_client(system, lm.email)
    own = await manager.post("/api/v1/employers", json={**EMPLOYER, "name": f"Netmakers {tag}"})
    assert own.status_code == 201, own.text
    _staff, state, employer = await state_organization(system, f"Sailmakers {tag}")
    refused = await manager.put(f"/api/v1/employers/{own.json()['id']}/location",
                                json={"location": pin(other.location_id)})
    assert refused.status_code == 403, "a Location Manager does not link"
    theirs = await state.put(f"/api/v1/employers/{own.json()['id']}/location",
                             json={"location": pin(other.location_id)})
    assert theirs.status_code == 409 and "belongs to that location" in theirs.text
    first = await state.put(f"/api/v1/employers/{employer}/location",
                            json={"location": pin(lm.location_id)})
    assert first.status_code == 200, first.text
    moved = await state.put(f"/api/v1/employers/{employer}/location",  # a wrong link mended
                            json={"location": pin(other.location_id)})
    assert moved.status_code == 200 and moved.json()["location_id"] == other.location_id
    assert (await manager.get(f"/api/v1/employers/{employer}")).status_code == 404


async def test_the_page_keeps_what_was_typed_and_refuses_an_older_tabs_link(system):
    tag = uuid.uuid4().hex[:8]
    lm = await enrolled_manager(system, f"Wharf {tag} Clinic")
    other = await enrolled_manager(system, f"Slip {tag} Clinic")
    staff, state, employer = await state_organization(system, f"Stevedores {tag}")
    page = browser(system)
    await page.login(staff.email)
    record = f"/portal/organizations/{employer}"
    shown = await page.get(record)
    assert "is not linked to a vaccinating location yet" in shown.text
    assert "Link Stevedores" in shown.text and "Once linked, that site" in shown.text
    typed = await page.submit(record, {"location": f"Wharf {tag}", "seen_location": ""},
                              action=f"{record}/location")
    assert typed.status_code == 422
    assert "Did you mean Wharf" in typed.text and f'value="Wharf {tag}"' in typed.text
    done = await page.submit(record, {"location": pin(lm.location_id), "seen_location": ""},
                             action=f"{record}/location")
    assert done.status_code == 200 and str(done.url).endswith(record)
    assert f"Stevedores {tag} is linked to Wharf {tag} Clinic ({pin(lm.location_id)})" in \
        done.text and "Healthcare Location Managers can now open" in done.text
    older = await page.submit(record, {"location": pin(other.location_id), "seen_location": ""},
                              action=f"{record}/location")  # sent from a tab opened before
    assert older.status_code == 409 and "since you opened this page" in older.text
    assert pin(other.location_id) in older.text, "what was typed is kept"
    assert (await state.get(f"/api/v1/employers/{employer}")).json()[
        "location_id"] == lm.location_id
