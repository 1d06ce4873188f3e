"""A page's form that no process took while Temporal was away ("Forgot your password?", an
officer's "Email me a new signing link") answered with a bare error page: what was typed was
gone, though the page said nothing was lost. Now the refusal keeps it, to send again at one
press once the system is back."""

import re

from models.enums import Role
from tests.support.accounts import make_user
from tests.support.web import NOT_DONE, Browserish
from tests.test_outages import back

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


async def test_a_forgotten_password_asked_in_an_outage_is_sent_again_at_one_press(outage):
    temporal, system = outage
    user = await make_user(system, Role.ORG_ADMIN)
    person = Browserish(system.http())
    await temporal.stop()
    refused = await person.submit("/password/forgot", {"email": user.email})
    assert refused.status_code == 503 and NOT_DONE in refused.text, refused.text
    assert f'value="{user.email}"' in refused.text, refused.text
    assert 'action="/password/forgot"' in refused.text
    kept = dict(HIDDEN.findall(refused.text))
    await back(temporal, system)
    again = await person.http.post("/password/forgot", data=kept)
    assert again.status_code == 200, again.text
    await system.smtp.one(to=user.email, subject="password")
