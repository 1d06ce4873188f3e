"""A walk-in or a paper registration entered by staff carries the questionnaire's answers (the
Recipient Portal's questions and rules) and, from a paper form, the day it was filled in:
the eligibility follows from the answers and "Registered" is the form's day, marked entered
late. Found by the outside check: the walk-in refused the answers and dated every paper
registration the day it was typed in, so a health care worker registered on paper was
"waiting" and registered "today"."""

import re
from datetime import timedelta

from models.base import utcnow
from models.care_rules import local_today
from models.recipients import Recipient
from tests.support.care import letters, person, vaccinating_site, walk_in
from tests.support.web import unique_email


def paper(tag: str, filled, **answers) -> dict:
    """A paper form: someone not employed (industry Other) who works in health care."""
    return {**person(tag, industry="other"), "date_of_birth": "1994-05-05",
            "health_care_worker": "yes", "registered_on": str(filled), **answers}


async def stored(system, recipient_id: int) -> Recipient:
    async with system.sessions() as session:
        return await session.get(Recipient, recipient_id)


async def test_a_paper_registration_keeps_its_answers_and_its_day(system):
    site = await vaccinating_site(system)
    today = local_today(utcnow())
    filled = today - timedelta(days=9)
    made = await site.provider.post(f"{site.care}/walk-ins", json=paper(letters(), filled))
    assert made.status_code == 201, made.text
    answer = made.json()
    assert answer["eligibility"] == "eligible", "a health care worker: phase 1, open"
    assert answer["registered_late"] is True
    record = await stored(system, answer["id"])
    assert record.answers["health_care_worker"] == "yes"
    assert record.answers["high_risk_condition"] == "no"
    assert (record.eligibility, record.eligibility_group) == ("eligible", "health_care")
    assert local_today(record.registered_at) == filled and record.registered_late
    listed = (await site.manager.get(
        "/recipients", params={"location_id": site.location_id, "q": record.last_name})).text
    assert f"Registered {filled:%B} {filled.day}, {filled.year}" in listed
    assert "Entered late" in listed and "Eligible" in listed
    shown = (await site.provider.get(f"/care/{site.location_id}/recipients/{record.id}")).text
    assert "Entered late" in shown and "Eligible" in shown

    now = await walk_in(site)  # registering on the spot: today, not late
    assert now["registered_late"] is False
    assert local_today((await stored(system, now["id"])).registered_at) == today


async def test_answers_and_the_forms_day_are_checked(system):
    site = await vaccinating_site(system)
    today = local_today(utcnow())
    unanswered = paper(letters(), today)
    del unanswered["shared_living"]
    refused = await site.provider.post(f"{site.care}/walk-ins", json=unanswered)
    assert refused.status_code == 422 and "shared_living" in refused.json()["errors"]
    maybe = await site.provider.post(f"{site.care}/walk-ins",
                                     json=paper(letters(), today, long_term_care="maybe"))
    assert maybe.status_code == 422 and "long_term_care" in maybe.json()["errors"]
    for filled in (today + timedelta(days=1), today - timedelta(days=400)):
        late = await site.provider.post(f"{site.care}/walk-ins", json=paper(letters(), filled))
        assert late.status_code == 422, late.text
        assert late.json()["errors"].keys() == {"registered_on"}, late.text
    baby = {**paper(letters(), today - timedelta(days=20)),
            "date_of_birth": str(today - timedelta(days=10))}
    before_birth = await site.provider.post(f"{site.care}/walk-ins", json=baby)
    assert before_birth.json()["errors"].keys() == {"registered_on"}, before_birth.text


async def test_the_page_takes_the_answers_and_keeps_what_was_typed(system):
    site = await vaccinating_site(system)
    today = local_today(utcnow())
    tag = letters()
    form = {k: v for k, v in paper(tag, today + timedelta(days=3)).items()
            if k != "high_risk_condition" and v is not None}
    page = await site.provider.get(f"/care/{site.location_id}/walk-in")
    assert "higher risk of severe COVID-19" in page.text and 'name="registered_on"' in page.text
    refused = await site.provider.post(f"/care/{site.location_id}/walk-in", data=form)
    assert refused.status_code == 422
    assert 'id="high_risk_condition-error"' in refused.text and "Choose yes or no." in refused.text
    # the form's day is said in the same round, not once the rest is right (an outside check)
    assert 'id="registered_on-error"' in refused.text
    assert "cannot be dated on a day that has not come yet" in refused.text
    assert f'value="{today + timedelta(days=3)}"' in refused.text
    assert f'value="Walker{tag}"' in refused.text
    assert 'value="yes" checked' in refused.text, "the answer given stays chosen"
    form["high_risk_condition"] = "no"
    baby = await site.provider.post(f"/care/{site.location_id}/walk-in", data={
        **form, "registered_on": str(today - timedelta(days=20)), "first_name": "",
        "date_of_birth": str(today - timedelta(days=10))})
    assert baby.status_code == 422 and 'id="first_name-error"' in baby.text
    assert "cannot be dated before the person&#39;s date of birth" in baby.text, re.findall(r'usa-error-message[^>]*>([^<]*)', baby.text)
    form["registered_on"] = str(today - timedelta(days=2))
    done = await site.provider.post(f"/care/{site.location_id}/walk-in", data=form,
                                    follow_redirects=True)
    assert done.status_code == 200 and "is registered" in done.text
    assert "Entered late" in done.text and "Eligible" in done.text


