"""Workflow IDs derive from business IDs here and nowhere else."""


def account_activation(user_id: int) -> str:
    return f"account-activation-{user_id}"


def enrollment(organization_id: int) -> str:
    return f"enrollment-{organization_id}"


def location(location_id: int) -> str:
    return f"location-{location_id}"


def signing_round(organization_id: int, number: int) -> str:
    return f"signing-{organization_id}-{number}"


def case(case_id: int) -> str:
    return f"case-{case_id}"


def case_link(case_id: int, version: int, request: str = "") -> str:
    """A public question's personal link, emailed once for each later version (the address
    corrected), and once per ask."""
    return f"case-link-{case_id}-v{version}" + (f"-{request}" if request else "")


def requester_welcome(user_id: int) -> str:
    return f"requester-welcome-{user_id}"


def transfer(transfer_id: int) -> str:
    return f"transfer-{transfer_id}"


def password_reset(user_id: int, request: str) -> str:
    return f"password-reset-{user_id}-{request}"


def health(task_queue: str) -> str:
    return f"health-{task_queue}"


def file_sweep(task_queue: str) -> str:
    return f"file-sweep-{task_queue}"


def portal_invitation(user_id: int, round_: int = 1) -> str:
    """A portal contact's invitation; sent again (or to a corrected address), a new round."""
    return f"portal-invitation-{user_id}" + (f"-{round_}" if round_ > 1 else "")


def location_access(user_id: int, location_id: int) -> str:
    """A help-desk requester told they now work at a location (once per location)."""
    return f"location-access-{user_id}-{location_id}"


def contact_validation(contact_id: int, round_: int) -> str:
    return f"contact-validation-{contact_id}-{round_}"


def recipient_import(upload_id: int) -> str:
    return f"recipient-upload-{upload_id}"


def recipient_link(recipient_id: int, version: int = 0, request: str = "") -> str:
    """A walk-in's personal link, emailed once (a second registration joins the first); the
    link of each later version (the address corrected) once, and once per ask."""
    return (f"recipient-link-{recipient_id}" + (f"-v{version}" if version else "")
            + (f"-{request}" if request else ""))


def second_dose_reminder(administration_id: int) -> str:
    return f"second-dose-reminder-{administration_id}"


def appointment(appointment_id: int) -> str:
    return f"appointment-{appointment_id}"
