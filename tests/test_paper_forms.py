"""Printable paper forms for offline work: registration and administration in English and
Spanish (the same fields as the screens), and the location's inventory levels."""

import io
import uuid

from pypdf import PdfReader

from tests.support.care import stock, vaccinating_site


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(
        io.BytesIO(pdf)).pages)


async def test_forms_print_in_both_languages_with_the_screens_fields(system):
    site = await vaccinating_site(system)
    lot = f"PF-{uuid.uuid4().hex[:5].upper()}"
    await stock(system, site, "207", lot, doses=30)
    base = f"/care/{site.location_id}/forms"
    expected = {
        ("registration", "en"): ["Legal first name", "Date of birth", "ZIP code", "Industry"],
        ("registration", "es"): ["Fecha de nacimiento", "Inscripción para recibir la vacuna"],
        ("administration", "en"): ["Lot", "Date given", "Left deltoid", "Intramuscular",
                                   "Administering provider", "entered late"],
        ("administration", "es"): ["Lote", "Fecha de administración", "Deltoides izquierdo",
                                   "ingresado tarde"],
        ("inventory", "en"): [lot, "30", "Counted"],
    }
    for (form, lang), words in expected.items():
        response = await site.readonly.get(f"{base}/{form}.pdf", params={"lang": lang})
        assert response.status_code == 200, response.text[:300]
        assert response.headers["content-type"] == "application/pdf"
        text = _text(response.content)
        missing = [w for w in words if w not in text]
        assert not missing, f"{form}/{lang} lacks {missing}: {text[:400]}"
    assert (await site.readonly.get(f"{base}/other.pdf")).status_code == 404
    other = await vaccinating_site(system)
    assert (await other.manager.get(f"{base}/inventory.pdf")).status_code == 404
