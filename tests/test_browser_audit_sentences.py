"""The state's audit log in a real browser: an action of words alone ("viewed", "link shown")
reads as a sentence in its "What" cell (it was empty), the page accessible."""

import uuid

import pytest
from playwright.async_api import expect

from models.audit import AuditEvent
from models.enums import Role
from tests.support.a11y import assert_accessible
from tests.support.accounts import make_user
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def test_the_audit_log_says_what_happened_to_a_recipients_record(page, system):
    staff = await make_user(system, Role.REVIEWER)
    marker = f"auditor{uuid.uuid4().hex[:8]}"
    async with system.sessions() as session:
        for action in ("viewed", "link shown", "exported_fhir"):
            session.add(AuditEvent(subject_type="recipient", subject_id=7, action=action,
                                   actor=marker))
        await session.commit()
    await log_in(page, staff.email)
    await page.goto(f"/state/audit?q={marker}")
    what = page.locator('td[data-label="What"]')
    await expect(what).to_have_count(3)
    for sentence in ("Sent to the state registry (FHIR)",
                     "Recipient Portal link and QR code shown", "Record opened by staff"):
        await expect(what.filter(has_text=sentence)).to_have_count(1)
    await assert_accessible(page)
