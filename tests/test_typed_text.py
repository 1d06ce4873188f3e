"""Text nobody can type is refused on its field; text that shows nothing counts as empty.

NUL (which Postgres cannot store in text, and which a CSV export would hand on) and the other
control characters are refused with a message on the field, on pages and in the API; a
required field of zero-width characters only is asked for again, as an empty one is. Nothing
is stored. Runs on both databases: on Postgres NUL used to reach the database.
"""

import inspect
import typing

from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import select

from api.app import create_app
from core.settings import Settings
from models.enums import Role
from models.helpdesk import Case
from models.input import CONTROL_MESSAGE, Input
from tests.support.accounts import make_user
from tests.support.enrollment import ORG_DETAILS, location_body, start_enrollment
from tests.support.system import TEST_SECRET
from tests.support.web import browser, unique_email

ZERO_WIDTH = "\u200b\u200b\ufeff"


async def cases(system) -> int:
    async with system.sessions() as session:
        return (await session.exec(select(func.count()).select_from(Case))).one()


async def test_nul_and_invisible_text_are_refused_on_their_fields_in_the_api(system):
    before = await cases(system)
    async with system.http() as http:
        nul = await http.post("/api/v1/helpdesk/questions", json={
            "name": "\u0000", "question": "Where?\u0000", "email": unique_email("nul")})
        invisible = await http.post("/api/v1/helpdesk/questions", json={
            "name": ZERO_WIDTH, "question": " \u200b ", "email": unique_email("zw")})
        bell = await http.post("/api/v1/helpdesk/questions", json={
            "name": "Ann\u0007", "question": "Two lines\r\nand a\ttab are fine",
            "email": unique_email("bell")})
    assert nul.status_code == 422, nul.text
    assert nul.json()["errors"] == {"name": CONTROL_MESSAGE, "question": CONTROL_MESSAGE}
    assert invisible.status_code == 422, invisible.text
    assert set(invisible.json()["errors"]) == {"name", "question"}
    assert CONTROL_MESSAGE not in invisible.text, "nothing there is not a control character"
    assert bell.status_code == 422 and list(bell.json()["errors"]) == ["name"], bell.text
    assert await cases(system) == before, "nothing was stored"

    enrollment = await start_enrollment(system, ["Typed Text Site"], submit=False)
    details = f"/api/v1/organizations/{enrollment.org_id}/details"
    refused = await enrollment.admin.put(details, json={**ORG_DETAILS, "legal_name": "\u0000null"})
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"] == {"legal_name": CONTROL_MESSAGE}
    kept = await enrollment.admin.get(f"/api/v1/organizations/{enrollment.org_id}")
    assert "\u0000" not in kept.text and kept.json()["legal_name"] == ORG_DETAILS["legal_name"]


async def test_a_page_form_shows_the_error_on_the_field_and_keeps_the_rest(system):
    before = await cases(system)
    visitor = browser(system)
    question = "Is the clinic on Elm Street open on Saturdays?"
    page = await visitor.submit("/help/ask", {
        "name": "Nul\u0000Name", "email": unique_email("page"), "question": question})
    assert page.status_code == 400, page.status_code
    assert 'id="name-error"' in page.text and "cannot be typed" in page.text
    assert question in page.text, "what was typed is kept"
    assert await cases(system) == before


def _models(annotation) -> list[type[BaseModel]]:
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models(arg)]


def test_every_body_and_filter_a_route_reads_is_checked_so(tmp_path):
    """A model added for a new route's body or query, not built on Input, fails here."""
    app = create_app(Settings(_env_file=None, environment="test", secret_key=TEST_SECRET,
                              database_url=f"sqlite:///{tmp_path}/t.db", data_dir=tmp_path))
    read, unchecked = set(), set()
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute):
            continue
        dependants = [route.dependant, *route.dependant.dependencies]
        for field in (f for d in dependants for f in d.body_params + d.query_params):
            for model in _models(field.field_info.annotation):
                read.add(model.__name__)
                if not issubclass(model, Input):
                    unchecked.add(f"{model.__module__}.{model.__name__} ({route.path})")
    assert len(read) > 30, sorted(read)
    assert not unchecked, sorted(unchecked)


