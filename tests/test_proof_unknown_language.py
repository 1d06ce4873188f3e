"""The proof of vaccination PDF's `?lang=` names its language; a value none of ours (a link
typed or tampered with: French, a quote, a long string) is answered in English, as an unknown
language is everywhere: the PDF, its file name, and the page said when no dose is recorded.
It is not the person's own language (Spanish here), nor an error, nor echoed into a header."""

import io
import uuid

from pypdf import PdfReader

from models.recipient_rules import recipient_path
from tests.support.care import give, stock, vaccinating_site, walk_in

UNKNOWN = ("fr", "ES-mx", 'x"; filename="evil.exe', "e" * 300)


async def test_an_unknown_lang_gives_the_english_pdf(system):
    site = await vaccinating_site(system)
    lot = await stock(system, site, "208", f"LG-{uuid.uuid4().hex[:5].upper()}")
    person = await walk_in(site, language="es")
    assert (await give(site, person["id"], lot)).status_code == 201
    nobody = await walk_in(site, language="es")
    secret = system.settings.secret_key.get_secret_value()
    link, empty = recipient_path(secret, person["id"]), recipient_path(secret, nobody["id"])
    async with system.http() as http:
        spanish = await http.get(f"{link}/proof.pdf")
        assert "Registro de vacunación" in PdfReader(io.BytesIO(spanish.content)
                                                     ).pages[0].extract_text()
        # named in the record's language too (it was "vaccination-record-es.pdf")
        assert spanish.headers["content-disposition"] == (
            'attachment; filename="registro-de-vacunacion-es.pdf"')
        for lang in UNKNOWN:
            pdf = await http.get(f"{link}/proof.pdf", params={"lang": lang})
            assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
            assert pdf.headers["content-disposition"] == (
                'attachment; filename="vaccination-record-en.pdf"'), lang
            text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
            assert "COVID-19 vaccination record" in text and "Registro" not in text, lang
            none = await http.get(f"{empty}/proof.pdf", params={"lang": lang})
            assert none.status_code == 409 and '<html lang="en">' in none.text, lang
