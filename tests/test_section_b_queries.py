"""A Section B save asks the database only what it needs (issue 17): it runs on every step
of every coordinator's Section B."""

from contextlib import contextmanager

from sqlalchemy import event
from sqlmodel import select

from models.signatures import Signature
from tests.support.enrollment import (
    STEP_BODIES,
    add_storage_unit,
    fill_section_b,
    photo,
    projected,
    register_coordinator,
    start_enrollment,
)


@contextmanager
def statements(engine):
    seen: list[str] = []

    def note(_conn, _cursor, sql, *_args) -> None:
        seen.append(" ".join(sql.split()).lower())

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", note)


def touching(seen: list[str], table: str) -> list[str]:
    return [sql for sql in seen if f" {table}" in sql or f'"{table}"' in sql]


async def test_a_section_b_save_reads_each_thing_once(system):
    enrollment = await start_enrollment(system, ["Query Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await register_coordinator(system, email)
    url = f"/api/v1/locations/{location_id}/section-b"
    assert (await coordinator.put(f"{url}/location", json=STEP_BODIES["location"])).is_success
    await projected(system, location_id, lambda loc: loc.status == "in_progress")  # quiet now
    with statements(system.engine) as seen:
        saved = await coordinator.put(f"{url}/coordinators", json=STEP_BODIES["coordinators"])
    assert saved.status_code == 200 and saved.json()["signatures"] == []
    for table in ("storage_unit", "practicing_provider"):
        reads = [sql for sql in touching(seen, table) if sql.startswith("select")]
        assert len(reads) == 1, (table, reads)
    signature = touching(seen, "signature")
    assert [sql.split()[0] for sql in signature] == ["update"], signature  # voided, not read
    # the session with its user and their portal locations, the location with the
    # coordinator's membership, Section B, its update, the signatures voided, units, providers
    assert len(seen) <= 7, "\n".join(sql[:70] for sql in seen)


async def test_a_save_after_signing_voids_the_coordinators_signature(system):
    enrollment = await start_enrollment(system, ["Void Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await register_coordinator(system, email)
    await fill_section_b(coordinator, location_id)
    url = f"/api/v1/locations/{location_id}/section-b"
    signed = await coordinator.post(f"{url}/signatures/provider_agreement", json={
        "method": "typed", "typed_name": "Casey Coordinator", "consent": True})
    assert signed.status_code == 201, signed.text
    assert len((await coordinator.get(url)).json()["signatures"]) == 1
    saved = await coordinator.put(f"{url}/availability", json=STEP_BODIES["availability"])
    assert saved.json()["signatures"] == []
    assert any(p.startswith("Step 11") for p in saved.json()["problems"])
    async with system.sessions() as session:
        kept = (await session.exec(select(Signature).where(
            Signature.location_id == location_id))).one()
    assert kept.voided_at is not None and kept.void_reason == "Section B changed after signing"


async def test_signing_reads_the_photos_hashes_not_the_photos(system):
    """The signed snapshot names each photo by its hash: one query for every hash, none that
    loads a photo (a 12-megapixel one is megabytes), and the signatures read once."""
    enrollment = await start_enrollment(system, ["Photo Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await register_coordinator(system, email)
    await fill_section_b(coordinator, location_id)
    await projected(system, location_id, lambda loc: loc.status == "in_progress")  # quiet now
    url = f"/api/v1/locations/{location_id}/section-b/signatures"
    typed = {"method": "typed", "typed_name": "Casey Coordinator", "consent": True}
    with statements(system.engine) as seen:
        signed = await coordinator.post(f"{url}/provider_agreement", json=typed)
    assert signed.status_code == 201, signed.text
    photos = [sql for sql in touching(seen, "stored_file") if sql.startswith("select")]
    assert len(photos) == 1 and "stored_file.data" not in photos[0], photos
    with statements(system.engine) as seen:
        signed = await coordinator.post(f"{url}/storage_attestation", json=typed)
    assert signed.status_code == 201, signed.text
    reads = [sql for sql in touching(seen, "signature ") if sql.startswith("select")]
    assert len(reads) == 1, reads


async def test_the_progress_list_counts_units_providers_and_signatures_as_done(system):
    """Found by the outside check: with storage units and providers added and the agreement
    signed, "Your progress" still said "To do" for steps 7 to 11 (only form steps counted)."""
    import re

    enrollment = await start_enrollment(system, ["Progress Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await register_coordinator(system, email)
    await fill_section_b(coordinator, location_id)
    signed = await coordinator.post(
        f"/api/v1/locations/{location_id}/section-b/signatures/provider_agreement",
        json={"method": "typed", "typed_name": "Casey Coordinator", "consent": True})
    assert signed.status_code == 201, signed.text
    page = await coordinator.get(f"/locations/{location_id}/section-b")
    assert page.status_code == 200, page.text[:300]
    state = dict(re.findall(r"Step (\d+): [^<]+</a>\s*<span class=\"cvms-\w+\">(\w[\w ]*)</span>",
                            page.text))
    assert state == {**{str(n): "Done" for n in range(2, 12)}, "12": "To do"}, state


async def test_a_storage_unit_sent_again_is_compared_by_hashes_not_photos(system):
    """The same unit sent again (pressed twice, a second tab) is recognised by its photos'
    hashes, read in one query, not by loading each listed unit's photos (megabytes each)."""
    enrollment = await start_enrollment(system, ["Unit Hash Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await register_coordinator(system, email)
    await fill_section_b(coordinator, location_id)  # one unit: photo(), photo("white")
    await projected(system, location_id, lambda loc: loc.status == "in_progress")
    brand = (await coordinator.get(f"/api/v1/locations/{location_id}/section-b")
             ).json()["storage_units"][0]
    with statements(system.engine) as seen:
        again = await add_storage_unit(coordinator, location_id, photo(), photo("white"),
                                       brand=brand["brand"], model=brand["model"])
    assert again.status_code == 409, again.text
    reads = [sql for sql in touching(seen, "stored_file") if sql.startswith("select")]
    assert reads and not [sql for sql in reads if "stored_file.data" in sql], reads
