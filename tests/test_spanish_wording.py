"""A Spanish reader's booking page and answers read as Spanish: "queda 1" / "quedan 3", a time
sent that is no time says "Elija una hora." (not "Check the field slot_id"), and a language
that is neither is named in Spanish words."""

import re

from models.recipient_rules import language_code
from tests.support.care import offer_slot, vaccinating_site, walk_in
from tests.test_appointments import _portal


async def test_places_left_and_a_bad_time_in_spanish(system):
    site = await vaccinating_site(system)
    one, three = await offer_slot(site, 3, 1), await offer_slot(site, 4, 3)
    person = await walk_in(site, language="es")
    http, base, token = await _portal(system, person["id"])
    page = (await http.get(f"{base}/appointments")).text
    assert re.search(rf'value="{one}"[^<]*\(queda 1\)', page), page
    assert re.search(rf'value="{three}"[^<]*\(quedan 3\)', page), page
    for sent in ("abc", "-1", "99999999999999999999"):
        refused = await http.post(f"{base}/appointments",
                                  data={"slot_id": sent, "csrf_token": token})
        assert refused.status_code == 422 and "Check the field" not in refused.text, sent
        assert "Elija una hora." in refused.text, sent
    await http.aclose()


def test_a_language_is_written_either_way():
    assert language_code("Inglés") == language_code("ingles") == "en"
    assert language_code("ESPAÑOL") == "es"
