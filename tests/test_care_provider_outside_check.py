"""What the outside check of the provider side (point of care, inventory) found, each
through the pages a person uses."""

import re
import uuid

from models.enums import Role
from tests.support.care import give, stock, vaccinating_site, walk_in
from tests.support.web import browser


def lot_options(page: str) -> list[tuple[str, str]]:
    """The vaccine lot list's options on a page: (value, text) each, "- Select -" left out."""
    chosen = page.split('name="lot_id"', 1)[1].split("</select>", 1)[0]
    return [(value, text.strip()) for value, text in
            re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', chosen)]


async def test_a_dose_from_a_used_up_lot_names_its_lot_once_on_the_correction_page(system):
    """Found by the outside check: "Edit or remove dose" for a dose whose lot has no dose
    left (or has expired) listed that lot twice in "Vaccine lot", once chosen and once not
    (the dose's lot was added as a number, the form's as text, so the second was not seen
    as the same lot). It is listed once, chosen."""
    site = await vaccinating_site(system)
    number = f"UU-{uuid.uuid4().hex[:6].upper()}"
    lot = await stock(system, site, "207", number, doses=1)
    dose = (await give(site, (await walk_in(site))["id"], lot)).json()
    person = browser(system)
    await person.login(site.emails[Role.PROVIDER])
    page = await person.get(f"/care/doses/{dose['id']}/edit")
    assert page.status_code == 200, page.text
    options = lot_options(page.text)
    assert [value for value, _ in options].count(str(lot)) == 1, options
    assert [text for _, text in options if number in text] == [
        f"Moderna COVID-19 Vaccine, lot {number}"], options
    assert re.search(rf'<option value="{lot}"\s+selected', page.text), "still chosen"
