"""Section A in the pages: errors by the field, what was typed kept, and resuming where one paused."""

import re

from tests.support.accounts import register_org_admin
from tests.support.enrollment import ORG_DETAILS, indicator_says, location_body, start_enrollment
from tests.support.web import api_client, browser, unique_email


async def test_section_a_keeps_input_and_resumes_where_the_administrator_paused(system):
    person = browser(system)
    await person.login(await register_org_admin(system))
    details = {**{k: v for k, v in ORG_DETAILS.items() if k != "redistribution_participant"},
               "redistribution_participant": "false", "action": "next"}
    bad = await person.submit("/organization/section-a/details", {**details, "phone": "12"})
    assert bad.status_code == 400 and "10-digit phone number" in bad.text
    assert 'value="Wake Health Partners"' in bad.text
    step2 = await person.submit("/organization/section-a/details", details)
    assert "Step 2 of 4" in step2.text
    location = {**location_body("Paused Clinic", unique_email("c")), "action": "add"}
    added = await person.submit("/organization/section-a/locations", location)
    assert "Paused Clinic is saved" in added.text
    nothing = await person.submit("/organization/section-a/locations", {"action": "next"})
    assert "Step 3 of 4" in nothing.text
    paused = await person.submit("/organization/section-a/officers", {
        "action": "pause", "ceo_name": "Half Done"})
    assert "Section A is saved" in paused.text
    assert 'href="/organization/section-a/officers">Continue Section A' in paused.text
    kept = await person.get("/organization/section-a/officers")
    assert 'value="Half Done"' in kept.text, "what was typed before pausing is still there"
    review = await person.get("/organization/section-a/review")
    assert "Name your Chief Executive Officer" in review.text
    # what will be submitted, the organization's type included
    assert "<dt>Type of organization</dt><dd>Clinic or medical practice</dd>" in review.text


async def test_new_addresses_start_in_north_carolina_and_an_empty_list_says_so(system):
    person = browser(system)
    await person.login(await register_org_admin(system))
    details = await person.get("/organization/section-a/details")
    assert '<option value="NC" selected>' in details.text, "a new organization starts in NC"
    fields = {**{k: v for k, v in ORG_DETAILS.items() if k != "redistribution_participant"},
              "redistribution_participant": "false", "action": "next", "state": ""}
    unanswered = {k: v for k, v in fields.items() if k != "redistribution_participant"}
    blank = await person.submit("/organization/section-a/details", unanswered)
    assert blank.status_code == 400 and "Choose a state." in blank.text
    assert "<title>Error: " in blank.text, "the title says the page has errors"
    assert "(redistribution participant)? Choose yes or no.</a>" in blank.text
    assert 'selected>' not in blank.text.split('id="state"')[1].split("</select>")[0], \
        "a state left blank stays blank: what was sent is kept"
    await person.submit("/organization/section-a/details", {**fields, "state": "VA"})
    locations = await person.get("/organization/section-a/locations")
    assert '<option value="NC" selected>' in locations.text, "a new location starts in NC"
    kept = await person.get("/organization/section-a/details")
    assert '<option value="VA" selected>' in kept.text, "a saved state is kept"
    # Next with no location: the list is what is missing, not the name field
    empty = await person.submit("/organization/section-a/locations", {"action": "next"})
    assert empty.status_code == 400
    assert 'id="locations-error">Add at least one location before continuing' in empty.text
    assert 'href="#add-location"' in empty.text, "the error summary leads to the section"
    assert 'id="name-error"' not in empty.text and 'aria-invalid' not in empty.text
    assert 'id="add-location" tabindex="-1"' in empty.text, "the summary's link moves focus"
    nameless = await person.submit("/organization/section-a/locations", {
        **location_body("Coordinator Missing", unique_email("c")), "action": "add",
        "coordinator_first_name": ""})
    assert "Coordinator&#39;s first name: This field is required.</a>" in nameless.text


async def test_inputs_take_no_more_than_the_form_accepts(system):
    """A name or an address longer than the form takes stops at the limit as one types (the
    server's message by the field stays for what slips through); a password is never cut."""
    person = browser(system)
    registration = (await person.get("/register")).text
    assert re.search(r'name="first_name"[^>]*maxlength="80"', registration, re.S)
    assert re.search(r'name="email"[^>]*maxlength="254"', registration, re.S)
    assert not re.search(r'name="password"[^>]*maxlength', registration, re.S)
    await person.login(await register_org_admin(system))
    details = (await person.get("/organization/section-a/details")).text
    assert re.search(r'name="legal_name"[^>]*maxlength="200"', details, re.S)
    assert re.search(r'name="zip_code"[^>]*maxlength="10"', details, re.S)


