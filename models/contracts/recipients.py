"""The recipient import workflow's inputs and results: an upload's id and counts, never a
person's data (the rows live in the database)."""

from pydantic import BaseModel


class RecipientImportInput(BaseModel):
    upload_id: int
    rows: int


class UploadRef(BaseModel):
    upload_id: int


class UploadStep(BaseModel):
    upload_id: int
    status: str  # validating, storing, refused, inviting, done


class InviteResult(BaseModel):
    sent: int
    remaining: int


class ImportProgress(BaseModel):
    upload_id: int
    status: str
    invited: int = 0


class RecipientRef(BaseModel):
    """A person whose personal link is emailed once: registered at the point of care, their
    email address corrected (`readdressed`: the link's new version, to the new address), or
    asked for by address (`asked`, once per `request`)."""

    recipient_id: int
    reason: str = "registered"  # registered, readdressed or asked
    version: int = 0  # the link's version the change that told of it made (read once committed)
    request: str = ""  # an ask's own key: each ask is one email
