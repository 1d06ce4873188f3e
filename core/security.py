"""Passwords, unguessable link tokens and CSRF tokens."""

import asyncio
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 12
OWASP_TIME_COST, OWASP_MEMORY_KIB = 2, 19 * 1024  # argon2id's recommended minimum, p = 1


def password_hasher(time_cost: int, memory_kib: int) -> PasswordHasher:
    """argon2id with these costs and one lane (OWASP's p = 1)."""
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)


def use_password_hashing(time_cost: int = OWASP_TIME_COST,
                         memory_kib: int = OWASP_MEMORY_KIB) -> None:
    """Hash passwords with these argon2id parameters in this process from now on (the API and
    the worker call it with their settings as they start). OWASP's recommended minimum is the
    default: ~20 ms a hash here, against ~180 ms for the library's own (64 MiB, t = 3, p = 4)."""
    global _hasher, _dummy_hash
    _hasher = password_hasher(time_cost, memory_kib)
    _dummy_hash = None


use_password_hashing()


def dummy_hash() -> str:
    """A hash of nothing anyone knows, made with today's parameters: verified when a login
    names no account, so unknown and known accounts cost the same time."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash(secrets.token_urlsafe(16))
    return _dummy_hash


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def needs_rehash(password_hash: str) -> bool:
    """True when a stored hash was made with other parameters than today's."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if password.isalpha() or password.isdigit():
        return "Mix letters with numbers or symbols."
    return None


def new_token() -> str:
    """A 256-bit random token for emailed links and sessions."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Links and sessions are stored only as this hash."""
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(secret: str, session_key: str) -> str:
    return hmac.new(secret.encode(), f"csrf:{session_key}".encode(), hashlib.sha256).hexdigest()


def csrf_valid(secret: str, session_key: str, presented: str | None) -> bool:
    if not presented or not session_key:
        return False
    return hmac.compare_digest(csrf_token(secret, session_key), presented)


def capability(secret: str, purpose: str, ident: int) -> str:
    """An unguessable key that proves a link was issued by us for this one thing (e.g. an
    officer's copy of what they signed), so it can be shared without an account."""
    message = f"capability|{purpose}|{ident}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:40]


def capability_valid(secret: str, purpose: str, ident: int, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(capability(secret, purpose, ident), presented)


def versioned_capability(secret: str, purpose: str, ident: int, version: int = 0) -> str:
    """A personal link's key in its `version`: moved on when the address it was sent to is
    corrected, so the links sent before stop working. Version 0 is the key made before links
    had versions (`capability`), so the links people already hold keep working until then."""
    return capability(secret, f"{purpose}:{version}" if version else purpose, ident)


def link_version(secret: str, purpose: str, ident: int, current: int,
                 presented: str | None) -> str:
    """Which of this thing's personal links `presented` is: "current", "gone" (of an earlier
    version: the address it went to was corrected since) or "" (none of ours)."""
    def same(version: int) -> bool:
        return bool(presented) and hmac.compare_digest(
            versioned_capability(secret, purpose, ident, version).encode(),
            str(presented).encode())

    if same(current):
        return "current"
    return "gone" if any(same(version) for version in range(current)) else ""


def moved_on(version: int, before: str | None, after: str | None) -> int:
    """A personal link's version once its email address is corrected (another one, or none,
    where there was one): the next, so the links sent to the old address stop working. An
    address given where there was none sent nothing anywhere: the link (maybe printed, or
    shown on a page) stays."""
    return version + 1 if before and (after or "") != before else version


def temporary_password() -> str:
    return f"Tmp-{secrets.token_urlsafe(9)}-{secrets.randbelow(90) + 10}"


async def hash_password_async(password: str) -> str:
    """argon2 is deliberately slow (tens of ms): keep it off the event loop."""
    return await asyncio.to_thread(hash_password, password)


async def verify_password_async(password_hash: str | None, password: str) -> bool:
    return await asyncio.to_thread(verify_password, password_hash, password)