async def test_pausing_the_details_half_done_keeps_what_was_typed(system):
    """Found by the outside check: "Pause and save" on the first step answered 400 listing
    every empty field, and saved nothing: leaving then lost all that was typed. A paused draft
    now keeps every field as typed (a wrong ZIP code too); Next and the review still ask for
    the rest, and nothing half done can be submitted."""
    person = browser(system)
    await person.login(await register_org_admin(system))
    paused = await person.submit("/organization/section-a/details", {
        "legal_name": "Half Typed Health", "street": "1 Main St", "zip_code": "2760",
        "phone": "919.555.0100", "action": "pause"})
    assert paused.status_code == 200 and "Section A is saved" in paused.text, paused.text[:300]
    kept = await person.get("/organization/section-a/details")
    for typed in ('value="Half Typed Health"', 'value="1 Main St"', 'value="2760"',
                  'value="919-555-0100"'):
        assert typed in kept.text, typed
    onward = await person.submit("/organization/section-a/details", {
        "legal_name": "Half Typed Health", "street": "1 Main St", "zip_code": "2760",
        "action": "next"})
    assert onward.status_code == 400 and "ZIP code" in onward.text
    review = await person.get("/organization/section-a/review")
    assert "Complete the organization details" in review.text


async def test_a_location_in_the_list_can_be_edited_before_submission(system):
    """Found by the outside check: the same location typed twice was told "change that one
    instead", but only Remove was offered. Edit now opens the location in the form; a change
    left unsaved comes along with Next, as a typed location does."""
    person = browser(system)
    await person.login(await register_org_admin(system))
    details = {**{k: v for k, v in ORG_DETAILS.items() if k != "redistribution_participant"},
               "redistribution_participant": "false", "action": "next"}
    await person.submit("/organization/section-a/details", details)
    url = "/organization/section-a/locations"
    for name in ("First Clinic", "Second Clinic"):
        await person.submit(url, {**location_body(name, unique_email("c")), "action": "add"})
    again = await person.submit(url, {**location_body("First Clinic", unique_email("c")),
                                      "action": "add"})
    assert again.status_code == 400 and "choose Edit next to it" in again.text
    listed = await person.get(url)
    first_id = re.search(r'href="/organization/section-a/locations\?edit=(\d+)#add-location">'
                         r'Edit First Clinic</a>', listed.text)[1]
    form = await person.get(f"{url}?edit={first_id}")
    assert 'value="First Clinic"' in form.text and f'name="location_id" value="{first_id}"' \
        in form.text and "Change First Clinic" in form.text
    clash = await person.submit(url, {**location_body("Second Clinic", "v@example.org"),
                                      "location_id": first_id, "action": "update"})
    assert clash.status_code == 400 and "is already one of your locations" in clash.text
    assert 'value="v@example.org"' in clash.text and f'value="{first_id}"' in clash.text
    onward = await person.submit(url, {**location_body("First Clinic East", "v@example.org"),
                                       "location_id": first_id, "action": "next"})
    assert "Step 3 of 4" in onward.text
    listed = await person.get(url)
    assert "First Clinic East" in listed.text and "v@example.org" in listed.text
    assert listed.text.count("Edit ") >= 2


MARKUP_NAME = "<b>Ana</b> 💉"
KEPT = 'value="&lt;b&gt;Ana&lt;/b&gt; 💉"'


