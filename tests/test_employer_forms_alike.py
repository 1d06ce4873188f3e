"""The organization's two forms, creating and editing (one handler in api/routers/
employer_pages.py), refuse alike: each problem next to its field in plain words, what was
typed kept, a name another organization has said on the name."""

from tests.support.recipients import location_manager, manager_api, tag
from tests.support.web import browser

ADDRESS = {"industry": "Manufacturing", "street": "12 Mill Rd", "city": "Durham",
           "state": "North Carolina", "zip_code": "27701"}
EMPTY = dict.fromkeys(("name", "industry", "street", "city", "state", "zip_code"), "")


async def test_the_edit_form_refuses_as_the_create_form_does(system):
    manager = await location_manager(system)
    api = await manager_api(system, manager)
    taken = f"Taken Works {tag()}"
    assert (await api.post("/api/v1/employers", json={"name": taken, **ADDRESS})).status_code \
        == 201
    mine = (await api.post("/api/v1/employers", json={"name": f"Mine {tag()}",
                                                      **ADDRESS})).json()
    page = browser(system)
    await page.login(manager.email)
    record = f"/portal/organizations/{mine['id']}"
    for path in ("/portal/organizations/new", record):
        empty = await page.submit(path, {**EMPTY, "city": "Kept City"})
        assert empty.status_code == 422, (path, empty.status_code)
        assert "Input should be" not in empty.text and 'id="name-error"' in empty.text, path
        assert empty.text.count("This field is required.") >= 4, path
        assert 'value="Kept City"' in empty.text, path
        twice = await page.submit(path, {"name": taken.upper(), **ADDRESS})
        assert twice.status_code == 409 and "already" in twice.text, (path, twice.status_code)
        assert f'value="{taken.upper()}"' in twice.text, path
    saved = await page.submit(record, {"name": f"Renamed {tag()}", **ADDRESS})
    assert "Saved." in saved.text
