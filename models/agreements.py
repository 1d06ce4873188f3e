"""The documents people sign, and the exact content a signature's hash covers.

A signature's SHA-256 is taken over a canonical JSON of the document's text, its version and
the data it covers, so a change to any of them is a different document.
"""

import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class DocumentKind(StrEnum):
    PROVIDER_AGREEMENT = "provider_agreement"
    STORAGE_ATTESTATION = "storage_attestation"
    REDISTRIBUTION_AGREEMENT = "redistribution_agreement"


@dataclass(frozen=True)
class Document:
    kind: DocumentKind
    version: str
    title: str
    text: str


PROVIDER_AGREEMENT = Document(
    DocumentKind.PROVIDER_AGREEMENT, "2020-12-v1",
    "CDC COVID-19 Vaccination Program Provider Agreement",
    """By signing this agreement, the organization and each location listed agree to:
1. Administer COVID-19 vaccine in accordance with all requirements and recommendations of the CDC and the Advisory Committee on Immunization Practices (ACIP).
2. Record in the vaccine recipient's record and report required information to the relevant state, local or territorial public health authority within 24 hours of administration.
3. Not sell or seek reimbursement for COVID-19 vaccine, ancillary supplies or adjuvant received at no cost from the federal government.
4. Administer COVID-19 vaccine regardless of the vaccine recipient's ability to pay administration fees or their coverage status.
5. Provide an approved Emergency Use Authorization fact sheet or vaccine information statement to each vaccine recipient before administration.
6. Comply with CDC requirements for COVID-19 vaccine management: store and handle vaccine under proper conditions, monitor storage unit temperatures at all times, and report wastage and expired vaccine.
7. Report moderate and severe adverse events following vaccination to the Vaccine Adverse Event Reporting System (VAERS).
8. Preserve all records related to COVID-19 vaccine management for a minimum of three years.
9. Comply with federal instructions and timelines for disposing of COVID-19 vaccine and diluent, including unused doses.
10. Not transfer, redistribute or otherwise move vaccine between sites without the state immunization program's pre-approval.""",
)

STORAGE_ATTESTATION = Document(
    DocumentKind.STORAGE_ATTESTATION, "2020-12-v1", "Storage and Handling Attestation",
    """I attest, on behalf of myself and the backup vaccine coordinator of this location, that:
1. Every storage unit listed maintains the temperatures required for the vaccine it will hold, and its temperature is monitored with a calibrated digital data logger.
2. The photos submitted are actual photos of this location's storage units, inside and outside.
3. Vaccine will be stored and handled according to the manufacturer's instructions and the CDC Vaccine Storage and Handling Toolkit.
4. Temperature excursions will be reported to the Immunization Branch immediately, and affected vaccine will not be administered until its viability is confirmed.""",
)

REDISTRIBUTION_AGREEMENT = Document(
    DocumentKind.REDISTRIBUTION_AGREEMENT, "2020-12-v1",
    "CDC Supplemental COVID-19 Vaccine Redistribution Agreement",
    """The organization agrees, for every redistribution between its locations, to:
1. Redistribute vaccine only to locations of this organization that are enrolled in the COVID-19 Vaccination Program, and only with the Immunization Branch's pre-approval.
2. Maintain the cold chain during transport using qualified containers and packouts, monitoring temperatures throughout.
3. Document every redistribution (product, lot, expiration, doses, sending and receiving location, dates) and keep the records for three years.
4. Accept responsibility for vaccine lost or wasted in transport and report it as wastage.""",
)

DOCUMENTS = {doc.kind: doc for doc in (PROVIDER_AGREEMENT, STORAGE_ATTESTATION,
                                       REDISTRIBUTION_AGREEMENT)}


def canonical(document: Document, data: dict[str, Any]) -> str:
    """The exact text a signature covers: document, version and data, canonically ordered."""
    return json.dumps({"document": document.kind.value, "version": document.version,
                       "title": document.title, "text": document.text, "data": data},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def content_hash(document: Document, data: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(document, data).encode()).hexdigest()
