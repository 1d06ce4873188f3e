"""Proof of vaccination from the recipient's key link: a page and a PDF in English or Spanish
whose SMART Health Card QR code (read back from the PDF's image) is a JWS that verifies
against the served issuer key and carries the recipient's doses."""

import io
import json
import re
import uuid
from datetime import timedelta

import pytest
import zxingcpp
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont
from jwcrypto import jwk, jws
from jwcrypto.common import JWKeyNotFound
from pypdf import PdfReader

from api.domain import health_card
from models.base import utcnow
from models.care_rules import local_today
from models.recipient_rules import recipient_path
from tests.support.care import give, person, stock, vaccinating_site, walk_in

CVX = "http://hl7.org/fhir/sid/cvx"


def _qr_text(pdf: bytes) -> str:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    # QR codes only, each text once: a CI run once read a second "code" out of this one image
    # (all formats are tried by default, and a rotated or downscaled pass can find the same one)
    found = {r.text for image in page.images
             for r in zxingcpp.read_barcodes(image.image, formats=zxingcpp.BarcodeFormat.QRCode)}
    assert len(found) == 1, f"one QR code in the PDF, found {len(found)}"
    return found.pop()


async def test_the_pdf_qr_code_verifies_and_carries_the_doses(system):
    site = await vaccinating_site(system)
    lot_number = f"SH-{uuid.uuid4().hex[:5].upper()}"
    lot = await stock(system, site, "208", lot_number)
    person = await walk_in(site, email=f"p-{uuid.uuid4().hex[:6]}@example.org", language="es")
    today = local_today(utcnow())
    first = await give(site, person["id"], lot, on=today - timedelta(days=21))
    second = await give(site, person["id"], lot, dose_number=2, on=today - timedelta(days=1))
    wrong = await give(site, person["id"], lot, dose_number=3, on=today, confirmed=True)
    assert {first.status_code, second.status_code, wrong.status_code} == {201}
    await site.provider.post(f"/api/v1/administrations/{wrong.json()['id']}/removal",
                             json={"reason": "Entered twice"})
    link = recipient_path(system.settings.secret_key.get_secret_value(), person["id"])
    async with system.http() as http:
        page = await http.get(f"{link}/proof")
        assert page.status_code == 200 and "Su comprobante de vacunación" in page.text
        assert lot_number in page.text
        spanish = await http.get(f"{link}/proof.pdf")
        english = await http.get(f"{link}/proof.pdf", params={"lang": "en"})
        jwks = (await http.get("/.well-known/jwks.json")).json()
        stranger = await http.get(f"/r/{person['id']}/{'x' * 43}/proof.pdf")
    assert stranger.status_code == 404
    assert spanish.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(spanish.content)).pages[0].extract_text()
    assert "Registro de vacunación" in text and lot_number in text, text
    assert "COVID-19 vaccination record" in PdfReader(io.BytesIO(english.content)
                                                      ).pages[0].extract_text()
    # the document's properties (a viewer's title bar, "Properties") in its language too
    assert PdfReader(io.BytesIO(spanish.content)).metadata.author == (
        "Sección de Inmunización de Carolina del Norte, Sistema de Gestión de Vacunas contra "
        "el COVID-19")
    assert PdfReader(io.BytesIO(english.content)).metadata.author == (
        "NC Immunization Branch, COVID-19 Vaccine Management System")

    scanned = _qr_text(spanish.content)
    assert scanned.startswith("shc:/")
    credential = health_card.verify(health_card.from_numeric(scanned), jwks)
    assert credential["iss"] == system.settings.public_base_url
    entries = credential["vc"]["credentialSubject"]["fhirBundle"]["entry"]
    patient = entries[0]["resource"]
    assert patient["name"][0]["family"] == person["last_name"]
    doses = [(e["resource"]["occurrenceDateTime"], e["resource"]["lotNumber"],
              e["resource"]["vaccineCode"]["coding"][0]) for e in entries[1:]]
    assert doses == [(str(today - timedelta(days=21)), lot_number, {"system": CVX, "code": "208"}),
                     (str(today - timedelta(days=1)), lot_number, {"system": CVX, "code": "208"})]
    impostor = json.loads(jwk.JWK.generate(kty="EC", crv="P-256").export_public())
    with pytest.raises((jws.InvalidJWSSignature, JWKeyNotFound)):
        health_card.verify(health_card.from_numeric(scanned),
                           {"keys": [{**impostor, "kid": jwks["keys"][0]["kid"]}]})


async def test_the_pdf_of_someone_without_a_dose_is_a_page_saying_none_is_recorded(system):
    """Found by the outside check: with no dose recorded the proof page shows no download
    link, but its address (typed, bookmarked) gave a PDF proving nothing. It now answers 409
    with the portal's page, in the person's language, saying no dose is recorded yet and what
    to do; once a dose is recorded the PDF is there."""
    site = await vaccinating_site(system)
    person = await walk_in(site, language="es")
    link = recipient_path(system.settings.secret_key.get_secret_value(), person["id"])
    async with system.http() as http:
        spanish = await http.get(f"{link}/proof.pdf")
        english = await http.get(f"{link}/proof.pdf", params={"lang": "en"})
        lot = await stock(system, site, "208", f"ND-{uuid.uuid4().hex[:5].upper()}")
        assert (await give(site, person["id"], lot)).status_code == 201
        given = await http.get(f"{link}/proof.pdf")
    assert spanish.status_code == 409 and spanish.headers["content-type"].startswith("text/html")
    assert "Todavía no hay ninguna dosis registrada" in spanish.text, spanish.text[-2000:]
    assert "pida al lugar donde se vacunó que la registre" in spanish.text
    assert f'href="{link}/status"' in spanish.text and 'lang="es"' in spanish.text
    assert english.status_code == 409 and "No dose is recorded yet" in english.text
    assert "ask the site that vaccinated you to record it" in english.text
    assert given.status_code == 200 and given.headers["content-type"] == "application/pdf"


