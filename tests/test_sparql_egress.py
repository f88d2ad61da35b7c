"""Egress targets: which hosts and ports a worker may reach, and where they sit in its namespace."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from chava.errors import ConfigError
from chava.sparql import egress
from chava.sparql.egress import Target, hosts_file, targets_of


def test_targets_keep_loopback_addresses_and_map_names_into_loopback() -> None:
    targets = targets_of(
        [
            "http://127.0.0.1:7878/query",
            "http://127.0.0.1:7878/other",  # same host and port: one target
            "https://query.example.org/sparql",
            "http://localhost:3030/ds/sparql",
            "http://partner.example.net:8890/sparql",
            "http://10.1.2.3/sparql",
            "http://[::1]:7878/query",
        ]
    )
    assert targets == (
        Target("127.0.0.1", 7878, "127.0.0.1"),
        Target("query.example.org", 443, "127.0.1.1"),
        Target("localhost", 3030, "127.0.0.1"),
        Target("partner.example.net", 8890, "127.0.2.1"),
        Target("10.1.2.3", 80, "10.1.2.3"),
        Target("::1", 7878, "::1"),
    )
    assert [target.named for target in targets] == [False, True, False, True, False, False]
    assert hosts_file(targets).splitlines() == [
        "127.0.0.1 localhost",
        "::1 localhost ip6-localhost",
        "127.0.1.1 query.example.org",
        "127.0.2.1 partner.example.net",
    ]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.1:7878/query", "dotted-quad"),
        ("http://0x7f.1/query", "dotted-quad"),
        ("http://2130706433/query", "dotted-quad"),
        ("ftp://example.org/data", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("http://[2001:db8::1]/sparql", "IPv6"),
    ],
)
def test_targets_the_parent_cannot_honestly_reach_are_refused(url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        targets_of([url])


@pytest.mark.parametrize("address", ["127.0.0.1", "127.5.5.5", "169.254.169.254", "::1", "0.0.0.0"])
def test_a_host_name_is_never_followed_to_this_machine_or_link_local(
    monkeypatch: pytest.MonkeyPatch, address: str
) -> None:
    """DNS rebinding or a metadata address: the parent does not connect for the worker."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET

    def resolving(*args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        return [(family, socket.SOCK_STREAM, 6, "", (address, 80))]

    monkeypatch.setattr(socket, "getaddrinfo", resolving)
    with pytest.raises(OSError, match="no address allowed"):
        egress._connect(Target("partner.example.org", 80, "127.0.1.1"), 1.0)


def test_an_address_on_the_allow_list_is_reached_as_written() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    try:
        port = listener.getsockname()[1]
        with egress._connect(Target("127.0.0.1", port, "127.0.0.1"), 5.0) as connection:
            assert connection.getpeername() == ("127.0.0.1", port)
    finally:
        listener.close()
