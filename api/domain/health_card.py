"""SMART Health Cards (https://spec.smarthealth.cards): the recipient's doses as a FHIR bundle
in a verifiable credential, signed as a compact JWS (ES256, raw-DEFLATE payload, `zip: DEF`),
shown as a `shc:/` numeric QR code. The issuer is the portal's public URL; its public key is
served at `/.well-known/jwks.json` (kid = the key's RFC 7638 thumbprint).

The signing key is the HEALTH_CARD_KEY setting (a P-256 private JWK); without it a key is made
once and kept in the data directory, so cards stay verifiable across restarts."""

import io
import json
import os
import zlib
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import qrcode
from jwcrypto import jwk, jws
from jwcrypto.common import json_encode
from qrcode.util import MODE_8BIT_BYTE, MODE_NUMBER, QRData

from core.settings import Settings

CARD_TYPES = ["https://smarthealth.cards#health-card",
              "https://smarthealth.cards#immunization", "https://smarthealth.cards#covid19"]
FHIR_VERSION = "4.0.1"
PREFIX = "shc:/"
# The longest JWS a single QR code holds at the spec's largest version (22, error correction L)
MAX_QR_JWS = 1195
KEY_FILE = "health-card-key.json"


@lru_cache(maxsize=4)
def _load(key_json: str) -> jwk.JWK:
    return jwk.JWK.from_json(key_json)


def signing_key(settings: Settings) -> jwk.JWK:
    configured = settings.health_card_key
    if configured is not None:
        return _load(configured.get_secret_value())
    path = Path(settings.data_dir) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = jwk.JWK.generate(kty="EC", crv="P-256")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key.export_private())
    return _load(path.read_text())


def public_jwks(settings: Settings) -> dict:
    key = signing_key(settings)
    public = json.loads(key.export_public())
    public.update({"kid": key.thumbprint(), "use": "sig", "alg": "ES256"})
    return {"keys": [public]}


def issuer(settings: Settings) -> str:
    return settings.public_base_url


def sign(settings: Settings, bundle: dict, issued_at: datetime) -> str:
    """The compact JWS of a health card carrying this FHIR bundle."""
    key = signing_key(settings)
    credential = {"iss": issuer(settings), "nbf": int(issued_at.timestamp()),
                  "vc": {"type": CARD_TYPES,
                         "credentialSubject": {"fhirVersion": FHIR_VERSION,
                                               "fhirBundle": bundle}}}
    minified = json.dumps(credential, separators=(",", ":"), ensure_ascii=False).encode()
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw DEFLATE, no zlib header
    payload = compressor.compress(minified) + compressor.flush()
    token = jws.JWS(payload)
    token.add_signature(key, alg="ES256", protected=json_encode(
        {"alg": "ES256", "zip": "DEF", "kid": key.thumbprint()}))
    return token.serialize(compact=True)


def verify(token: str, jwks: dict) -> dict:
    """The credential a card carries, once its signature checks against the issuer's keys."""
    keys = jwk.JWKSet.from_json(json.dumps(jwks))
    parsed = jws.JWS()
    parsed.deserialize(token)
    parsed.verify(keys)
    return json.loads(zlib.decompress(parsed.payload, -15))


def numeric(token: str) -> str:
    """`shc:/` then two digits per character (its code minus 45), as the spec encodes it."""
    return PREFIX + "".join(f"{ord(char) - 45:02d}" for char in token)


def from_numeric(text: str) -> str:
    digits = text.removeprefix(PREFIX)
    return "".join(chr(int(digits[i:i + 2]) + 45) for i in range(0, len(digits), 2))


def qr_code(token: str, box_size: int = 4) -> qrcode.QRCode:
    """The QR code: a byte segment for `shc:/` and a numeric segment for the digits, error
    correction L, as the spec asks (a card of a few doses fits well under version 22)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_L, box_size=box_size,
                         border=4)
    code.add_data(QRData(PREFIX.encode(), mode=MODE_8BIT_BYTE))
    code.add_data(QRData(numeric(token).removeprefix(PREFIX), mode=MODE_NUMBER))
    code.make(fit=True)
    return code


def qr_png(token: str, box_size: int = 4) -> bytes:
    out = io.BytesIO()
    qr_code(token, box_size).make_image().save(out, format="PNG")
    return out.getvalue()


if __name__ == "__main__":  # a new signing key for HEALTH_CARD_KEY
    print(jwk.JWK.generate(kty="EC", crv="P-256").export_private())
