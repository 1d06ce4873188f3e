"""The signed agreement as a PDF: the text, the data signed, and every signature on it.

WeasyPrint prints an HTML template of the signing pages' family (`agreement/pdf.html`): US
Letter, a tagged PDF/UA document, page numbers, each signature block kept on one page.
"""

import base64
import json

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.concurrency import run_in_threadpool
from weasyprint import HTML

from api.pages import templates
from api.static_files import STATIC
from models.agreements import DOCUMENTS, PROVIDER_AGREEMENT, Document
from models.base import utcnow
from models.enrollment import Location, Organization, StoredFile
from models.enrollment_enums import OfficerRole
from models.signatures import Signature


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


def location_row(location: Location) -> dict[str, str]:
    """A location as the agreement lists it (the same keys the signed content uses)."""
    return {"location": location.name,
            "address": f"{location.street}, {location.city}, {location.state} "
                       f"{location.zip_code}",
            "coordinator": location.coordinator_name,
            "coordinator_email": location.coordinator_email}


def agreement_html(org: Organization, locations: list[dict[str, str]],
                   signatures: list[Signature], images: dict[int, bytes],
                   document: Document = PROVIDER_AGREEMENT, addendum: list[str] = ()) -> str:
    blocks = [_block(s, images.get(s.image_file_id or 0)) for s in signatures]
    return templates.env.get_template("agreement/pdf.html").render(
        document=document, org=org, locations=locations, signatures=blocks,
        addendum=list(addendum), printed_at=utcnow(), static=STATIC.as_uri())


def render_agreement(org: Organization, locations: list[dict[str, str]],
                     signatures: list[Signature], images: dict[int, bytes],
                     document: Document = PROVIDER_AGREEMENT, addendum: list[str] = ()) -> bytes:
    html = agreement_html(org, locations, signatures, images, document, addendum)
    # uncompressed, so the document metadata (who signed) stays findable by simple tools
    return HTML(string=html, base_url=str(STATIC)).write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=True)


async def _images(session: AsyncSession, signatures: list[Signature]) -> dict[int, bytes]:
    images = {}
    for signature in signatures:
        if signature.image_file_id:
            images[signature.image_file_id] = (await session.get(
                StoredFile, signature.image_file_id)).data
    return images


async def location_agreement(session: AsyncSession, location: Location,
                             signatures: list[Signature]) -> bytes:
    """A location's agreement with every signature on it (printed off the event loop)."""
    org = await session.get(Organization, location.organization_id)
    images = await _images(session, signatures)
    return await run_in_threadpool(render_agreement, org, [location_row(location)], signatures,
                                   images)


async def officer_copy(session: AsyncSession, signature: Signature) -> bytes:
    """What one officer signed, exactly as signed: the organization, every location covered,
    the addendum if any, and their signature."""
    org = await session.get(Organization, signature.organization_id)
    data = json.loads(signature.signed_content)["data"]
    return await run_in_threadpool(
        render_agreement, org, data["locations"], [signature],
        await _images(session, [signature]), DOCUMENTS[signature.document],
        data.get("addendum", []))
