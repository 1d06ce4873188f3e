"""The Recipient Portal's booking page and the staff's, reached again from an address a
post answered: the "Cancel your appointment…?" question (and a refused move) opened in a new
tab or a restored session is the booking page, not "This link is not valid"; a link that is
not the person's stays not valid. The booking page leads back to the person's status page."""

import re
import uuid

from models.enums import Role
from models.recipient_rules import recipient_path
from tests.support.care import offer_slot, vaccinating_site, walk_in
from tests.support.web import CSRF, browser


async def test_a_cancel_question_opened_again_is_the_booking_page_in_the_persons_language(
        system):
    """Found by the outside check: the question is the answer to a POST; its address opened
    again gave 405 and "This link is not valid. Check that you copied the whole address…"."""
    site = await vaccinating_site(system)
    slot = await offer_slot(site, 3, capacity=2)
    await offer_slot(site, 4, capacity=2)
    email = f"again-{uuid.uuid4().hex[:8]}@example.org"
    someone = await walk_in(site, email=email, language="es")
    http = system.http()
    base = recipient_path(system.settings.secret_key.get_secret_value(), someone["id"])
    token = CSRF.search((await http.get(f"{base}/appointments")).text)[1]
    booked = await http.post(f"{base}/appointments", data={"slot_id": str(slot),
                                                           "csrf_token": token})
    assert booked.status_code == 303, booked.text
    page = (await http.get(f"{base}/appointments")).text
    appointment = re.search(r"/appointments/(\d+)/cancel", page)[1]
    asked = await http.post(f"{base}/appointments/{appointment}/cancel",
                            data={"csrf_token": token})
    assert asked.status_code == 200 and "¿Cancelar su cita" in asked.text, asked.text
    for step in ("cancel", "reschedule"):
        again = await http.get(f"{base}/appointments/{appointment}/{step}")
        assert again.status_code == 303, (step, again.status_code, again.text)
        assert again.headers["location"] == f"{base}/appointments"
        landed = await http.get(again.headers["location"])
        assert landed.status_code == 200 and "Su cita de vacunación" in landed.text
    forged = await http.get(f"/r/{someone['id']}/{'x' * 43}/appointments/{appointment}/cancel")
    assert forged.status_code == 404 and "This link is not valid" in forged.text, forged.text
    await http.aclose()
    staff = browser(system)
    await staff.login(site.emails[Role.PROVIDER_READONLY])
    where = f"/care/{site.location_id}/recipients/{someone['id']}/appointment"
    for address in (f"{where}/{appointment}/cancel", f"{where}/{appointment}/move",
                    f"{where}/book"):
        shown = await staff.get(address)
        assert shown.status_code == 200, (address, shown.status_code)
        assert str(shown.url).endswith(where), (address, shown.url)
    other = await vaccinating_site(system)
    refused = await other.provider.get(f"/care/{other.location_id}/recipients/{someone['id']}"
                                       f"/appointment/{appointment}/cancel")
    assert refused.status_code >= 400


async def test_the_booking_page_leads_back_to_the_status_page(system):
    """Found by the outside check: someone not yet eligible read "Su página del Portal de
    Vacunación muestra su estado." with no link to it; the page linked only to the proof."""
    site = await vaccinating_site(system)
    await offer_slot(site, 3, capacity=2)
    for language, words, back in (("es", "Abra su página del Portal de Vacunación",
                                   "Volver a su elegibilidad"),
                                  ("en", "Open your Recipient Portal page",
                                   "Back to your eligibility")):
        waiting = await walk_in(site, industry="other", language=language)  # a later phase
        http = system.http()
        base = recipient_path(system.settings.secret_key.get_secret_value(), waiting["id"])
        page = (await http.get(f"{base}/appointments")).text
        assert f'<a class="usa-link" href="{base}/status">{words}</a>' in page, page
        assert f'<a class="usa-link" href="{base}/status">{back}</a>' in page, page
        assert (await http.get(f"{base}/status")).status_code == 200
        proof = (await http.get(f"{base}/proof")).text
        assert f'href="{base}/status"' in proof, "the proof page has its way back too"
        await http.aclose()
