"""The signed agreement PDF: US Letter, tagged, numbered pages, signature blocks kept whole."""

import io
import re
from datetime import UTC, datetime

import pypdf

from api.domain.agreement_pdf import location_row, render_agreement
from models.enrollment import Location, Organization
from models.signatures import Signature

ROLES = ["ceo", "cmo", "coordinator"]


def _signatures(count: int) -> list[Signature]:
    return [Signature(
        id=i, organization_id=1, document="provider_agreement", document_version="2020-12-v1",
        signer_role=ROLES[i % 3], signer_name=f"Signer Number{i}", signer_email="s@example.org",
        content_sha256=f"{i:02d}" * 32, signed_content="{}", method="typed",
        typed_name=f"Signer Number{i}", ip_address="127.0.0.1",
        signed_at=datetime(2026, 12, 1, 20, 5, tzinfo=UTC)) for i in range(count)]


def _pdf(count: int = 12) -> pypdf.PdfReader:
    org = Organization(id=1, legal_name="Piedmont Health", street="5 Oak St", city="Durham",
                       state="NC", zip_code="27701", phone="9195551234", email="a@example.org",
                       org_type="hospital")
    location = Location(id=1, organization_id=1, name="East Site", street="9 Elm St",
                        city="Durham", state="NC", zip_code="27701", coordinator_name="Cora Ord",
                        coordinator_email="cora@example.org")
    return pypdf.PdfReader(io.BytesIO(render_agreement(org, [location_row(location)], _signatures(count), {})))


def _squashed(page: pypdf.PageObject) -> str:
    return re.sub(r"\s+", "", page.extract_text())


def test_agreement_pdf_is_letter_tagged_and_numbered():
    pdf = _pdf()
    assert len(pdf.pages) > 1
    for page in pdf.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == (612, 792)
    root = pdf.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    last = len(pdf.pages)
    assert f"Page{last}of{last}" in _squashed(pdf.pages[-1])
    text = pdf.pages[0].extract_text()
    assert "CDC COVID-19 Vaccination Program Provider Agreement" in text
    assert "Piedmont Health" in text


def test_every_signature_block_is_on_one_page_with_eastern_time_and_hash():
    pdf = _pdf()
    pages = [_squashed(page) for page in pdf.pages]
    for i, signature in enumerate(_signatures(12)):
        start = f"SignedbySignerNumber{i},"
        holding = [n for n, text in enumerate(pages) if start in text]
        assert len(holding) == 1, f"signature {i} is on pages {holding}"
        text = pages[holding[0]]
        block = text[text.index(start):]
        assert block.startswith(f"{start}ChiefExecutiveOfficer" if i % 3 == 0 else start)
        assert "December1,2026,3:05PMEST" in block.split("SHA-256")[0]
        assert f"SHA-256ofthesignedcontent:{signature.content_sha256}" in block
