"""A process step that looks for a row its caller commits a moment after the action is
accepted (the API flushes, the process accepts, the API commits) finds it in the same attempt:
no failed attempt, no retry a second later for the person to wait on."""

import asyncio
import base64
import uuid
from io import BytesIO

import pytest
from PIL import Image, ImageDraw
from sqlmodel import select
from temporalio.exceptions import ApplicationError

from activities.mailer import present
from models.accounts import User
from models.enrollment import StoredFile
from models.enums import AccountStatus, Role
from models.signatures import Signature
from tests.support.enrollment import complete_location, start_enrollment
from tests.support.review import SIGNING_SUBJECT, signing_tokens


async def test_a_row_committed_a_moment_later_is_found_in_the_same_look(system):
    async with system.sessions() as api, system.sessions() as step:
        user = User(email=f"late-{uuid.uuid4().hex[:8]}@example.org", first_name="Lena",
                    last_name="Late", role=Role.ORG_ADMIN, status=AccountStatus.ACTIVE)
        api.add(user)
        await api.flush()  # the API's pending row: not visible to the step yet
        await step.get(User, -1)  # steps read other rows first (a signature: its request)
        looking = asyncio.create_task(present(step, User, user.id, "account"))
        await asyncio.sleep(0.15)
        assert not looking.done(), "the step gave up before the caller committed"
        await api.commit()
        found = await asyncio.wait_for(looking, 2)
    assert found.email == user.email


async def test_a_row_that_never_comes_is_reported_missing(system):
    async with system.sessions() as step:
        with pytest.raises(ApplicationError, match="account 987654321 not found"):
            await present(step, User, 987654321, "account")


def drawn_signature() -> str:
    """A signature pad's PNG: dark strokes on a transparent background."""
    image = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(20, 70), (120, 30), (200, 75), (280, 25)], fill=(0, 0, 0, 255),
                               width=4)
    out = BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


async def test_an_officer_signs_with_a_drawn_signature(system):
    """The API stores the drawn image and commits it once the signing is accepted; the step
    that records the signature finds it and keeps it with the signature."""
    enrollment = await start_enrollment(system, ["Drawn Clinic"])
    (email, location_id), = enrollment.locations.items()
    await complete_location(system, email, location_id)
    mail = await system.smtp.one(to=enrollment.ceo_email, subject=SIGNING_SUBJECT)
    token = signing_tokens(mail)[0]
    async with system.http() as http:
        document = (await http.get(f"/api/v1/signing/{token}")).json()["document"]
        signed = await http.post(f"/api/v1/signing/{token}", json={
            "signer_role": "ceo", "document": document, "method": "drawn",
            "image": drawn_signature(), "consent": True})
    assert signed.status_code == 201, signed.text
    async with system.sessions() as session:
        signature = (await session.exec(select(Signature).where(
            Signature.signer_email == enrollment.ceo_email.lower()))).one()
        image = await session.get(StoredFile, signature.image_file_id)
    assert (signature.method, image.content_type) == ("drawn", "image/png")
    assert Image.open(BytesIO(image.data)).getbbox() is not None, "the strokes were kept"
