"""The Practicing Provider Bulk Upload template: download, validate by row and column, import."""

import asyncio
from typing import Any

from sqlalchemy import insert
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain import case_imports, section_b
from api.domain.scope import may_change_section_b
from api.forms import parse
from api.processes import Gateway
from core.db import one_at_a_time
from core.errors import Conflict, Forbidden, Invalid
from core.wording import counted
from models.accounts import User
from models.enrollment import Location, PracticingProvider, StoredFile
from models.enrollment_enums import LicenseType
from models.enrollment_schemas import ProviderIn
from models.helpdesk import Case, CaseAttachment
from models.helpdesk_rules import Category
from models.helpdesk_schemas import ImportReport, RowError

COLUMNS = [("first_name", "First Name"), ("middle_initial", "Middle Initial"),
           ("last_name", "Last Name"), ("license_type", "License Type"),
           ("license_number", "License Number")]
HEADER_ROW = 3
MAX_PROVIDER_ROWS = 5_000  # one location's providers; far more is a mistake or an attack
XLSX_TYPE = case_imports.XLSX_TYPE
LICENSES = {t.value.lower(): t.value for t in LicenseType}
ALREADY_LISTED = "This provider is already listed."
LICENSE_CHOICES = ", ".join(LICENSES.values()).rsplit(", ", 1)[0] + " or " + list(
    LICENSES.values())[-1]  # MD, DO, NP, PA or RPh


def template(location_name: str = "") -> bytes:
    return case_imports.template(
        "Practicing Providers", location_name, COLUMNS, header_row=HEADER_ROW,
        choices={"D": list(LICENSES.values())}, instructions=[
            "One file per location: write the location's name in cell B1.",
            "One row per practicing provider, exactly as on the medical license.",
            f"License Type: {LICENSE_CHOICES}. Middle Initial may be left empty.",
            "Send the completed file to the CVMS Help Desk in a Practicing provider bulk "
            "upload case naming the location."])


def validate(rows: list[tuple[int, dict[str, Any]]],
             existing: set[tuple[str, str]]) -> tuple[list[ProviderIn], list[RowError]]:
    labels = dict(COLUMNS)
    valid, errors, seen = [], [], {}
    for number, values in rows:
        values["license_type"] = LICENSES.get(values["license_type"].lower(),
                                              values["license_type"])
        data, problems = parse(ProviderIn, values)
        if "license_type" in problems and values["license_type"]:  # a cell has no list to show
            problems["license_type"] = f"“{values['license_type']}” is not a license type: " \
                                       f"write {LICENSE_CHOICES}."
        row_errors = [RowError(row=number, column=labels.get(field, field), message=message)
                      for field, message in problems.items()]
        if data:
            key = license_key(data.license_type.value, data.license_number)
            if key in seen:
                row_errors.append(RowError(row=number, column="License Number", message=(
                    f"The same license appears on row {seen[key]}.")))
            elif key in existing:
                row_errors.append(RowError(row=number, column="License Number",
                                           message=ALREADY_LISTED))
            seen.setdefault(key, number)
        errors.extend(row_errors)
        if data and not row_errors:
            valid.append(data)
    return valid, errors


def license_key(license_type: str, license_number: str) -> tuple[str, str]:
    """A license as Section B compares them (refuse_twin): its type and its number ignoring
    case and hyphens, so "md1000" in a file is the "MD-1000" already listed."""
    return license_type, license_number.replace("-", "").upper()


async def _existing(session: AsyncSession, location_id: int) -> set[tuple[str, str]]:
    rows = await session.exec(select(PracticingProvider).where(
        PracticingProvider.location_id == location_id, PracticingProvider.active))
    return {license_key(p.license_type.value, p.license_number) for p in rows.all()}


async def _none_listed_meanwhile(session: AsyncSession, location: Location,
                                 valid: list[ProviderIn]) -> None:
    """Two imports for one location at the same instant (two files, two agents or tabs) each
    checked their rows against the providers listed before either, and both listed the
    provider they share. They take turns here, the location held as Section B's twin check
    holds it (after the case is picked up: SQLite's lock would keep the case's process from
    writing), and the second, finding a row listed a moment ago, imports nothing."""
    await one_at_a_time(session, Location, location.id)
    existing = await _existing(session, location.id)
    if any(license_key(row.license_type.value, row.license_number) in existing
           for row in valid):
        raise Conflict("Some of this file's providers were listed a moment ago (by another "
                       "import or the location's coordinator), so nothing was imported. Check "
                       "the file again.", field="attachment_id")