async def test_names_refuse_markup_and_emoji_on_their_field_keeping_what_was_typed(system):
    """Found by the outside check: Section A took `<img src=x onerror=alert(1)>` and emoji as
    organization, location and people's names (shown escaped, but kept as names). A person's
    name now takes letters and a name's punctuation only; an organization's or location's name
    keeps its punctuation but not < or >."""
    person = browser(system)
    await person.login(await register_org_admin(system))
    details = {**{k: v for k, v in ORG_DETAILS.items() if k != "redistribution_participant"},
               "redistribution_participant": "false", "action": "next"}
    marked = await person.submit("/organization/section-a/details", {
        **details, "legal_name": "<img src=x onerror=alert(1)>"})
    assert marked.status_code == 400 and 'id="legal_name-error"' in marked.text
    assert 'value="&lt;img src=x onerror=alert(1)&gt;"' in marked.text
    step2 = await person.submit("/organization/section-a/details", {
        **details, "legal_name": "St. Mary's Health & Wellness, P.A. (Main) #2"})
    assert "Step 2 of 4" in step2.text, "an organization's own punctuation is kept"
    location = {**location_body("Markup Clinic", unique_email("c")), "action": "add"}
    bad = await person.submit("/organization/section-a/locations", {
        **location, "name": "Clinic <i>One</i>", "coordinator_first_name": MARKUP_NAME})
    assert bad.status_code == 400
    assert 'id="name-error"' in bad.text and 'id="coordinator_first_name-error"' in bad.text
    assert KEPT in bad.text and "Write the name with letters only" in bad.text
    added = await person.submit("/organization/section-a/locations", {
        **location, "name": "Dr. O'Neil's Clinic #1", "coordinator_first_name": "María-José",
        "coordinator_last_name": "Ó Súilleabháin Jr."})
    assert "Dr. O&#39;Neil&#39;s Clinic #1 is saved" in added.text, added.text[:500]
    officers = await person.submit("/organization/section-a/officers", {
        "action": "next", "ceo_name": MARKUP_NAME, "ceo_title": "Chief Executive Officer",
        "ceo_email": unique_email("ceo"), "cmo_name": "Zoë D'Arcy-St. John",
        "cmo_title": "Chief Medical Officer", "cmo_email": unique_email("cmo")})
    assert officers.status_code == 400 and 'id="ceo_name-error"' in officers.text
    assert KEPT in officers.text and 'id="cmo_name-error"' not in officers.text
    titled = await person.submit("/organization/section-a/officers", {
        "action": "next", "ceo_name": "Ada Lovelace", "ceo_title": "<b>Chief</b>",
        "ceo_email": unique_email("ceo"), "cmo_name": "Zoë D'Arcy-St. John",
        "cmo_title": "Chief Medical Officer, M.D. (Acting)", "cmo_email": unique_email("cmo")})
    assert titled.status_code == 400 and 'id="ceo_title-error"' in titled.text
    assert "Write the title without &lt; or &gt;." in titled.text
    assert 'id="cmo_title-error"' not in titled.text, "a title's punctuation is kept"


async def test_a_half_typed_officer_kept_by_a_pause_is_shown_by_the_api_as_typed(system):
    """A paused draft keeps an officer as typed (a name alone, half an email); the API's view
    of the organization then answered 500, its output refusing what the draft may hold (found
    by the OpenAPI fuzz reading an organization whose officers' form was sent oddly)."""
    email = await register_org_admin(system)
    person = browser(system)
    await person.login(email)
    assert (await person.submit("/organization/section-a/details", {
        "legal_name": "Half Officer Health", "action": "pause"})).status_code == 200
    paused = await person.submit("/organization/section-a/officers", {
        "action": "pause", "ceo_name": "Half Done", "ceo_email": "half@"})
    assert "Section A is saved" in paused.text
    async with await api_client(system, email) as api:
        mine = await api.get("/api/v1/organizations/mine")
        assert mine.status_code == 200, mine.text[:300]
        shown = await api.get(f"/api/v1/organizations/{mine.json()['id']}")
    assert shown.status_code == 200, shown.text[:300]
    assert shown.json()["officers"] == [
        {"role": "ceo", "name": "Half Done", "title": "", "email": "half@"}]


async def test_next_with_one_error_saves_the_other_answers_on_every_step(system):
    """Next meeting an error keeps what was typed in the draft, as Section B does, and says
    so: the administrator who leaves after the error finds the answers again."""
    person = browser(system)
    await person.login(await register_org_admin(system))
    details = {**{k: v for k, v in ORG_DETAILS.items() if k != "redistribution_participant"},
               "redistribution_participant": "false", "action": "next"}
    wrong = await person.submit("/organization/section-a/details", {**details,
                                                                     "zip_code": "2750"})
    assert wrong.status_code == 400 and 'id="zip_code-error"' in wrong.text
    assert "Your other answers are saved" in wrong.text
    assert 'value="2750"' in wrong.text, "the wrong field is shown as typed"
    dashboard = await person.get("/organization")
    assert "Continue Section A" in dashboard.text
    again = await person.get("/organization/section-a/details")
    assert 'value="Wake Health Partners"' in again.text and 'value="1 Health Way"' in again.text
    assert 'value="office@wakehealth.example"' in again.text
    assert 'value="2750"' in again.text
    assert "Step 2 of 4" in (await person.submit("/organization/section-a/details",
                                                 details)).text
    await person.submit("/organization/section-a/locations", {
        **location_body("Kept Clinic", unique_email("c")), "action": "add"})
    half = await person.submit("/organization/section-a/locations", {
        **location_body("Typed Clinic", unique_email("c")), "zip_code": "27", "action": "next"})
    assert half.status_code == 400 and "The locations in your list are saved" in half.text
    assert 'value="Typed Clinic"' in half.text
    await person.submit("/organization/section-a/locations", {"action": "next"})
    officers = await person.submit("/organization/section-a/officers", {
        "action": "next", "ceo_name": "Cora Chief", "ceo_title": "CEO",
        "ceo_email": unique_email("ceo"), "cmo_name": "Max Medic", "cmo_title": "CMO",
        "cmo_email": "not-an-address"})
    assert officers.status_code == 400 and 'id="cmo_email-error"' in officers.text
    assert "Your other answers are saved" in officers.text
    back = await person.get("/organization/section-a/officers")
    assert 'value="Cora Chief"' in back.text and 'value="Max Medic"' in back.text


