"""Recipients for tests: a Location Manager at a location (made directly in the database, as
the accounts issue is not here yet), and upload files of any size."""

import asyncio
import csv
import io
import re
import string
import uuid
from dataclasses import dataclass
from html.parser import HTMLParser

from openpyxl import Workbook
from sqlalchemy import func
from sqlmodel import select

from models.accounts import User
from models.enrollment import Location, Organization, UserLocation
from models.enums import Role
from models.recipient_rules import COLUMNS
from models.recipients import Recipient
from tests.support.system import System
from tests.support.web import PASSWORD_HASH, api_client, unique_email

HEADER = [title for _key, title in COLUMNS]


@dataclass
class Manager:
    user_id: int
    email: str
    location_id: int
    location_name: str


async def location_manager(system: System, name: str | None = None) -> Manager:
    name = name or f"Recipient Clinic {tag()}"
    async with system.sessions() as session:
        admin = User(email=unique_email("oa"), first_name="Olivia", last_name="Admin",
                     role=Role.ORG_ADMIN, password_hash=PASSWORD_HASH)
        manager = User(email=unique_email("lm"), first_name="Lena", last_name="Manager",
                       role=Role.LOCATION_MANAGER, password_hash=PASSWORD_HASH)
        session.add_all([admin, manager])
        await session.flush()
        org = Organization(legal_name=f"{name} Health", admin_user_id=admin.id)
        session.add(org)
        await session.flush()
        location = Location(organization_id=org.id, name=name, street="1 Main St",
                            city="Raleigh", state="NC", zip_code="27601",
                            coordinator_first_name="C", coordinator_last_name="D",
                            coordinator_email=unique_email("vc"))
        session.add(location)
        await session.flush()
        manager.organization_id = org.id
        session.add(UserLocation(user_id=manager.id, location_id=location.id,
                                 profile=Role.LOCATION_MANAGER))
        await session.commit()
        return Manager(manager.id, manager.email, location.id, name)


async def manager_api(system: System, manager: Manager):
    return await api_client(system, manager.email)


def letters(number: int) -> str:
    """A name part from a number, without digits (legal names have none): 12 -> 'Bc'."""
    return "".join(string.ascii_lowercase[int(d)] for d in str(number)).capitalize()


def person(n: int, tag: str, *, language: str = "English", email: bool = True) -> list[str]:
    return [f"Rowan{letters(n)}", f"Quill{tag}", f"{1 + n % 12:02d}/{1 + n % 28:02d}/19{50 + n % 50}",
            f"9847{n % 1000000:06d}", f"r{n}.{tag.lower()}@example.org" if email else "",
            f"{n} Oak Street", "Durham", "NC", "27701", "Acme Mills" if n % 3 else "",
            "Manufacturing" if n % 3 else "Other (including not employed)", language]


def tag() -> str:
    """Eight letters, never a word: a hex or short tag can spell one ("3be9a1" holds "be"), and
    the Spanish pages' check looks for English words."""
    return "".join(string.ascii_lowercase[int(d)] for d in f"{uuid.uuid4().int % 10**8:08d}").capitalize()


def rows(count: int, tag_: str, bad: dict[int, dict[int, str]] | None = None,
         **options) -> list[list[str]]:
    """`count` people; `bad` maps a 0-based person to {column index: bad value}."""
    found = []
    for n in range(count):
        row = person(n, tag_, **options)
        for column, value in (bad or {}).get(n, {}).items():
            row[column] = value
        found.append(row)
    return found


def xlsx(lines: list[list[str]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Recipients")
    sheet.append(HEADER)
    for line in lines:
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_file(lines: list[list[str]], delimiter: str = ",", header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(lines)
    return out.getvalue().encode()


async def upload(http, manager: Manager, data: bytes, name: str = "people.xlsx",
                 valid_rows_only: bool = False):
    return await http.post(f"/api/v1/locations/{manager.location_id}/recipient-uploads",
                           files={"file": (name, data)},
                           data={"valid_rows_only": "true" if valid_rows_only else "false"})


async def people(system: System, last_name: str) -> int:
    """How many recipients of this (tagged) last name are stored."""
    async with system.sessions() as session:
        return (await session.exec(select(func.count()).select_from(Recipient).where(
            Recipient.last_name == last_name))).one()


async def finished(http, upload_id: int, timeout: float = 120) -> dict:
    """An upload's progress once its import has finished."""
    for _ in range(int(timeout * 5)):
        progress = (await http.get(f"/api/v1/recipient-uploads/{upload_id}")).json()
        if progress["finished"]:
            return progress
        await asyncio.sleep(0.2)
    raise AssertionError(f"upload {upload_id} did not finish: {progress}")


ENGLISH_WORDS = {"the", "your", "you", "and", "with", "please", "this", "for", "are", "is",
                 "of", "to", "not", "can", "we", "our", "have", "be", "will", "when"}


class _Text(HTMLParser):
    """Visible text and the attributes people hear (aria-label, title, alt, placeholder)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        self.parts += [v for k, v in attrs if k in ("aria-label", "title", "alt", "placeholder")
                       and v]

    def handle_endtag(self, tag) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data) -> None:
        if not self._skip and data.strip():
            self.parts.append(data)


def english_in(html: str, catalogue_ids: set[str] | None = None) -> list[str]:
    """English sentences on a page that should be Spanish: any catalogue message shown
    untranslated, and any text with an English word in it."""
    reader = _Text()
    reader.feed(html)
    text = " ".join(" ".join(reader.parts).split())
    found = [m for m in (catalogue_ids or set()) if len(m) > 12 and "%(" not in m and m in text]
    # A link's random key is no English ("…/r/7/x9be-Q…" held "be": the check failed now and
    # then), nor is an address's host or path.
    words = set(re.findall(r"[A-Za-z']+", re.sub(r"\S*://\S+", " ", text).lower()))
    return found + sorted(words & ENGLISH_WORDS)


def form_of(html: str) -> dict:
    """The values a page's form would post, as a person leaves them."""
    found = dict(re.findall(r'<input class="usa-input[^"]*" id="([a-z_]+)" name="[a-z_]+" '
                            r'type="[a-z]+" value="([^"]*)"', html))
    for name in ("state", "industry", "language"):
        chosen = re.search(rf'<select[^>]*name="{name}".*?<option value="([^"]+)" selected',
                           html, re.S)
        found[name] = chosen[1] if chosen else ""
    return found
