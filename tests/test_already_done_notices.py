"""An answer that something was done already is not a success: "X is already checked in at
…", "Dose 1 was already removed …", "… was already registered … the contact details typed
were not used", an appointment cancelled twice. Each was shown in the green success notice,
the one style a notice had (and the second cancel said the person was emailed, which they
were not). A notice now carries its USWDS style: information for "already done, nothing
changed", a warning where what was typed went unused, success for a change made."""

import re
import uuid

from models.enums import Role
from models.recipient_rules import recipient_path
from tests.support.care import give, letters, offer_slot, person, stock, vaccinating_site, walk_in
from tests.support.web import CSRF, browser

FLASH = re.compile(r'class="usa-alert usa-alert--(\w+) usa-alert--slim" role="status" '
                   r'data-flash><div class="usa-alert__body"><p class="usa-alert__text">(.*?)</p>',
                   re.S)


def flash(html: str) -> tuple[str, str]:
    """The page's notice: its style (success, info, warning) and its words."""
    found = FLASH.search(html)
    assert found, html[-3000:]
    return found[1], found[2]


async def staff_of(system, site):
    staff = browser(system)
    await staff.login(site.emails[Role.PROVIDER])
    return staff


async def test_a_second_check_in_is_information_not_success(system):
    site = await vaccinating_site(system)
    someone = await walk_in(site)
    staff = await staff_of(system, site)
    here = f"/care/{site.location_id}/recipients/{someone['id']}"
    first = await staff.submit(here, {}, action=f"{here}/check-in")
    assert flash(first.text)[0] == "success" and "is checked in." in flash(first.text)[1]
    again = await staff.submit(here, {}, action=f"{here}/check-in")
    tone, words = flash(again.text)
    assert "is already checked in at" in words and tone == "info", (tone, words)
    after = await staff.get(here)  # the style is for that one notice, not the next page
    assert "data-flash" not in after.text


async def test_a_walk_in_already_registered_is_a_warning(system):
    site = await vaccinating_site(system)
    someone = await walk_in(site)
    staff = await staff_of(system, site)
    typed = {k: v for k, v in person("x").items() if v is not None}
    typed.update(first_name=someone["first_name"], last_name=someone["last_name"],
                 phone="919-555-0199")
    answer = await staff.submit(f"/care/{site.location_id}/walk-in", typed)
    tone, words = flash(answer.text)
    assert "was already registered" in words and tone == "warning", (tone, words)
    new = await staff.submit(f"/care/{site.location_id}/walk-in",
                             {**typed, "last_name": f"New{letters()}"})
    assert flash(new.text)[0] == "success" and "is registered" in flash(new.text)[1]


async def test_a_dose_removed_twice_is_information_the_second_time(system):
    site = await vaccinating_site(system)
    lot = await stock(system, site, "207", f"AD-{uuid.uuid4().hex[:6]}")
    dose = (await give(site, (await walk_in(site))["id"], lot)).json()
    staff = await staff_of(system, site)
    edit, remove = f"/care/doses/{dose['id']}/edit", f"/care/doses/{dose['id']}/remove"
    removed = await staff.submit(edit, {"reason": "Wrong person"}, action=remove)
    assert flash(removed.text)[0] == "success"
    again = await staff.submit(edit, {"reason": "Wrong person"}, action=remove)
    tone, words = flash(again.text)
    assert "was already removed" in words and tone == "info", (tone, words)


async def test_an_appointment_cancelled_twice_says_so_the_second_time(system):
    site = await vaccinating_site(system)
    slot = await offer_slot(site, 3, capacity=2)
    email = f"twice-{uuid.uuid4().hex[:8]}@example.org"
    someone = await walk_in(site, email=email)
    staff = await staff_of(system, site)
    base = f"/care/{site.location_id}/recipients/{someone['id']}/appointment"
    booked = await staff.submit(base, {"slot_id": str(slot)}, action=f"{base}/book")
    assert flash(booked.text)[0] == "success", booked.text[-2000:]
    appointment = re.search(r"/appointment/(\d+)/cancel", booked.text)[1]
    cancel = f"{base}/{appointment}/cancel"
    page = await staff.get(base)
    token = CSRF.search(page.text)[1]
    done = await staff.http.post(cancel, data={"csrf_token": token, "confirm": "yes"})
    assert flash(done.text) == ("success", f"{someone['first_name']} {someone['last_name']}&#39;s "
                                "appointment is cancelled. They are emailed the change.")
    again = await staff.http.post(cancel, data={"csrf_token": token, "confirm": "yes"})
    tone, words = flash(again.text)
    assert tone == "info" and "already cancelled" in words and "emailed" not in words, words
    await system.smtp.one(to=email, subject="appointment is cancelled")

    # the recipient's own page, in their language
    other = await walk_in(site, email=f"own-{uuid.uuid4().hex[:8]}@example.org",
                          language="es")
    http = system.http(follow_redirects=True)
    mine = recipient_path(system.settings.secret_key.get_secret_value(), other["id"])
    page = await http.get(f"{mine}/appointments")
    token = CSRF.search(page.text)[1]
    booked = await http.post(f"{mine}/appointments", data={"slot_id": str(slot),
                                                           "csrf_token": token})
    appointment = re.search(r"/appointments/(\d+)/cancel", booked.text)[1]
    cancel = f"{mine}/appointments/{appointment}/cancel"
    first = await http.post(cancel, data={"csrf_token": token, "confirm": "yes"})
    assert flash(first.text) == ("success", "Su cita está cancelada.")
    second = await http.post(cancel, data={"csrf_token": token, "confirm": "yes"})
    assert flash(second.text) == ("info", "Esa cita ya estaba cancelada o ya no está "
                                          "reservada: no se cambió nada.")
    await http.aclose()