async def test_the_step_indicator_says_which_steps_are_done(system):
    """Found by the outside check of a new organization's enrollment: the review page opened
    with no location and no officer told a screen reader "Step 2 completed, Step 3 completed"
    (every step before the page's was), above the list of what Section A still lacks."""
    person = browser(system)
    await person.login(await register_org_admin(system))
    details = {**{k: v for k, v in ORG_DETAILS.items() if k != "redistribution_participant"},
               "redistribution_participant": "false", "action": "next"}
    await person.submit("/organization/section-a/details", details)
    review = indicator_says((await person.get("/organization/section-a/review")).text)
    assert review == {1: "completed", 2: "not completed", 3: "not completed", 4: ""}
    await person.submit("/organization/section-a/locations", {
        **location_body("Indicated Clinic", unique_email("c")), "action": "add"})
    officers = indicator_says((await person.get("/organization/section-a/officers")).text)
    assert officers == {1: "completed", 2: "completed", 3: "", 4: "not completed"}


async def test_two_officers_of_different_names_cannot_share_one_address(system):
    """The CEO and the CMO typed as two people at one address (the outside check of a new
    organization: accepted, so one inbox got both officers' signing links and signed for
    both). Refused on the email in the officers' step, the API and the correction after
    Section A; one person holding both roles (the same name) may."""
    person = browser(system)
    email = await register_org_admin(system)
    await person.login(email)
    await person.submit("/organization/section-a/details", {
        **ORG_DETAILS, "redistribution_participant": "false", "action": "next"})
    shared = unique_email("officer")
    typed = {"action": "next", "ceo_name": "Helen Park", "ceo_title": "CEO", "ceo_email": shared,
             "cmo_name": "Omar Reyes", "cmo_title": "Medical Director", "cmo_email": shared}
    refused = await person.submit("/organization/section-a/officers", typed)
    assert refused.status_code == 400 and 'id="cmo_email-error"' in refused.text
    assert "The CEO, Helen Park, already uses this address" in refused.text
    assert 'value="Omar Reyes"' in refused.text, "what was typed is kept"
    review = await person.get("/organization/section-a/review")
    assert "The CEO, Helen Park, already uses this address" in review.text
    one_person = await person.submit("/organization/section-a/officers", {
        **typed, "cmo_name": " helen  park"})
    assert "Step 4 of 4" in one_person.text, "one person holding both roles"

    enrollment = await start_enrollment(system, ["Shared Inbox Clinic"])
    url = f"/api/v1/organizations/{enrollment.org_id}/officers"
    answer = await enrollment.admin.put(f"{url}/cmo", json={
        "name": "Omar Reyes", "title": "CMO", "email": enrollment.ceo_email.upper()})
    assert answer.status_code == 422, answer.text
    assert "already uses this address" in answer.json()["errors"]["email"]
    admin = browser(system)
    await admin.login(enrollment.admin_email)
    corrected = await admin.submit("/organization/officers/ceo", {
        "name": "Dana Right", "title": "CEO", "email": enrollment.cmo_email})
    assert corrected.status_code == 400 and 'id="email-error"' in corrected.text
    assert "The CMO, CMO Person, already uses this address" in corrected.text


async def test_a_later_step_posted_before_the_details_leads_to_them(system):
    """Locations, officers or the submission posted before the organization's details exist
    (a form sent before them, a stale tab) answered 500 with a stack trace; they lead to the
    details step, saying nothing was saved."""
    person = browser(system)
    await person.login(await register_org_admin(system))
    for step, data in (("locations", {**location_body("Early Clinic", unique_email("c")),
                                      "action": "add"}),
                       ("officers", {"action": "next", "ceo_name": "Early Chief"}),
                       ("review", {"action": "next"})):
        answer = await person.submit("/organization/section-a/details", data,
                                     action=f"/organization/section-a/{step}")
        assert answer.status_code == 200, (step, answer.status_code)
        assert "Step 1 of 4" in answer.text and "Nothing was saved" in answer.text, step
