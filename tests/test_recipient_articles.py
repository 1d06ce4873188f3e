"""The knowledge base answers vaccine recipients too (found by the outside check: searching the
help centre for "proof of vaccination" or "appointment" found nothing): their personal link,
appointments and proof of vaccination, shipped by migration 0011g."""

import urllib.parse


async def test_recipients_find_answers_about_their_link_appointments_and_proof(system):
    async with system.http() as anonymous:
        for query, title in (("proof of vaccination", "Your proof of vaccination and its QR code"),
                             ("appointment", "Booking, moving or cancelling a vaccination "
                                             "appointment"),
                             ("lost my link", "Your personal link: registering and seeing your "
                                              "eligibility")):
            found = (await anonymous.get("/api/v1/helpdesk/articles",
                                         params={"q": query})).json()
            assert found and found[0]["title"] == title, (query, [a["title"] for a in found])
            page = await anonymous.get(f"/help?q={urllib.parse.quote(query)}")
            assert title.replace("'", "&#39;") in page.text, query