async def _requester_may_change(session: AsyncSession, case: Case, location: Location) -> None:
    """The file speaks for the person who opened the case: only a coordinator of the location
    may change its practicing providers, as in Section B."""
    requester = await session.get(User, case.requester_user_id) if case.requester_user_id \
        else None
    if requester is None or not await may_change_section_b(session, requester, location.id):
        raise Forbidden(f"The person who opened this case is not a coordinator of "
                        f"{location.name}, so their file cannot change its practicing "
                        "providers. Ask the location's coordinator to send it in a case of "
                        "their own.", field="location_id")


async def _bulk_upload_file(session: AsyncSession, case: Case, attachment_id: int) -> None:
    """Providers come from a Practicing provider bulk upload case (the case the bulk uploads
    team works; as portal users come from a User onboarding case and recipients from a
    Recipient bulk upload case), from a file of that case: another case's file, and what was
    imported from it, is not this case's to tell."""
    if case.category != Category.PROVIDER_BULK_UPLOAD:
        raise Conflict("Practicing providers are imported from a Practicing provider bulk "
                       "upload case.", field="attachment_id")
    attachment = await session.get(CaseAttachment, attachment_id)
    if attachment is None or attachment.case_id != case.id:
        raise Invalid("Choose a file attached to this case.", field="attachment_id")


async def check(session: AsyncSession, case: Case, attachment_id: int,
                location_id: int) -> tuple[CaseAttachment, Location, list[ProviderIn],
                                           list[RowError]]:
    await _bulk_upload_file(session, case, attachment_id)
    attachment, location, rows = await case_imports.case_sheet(
        session, case, attachment_id, location_id, [key for key, _ in COLUMNS],
        header_row=HEADER_ROW, max_rows=MAX_PROVIDER_ROWS, what="provider")
    await _requester_may_change(session, case, location)
    existing = await _existing(session, location.id)
    valid, errors = await asyncio.to_thread(validate, rows, existing)  # 5,000 rows: off the loop
    return attachment, location, valid, errors


async def preview(session: AsyncSession, case: Case, attachment_id: int,
                  location_id: int) -> ImportReport:
    attachment, location, valid, errors = await check(session, case, attachment_id,
                                                      location_id)
    await case_imports.not_imported_before(session, location,
                               (await session.get(StoredFile, attachment.file_id)).sha256)
    return ImportReport(valid_rows=len(valid), errors=errors, location_id=location.id)


def _not_imported(location: Location, errors: list[RowError]) -> str:
    """The rows skipped, for the requester: a row naming a provider the location lists
    already has nothing to fix (sent again, it would be skipped again), so only the others are
    asked for again, by row and column."""
    listed = [e.row for e in errors if e.message == ALREADY_LISTED]
    said = ""
    if listed:
        one = len(listed) == 1
        rows = ", ".join(map(str, listed[:50])) + (", …" if len(listed) > 50 else "")
        said = (f" {location.name} already lists the provider{'' if one else 's'} of "
                f"row{'' if one else 's'} {rows}: nothing to send again for "
                f"{'it' if one else 'them'}.")
    return said + case_imports.skipped_rows([e for e in errors if e.message != ALREADY_LISTED])


async def run_import(session: AsyncSession, gateway: Gateway, case: Case, agent: User,
                     attachment_id: int, location_id: int, valid_rows_only: bool) -> ImportReport:
    """All rows or none, unless the agent chooses to import only the valid ones; a file is
    imported at most once (a unique import record per attachment)."""
    await _bulk_upload_file(session, case, attachment_id)  # before its history is told
    await case_imports.not_imported_yet(session, attachment_id)
    attachment, location, valid, errors = await check(session, case, attachment_id, location_id)
    digest = (await session.get(StoredFile, attachment.file_id)).sha256
    await case_imports.not_imported_before(session, location, digest)
    if errors and not valid_rows_only:
        raise case_imports.nothing_imported(errors, ImportReport(
            valid_rows=len(valid), errors=errors, location_id=location.id))
    await case_imports.record_import(session, gateway, case, attachment, location, agent,
                                     len(valid), len(errors), digest)
    await _none_listed_meanwhile(session, location, valid)
    if valid:
        connection = await session.connection()  # the bulk form, in the same transaction
        await connection.execute(insert(PracticingProvider), [
            {**row.model_dump(), "location_id": location.id, "source": "bulk",
             "active": True} for row in valid])
    await section_b.providers_changed(session, gateway, location, "bulk_upload")
    await case_imports.tell_the_case(session, gateway, case, agent, (
        f"Imported {counted(len(valid), 'practicing provider')} into {location.name}."
        + _not_imported(location, errors)))
    return ImportReport(valid_rows=len(valid), errors=errors, imported=len(valid),
                        location_id=location.id)
