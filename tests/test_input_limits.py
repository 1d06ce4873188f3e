"""What a form takes, its record keeps, and its page lets a person type, all agree.

An input model that allowed more characters than its column holds let a 150-character portal
contact's title through validation to the database, where Postgres refused it and the person
was told only "One of the values is too long", naming no field. A page's input that let a person
type more than its form takes (a case's subject: 300 against 200) refused what the browser had
accepted. Found by the outside check of 2026-12-03."""

import re
import typing

import annotated_types
import pytest

from api.domain.helpdesk_console import ConsoleFilters
from models.accounts import User
from models.employers import Employer, EmployerContact
from models.enrollment import Location, Organization, PracticingProvider, ResponsibleOfficer
from models.enrollment_schemas import (
    LocationIn,
    OfficerIn,
    OrganizationDetailsIn,
    ProviderIn,
)
from models.enums import Role
from models.helpdesk import Article, Case
from models.helpdesk_schemas import ArticleIn, CaseIn, PublicQuestionIn
from models.portal_schemas import ContactIn, EmployerIn, PortalContactEdit, PortalContactIn
from tests.support.accounts import make_user
from tests.support.helpdesk import register_requester
from tests.support.web import Browserish

# (form, the table it is stored in)
STORED_IN = [(PortalContactIn, User), (PortalContactEdit, User), (ContactIn, EmployerContact),
             (EmployerIn, Employer), (LocationIn, Location), (OrganizationDetailsIn, Organization),
             (CaseIn, Case), (PublicQuestionIn, Case), (ArticleIn, Article),
             (OfficerIn, ResponsibleOfficer), (ProviderIn, PracticingProvider)]


def most(field) -> int | None:
    """A field's max_length, wherever pydantic keeps it (on the field, or inside an Optional)."""
    found = [r.max_length for r in field.metadata if isinstance(r, annotated_types.MaxLen)]
    for arg in typing.get_args(field.annotation):
        for meta in getattr(arg, "__metadata__", ()):
            found += [r.max_length for r in getattr(meta, "metadata", [])
                      if isinstance(r, annotated_types.MaxLen)]
    return min(found) if found else None


@pytest.mark.parametrize(("form", "table"), STORED_IN, ids=lambda m: m.__name__)
def test_no_form_takes_more_than_its_column_holds(form, table):
    columns = {c.name: c for c in table.__table__.columns}
    for name, field in form.model_fields.items():
        length = getattr(columns[name].type, "length", None) if name in columns else None
        takes = most(field)
        if length and takes:
            assert takes <= length, f"{form.__name__}.{name} takes {takes}, {table.__name__} " \
                                    f"holds {length}"


def maxlength(html: str, name: str) -> int:
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', html)
    assert tag, f"no input {name}"
    found = re.search(r'maxlength="(\d+)"', tag[0])
    assert found, f"input {name} has no maxlength"
    return int(found[1])


async def test_pages_let_a_person_type_what_their_form_takes(system):
    async with system.http(follow_redirects=True) as http:
        ask = await http.get("/help/ask")
        assert maxlength(ask.text, "name") == most(PublicQuestionIn.model_fields["name"]) == 160
    _requester, email = await register_requester(system)
    async with system.http(follow_redirects=True) as http:
        person = Browserish(http)
        await person.login(email)
        new_case = await http.get("/help/cases/new")
        assert maxlength(new_case.text, "subject") == most(CaseIn.model_fields["subject"]) == 200
    agent = await make_user(system, Role.HELPDESK_AGENT, team="general")
    async with system.http(follow_redirects=True) as http:
        staff = Browserish(http)
        await staff.login(agent.email)
        console = await http.get("/helpdesk")
        assert maxlength(console.text, "q") == most(ConsoleFilters.model_fields["q"])


async def test_a_page_address_naming_nothing_is_not_found_and_the_api_names_the_part(system):
    """Edited by hand (/help/cases/abc): a page answers 'not found', as for a case that is not
    there; the API tells a client which part of the address is wrong."""
    requester, email = await register_requester(system)
    async with system.http(follow_redirects=True) as http:
        await Browserish(http).login(email)
        for path in ("/help/cases/abc", "/help/cases/0", "/help/articles/-1"):
            page = await http.get(path)
            assert page.status_code == 404, (path, page.status_code)
            assert "could not find that page" in page.text
            assert "Enter a whole number" not in page.text
    refused = await requester.get("/api/v1/helpdesk/cases/abc")
    assert refused.status_code == 422 and "case_id" in refused.json()["errors"], refused.text
