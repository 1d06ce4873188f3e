"""A storage unit's photo replaced once Section B is submitted is refused, and it was refused
only after the photos were checked and stored: a good photo sent with a bad one (the page keeps
a good photo for the form sent again) stayed stored for a request that changed nothing.
Editability is checked first now: a refused replacement stores nothing, and the page says
why as the page's own link does, as a warning."""

from sqlmodel import func, select

from models.enrollment import StoredFile
from tests.support.enrollment import add_storage_unit, fill_section_b, photo, sign_and_submit
from tests.test_already_done_notices import flash
from tests.test_section_b_pages import coordinator_both_ways


async def stored_files(system) -> int:
    async with system.sessions() as session:
        return (await session.exec(select(func.count()).select_from(StoredFile))).one()


async def test_a_refused_photo_replacement_stores_nothing(system):
    coordinator, person, location_id = await coordinator_both_ways(system, "Closed Clinic")
    unit = (await add_storage_unit(coordinator, location_id, photo("khaki"),
                                   photo("white"))).json()  # another than fill_section_b's
    await fill_section_b(coordinator, location_id)
    assert (await sign_and_submit(coordinator, location_id)).status_code == 200
    before = await stored_files(system)
    url = f"/locations/{location_id}/section-b/storage-units/{unit['id']}/photos"
    good_and_empty = {"inside_photo": ("new.jpg", photo("gray"), "image/jpeg"),
                      "outside_photo": ("empty.jpg", b"", "image/jpeg")}
    page = await person.submit(f"/locations/{location_id}/section-b", {}, action=url,
                               files=good_and_empty)
    assert await stored_files(system) == before, "a refused replacement stored a photo"
    assert str(page.url).endswith(f"/locations/{location_id}/section-b"), page.url
    assert flash(page.text) == ("warning",
                                "Section B is submitted and can no longer be changed.")
    both_good = {"inside_photo": ("new.jpg", photo("gray"), "image/jpeg"),
                 "outside_photo": ("out.jpg", photo("black"), "image/jpeg")}
    again = await person.submit(f"/locations/{location_id}/section-b", {}, action=url,
                                files=both_good)
    assert flash(again.text)[0] == "warning"
    api = f"/api/v1/locations/{location_id}/storage-units/{unit['id']}/photos"
    late = await coordinator.post(api, files={
        "inside_photo": ("x.jpg", photo(), "image/jpeg"),
        "outside_photo": ("empty.jpg", b"", "image/jpeg")})
    assert late.status_code == 409, late.text
    assert await stored_files(system) == before, "a refused replacement stored a photo"
