"""Section B for people to read: labelled answers per step, choices for the forms."""

from dataclasses import dataclass
from typing import Any

from models.enrollment_enums import (
    AGE_GROUPS,
    POPULATIONS,
    PROVIDER_TYPES,
    SETTINGS,
    US_STATES,
    WEEKDAYS,
    LicenseType,
    StorageUnitType,
)
from models.section_b import FORM_STEPS, NA, SLOTS, STEP_BY_KEY, STEPS

LABELS = {
    "shipping_street": "Shipping address", "shipping_street2": "Shipping address line 2",
    "shipping_city": "City", "shipping_state": "State", "shipping_zip": "ZIP code",
    "admin_address_differs": "Vaccine administered at a different address",
    "admin_street": "Administration address", "admin_city": "Administration city",
    "admin_state": "Administration state", "admin_zip": "Administration ZIP code",
    "other_org_orders": "Another organization orders vaccine for this location",
    "ordering_organization": "Ordering organization",
    "primary_phone": "Primary coordinator phone", "backup_first_name": "Backup first name",
    "backup_last_name": "Backup last name", "backup_email": "Backup email",
    "backup_phone": "Backup phone", "provider_type": "Provider type", "settings": "Settings",
    "patients_per_week": "Average patients per week",
    "peak_flu_doses": "Peak influenza vaccines administered",
    "populations": "Populations served", "iis_number": "NCIR / IIS number",
    "no_capacity": "No storage capacity", "refrigerated_vials": "Refrigerated (10-dose vials)",
    "frozen_vials": "Frozen (10-dose vials)", "ultra_cold_vials": "Ultra-cold (10-dose vials)",
}
NAMES = dict(PROVIDER_TYPES + SETTINGS + POPULATIONS + AGE_GROUPS)
TIMES = [f"{h:02d}:{m:02d}" for h in range(6, 23) for m in (0, 30)] + ["23:59"]
# each slot offers only its own times: a morning from 06:00 to noon, an evening from noon
SLOT_TIMES = {slot: [NA] + [t for t in TIMES if earliest <= t <= latest]
              for slot, _name, earliest, latest in SLOTS}

CHOICES = {
    "states": [(s, s) for s in US_STATES], "provider_types": PROVIDER_TYPES,
    "settings_choices": SETTINGS, "age_groups": AGE_GROUPS, "populations": POPULATIONS,
    "weekdays": WEEKDAYS, "slots": SLOTS, "slot_times": SLOT_TIMES,
    "license_types": [(t.value, t.value) for t in LicenseType],
    "unit_types": [(t.value, t.value.replace("_", " ").capitalize()) for t in StorageUnitType],
    "yes_no": [("yes", "Yes"), ("no", "No")],
}


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(NAMES.get(str(v), str(v)) for v in value) or "None"
    if value in (None, ""):
        return "-"
    return NAMES.get(str(value), str(value))


def _availability(data: dict) -> list[tuple[str, str]]:
    rows = []
    for day, day_name in WEEKDAYS:
        slots = []
        for slot, slot_name, *_ in SLOTS:
            start, end = data.get(f"{day}_{slot}_from", NA), data.get(f"{day}_{slot}_to", NA)
            slots.append(f"{slot_name} {'N/A' if start == NA else f'{start}-{end}'}")
        rows.append((day_name, "; ".join(slots)))
    return rows


def _ages(data: dict) -> list[tuple[str, str]]:
    return [(f"Annual patients: {label}",
             "Unknown" if data.get(f"{key}_unknown") else _show(data.get(key)))
            for key, label in AGE_GROUPS]


def answers(step_key: str, data: dict) -> list[tuple[str, str]]:
    if step_key == "availability":
        return _availability(data)
    rows = [(LABELS[key], _show(value)) for key, value in data.items() if key in LABELS]
    return rows + (_ages(data) if step_key == "provider" else [])


