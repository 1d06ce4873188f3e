"""Proof of vaccination for verifiers: the SMART Health Card issuer's public keys."""

from fastapi.responses import JSONResponse

from api.deps import SettingsDep
from api.domain import health_card
from api.routing import Router

router = Router(tags=["proof of vaccination"])


@router.get("/.well-known/jwks.json", summary="The health-card issuer's public keys (JWKS)")
async def jwks(settings: SettingsDep) -> JSONResponse:
    # Verifier apps fetch this from other origins (SMART Health Cards: CORS must be open).
    return JSONResponse(health_card.public_jwks(settings),
                        headers={"Access-Control-Allow-Origin": "*",
                                 "Cache-Control": "public, max-age=3600"})
