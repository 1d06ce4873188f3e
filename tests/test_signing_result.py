"""Found by the outside check: the officer's thank-you page was the signing form's answer
(reloading it posted the signature again and met "This link cannot be used"), and a used link
said nothing more was needed while the officer still had a document to sign. A signature now
leads (303) to a page that can be reloaded, and a used link names what is left."""

import re

from sqlmodel import select

from models.signatures import Signature
from tests.support.enrollment import complete_location, start_enrollment
from tests.support.review import SIGNING_SUBJECT, sign_token, signing_round, signing_tokens
from tests.support.web import browser

REDISTRIBUTION = "CDC Supplemental COVID-19 Vaccine Redistribution Agreement"
NOTHING_MORE = "Nothing more is needed from you"


async def test_a_signature_leads_to_a_page_to_reload_and_a_used_link_names_what_is_left(system):
    signing = await signing_round(system, "Result Clinic", redistribution=True)
    enrollment, tokens = signing.enrollment, signing.ceo_tokens
    officer = browser(system)
    pages = {token: (await officer.get(f"/sign/{token}")).text for token in tokens}
    provider = next(t for t, html in pages.items() if REDISTRIBUTION not in html.split(
        "<h1")[1].split("</h1>")[0])
    other = next(t for t in tokens if t != provider)
    document = re.search(r'name="document" value="([^"]+)"', pages[provider])[1]
    signed = await officer.submit(f"/sign/{provider}", {
        "signer_role": "ceo", "document": document, "method": "typed",
        "typed_name": "Cora Chief", "consent": "yes"})
    assert [r.status_code for r in signed.history] == [303], "the answer is a redirect"
    assert signed.url.path == f"/sign/{provider}/signed" and signed.status_code == 200
    assert "Thank you: the document is signed" in signed.text
    assert "Still waiting for your signature" in signed.text and REDISTRIBUTION in signed.text
    reloaded = await officer.get(f"/sign/{provider}/signed")
    assert reloaded.status_code == 200 and "Thank you: the document is signed" in reloaded.text
    assert REDISTRIBUTION in reloaded.text
    used = await officer.get(f"/sign/{provider}")
    assert used.status_code == 410 and "already used" in used.text
    assert REDISTRIBUTION in used.text and NOTHING_MORE not in used.text
    # the page's button emails a new link for what is left; the earlier one stops working
    renewed = await officer.submit(f"/sign/{provider}", {}, action=f"/sign/{provider}/renew")
    assert renewed.status_code == 200 and "A new link is on its way" in renewed.text
    mails = await system.smtp.wait_for(to=enrollment.ceo_email, subject=SIGNING_SUBJECT,
                                       count=2)
    fresh, = signing_tokens(mails[-1])
    assert (await officer.get(f"/sign/{other}")).status_code == 410
    assert (await sign_token(system, fresh, "ceo")).status_code == 201
    done = await officer.get(f"/sign/{provider}")
    assert done.status_code == 410 and NOTHING_MORE in done.text
    assert "Still waiting" not in done.text
    after = await officer.get(f"/sign/{provider}/signed")
    assert after.status_code == 200 and "Still waiting" not in after.text


async def test_the_result_page_of_an_unsigned_or_mistyped_link(system):
    signing = await signing_round(system, "Unsigned Clinic")
    token, = signing.ceo_tokens
    async with system.http() as http:
        early = await http.get(f"/sign/{token}/signed")
        assert early.status_code == 303 and early.headers["location"] == f"/sign/{token}"
        wrong = await http.get(f"/sign/{'x' * 43}/signed")
        assert wrong.status_code == 410 and "not valid" in wrong.text


async def test_the_signing_page_names_the_officer_one_way(system):
    """The page said "For Dana Whitfield, President" and "As President, you sign", where the
    email it came from, the signed copy and the rest of the portal name the officer with their
    role: "Dana Whitfield (Chief Executive Officer)"; the title is one of the details."""
    enrollment = await start_enrollment(system, ["Named Clinic"], submit=False)
    officer = {"name": "Dana Whitfield", "title": "President", "email": enrollment.ceo_email}
    url = f"/api/v1/organizations/{enrollment.org_id}"
    assert (await enrollment.admin.put(f"{url}/officers/ceo", json=officer)).status_code == 200
    assert (await enrollment.admin.post(f"{url}/submit")).status_code == 200
    (email, location_id), = enrollment.locations.items()
    await complete_location(system, email, location_id)
    mail = await system.smtp.one(to=enrollment.ceo_email, subject=SIGNING_SUBJECT)
    assert "As Chief Executive Officer of Wake Health Partners" in mail.text
    page = " ".join((await browser(system).get(f"/sign/{signing_tokens(mail)[0]}")).text.split())
    assert "For Dana Whitfield (Chief Executive Officer) &middot; Wake Health Partners" in page
    assert "As <strong>Chief Executive Officer</strong> of Wake Health Partners, you sign" in page
    assert ("<dt>Chief Executive Officer (CEO)</dt><dd>Dana Whitfield, President, "
            f"{enrollment.ceo_email}</dd>") in page
    assert page.count("Dana Whitfield, President") == 1 and "President</strong>" not in page
    assert 'id="typed_name" name="typed_name" value="Dana Whitfield"' in page


async def test_a_signature_sent_again_shows_the_signed_page_not_an_error(system):
    """A double press, or Back and "Sign" again, after the signature was recorded answered 410
    "This signing link was already used", as if something had gone wrong; the page and the API
    now answer with the signature made (the page: its thank-you page; the API: the same
    signature, 200), and nothing is signed twice."""
    signing = await signing_round(system, "Twice Pressed Clinic")
    token, = signing.ceo_tokens
    officer = browser(system)
    page = (await officer.get(f"/sign/{token}")).text
    form = {"signer_role": "ceo", "method": "typed", "typed_name": "Cora Chief",
            "consent": "yes",
            "document": re.search(r'name="document" value="([^"]+)"', page)[1]}
    first = await officer.submit(f"/sign/{token}", form)
    assert first.url.path == f"/sign/{token}/signed", first.text[:300]
    again = await officer.submit("/login", form, action=f"/sign/{token}")
    assert again.status_code == 200, again.text[:600]
    assert again.url.path == f"/sign/{token}/signed"
    assert "Thank you: the document is signed" in again.text
    async with system.http() as http:
        body = {"signer_role": "ceo", "document": form["document"], "method": "typed",
                "typed_name": "Cora Chief", "consent": True}
        retried = await http.post(f"/api/v1/signing/{token}", json=body)
        assert retried.status_code == 200, retried.text
    async with system.sessions() as session:
        made = (await session.exec(select(Signature.id).where(
            Signature.organization_id == signing.enrollment.org_id,
            Signature.signer_role == "ceo"))).all()
    assert made == [retried.json()["id"]], "one signature, the one answered"
