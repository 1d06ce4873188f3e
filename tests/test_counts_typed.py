"""The other count boxes take what people type, as the doses boxes do (tests/test_doses_typed.py):
an appointment's "Places" and Section B's patient counts and storage vials read "1,000" as a
thousand (they were number boxes, which send nothing for "1,000": the page said "This field is
required." or "Enter the annual number of patients or choose Unknown", the box emptied), and
refuse "1e3" beside the box, saying why, what was typed kept; the API reads such a string alike."""

import re
from datetime import timedelta

from models.base import utcnow
from models.care_rules import local_today
from models.enums import Role
from tests.support.care import vaccinating_site
from tests.support.enrollment import STEP_BODIES, refused_step
from tests.support.web import browser
from tests.test_section_b_pages import coordinator_both_ways

IN_DIGITS = "Write the number in digits, like 1000 or 1,000 (not 1e3)."


def form(body: dict) -> dict:
    """An API step body as its page posts it: a field of many values as "name[]"."""
    return {f"{k}[]" if isinstance(v, list) else k: v for k, v in body.items()}


def said_beside(page, name: str) -> str | None:
    found = re.search(rf'id="{name}-error">([^<]*)<', page.text)
    return found[1].strip() if found else None


async def test_places_typed_as_people_write_them(system):
    site = await vaccinating_site(system)
    manager = browser(system)
    await manager.login(site.emails[Role.LOCATION_MANAGER])
    page = f"/care/{site.location_id}/appointments"
    day = str(local_today(utcnow()) + timedelta(days=3))
    for at, typed, meant in (("09:00", "1,000", 1000), ("09:30", " 12 ", 12),
                             ("10:00", "1e3", None), ("10:30", "1,00", None)):
        answer = await manager.submit(page, {"day": day, "at": at, "capacity": typed,
                                             "dose_number": "1"}, action=f"{page}/slots")
        assert answer.status_code < 500, (typed, answer.status_code)
        if meant:
            assert answer.status_code == 200 and said_beside(answer, "capacity") is None, typed
            assert f"{meant:,} places offered." in answer.text, (typed, answer.text[-1500:])
            continue
        assert answer.status_code == 422 and said_beside(answer, "capacity"), typed
        assert f'value="{typed}"' in answer.text, "what was typed is kept"
        assert typed != "1e3" or said_beside(answer, "capacity") == IN_DIGITS
        assert 'type="number"' not in answer.text
    api = await site.manager.post(f"/api/v1/locations/{site.location_id}/appointment-slots",
                                  json={"starts_at": f"{day}T11:00:00-05:00",
                                        "capacity": "1,000", "dose_number": 1})
    assert api.status_code == 201 and api.json()["capacity"] == 1000, api.text


async def test_section_b_counts_typed_as_people_write_them(system):
    coordinator, person, location_id = await coordinator_both_ways(system, "Comma Clinic")
    base = f"/locations/{location_id}/section-b"
    profile = {**form(STEP_BODIES["provider"]), "age_0_18": "1,200", "age_19_64": "25,000",
               "patients_per_week": "1,000", "peak_flu_doses": " 1,500 ", "action": "next"}
    saved = await person.submit(f"{base}/provider", profile)
    assert saved.status_code == 200 and "error-summary" not in saved.text, \
        saved.text[saved.text.find("error-summary"):][:1500]
    stored = await person.submit(f"{base}/population", {
        **form(STEP_BODIES["population"]), "refrigerated_vials": "1,000", "action": "next"})
    assert stored.status_code == 200 and "error-summary" not in stored.text, \
        stored.text[stored.text.find("error-summary"):][:1500]
    steps = (await coordinator.get(f"/api/v1{base}")).json()["steps"]
    assert {k: steps["provider"][k] for k in ("age_0_18", "age_19_64", "patients_per_week",
                                              "peak_flu_doses")} == {
        "age_0_18": 1200, "age_19_64": 25000, "patients_per_week": 1000,
        "peak_flu_doses": 1500}, steps["provider"]
    assert steps["population"]["refrigerated_vials"] == 1000, steps["population"]

    refused = await person.submit(f"{base}/provider", {
        **profile, "patients_per_week": "1e3", "age_0_18": "12.5"})
    assert refused_step(refused), refused.status_code
    assert said_beside(refused, "patients_per_week") == IN_DIGITS
    assert said_beside(refused, "age_0_18")
    assert 'value="1e3"' in refused.text and 'value="12.5"' in refused.text
    assert 'type="number"' not in refused.text
    api = await coordinator.put(f"/api/v1{base}/provider", json={
        **STEP_BODIES["provider"], "peak_flu_doses": "2,000"})
    assert api.status_code == 200, api.text
    assert api.json()["steps"]["provider"]["peak_flu_doses"] == 2000
