"""Recipient rules without the system: eligibility from the rules file (the state opens a
phase by editing data, not code), and row validation (the same person twice is one)."""

import copy
import json
from datetime import date

import pytest

from api.domain.recipient_files import read_upload
from core.errors import Invalid
from models.eligibility import evaluate, rules
from models.recipient_rules import validate_rows
from tests.support.recipients import HEADER, csv_file, rows, tag

TODAY = date(2026, 11, 30)


def test_eligibility_follows_the_rules_file():
    assert evaluate(date(1950, 1, 1), "other", {}, TODAY).status == "eligible"
    worker = evaluate(date(1986, 5, 5), "manufacturing", {}, TODAY)
    assert (worker.status, worker.phase, worker.group) == ("waiting", "3", "frontline_essential")
    nurse = evaluate(date(1986, 5, 5), "other", {"health_care_worker": "yes"}, TODAY)
    assert (nurse.status, nurse.phase) == ("eligible", "1")
    assert evaluate(date(2012, 1, 1), "other", {}, TODAY).status == "not_eligible"
    opened = copy.deepcopy(rules())
    opened["open_phases"].append("3")  # the state opens phase 3: data, not code
    assert evaluate(date(1986, 5, 5), "manufacturing", {}, TODAY, opened).status == "eligible"


def test_a_rules_file_named_elsewhere_is_read(tmp_path):
    table = copy.deepcopy(rules())
    table["open_phases"] = ["1", "2", "3", "4", "5"]
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(table))
    assert evaluate(date(1990, 1, 1), "other", {}, TODAY, rules(str(path))).status == "eligible"


def test_the_same_person_twice_in_a_file_is_one_recipient():
    lines = rows(3, tag())
    twin = [[n, dict(zip(["first_name", "last_name", "date_of_birth", "phone", "email",
                          "street", "city", "state", "zip_code", "employer", "industry",
                          "language"], line, strict=True))] for n, line in enumerate(
        lines + [lines[0]], start=2)]
    twin[3][1]["first_name"] = twin[3][1]["first_name"].upper()  # names compare without case
    valid, errors = validate_rows(twin)
    assert not errors and len(valid) == 3


async def test_a_csv_with_a_byte_order_mark_and_a_missing_column():
    kind, parsed = await read_upload("people.csv", b"\xef\xbb\xbf" + csv_file(rows(2, tag())))
    assert kind == "csv" and len(parsed) == 2 and parsed[0][0] == 2
    broken = ",".join(h for h in HEADER if h != "Phone").encode() + b"\nA,B\n"
    with pytest.raises(Invalid, match="missing these columns: Phone"):
        await read_upload("people.csv", broken)


def test_phone_numbers_and_zip_codes_that_cannot_exist_are_refused():
    from pydantic import TypeAdapter, ValidationError

    from models.fields import Phone, ZipCode

    phone, zip_code = TypeAdapter(Phone), TypeAdapter(ZipCode)
    assert phone.validate_python("(919) 555-0123") == "919-555-0123"
    assert phone.validate_python("1 919 555 0123") == "919-555-0123"
    for impossible in ("000-000-0000", "119-555-0123", "919-055-0123", "919-155-0123"):
        with pytest.raises(ValidationError, match="never start with 0 or 1"):
            phone.validate_python(impossible)
    assert zip_code.validate_python("00501") == "00501"  # Holtsville, NY: a real one
    with pytest.raises(ValidationError, match="real ZIP code"):
        zip_code.validate_python("00000")


def test_a_legal_name_is_letters_of_any_script_with_a_name_s_punctuation():
    from pydantic import ValidationError

    from models.recipient_rules import RecipientIn

    base = {"last_name": "Walker", "date_of_birth": "1980-04-02", "phone": "919-555-0100",
            "street": "1 Main St", "city": "Durham", "state": "NC", "zip_code": "27701",
            "industry": "other"}
    for name in ("José", "Nguyễn", "O'Brien", "O’Brien", "Anne-Marie", "李", "Jr.", "Zoë Ann",
                 "Ann\u00a0Marie"):
        assert RecipientIn.model_validate({**base, "first_name": name}).first_name == " ".join(
            name.split())
    for name in ("Ann😀", "<b>", "Ann2", "a@b", "♥", "Ann_", "🙂"):
        with pytest.raises(ValidationError, match="letters only"):
            RecipientIn.model_validate({**base, "first_name": name})
