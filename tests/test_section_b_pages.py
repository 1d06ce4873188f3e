"""Section B's pages as the coordinator uses them: nothing typed is lost, mistakes are named
on their field, on the step's page, all at once."""

from sqlmodel import func, select

from models.enrollment import StorageUnit
from tests.support.enrollment import coordinator_in_browser, photo


async def units(system, location_id: int) -> int:
    async with system.sessions() as session:
        return (await session.exec(select(func.count()).select_from(StorageUnit).where(
            StorageUnit.location_id == location_id))).one()


async def test_a_storage_unit_typed_then_next_is_added_not_lost(system):
    """Found by the outside check: a storage unit typed whole (brand, model, type, both photos)
    was thrown away when the person pressed Next instead of "Add storage unit"."""
    person, location_id = await coordinator_in_browser(system, "Typed Unit Clinic")
    url = f"/locations/{location_id}/section-b/storage"
    photos = {"inside_photo": ("in.jpg", photo(), "image/jpeg"),
              "outside_photo": ("out.jpg", photo("white"), "image/jpeg")}
    half = await person.submit(url, {"brand": "Helmer", "model": "", "unit_type": "freezer",
                                     "action": "next"}, files=photos)
    assert half.status_code == 422, half.text[:300]
    assert "You typed a storage unit but did not add it" in half.text
    assert 'value="Helmer"' in half.text and 'id="model-error"' in half.text
    assert "We kept the photo you uploaded (in.jpg)" in half.text
    assert await units(system, location_id) == 0
    onward = await person.submit(url, {"brand": "Helmer", "model": "HPR105",
                                       "unit_type": "refrigerator", "action": "next"},
                                 files=photos)
    assert onward.status_code == 200 and "Step 8 of 12" in onward.text, onward.text[:500]
    assert await units(system, location_id) == 1
