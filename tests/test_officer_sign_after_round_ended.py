"""An officer's signature refused because the round's process has ended meanwhile (not the
form's fault) comes back as the coordinators' Section B refusals do: by a redirect to the
signing page with the message, so a reload sends nothing again (Post/Redirect/Get)."""

import re

from sqlmodel import select

from models.links import SIGNING_PURPOSE, find_link
from models.review import SigningRequest, SigningRound
from tests.support.review import ceo_signing_token
from tests.support.web import browser
from workflows import ids


async def test_a_signature_refused_by_an_ended_round_redirects_back_with_its_message(system):
    token = await ceo_signing_token(system, "Ended Round Clinic")
    async with system.sessions() as session:
        link = await find_link(session, SIGNING_PURPOSE, token)
        request = await session.get(SigningRequest, link.subject_id)
        signing_round = (await session.exec(select(SigningRound).where(
            SigningRound.id == request.round_id))).one()
    await system.client.get_workflow_handle(
        ids.signing_round(signing_round.organization_id, signing_round.number)).terminate()
    officer = browser(system)
    shown = await officer.get(f"/sign/{token}")
    document = re.search(r'name="document" value="([^"]+)"', shown.text)[1]
    answer = await officer.submit(f"/sign/{token}", {
        "signer_role": "ceo", "document": document, "method": "typed",
        "typed_name": "Cecilia Ejecutiva", "consent": "yes"})
    assert [r.status_code for r in answer.history] == [303], answer.text[:300]
    assert answer.history[0].headers["location"] == f"/sign/{token}"
    assert "already finished" in answer.text, answer.text[:500]
