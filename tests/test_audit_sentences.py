"""Every action the code writes to the audit log reads as a sentence on the state's audit log
(the outside check's: "viewed" and "link shown", having no colon, showed an empty "What")."""

import re
import uuid
from pathlib import Path

from api.pages import audit_action
from models.agreements import DocumentKind
from models.audit import SERVED_ELSEWHERE, AuditEvent
from models.enrollment_enums import LocationStatus
from models.enums import Role
from models.helpdesk_rules import CASE_STATUS_LABELS
from models.inventory_rules import TransferStatus
from tests.support.accounts import make_user
from tests.support.web import browser

ROOT = Path(__file__).resolve().parent.parent
# an action given as a literal: AuditEvent(action="..."), a helper's last string argument
# (audit(session, ids, "signatures:void", ...), _audit(session, user, kind, id, "exported_vxu"))
# or a module's constant named for what it records
LITERAL = re.compile(r'action="([^"{]+)"|(?<![_\w])audit\(session, [^"]*?"([^"{]+)"'
                     r'|_audit\(session, user, "[a-z]+", [\w.]+, "([^"]+)"\)'
                     r'|^[A-Z_]+ = "([a-z_]+:[a-z_]+|[a-z ]+ (?:corrected|shown|elsewhere|'
                     r'location))"', re.M)


def written_actions() -> set[str]:
    found: set[str] = set()
    for folder in ("api", "activities", "models", "workflows"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text()
            if "AuditEvent" not in text and "audit(" not in text:
                continue
            found |= {next(g for g in m.groups() if g) for m in LITERAL.finditer(text)}
    return found


def every_action() -> list[tuple[str, str]]:
    """(subject type, action): the literals the code writes, and those it builds from a
    status or a document (status:..., signed:...)."""
    kinds = {"viewed": "recipient", "link shown": "recipient", SERVED_ELSEWHERE: "recipient",
             "contact corrected": "recipient", "name or birth date corrected": "recipient",
             "requester email corrected": "case", "exported_fhir": "recipient",
             "exported_vxu": "administration", "point_of_contact:deactivated": "employer",
             "point_of_contact:reactivated": "employer", "location:linked": "employer"}
    pairs = [(kinds.get(a, "location"), a) for a in sorted(written_actions())]
    pairs += [("location", f"status:{s.value}") for s in LocationStatus]
    pairs += [("case", f"status:{s}") for s in CASE_STATUS_LABELS]
    pairs += [("transfer", f"status:{s.value}") for s in TransferStatus]
    pairs += [("location", f"signed:{d.value}") for d in DocumentKind]
    return pairs


def test_the_scan_finds_the_actions_written_as_words():
    found = written_actions()
    for action in ("viewed", "link shown", "exported_fhir", "exported_vxu", "contact corrected",
                   "requester email corrected", "name or birth date corrected",
                   "served at another location", "signatures:void", "decision:approved",
                   "point_of_contact:deactivated", "location:linked", "providers:changed",
                   "officer:corrected", "amendment:pending_review"):
        assert action in found, action


def test_every_action_reads_as_a_sentence():
    for subject, action in every_action():
        said = audit_action(action, subject)
        assert said and said[0].isupper(), (action, said)
        assert "_" not in said and not re.search("[a-z]-[a-z]", said) and not said.endswith(": "), (action, said)
        assert len(said.split()) >= 2 or ":" in said, (action, said)  # more than one bare word


async def test_the_audit_log_page_shows_what_happened_for_every_action(system):
    staff = await make_user(system, Role.REVIEWER)
    marker = f"auditor{uuid.uuid4().hex[:8]}"
    subject = 800_000 + uuid.uuid4().int % 90_000
    pairs = every_action()
    async with system.sessions() as session:
        for kind, action in pairs:
            session.add(AuditEvent(subject_type=kind, subject_id=subject, action=action,
                                   actor=marker))
        await session.commit()
    person = browser(system)
    await person.login(staff.email)
    shown: list[str] = []
    for page in range(1, 10):
        text = (await person.get(f"/state/audit?q={marker}&page={page}")).text
        found = re.findall(r'<td[^>]*data-label="What">(.*?)</td>', text, re.S)
        if not found or found == shown[-len(found):]:  # past the last page: the last again
            break
        shown += found
    assert len(shown) == len(pairs)
    assert all(what.strip() for what in shown), shown
    for words in ("Record opened by staff", "Recipient Portal link and QR code shown",
                  "Sent to the state registry (FHIR)"):
        assert words in shown
