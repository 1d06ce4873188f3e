"""The development mailbox: what the built-in mail catcher received, links clickable."""

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.deps import SettingsDep
from api.pages import render
from api.routing import Router
from core.errors import NotFound
from core.settings import Settings
from notifications.mailbox import get_mail, list_mail

router = Router(prefix="/dev", include_in_schema=False)


def _enabled(settings: Settings) -> None:
    if not (settings.is_development and settings.dev_mailbox):
        raise NotFound("The development mailbox is only available in development.")


@router.get("/mailbox", response_class=HTMLResponse)
async def mailbox(request: Request, settings: SettingsDep) -> HTMLResponse:
    _enabled(settings)
    return render(request, "dev/mailbox.html", {"mails": list_mail(settings.mailbox_dir)})


@router.get("/mailbox/{key}", response_class=HTMLResponse)
async def mail(request: Request, key: str, settings: SettingsDep) -> HTMLResponse:
    _enabled(settings)
    found = get_mail(settings.mailbox_dir, key)
    if found is None:
        raise NotFound("That message is not in the mailbox.")
    return render(request, "dev/mail.html", {"mail": found})