async def test_someone_already_registered_keeps_what_they_registered(system):
    """Another organization's walk-in of a registered person changes nothing of theirs and
    learns nothing of it (no answers, status or date); an invited person who never registered
    is registered from a paper form at their own organization."""
    home, other = await vaccinating_site(system), await vaccinating_site(system)
    today = local_today(utcnow())
    born = await walk_in(home, email=unique_email("own"))
    before = await stored(system, born["id"])
    typed = {**paper("", today - timedelta(days=3), high_risk_condition="yes"),
             "first_name": born["first_name"], "last_name": born["last_name"],
             "date_of_birth": "1980-04-02"}
    same = await other.provider.post(f"{other.care}/walk-ins", json=typed)
    assert same.status_code == 201 and same.json()["id"] == born["id"], same.text
    assert same.json()["already_registered"] is True
    assert "answers" in same.json()["notice"]
    assert {k: same.json()[k] for k in ("registered_at", "registered_late", "eligibility")} == {
        "registered_at": None, "registered_late": None, "eligibility": None}
    after = await stored(system, born["id"])
    assert (after.answers, after.registered_at, after.registered_late) == (
        before.answers, before.registered_at, False)

    async with system.sessions() as session:  # invited by a file, never registered
        invited = Recipient(location_id=home.location_id, first_name="Ines",
                            last_name=f"Invited{letters()}", first_key="ines",
                            last_key="", date_of_birth=today.replace(year=1990),
                            phone="919-555-0100", street="1 A St", city="Cary", state="NC",
                            zip_code="27511", industry="other")
        invited.last_key = invited.last_name.lower()
        session.add(invited)
        await session.commit()
        invited_id = invited.id
    filled = today - timedelta(days=5)
    form = {**paper("", filled), "first_name": "Inés", "last_name": invited.last_name,
            "date_of_birth": str(today.replace(year=1990)), "phone": "919-555-0177"}
    elsewhere = await other.provider.post(f"{other.care}/walk-ins", json=form)
    assert elsewhere.json()["id"] == invited_id and elsewhere.json()["eligibility"] is None
    assert (await stored(system, invited_id)).registered_at is None, "not another's to fill"
    completed = await home.provider.post(f"{home.care}/walk-ins", json=form)
    assert completed.status_code == 201 and completed.json()["id"] == invited_id
    assert completed.json()["already_registered"] is False
    assert "registration is complete" in completed.json()["notice"]
    record = await stored(system, invited_id)
    assert local_today(record.registered_at) == filled and record.registered_late
    assert record.eligibility == "eligible" and record.phone == "919-555-0177"


async def test_a_preferred_language_left_unchosen_is_asked_not_taken_for_english(system):
    """The walk-in page's Preferred language is required, but its "- Select -" was registered
    as English (the outside check of a new organization): a Spanish speaker's link and
    reminders went out in English. It is asked on the field, the rest kept as typed; a value
    that is neither choice is told the two."""
    site = await vaccinating_site(system)
    tag = letters()
    form = {k: v for k, v in person(tag).items() if v is not None}
    refused = await site.provider.post(f"/care/{site.location_id}/walk-in",
                                       data={**form, "language": ""})
    assert refused.status_code == 422 and 'id="language-error"' in refused.text
    assert "Choose the person&#39;s preferred language" in refused.text
    assert f'value="Walker{tag}"' in refused.text
    api = await site.provider.post(f"{site.care}/walk-ins", json={**form, "language": " "})
    assert api.status_code == 422 and "language" in api.json()["errors"], api.text
    # A value that is none of the choices (a tampered form, an API call) is told which are,
    # not "Write English or Spanish." (the spreadsheet's message, on a choice of two)
    other = await site.provider.post(f"/care/{site.location_id}/walk-in",
                                     data={**form, "language": "fr"})
    assert other.status_code == 422 and "Choose English or Spanish" in other.text, other.text
    assert "Write English" not in other.text
    done = await site.provider.post(f"/care/{site.location_id}/walk-in",
                                    data={**form, "language": "es"}, follow_redirects=True)
    assert done.status_code == 200 and "is registered" in done.text
