"""A required phone or ZIP code left blank says it is required, as every other blank field
does, in Spanish too; one typed wrong says what it wants."""

import re

from api.domain.recipient_files import read_upload
from models.recipient_rules import validate_rows
from tests.support.recipients import HEADER, csv_file, person, tag
from tests.support.web import browser

ZIP = HEADER.index("ZIP Code")


async def test_a_blank_phone_or_zip_code_is_said_to_be_required():
    t = tag()
    blank, wrong = person(1, t), person(2, t)
    blank[HEADER.index("Phone")], blank[ZIP] = "", " "
    wrong[HEADER.index("Phone")], wrong[ZIP] = "555-12", "276"
    _kind, read = await read_upload("people.csv", csv_file([blank, wrong]))
    _valid, errors = validate_rows(read)
    assert {(e["row"], e["column"]): e["message"] for e in errors} == {
        (2, "Phone"): "This field is required.", (2, "ZIP Code"): "This field is required.",
        (3, "Phone"): "Enter a 10-digit phone number, like 919-555-0100.",
        (3, "ZIP Code"): "Enter a 5-digit ZIP code, like 27601."}


def said(page: str, field: str) -> str:
    found = re.search(rf'id="{field}-error">\s*([^<]*?)\s*<', page)
    return found[1] if found else ""


async def test_a_blank_phone_is_required_on_the_registration_form_in_spanish(system):
    from tests.support.recipients import form_of
    from tests.test_recipient_portal import answers, invited

    _manager, _http, mail, _line = await invited(system, "Spanish")
    link = mail.link("/r/")
    visitor = browser(system)
    page = await visitor.get(link)
    values = {**form_of(page.text), **answers()}
    blank = await visitor.submit(link, {**values, "phone": "", "zip_code": ""})
    assert blank.status_code == 400 and '<html lang="es">' in blank.text
    assert said(blank.text, "phone") == "Este campo es obligatorio.", said(blank.text, "phone")
    assert said(blank.text, "zip_code") == "Este campo es obligatorio."
    wrong = await visitor.submit(link, {**values, "phone": "555-12", "zip_code": "2134"})
    assert said(wrong.text, "phone").startswith("Escriba un número de teléfono de 10 dígitos")
    assert said(wrong.text, "zip_code") and "obligatorio" not in said(wrong.text, "zip_code")
    assert 'value="555-12"' in wrong.text and 'value="2134"' in wrong.text
