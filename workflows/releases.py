"""Which changes a run takes: fixed when it starts, for the changes of past releases.

A change that runs already in flight must take is a patch (`workflow.patched`): the first time
a run passes it, Temporal records a marker (and upserts the `TemporalChangeVersion` search
attribute), so that a replay takes the same branch. Each patch costs every run an event, a
visibility write on the server and ~8 KiB of the worker's cache for the run's life, for as long
as the code keeps the patch (README, "Memory per case against the bare shape").

Runs started by this code carry `release=RELEASE` in their input (and keep it across
continue-as-new): every patch folded into a release up to theirs is simply taken, with no
marker. Runs started before (their recorded input has no `release`: 0) ask `workflow.patched`
as they always did, so their markers still match on replay. A new change for runs in flight
is a plain `workflow.patched` again; when a release folds it in, it goes into FOLDED with that
release's number and RELEASE moves up to it.
"""

from temporalio import workflow

RELEASE = 1

# patch id -> the release from which runs take it without a marker
FOLDED = {
    "steps-project-their-transition": 1,  # workflows/location.py STEPS_PROJECT
    "project-next-reminder": 1,  # workflows/location.py PROJECT_REMINDER
    "organization-steps-together": 1,  # workflows/enrollment.py TOGETHER
    "case-sla-due-projected": 1,  # workflows/case.py SLA_DUE
    "reschedule-follows-the-booking": 1,  # workflows/appointment.py FOLLOWS
}


def patched(release: int, patch_id: str) -> bool:
    """`workflow.patched(patch_id)` for a run started at `release`: true without a marker when
    that release had folded the patch in."""
    folded = FOLDED.get(patch_id)
    if folded is not None and release >= folded:
        return True
    return workflow.patched(patch_id)
