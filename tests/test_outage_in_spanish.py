"""A recipient whose record asks for Spanish acts while Temporal is away: the refusal ("not
done, try again in a minute") is said in Spanish on their Spanish page, next to what they
chose or typed, kept (found by the outside check: a booking, and an address corrected, said
it in English on the Spanish page; asking for one's link lost the address typed and answered
with an English error page)."""

import uuid

from models.recipient_rules import recipient_path
from tests.support.care import offer_slot, vaccinating_site, walk_in
from tests.support.web import CSRF, NOT_DONE
from tests.test_outages import back

NO_SE_HIZO = "El sistema de casos no respondió a tiempo, así que esto no se hizo."


async def test_a_spanish_recipients_refusals_in_an_outage_are_in_spanish(outage):
    temporal, system = outage
    site = await vaccinating_site(system)
    slot = await offer_slot(site, 3, capacity=2)
    email = f"es-{uuid.uuid4().hex[:6]}@example.org"
    person = await walk_in(site, email=email, language="es")
    http = system.http()
    base = recipient_path(system.settings.secret_key.get_secret_value(), person["id"])
    booking = CSRF.search((await http.get(f"{base}/appointments")).text)[1]
    form = CSRF.search((await http.get(f"{base}/edit")).text)[1]
    asking = CSRF.search((await http.get("/r/new-link",
                                         headers={"Accept-Language": "es"})).text)[1]
    await temporal.stop()
    booked = await http.post(f"{base}/appointments",
                             data={"slot_id": str(slot), "csrf_token": booking})
    assert booked.status_code == 503
    assert NO_SE_HIZO in booked.text and NOT_DONE not in booked.text, booked.text
    moved = f"moved-{uuid.uuid4().hex[:6]}@example.org"
    saved = await http.post(base, data={
        "csrf_token": form, "first_name": "Ana", "last_name": person["last_name"],
        "date_of_birth": "1980-04-02", "phone": "919-555-0100", "email": moved,
        "street": "5 Elm St", "city": "Durham", "state": "NC", "zip_code": "27701",
        "industry": "health_care", "language": "es", "health_care_worker": "no",
        "long_term_care": "no", "high_risk_condition": "no", "shared_living": "no"})
    assert NO_SE_HIZO in saved.text and NOT_DONE not in saved.text, saved.text
    assert f'value="{moved}"' in saved.text
    asked = await http.post("/r/new-link", headers={"Accept-Language": "es"},
                            data={"csrf_token": asking, "email": email})
    assert asked.status_code == 503
    assert NO_SE_HIZO in asked.text and NOT_DONE not in asked.text, asked.text
    assert f'value="{email}"' in asked.text
    await back(temporal, system)
