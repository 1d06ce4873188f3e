"""The signed agreement as a PDF: the text, the data signed, and every signature on it.

WeasyPrint prints an HTML template of the signing pages' family (`agreement/pdf.html`): US
Letter, a tagged PDF/UA document, page numbers, each signature block kept on one page.
"""

import base64
from pathlib import Path

from weasyprint import HTML

from api.pages import templates
from models.agreements import DOCUMENTS, PROVIDER_AGREEMENT
from models.base import utcnow
from models.enrollment import Location, Organization
from models.enrollment_enums import OfficerRole
from models.signatures import Signature

STATIC = Path(__file__).resolve().parent.parent / "static"


def _role(role: str) -> str:
    return OfficerRole(role).label if role in {r.value for r in OfficerRole} else "Primary Vaccine Coordinator"


def _block(signature: Signature, image: bytes | None) -> dict:
    document = DOCUMENTS[signature.document]
    return {"title": document.title, "version": signature.document_version,
            "signer_name": signature.signer_name, "role": _role(signature.signer_role),
            "email": signature.signer_email, "signed_at": signature.signed_at,
            "ip_address": signature.ip_address, "typed_name": signature.typed_name,
            "sha256": signature.content_sha256,
            "image": "data:image/png;base64," + base64.b64encode(image).decode() if image
            else None}


def agreement_html(org: Organization, location: Location, signatures: list[Signature],
                   images: dict[int, bytes]) -> str:
    blocks = [_block(s, images.get(s.image_file_id or 0)) for s in signatures]
    return templates.env.get_template("agreement/pdf.html").render(
        document=PROVIDER_AGREEMENT, org=org, location=location, signatures=blocks,
        printed_at=utcnow(), static=STATIC.as_uri())


def render_agreement(org: Organization, location: Location, signatures: list[Signature],
                     images: dict[int, bytes]) -> bytes:
    html = agreement_html(org, location, signatures, images)
    # uncompressed, so the document metadata (who signed) stays findable by simple tools
    return HTML(string=html, base_url=str(STATIC)).write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=True)
