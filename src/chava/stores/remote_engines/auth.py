"""Credentials for an engine: HTTP Basic, Digest (Virtuoso's `-auth` endpoints) or a bearer token.

Reading (`chava serve --store`) and writing (`chava publish --to`) have their own credentials
(`store_*` and `publish_*` settings), so a server holds no right to change the data. The
scheme is chosen by `*_auth`: `basic`, `digest`, or `auto` (the first request goes without
credentials; the engine's 401 challenge says which scheme it wants). Nothing here logs a
password or a token, and `repr` hides them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Final

import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from chava.errors import ConfigError

SCHEMES: Final = ("auto", "basic", "digest")


@dataclass(frozen=True)
class Credentials:
    """Who chava is to an engine (all None: anonymous)."""

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    scheme: str = "auto"

    def __post_init__(self) -> None:
        if self.scheme not in SCHEMES:
            raise ConfigError(f"auth scheme {self.scheme!r}: expected one of {', '.join(SCHEMES)}")
        if self.user is not None and self.password is None:
            raise ConfigError("a user name is set but its password is not")
        if self.token is not None and self.user is not None:
            raise ConfigError("set either a user and password or a bearer token, not both")

    @property
    def anonymous(self) -> bool:
        """No credentials at all."""
        return self.user is None and self.token is None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able form (sent to query workers on their standard input only)."""
        return {
            "user": self.user,
            "password": self.password,
            "token": self.token,
            "scheme": self.scheme,
        }

    def auth(self) -> AuthBase | None:
        """A requests auth handler for these credentials (one per connection pool)."""
        if self.token is not None:
            return BearerAuth(self.token)
        if self.user is None:
            return None
        password = self.password or ""
        if self.scheme == "basic":
            return HTTPBasicAuth(self.user, password)
        if self.scheme == "digest":
            return HTTPDigestAuth(self.user, password)
        return ChallengeAuth(self.user, password)


class BearerAuth(AuthBase):
    """`Authorization: Bearer TOKEN` on every request."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "BearerAuth(***)"


class ChallengeAuth(AuthBase):
    """Basic or Digest, as the engine's first 401 challenge asks; remembered afterwards."""

    def __init__(self, user: str, password: str) -> None:
        self._user = user
        self._password = password
        self._chosen: AuthBase | None = None
        self._lock = threading.Lock()

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        chosen = self._chosen
        if chosen is not None:
            return chosen(request)
        request.register_hook("response", self._on_response)  # type: ignore[no-untyped-call]
        return request

    def _on_response(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        if response.status_code != 401 or self._chosen is not None:
            return response
        challenge = response.headers.get("WWW-Authenticate", "").lower()
        with self._lock:
            if self._chosen is None:
                if challenge.startswith("digest"):
                    self._chosen = HTTPDigestAuth(self._user, self._password)
                elif challenge.startswith("basic") or not challenge:
                    # No challenge at all (a server not following RFC 9110): Basic, the default.
                    self._chosen = HTTPBasicAuth(self._user, self._password)
                else:
                    return response
        chosen = self._chosen
        if isinstance(chosen, HTTPDigestAuth):
            digest: Any = chosen  # requests' digest handler answers the challenge itself
            digest.init_per_thread_state()
            digest._thread_local.num_401_calls = 1  # its own counter of challenges answered
            digest._thread_local.pos = None
            answered: requests.Response = digest.handle_401(response, **kwargs)
            return answered
        # Basic: send the request again with the header (the body is still in the request).
        response.content  # noqa: B018 - read the 401's body so the connection can be reused
        response.close()
        retry = response.request.copy()
        assert chosen is not None
        chosen(retry)
        sent = response.connection.send(retry, **kwargs)
        sent.history.append(response)
        sent.request = retry
        return sent

    def __repr__(self) -> str:
        return f"ChallengeAuth({self._user!r}, ***)"