async def test_the_spanish_pdf_names_its_doses_once(system):
    """Found by the outside check: the Spanish PDF said "Dosis recibidas" twice, its heading
    ("Doses") and its table's caption ("Doses received") translated alike. The heading is
    "Dosis", the caption "Dosis recibidas", as the English says "Doses" and "Doses received"."""
    site = await vaccinating_site(system)
    person = await walk_in(site, language="es")
    lot = await stock(system, site, "208", f"DR-{uuid.uuid4().hex[:5].upper()}")
    assert (await give(site, person["id"], lot)).status_code == 201
    link = recipient_path(system.settings.secret_key.get_secret_value(), person["id"])
    async with system.http() as http:
        pdf = await http.get(f"{link}/proof.pdf")
    lines = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text().splitlines()
    assert lines.count("Dosis recibidas") == 1 and "Dosis" in lines, lines


async def test_a_spanish_reader_sees_the_vaccine_described_in_spanish_with_its_brand(system):
    """Found by the outside check: Spanish pages named the vaccine "Pfizer-BioNTech COVID-19
    Vaccine". The brand is a proper name and stays; the words describing it are Spanish, on
    the status page's dose list, the proof page and its PDF (the English ones unchanged)."""
    site = await vaccinating_site(system)
    person = await walk_in(site, language="es")
    lot = await stock(system, site, "217", f"VN-{uuid.uuid4().hex[:5].upper()}")
    assert (await give(site, person["id"], lot)).status_code == 201
    link = recipient_path(system.settings.secret_key.get_secret_value(), person["id"])
    spanish = "Vacuna contra el COVID-19 de Pfizer-BioNTech, para 12 años o más (tapa gris)"
    english = "Pfizer-BioNTech COVID-19 Vaccine, 12 years and older (gray cap)"
    async with system.http() as http:
        read = {"status": (await http.get(f"{link}/status")).text,
                "proof": (await http.get(f"{link}/proof")).text,
                "pdf": " ".join(PdfReader(io.BytesIO((await http.get(f"{link}/proof.pdf")).content)
                                          ).pages[0].extract_text().split())}
        in_english = " ".join(PdfReader(io.BytesIO((await http.get(
            f"{link}/proof.pdf", params={"lang": "en"})).content)).pages[0].extract_text().split())
    for where, text in read.items():
        text = text.replace("Pfizer- BioNTech", "Pfizer-BioNTech")  # the PDF's line break
        assert spanish in text and "COVID-19 Vaccine" not in text, (where, text[-3000:])
    assert english in in_english and "Vacuna contra" not in in_english, in_english


def _drawn(pdf: bytes) -> dict[str, bool]:
    """Each character the PDF's text shows, and whether the glyph drawn for it has an outline
    in the font embedded for it (an empty box, the missing-glyph "tofu", is glyph 0 or none)."""
    drawn: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            cid_font = font["/DescendantFonts"][0].get_object()
            assert cid_font["/CIDToGIDMap"] == "/Identity", cid_font
            described = cid_font["/FontDescriptor"].get_object()
            program = next(described[k].get_object().get_data()
                           for k in ("/FontFile2", "/FontFile3", "/FontFile") if k in described)
            glyphs = TTFont(io.BytesIO(program))
            names, shapes = glyphs.getGlyphOrder(), glyphs.getGlyphSet()
            cmap = font["/ToUnicode"].get_object().get_data().decode()
            for gid, text in re.findall(r"<([0-9a-f]{4})> <([0-9a-f]+)>", cmap):
                gid, text = int(gid, 16), bytes.fromhex(text).decode("utf-16-be")
                pen = BoundsPen(shapes)
                if 0 < gid < len(names):
                    shapes[names[gid]].draw(pen)
                for c in text:
                    drawn[c] = drawn.get(c, False) or pen.bounds is not None
    return drawn


@pytest.mark.parametrize("first, last", [("小明", "王"), ("محمد", "الحسيني"),
                                         ("Наталья", "Иванова"), ("प्रिया", "शर्मा")])
async def test_a_name_in_any_script_is_printed_in_letters_not_empty_boxes(system, first, last):
    """Found by the outside check: a recipient named in Chinese (王小明) got a proof whose name
    was a row of empty boxes: no font on the machine had the letters. The project installs
    fonts for Chinese, Japanese and Korean and for the other scripts people write names in
    (README, .ci/run, the Dockerfile), and every letter of the name is drawn from a font
    embedded in the PDF."""
    site = await vaccinating_site(system)
    response = await site.provider.post(f"{site.care}/walk-ins", json={
        **person("x"), "first_name": first, "last_name": last})
    assert response.status_code == 201, response.text
    lot = await stock(system, site, "208", f"SC-{uuid.uuid4().hex[:5].upper()}")
    assert (await give(site, response.json()["id"], lot)).status_code == 201
    link = recipient_path(system.settings.secret_key.get_secret_value(), response.json()["id"])
    async with system.http() as http:
        pdf = (await http.get(f"{link}/proof.pdf", params={"lang": "en"})).content
    drawn = _drawn(pdf)
    missing = {c for c in first + last if not drawn.get(c)}
    assert not missing, f"no letter drawn for {sorted(missing)}"
