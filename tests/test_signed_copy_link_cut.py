"""An officer's receipt links their signed copy as /sign/copies/<id>/agreement.pdf?key=...; a
mail reader or a copy that cut the address at its '?' (found by the emails' outside check)
answered 422 'Check what was entered: Key: This field is required.', a form's error for a link
nobody typed. It now answers as a wrong key does: that signed agreement could not be found,
use the link in the receipt email."""

import html


async def test_a_signed_copy_link_cut_at_its_key_says_what_to_do(system):
    async with system.http() as http:
        cut = await http.get("/sign/copies/1/agreement.pdf")
        wrong = await http.get("/sign/copies/1/agreement.pdf?key=abc")
    assert cut.status_code == wrong.status_code == 404, (cut.status_code, cut.text[:300])
    said = html.unescape(cut.text)
    assert "This field is required" not in said
    assert "Use the link in your receipt email." in said