async def test_a_search_with_a_control_character_is_refused_on_q(system):
    """The lists' and the console's filters are read by Input like any form: NUL in a search
    is a 422 on `q`, not a search for it (the sites search, a bare query parameter, too)."""
    agent = browser(system)
    await agent.login((await make_user(system, Role.HELPDESK_AGENT, team="general")).email)
    reviewer = browser(system)
    await reviewer.login((await make_user(system, Role.REVIEWER)).email)
    for person, url in ((agent, "/helpdesk?team=all&q=a%00b"),
                        (reviewer, "/state/locations?q=a%00b"),
                        (reviewer, "/api/v1/sites?q=a%00b")):
        answer = await person.http.get(url)
        assert answer.status_code == 422, (url, answer.status_code)
        if url.startswith("/api/"):
            assert list(answer.json()["errors"]) == ["q"], answer.text
        else:
            assert "cannot be typed" in answer.text, answer.text[-1500:]
    for person, url in ((agent, "/helpdesk?team=all&q=ab"), (reviewer, "/state/locations?q=ab")):
        assert (await person.http.get(url)).status_code == 200, url


ONE_LINE = ("Write it on one line, without line breaks, tabs or text-direction characters.")
FORGED = "\r\nBcc: someone@evil.example.org"


async def test_line_breaks_and_direction_controls_in_one_line_fields_are_refused(system):
    """Found by the outside check: an API client put CR/LF into an organization's and a
    location's name, an officer's title, a portal user's title and a question's name, which
    then printed as a forged "Bcc:" line in the emails' text; a right-to-left override turned
    a name backwards. A question's own text keeps its lines."""
    async with system.http() as http:
        asked = await http.post("/api/v1/helpdesk/questions", json={
            "name": f"Ann{FORGED}", "question": "Two lines\r\nare fine here",
            "email": unique_email("crlf")})
    assert asked.status_code == 422 and asked.json()["errors"] == {"name": ONE_LINE}, asked.text

    enrollment = await start_enrollment(system, ["One Line Site"], submit=False)
    org = f"/api/v1/organizations/{enrollment.org_id}"
    for name in (f"Acme{FORGED}", "Acme \u202eRTL", "Acme\tTabbed", "Acme\u2028Health"):
        refused = await enrollment.admin.put(f"{org}/details",
                                             json={**ORG_DETAILS, "legal_name": name})
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"] == {"legal_name": ONE_LINE}, refused.text
    (email, location_id), = enrollment.locations.items()
    location = location_body("One Line Site", email)
    for field in ("name", "street", "city"):
        refused = await enrollment.admin.put(f"{org}/locations/{location_id}",
                                             json={**location, field: f"Main{FORGED}"})
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"] == {field: ONE_LINE}, refused.text
    kept = (await enrollment.admin.get(org)).json()
    assert kept["legal_name"] == ORG_DETAILS["legal_name"]


def test_every_one_line_field_type_refuses_a_line_break():
    """The field types one-line inputs are built from (an officer's and a portal user's title
    included); each would have stored the break."""
    from pydantic import TypeAdapter

    from models.enrollment_schemas import OfficerIn
    from models.fields import Name, OptionalText, ShortText, Text
    from models.portal_schemas import OptionalTitle

    for kind in (Text, ShortText, Name, OptionalText, OptionalTitle,
                 OfficerIn.model_fields["title"].annotation
                 if not OfficerIn.model_fields["title"].metadata
                 else typing.Annotated[str, *OfficerIn.model_fields["title"].metadata]):
        adapter = TypeAdapter(kind)
        assert adapter.validate_python("One line") == "One line"
        for bad in ("Two\nlines", "Back\u202ewards", "Tab\tbed"):
            try:
                adapter.validate_python(bad)
            except ValueError as error:
                assert ONE_LINE in str(error)
            else:
                raise AssertionError(f"{kind} took {bad!r}")


async def test_a_recipients_address_and_employer_are_one_line(system):
    """Found by the check of the fixes: a recipient's street, city and employer still took
    CR/LF and direction controls (walk-in API, the Recipient Portal's form), which reached
    the lists and the FHIR address as stored. Refused on the field, in Spanish too."""
    from tests.support.care import letters, person, vaccinating_site

    site = await vaccinating_site(system)
    for field, value in (("street", f"1 Main{FORGED}"), ("city", "Dur\u202eham"),
                         ("employer", "Acme\tMills")):
        sent = await site.provider.post(f"{site.care}/walk-ins", json={
            **person(letters(), None, "es", "health_care"), field: value})
        assert sent.status_code == 422, sent.text
        assert sent.json()["errors"] == {field: ONE_LINE}, sent.text
    from core import i18n

    with i18n.language("es"):
        assert i18n.gettext(ONE_LINE).startswith("Escríbalo en una sola línea")
