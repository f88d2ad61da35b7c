"""Stewards' accounts, their sessions, and the secret behind the forms' CSRF tokens.

Accounts are local: `stewards.json` in the contributions folder maps a name to an Argon2id
hash (argon2-cffi, OWASP's parameters: 19 MiB, 2 passes); passwords are never stored nor
logged. `chava steward add NAME` creates one. A session is a random token in an HttpOnly
cookie; the folder keeps only the token's SHA-256 (`sessions/`), with the steward, its expiry
and the session's CSRF token, so every web worker process sees the same sessions and a stolen
folder gives no usable cookie. A new session is made at each sign-in (a token set before it is
never used: no session fixation); signing out deletes it.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from chava.contributions.files import locked, read_json, remove_file, write_json
from chava.errors import ConfigError

NAME_PATTERN: Final = re.compile(r"[a-z0-9][a-z0-9._-]{0,39}")
MIN_PASSWORD: Final = 10
MAX_PASSWORD: Final = 1024
_HASHER: Final = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


@functools.cache
def _dummy() -> str:
    """Verified against when the name is unknown, so timing does not tell names apart (made on
    first use: hashing takes 19 MB and about 50 ms, which every web worker paid at start)."""
    return _HASHER.hash(secrets.token_hex(16))


class Stewards:
    """The stewards' accounts of one contributions folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / "stewards.json"

    def names(self) -> list[str]:
        """Every steward's name, sorted."""
        return sorted((read_json(self.path) or {}).keys())

    def add(self, name: str, password: str, *, replace: bool = False) -> None:
        """Create (or with *replace*, reset) an account; ConfigError for a bad name or password."""
        if not NAME_PATTERN.fullmatch(name):
            raise ConfigError(
                f"steward name {name[:40]!r}: use 1 to 40 lower-case letters, digits, '.', '_', "
                "'-' (it appears in the published provenance)"
            )
        if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
            raise ConfigError(
                f"a steward's password has {MIN_PASSWORD} to {MAX_PASSWORD} characters"
            )
        with locked(self.folder):
            accounts = read_json(self.path) or {}
            if name in accounts and not replace:
                raise ConfigError(f"steward {name!r} exists; use --replace to set a new password")
            accounts[name] = {"hash": _HASHER.hash(password), "created": int(time.time())}
            write_json(self.path, accounts)

    def remove(self, name: str) -> None:
        """Delete an account (its sessions end with it: each request checks the account)."""
        with locked(self.folder):
            accounts = read_json(self.path) or {}
            if name not in accounts:
                raise ConfigError(f"no steward {name!r}")
            del accounts[name]
            write_json(self.path, accounts)

    def exists(self, name: str) -> bool:
        """Whether *name* has an account."""
        return name in (read_json(self.path) or {})

    def verify(self, name: str, password: str) -> bool:
        """Whether *password* is *name*'s (as slow for an unknown name as for a known one)."""
        dummy = _dummy()  # made before the lookup: a first call costs the same for any name
        account = (read_json(self.path) or {}).get(name)
        stored = account["hash"] if isinstance(account, dict) else dummy
        if len(password) > MAX_PASSWORD:
            return False
        try:
            return bool(_HASHER.verify(stored, password)) and account is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


@dataclass(frozen=True)
class Session:
    """A signed-in steward."""

    steward: str
    expires: float
    csrf: str


class Sessions:
    """Stewards' sessions, kept by the SHA-256 of their token."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "sessions"

    def create(self, steward: str, hours: float) -> str:
        """Start a session; its token (for the cookie)."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._prune()
        token = secrets.token_urlsafe(32)
        value = {
            "steward": steward,
            "expires": time.time() + hours * 3600,
            "csrf": secrets.token_urlsafe(32),
        }
        write_json(self._path(token), value)
        return token

    def get(self, token: str | None) -> Session | None:
        """The live session of *token*, or None."""
        if not token or len(token) > 100:
            return None
        value = read_json(self._path(token))
        if not isinstance(value, dict) or float(value.get("expires", 0)) < time.time():
            return None
        return Session(str(value["steward"]), float(value["expires"]), str(value["csrf"]))

    def end(self, token: str | None) -> None:
        """End the session of *token* (signing out)."""
        if token and len(token) <= 100:
            remove_file(self._path(token))

    def _path(self, token: str) -> Path:
        return self.folder / (hashlib.sha256(token.encode()).hexdigest() + ".json")

    def _prune(self) -> None:
        now = time.time()
        for path in self.folder.glob("*.json"):
            value = read_json(path)
            if not isinstance(value, dict) or float(value.get("expires", 0)) < now:
                remove_file(path)


def form_secret(folder: Path) -> bytes:
    """The folder's random secret for CSRF tokens (made on first use, readable by us only)."""
    path = folder / "secret"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    try:
        os.write(descriptor, secrets.token_bytes(32))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return path.read_bytes()


def csrf_token(secret: bytes, seed: str) -> str:
    """The CSRF token a form carries for the browser whose CSRF cookie is *seed*."""
    return hmac.new(secret, b"csrf:" + seed.encode(), hashlib.sha256).hexdigest()


def same_token(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a submitted token with the expected one."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())
