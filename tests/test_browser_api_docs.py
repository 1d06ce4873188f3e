"""The API docs page (/api/docs) works under the portal's strict Content-Security-Policy.

Found by the security check: FastAPI's own docs page loaded Swagger UI from cdn.jsdelivr.net (a
floating version, no integrity check) and started it with an inline script, so the page's
policy allowed `'unsafe-inline'` scripts and that CDN on the portal's own origin, where a
changed file there could act as anyone signed in who opened the docs. Swagger UI is vendored
now (scripts/vendor_swagger_ui.py) and started from a file."""

import pytest
from playwright.async_api import Page, expect

from api.middleware import STRICT_CSP

pytestmark = pytest.mark.browser


async def test_the_docs_render_every_operation_from_the_portal_alone(page: Page, system):
    elsewhere = []
    page.on("request", lambda request: elsewhere.append(request.url)
            if not request.url.startswith(system.base_url) else None)
    answer = await page.goto("/api/docs")
    assert answer.status == 200
    assert answer.headers["content-security-policy"] == STRICT_CSP  # no inline script, no CDN
    async with system.http() as http:
        paths = (await http.get("/api/openapi.json")).json()["paths"]
    tags = {tag for item in paths.values() for operation in item.values()
            for tag in operation.get("tags", [])}
    await expect(page.locator(".opblock-tag")).to_have_count(len(tags))  # every group shown
    await page.locator('.opblock-tag[data-tag="registration"]').click()  # a group opens
    await expect(page.locator(".opblock")).to_have_count(sum(
        "registration" in operation.get("tags", []) for item in paths.values()
        for operation in item.values()))
    await page.locator(".opblock-summary").first.click()  # an operation opens
    await expect(page.locator(".opblock-body").first).to_be_visible()
    assert not elsewhere, f"the docs page asked another origin: {elsewhere[:5]}"
    # the page fixture fails the test on any Content-Security-Policy refusal in the console
