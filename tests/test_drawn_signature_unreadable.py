"""A drawn signature that is not a readable PNG (a broken pad, a client's own image) was
refused with "This file is not a picture we can read. Upload a JPEG or PNG photo taken of the
storage unit.": an officer signing the agreement was told to upload a storage unit's photo
(found by the outside check). Now it says the drawn signature could not be read."""

import base64

from tests.support.enrollment import complete_location, start_enrollment
from tests.support.review import SIGNING_SUBJECT, signing_tokens

NOT_PNG = "data:image/png;base64," + base64.b64encode(b"GIF89a not really a png").decode()


async def test_an_unreadable_drawing_is_named_as_the_signature(system):
    enrollment = await start_enrollment(system, ["Drawn Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await complete_location(system, email, location_id)
    mail = await system.smtp.one(to=enrollment.ceo_email, subject=SIGNING_SUBJECT)
    token, = signing_tokens(mail)
    async with system.http() as http:
        refused = await http.post(f"/api/v1/signing/{token}", json={
            "signer_role": "ceo", "document": "provider_agreement", "method": "drawn",
            "image": NOT_PNG, "consent": True})
    assert refused.status_code == 422, refused.text
    said = refused.json()["errors"]["signature"]
    assert "storage unit" not in said and "drawn signature could not be read" in said, said

    # the coordinator's signatures on Section B take the same path
    reopened = await coordinator.get(f"/api/v1/locations/{location_id}/section-b")
    assert reopened.status_code == 200
    page = await coordinator.post(
        f"/api/v1/locations/{location_id}/section-b/signatures/provider_agreement",
        json={"method": "drawn", "image": NOT_PNG, "consent": True})
    assert "storage unit" not in page.text, page.text
