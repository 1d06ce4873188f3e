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
    """A person registered at the point of care, whose personal link is emailed once."""

    recipient_id: int
