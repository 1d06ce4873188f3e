"""The signed agreement as a PDF: the text, the data signed, and every signature on it."""

from io import BytesIO

from fpdf import FPDF

from models.agreements import DOCUMENTS, PROVIDER_AGREEMENT
from models.enrollment import Location, Organization
from models.signatures import Signature


def _latin(text: str) -> str:
    """The PDF's core fonts are Latin-1; anything else is shown as '?' rather than failing."""
    return text.replace("\u2013", "-").replace("\u2014", "-").encode(
        "latin-1", "replace").decode("latin-1")


class AgreementPdf(FPDF):
    def header(self) -> None:
        self.set_font("helvetica", "B", 9)
        self.cell(0, 6, "NC COVID-19 Vaccine Management System - signed agreement", align="R")
        self.ln(8)

    def para(self, text: str, size: int = 10, style: str = "") -> None:
        self.set_font("helvetica", style, size)
        self.multi_cell(0, 5, _latin(text))
        self.ln(1)


def render_agreement(org: Organization, location: Location, signatures: list[Signature],
                     images: dict[int, bytes]) -> bytes:
    pdf = AgreementPdf()
    pdf.set_compression(False)  # text stays searchable by simple tools
    pdf.add_page()
    pdf.para(PROVIDER_AGREEMENT.title, 15, "B")
    pdf.para(f"Organization: {org.legal_name}, {org.street}, {org.city}, {org.state} "
             f"{org.zip_code}")
    pdf.para(f"Location: {location.name}, {location.street}, {location.city}, {location.state} "
             f"{location.zip_code}")
    pdf.para(f"Primary vaccine coordinator: {location.coordinator_name} "
             f"({location.coordinator_email})")
    pdf.para(PROVIDER_AGREEMENT.text)
    pdf.para("Signatures", 13, "B")
    for signature in signatures:
        _signature(pdf, signature, images.get(signature.image_file_id or 0))
    return bytes(pdf.output())


def _signature(pdf: AgreementPdf, signature: Signature, image: bytes | None) -> None:
    title = DOCUMENTS[signature.document].title
    pdf.para(f"{title} (version {signature.document_version})", 11, "B")
    pdf.para(f"Signed by {signature.signer_name}, {signature.signer_role.upper()}, "
             f"{signature.signer_email}, on {signature.signed_at:%Y-%m-%d %H:%M UTC} "
             f"from {signature.ip_address or 'unknown address'}.", 9)
    pdf.para(f"SHA-256 of the signed content: {signature.content_sha256}", 8)
    if image:
        pdf.image(BytesIO(image), w=60)
    else:
        pdf.para(f"/s/ {signature.typed_name}", 14, "I")
    pdf.ln(2)
