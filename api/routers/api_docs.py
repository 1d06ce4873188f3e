"""/api/docs: the JSON API's documentation, Swagger UI reading the served OpenAPI.

Swagger UI is vendored (scripts/vendor_swagger_ui.py) and started by a script file, so the page
is served under the portal's strict Content-Security-Policy: no CDN, no inline script."""

from html import escape

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.routing import Router
from api.static_files import static_url

router = Router(tags=["docs"])


@router.get("/api/docs", include_in_schema=False, response_class=HTMLResponse)
async def api_docs(request: Request) -> HTMLResponse:
    title = escape(f"{request.app.title} — API documentation")
    return HTMLResponse(
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<link rel="stylesheet" href="{static_url("swagger-ui/swagger-ui.css")}"></head>'
        f'<body><main id="swagger-ui" data-openapi="{escape(request.app.openapi_url)}"></main>'
        f'<script src="{static_url("swagger-ui/swagger-ui-bundle.js")}"></script>'
        f'<script src="{static_url("api-docs.js")}"></script></body></html>')
