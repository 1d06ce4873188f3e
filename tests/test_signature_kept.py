"""Found by the outside check (keyboard enrollment): a refused signing form came back with the
account's name in the signature field, "Type my name" chosen and consent unticked, so ticking
the box and pressing Enter again adopted a signature the person never typed. Each signing page
(Section B steps 11 and 12, the officers' page) now comes back as the person left it."""

import re

from tests.support.enrollment import fill_section_b
from tests.support.review import ceo_signing_token
from tests.support.web import browser
from tests.test_section_b_pages import coordinator_both_ways

TYPED = "Carla Q. Coordinadora"


def kept_as_typed(html: str, name: str) -> None:
    assert re.search(rf'id="typed_name" name="typed_name" value="{re.escape(name)}"', html), \
        re.search(r'<input[^>]*id="typed_name"[^>]*>', html)[0]
    assert re.search(r'id="method-typed" name="method" value="typed" checked', html)
    assert not re.search(r'id="method-drawn" name="method" value="drawn" checked', html)


def kept_as_drawn_with_consent(html: str) -> None:
    assert re.search(r'id="method-drawn" name="method" value="drawn" checked', html)
    assert not re.search(r'id="method-typed" name="method" value="typed" checked', html)
    assert re.search(r'id="consent-box" name="consent" value="yes" checked', html)


async def test_section_b_signatures_come_back_as_typed_after_a_refusal(system):
    coordinator, person, location_id = await coordinator_both_ways(system, "Kept Sign Clinic")
    await fill_section_b(coordinator, location_id)
    base = f"/locations/{location_id}/section-b"
    for step in ("agreement", "attestation"):
        unticked = await person.submit(f"{base}/{step}", {
            "method": "typed", "typed_name": TYPED, "action": "sign"})
        assert unticked.status_code == 422, unticked.text[:300]
        assert 'id="consent-error"' in unticked.text
        kept_as_typed(unticked.text, TYPED)
        # an empty drawing with consent: refused for the drawing, the rest kept
        undrawn = await person.submit(f"{base}/{step}", {
            "method": "drawn", "typed_name": TYPED, "image": "", "consent": "yes",
            "action": "sign"})
        assert undrawn.status_code in (400, 422), undrawn.text[:300]
        kept_as_drawn_with_consent(undrawn.text)
        # Next, Previous or Pause after filling it in (the buttons sat in a form of their
        # own, so the signature was dropped): the page stops and keeps it
        for action in ("next", "previous", "pause"):
            unsigned = await person.submit(f"{base}/{step}", {
                "method": "typed", "typed_name": TYPED, "consent": "yes", "action": action})
            assert unsigned.status_code in (400, 422), (action, unsigned.text[:300])
            button = "Adopt and use, and submit Section B" if step == "attestation" \
                else "Adopt and use"
            assert f"choose &#34;{button}&#34; to sign" in unsigned.text \
                or f"choose &quot;{button}&quot; to sign" in unsigned.text, unsigned.text[:300]
            assert "did not sign" in unsigned.text and 'id="consent-box" name="consent" ' \
                'value="yes" checked' in unsigned.text, action
            kept_as_typed(unsigned.text, TYPED)
        kept = await person.submit(f"{base}/{step}", {
            "method": "typed", "typed_name": "", "consent": "yes", "action": "sign"})
        assert "Type your full name to sign." in kept.text
        assert 'id="typed_name" name="typed_name" value=""' in kept.text  # not the account's
        if step == "agreement":
            signed = await coordinator.post(
                f"/api/v1/locations/{location_id}/section-b/signatures/provider_agreement",
                json={"method": "typed", "typed_name": TYPED, "consent": True})
            assert signed.status_code == 201, signed.text


async def test_the_officers_signature_comes_back_as_typed_after_a_refusal(system):
    token = await ceo_signing_token(system, "Kept Officer Clinic")
    officer = browser(system)
    shown = await officer.get(f"/sign/{token}")
    document = re.search(r'name="document" value="([^"]+)"', shown.text)[1]
    body = {"signer_role": "ceo", "document": document}
    typed = "Cecilia E. Ejecutiva 🖋"
    unticked = await officer.submit(f"/sign/{token}", {
        **body, "method": "typed", "typed_name": typed})
    assert unticked.status_code == 422, unticked.text[:300]
    assert 'id="consent-error"' in unticked.text
    kept_as_typed(unticked.text, typed)
    undrawn = await officer.submit(f"/sign/{token}", {
        **body, "method": "drawn", "typed_name": typed, "image": "", "consent": "yes"})
    assert undrawn.status_code in (400, 422), undrawn.text[:300]
    kept_as_drawn_with_consent(undrawn.text)
