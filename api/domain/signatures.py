"""Recording a signature ("adopt and use"): the exact content, its hash, and how it was given."""

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.files import decode_signature_image, off_the_loop, store_file
from core.errors import Invalid
from models.agreements import DOCUMENTS, DocumentKind, canonical, content_hash
from models.enrollment_schemas import SignatureIn, signature_problems
from models.signatures import Signature


@dataclass(frozen=True)
class Client:
    """Where a signature came from."""

    ip: str | None
    user_agent: str | None


def client_of(request: Request) -> Client:
    return Client(ip=request.client.host if request.client else None,
                  user_agent=request.headers.get("user-agent"))


async def adopted_image(session: AsyncSession, data: SignatureIn) -> int | None:
    """Check consent and the typed name or drawn image; store a drawn image (its id)."""
    problems = signature_problems(data.consent, data.method, data.typed_name)
    if problems:  # both at once: consent and the typed name
        raise Invalid(" ".join(problems.values()), errors=problems)
    if data.method == "typed":
        return None
    png = await off_the_loop(decode_signature_image, data.image or "", "signature")
    return (await store_file(session, png, filename="signature.png",
                             content_type="image/png")).id


async def record_signature(session: AsyncSession, *, kind: DocumentKind, data: SignatureIn,
                           client: Client, signer_name: str, signer_email: str,
                           signer_role: str, organization_id: int,
                           content: dict[str, Any]) -> Signature:
    document = DOCUMENTS[kind]
    image_id = await adopted_image(session, data)
    signature = Signature(
        organization_id=organization_id, document=kind, document_version=document.version,
        signer_role=signer_role, signer_name=signer_name, signer_email=signer_email,
        content_sha256=content_hash(document, content), signed_content=canonical(document, content),
        method=data.method, typed_name=data.typed_name if data.method == "typed" else None,
        image_file_id=image_id, ip_address=client.ip, user_agent=(client.user_agent or "")[:400])
    session.add(signature)
    await session.flush()
    return signature
