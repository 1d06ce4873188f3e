"""The recipient import workflow, activities faked: a refused file stops after validation, a
valid one is stored once and invited batch by batch until none remain, and a small file the
API already stored goes straight to the invitations."""

import itertools
import random

from models.contracts import ImportProgress, InviteResult, RecipientImportInput, UploadStep
from tests.fast.fakes import Fakes
from workflows.recipient_import import RecipientImportWorkflow

NUMBERS = itertools.count(random.randrange(10_000, 90_000) * 1000 + 700)


async def run(ts_env, workers, fake: Fakes) -> ImportProgress:
    task_queue = await workers.start(fake)
    upload_id = next(NUMBERS)
    return await ts_env.client.execute_workflow(
        RecipientImportWorkflow.run, RecipientImportInput(upload_id=upload_id, rows=300),
        id=f"fast-recipient-upload-{upload_id}", task_queue=task_queue)


def step(status: str):
    return lambda d: UploadStep(upload_id=d["upload_id"], status=status)


async def test_a_refused_file_stores_and_invites_nobody(ts_env, workers):
    fake = Fakes(validate_upload=step("refused"))
    result = await run(ts_env, workers, fake)
    assert result.status == "refused"
    assert [name for name, _ in fake.log] == ["validate_upload", "finish_upload"]


async def test_a_valid_file_is_stored_once_and_invited_batch_by_batch(ts_env, workers):
    left = iter([2, 1, 0])
    fake = Fakes(validate_upload=step("storing"), store_upload=step("inviting"),
                 invite_batch=lambda _: InviteResult(sent=100, remaining=next(left)))
    result = await run(ts_env, workers, fake)
    assert result.status == "done" and result.invited == 300
    assert [name for name, _ in fake.log] == ["validate_upload", "store_upload"] + \
        ["invite_batch"] * 3 + ["finish_upload"]
    assert all(set(arg) == {"upload_id"} for _, arg in fake.log), "ids only cross over"


async def test_a_small_file_stored_by_the_api_goes_to_the_invitations(ts_env, workers):
    fake = Fakes(validate_upload=step("inviting"),
                 invite_batch=lambda _: InviteResult(sent=40, remaining=0))
    result = await run(ts_env, workers, fake)
    assert result.status == "done" and fake.count("store_upload") == 0