def summary(steps: dict) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(f"Step {step.number}: {step.title}", answers(step.key, steps.get(step.key) or {}))
            for step in FORM_STEPS]


def neighbours(step_key: str) -> tuple[str | None, str | None]:
    keys = [step.key for step in STEPS]
    index = keys.index(step_key)
    return (keys[index - 1] if index else None,
            keys[index + 1] if index + 1 < len(keys) else None)


def form_values_of(data: dict) -> dict[str, Any]:
    """Stored answers as the form shows them (booleans as yes/no radios)."""
    return {key: ("yes" if value else "no") if isinstance(value, bool) and not key.endswith(
        ("_unknown", "no_capacity")) else value for key, value in data.items()}


# What changed since a rejection, for the reviewer: labels people read, photos as pictures.
IDENTITY = {"organization": "Organization", "location": "Location name", "address": "Address",
            "coordinator": "Vaccine coordinator", "coordinator_email": "Coordinator email",
            "bulk_upload_planned": "Practicing providers sent by bulk upload",
            "location_id": "Location number"}
UNIT_FIELDS = {"brand": "brand", "model": "model", "type": "type",
               "inside_photo_sha256": "inside photo", "outside_photo_sha256": "outside photo"}
PROVIDER_FIELDS = {"name": "name", "license_type": "license type", "license": "license number"}
SLOT_NAMES = {slot: name.lower() for slot, name, *_ in SLOTS}


@dataclass(frozen=True)
class ChangeRow:
    label: str
    before: str
    after: str
    photo: bool = False  # before/after are SHA-256 hashes of stored photos


def _step_field_label(step_key: str, field: str) -> str:
    if field in LABELS:
        return LABELS[field]
    day, _, rest = field.partition("_")
    if step_key == "availability" and rest.count("_") == 1:
        slot, edge = rest.split("_")
        return f"{dict(WEEKDAYS).get(day, day)} {SLOT_NAMES.get(slot, slot)} {edge}"
    age = dict(AGE_GROUPS)
    if field.removesuffix("_unknown") in age:
        suffix = " unknown" if field.endswith("_unknown") else ""
        return f"Annual patients: {age[field.removesuffix('_unknown')]}{suffix}"
    return field.replace("_", " ").capitalize()


def change_label(key: str) -> str:
    """A flattened Section B snapshot key ("steps.location.shipping_city") as people read it."""
    parts = key.split(".")
    if parts[0] == "steps" and len(parts) >= 3 and parts[1] in STEP_BY_KEY:
        step = STEP_BY_KEY[parts[1]]
        return f"Step {step.number}, {step.title}: {_step_field_label(step.key, parts[2])}"
    if parts[0] == "storage_units" and len(parts) == 3:
        return f"Storage unit {parts[1]}: {UNIT_FIELDS.get(parts[2], parts[2])}"
    if parts[0] == "practicing_providers" and len(parts) == 3:
        return f"Practicing provider {parts[1]}: {PROVIDER_FIELDS.get(parts[2], parts[2])}"
    return IDENTITY.get(key, key.replace("_", " ").replace(".", " ").capitalize())


def _order(key: str) -> tuple:
    parts = key.split(".")
    step = STEP_BY_KEY.get(parts[1]) if parts[0] == "steps" and len(parts) > 1 else None
    section = {"storage_units": 7, "practicing_providers": 8}.get(parts[0], 1)
    return (step.number if step else section, key)


def change_rows(changes: list[tuple[str, Any, Any]]) -> list[ChangeRow]:
    """The review's changes-since-rejection in Section B order, labelled, photos marked."""
    rows = []
    for key, before, after in sorted(changes, key=lambda change: _order(change[0])):
        photo = key.endswith("_photo_sha256")
        show = (lambda v: v) if photo else (lambda v: "N/A" if v == NA else _show(v))
        rows.append(ChangeRow(change_label(key), show(before), show(after), photo))
    return rows
