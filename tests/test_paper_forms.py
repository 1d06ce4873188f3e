"""Printable paper forms for offline work: registration and administration in English and
Spanish (the same fields as the screens), and the location's inventory levels."""

import html
import io
import re
import uuid

from pypdf import PdfReader

from core import i18n
from models.eligibility import QUESTIONS
from tests.support.care import stock, vaccinating_site


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(
        io.BytesIO(pdf)).pages)


async def test_forms_print_in_both_languages_with_the_screens_fields(system):
    site = await vaccinating_site(system)
    lot = f"PF-{uuid.uuid4().hex[:5].upper()}"
    await stock(system, site, "207", lot, doses=10000)
    base = f"/care/{site.location_id}/forms"
    expected = {
        ("registration", "en"): ["Legal first name", "Date of birth", "ZIP code", "Industry"],
        ("registration", "es"): ["Fecha de nacimiento", "Inscripción para recibir la vacuna"],
        ("administration", "en"): ["Lot", "Date given", "Left deltoid", "Intramuscular",
                                   "Administering provider", "entered late",
                                   "Moderna COVID-19 Vaccine"],
        ("administration", "es"): ["Lote", "Fecha de administración", "Deltoides izquierdo",
                                   "ingresado tarde", "Vacuna contra el COVID-19 de Moderna",
                                   "Vacuna contra el COVID-19 de Novavax, con adyuvante"],
        ("inventory", "en"): [lot, "10,000", "Counted"],  # its separator, as on the pages
    }
    for (form, lang), words in expected.items():
        response = await site.readonly.get(f"{base}/{form}.pdf", params={"lang": lang})
        assert response.status_code == 200, response.text[:300]
        assert response.headers["content-type"] == "application/pdf"
        text = _text(response.content)
        missing = [w for w in words if w not in text]
        assert not missing, f"{form}/{lang} lacks {missing}: {text[:400]}"
        if lang == "es":  # the brand stays, the words describing the vaccine are Spanish
            assert "COVID-19 Vaccine" not in text, text
    assert (await site.readonly.get(f"{base}/other.pdf")).status_code == 404
    other = await vaccinating_site(system)
    assert (await other.manager.get(f"{base}/inventory.pdf")).status_code == 404


async def test_the_registration_form_asks_the_eligibility_questions(system):
    """A paper registration entered later gives an eligibility status: it asks the Recipient
    Portal's questionnaire, in the form's language."""
    site = await vaccinating_site(system)
    base = f"/care/{site.location_id}/forms/registration.pdf"
    for lang, heading, yes in (("en", "Questionnaire", "Yes"), ("es", "Cuestionario", "Sí")):
        text = _text((await site.readonly.get(base, params={"lang": lang})).content)
        with i18n.language(lang):
            questions = [i18n.gettext(q) for q in QUESTIONS.values()]
        missing = [q for q in questions if " ".join(q.split()) not in text]
        assert heading in text and f"{yes} No" in text and not missing, (lang, missing, text)


async def test_the_inventory_form_is_staff_english_in_full(system):
    """The inventory count sheet is staff work, in English like the staff pages: asked for in
    Spanish it is still English throughout (its headings were English under a Spanish footer)."""
    site = await vaccinating_site(system)
    response = await site.readonly.get(f"/care/{site.location_id}/forms/inventory.pdf",
                                       params={"lang": "es"})
    assert response.status_code == 200
    text = _text(response.content)
    assert "Inventory levels" in text and "Printed on" in text and "Impreso" not in text, text


async def test_the_point_of_care_page_links_the_paper_forms(system):
    """The forms for when the system is down are found from the point of care, by everyone
    who may print them, and each link gives its PDF."""
    site = await vaccinating_site(system)
    for client in (site.manager, site.provider, site.readonly):
        page = await client.get(f"/care/{site.location_id}")
        assert page.status_code == 200
        links = re.findall(r'href="(/care/\d+/forms/[^"]+)"', page.text)
        assert "Paper forms for when the system is down" in page.text
        assert {link.split("?")[0].rsplit("/", 1)[1] for link in links} == {
            "registration.pdf", "administration.pdf", "inventory.pdf"}
        assert any("lang=es" in link for link in links if "registration" in link)
        assert not any("lang=es" in link for link in links if "inventory" in link)
        for link in links:
            got = await client.get(html.unescape(link))
            assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"


async def test_the_registration_form_has_the_day_it_was_filled_in(system):
    """Found by the outside check: the walk-in page asks for "the day written on the form" of
    a paper registration entered later, and the registration form had no place for it, so
    whoever entered it had to guess (the registration date and its "entered late" mark come
    from it). The form now asks for the day it is filled in, and says it is entered with that
    day, in the form's language."""
    site = await vaccinating_site(system)
    base = f"/care/{site.location_id}/forms/registration.pdf"
    for lang, words in (("en", ["Today's date", "entered in the portal with the date "
                                "written above"]),
                        ("es", ["Fecha de hoy", "se ingresa en el portal con la fecha "
                                "escrita arriba"])):
        text = _text((await site.readonly.get(base, params={"lang": lang})).content)
        missing = [w for w in words if w not in text]
        assert not missing, (lang, missing, text)


async def test_the_inventory_form_shows_the_doses_promised_to_approved_transfers(system):
    """The count sheet showed the doses on hand only: doses approved for a transfer not
    shipped yet are on the shelf but not free, and the counting staff took them as free.
    Each lot says what is promised, to which transfer, and what is free."""
    from tests.support.inventory import request_transfer, transfer_status
    from tests.support.review import reviewer

    site, other = await vaccinating_site(system), await vaccinating_site(system)
    promised, free = f"PR-{uuid.uuid4().hex[:5].upper()}", f"FR-{uuid.uuid4().hex[:5].upper()}"
    lot = await stock(system, site, "207", promised, doses=1200)
    await stock(system, site, "207", free, doses=30)
    transfer = (await request_transfer(site.manager, site.location_id, other.location_id,
                                       lot, 1100)).json()
    state = await reviewer(system)
    assert (await state.post(f"/api/v1/transfers/{transfer['id']}/decision",
                             json={"decision": "approve"})).status_code == 200
    await transfer_status(site.manager, transfer["id"], "approved")
    response = await site.readonly.get(f"/care/{site.location_id}/forms/inventory.pdf")
    text = _text(response.content)
    assert "Promised (approved transfers)" in text and "Free Counted" in text, text
    assert f"{promised} " in text and f"1,200 1,100 to {transfer['number']} 100" in text, text
    assert "30 None 30" in text, text
    assert "keep them for the shipment" in text, text
