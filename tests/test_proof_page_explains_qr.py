"""The proof of vaccination page says what its QR code is and what it carries, as its PDF does
(found by the outside check: the page showed a "SMART Health Card" heading and a bare code)."""

import uuid

from models.recipient_rules import recipient_path
from tests.support.care import give, stock, vaccinating_site, walk_in


async def test_the_proof_page_explains_its_qr_code_in_both_languages(system):
    site = await vaccinating_site(system)
    lot = await stock(system, site, "212", f"QR-{uuid.uuid4().hex[:5].upper()}")
    person = await walk_in(site)
    assert (await give(site, person["id"], lot)).status_code == 201
    link = recipient_path(system.settings.secret_key.get_secret_value(), person["id"])
    async with system.http() as http:
        english = await http.get(f"{link}/proof", headers={"Cookie": "cvms_lang=en"})
        spanish = await http.get(f"{link}/proof", headers={"Cookie": "cvms_lang=es"})
    assert "Scan this code with a SMART Health Card verifier app" in english.text
    assert "Escanee este código con una aplicación verificadora" in spanish.text
