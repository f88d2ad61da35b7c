"""The only way out of a sandboxed query worker: connections its parent opens for it.

A query worker runs in a network namespace of its own (`chava.sparql.sandbox`) where only
loopback exists. For each allowed *target* (an allow-listed SERVICE endpoint's host and port, or
the engine of `chava serve --store`) the worker listens on a loopback address inside its
namespace, and its /etc/hosts maps the target's host name there, so pyoxigraph's HTTP client and
`requests` connect as usual. Each connection accepted there is relayed through a socket the
parent (the web worker) connected: the worker asks over a Unix socket pair for target number N,
and the parent, which alone can reach the network, connects to that target only and hands the
connected socket back (SCM_RIGHTS). The worker can name a target, never an address: what it may
reach is decided outside it. TLS passes through unchanged (end to end, with the real host name).
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import socket
import struct
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from chava.errors import ConfigError

logger = logging.getLogger(__name__)

DEFAULT_PORTS: Final = {"http": 80, "https": 443}
_REQUEST: Final = struct.Struct(">H")
_RELAY_CHUNK: Final = 1 << 16


@dataclass(frozen=True)
class Target:
    """A host and port the worker may reach, and where it reaches it inside its namespace."""

    host: str
    port: int
    inside: str
    """The loopback address the worker connects to (its /etc/hosts maps *host* there)."""

    @property
    def named(self) -> bool:
        """The host is a name the namespace's own /etc/hosts must map (not localhost, no IP)."""
        return self.host != "localhost" and self.host != self.inside


def targets_of(urls: Iterable[str]) -> tuple[Target, ...]:
    """The distinct (host, port) of *urls*, each with its address inside the namespace.

    Loopback literals keep their address; `localhost` is 127.0.0.1; other names get
    127.0.N.1, other IPv4 literals are added to the namespace's loopback interface. Refused
    (ConfigError): other schemes than http and https, IPv6 addresses other than ::1, and
    numeric hosts not in dotted-quad form (`127.1`, `0x7f.1`, `2130706433`).
    """
    targets: dict[tuple[str, int], Target] = {}
    names: dict[str, str] = {}
    for url in urls:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in DEFAULT_PORTS or not host:
            raise ConfigError(f"{url}: only http and https endpoints can be reached")
        port = parts.port or DEFAULT_PORTS[parts.scheme]
        if (host, port) in targets:
            continue
        targets[(host, port)] = Target(host, port, _inside(url, host, names))
    return tuple(targets.values())


def _inside(url: str, host: str, names: dict[str, str]) -> str:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if _is_numeric_host(host):
            raise ConfigError(
                f"{url}: write an IP address in dotted-quad form, not {host!r}"
            ) from None
        if host == "localhost":
            return "127.0.0.1"
        return names.setdefault(host, f"127.0.{len(names) + 1}.1")
    if address.version == 6 and not address.is_loopback:
        raise ConfigError(f"{url}: IPv6 endpoints other than [::1] cannot be reached")
    return str(address)


def _is_numeric_host(host: str) -> bool:
    """Whether the C library reads *host* as an IPv4 address (`127.1`, `0x7f.1`, `2130706433`)."""
    try:
        socket.inet_aton(host)
    except OSError:
        return False
    return True


def hosts_file(targets: Sequence[Target]) -> str:
    """The /etc/hosts of the namespace: localhost, and each named target at its address."""
    lines = ["127.0.0.1 localhost", "::1 localhost ip6-localhost"]
    for target in targets:
        if target.named:
            lines.append(f"{target.inside} {target.host}")
    return "\n".join(dict.fromkeys(lines)) + "\n"


class Broker:
    """The parent's side: connect to target N when the worker asks, hand the socket over."""

    def __init__(
        self, channel: socket.socket, targets: Sequence[Target], *, connect_timeout: float
    ) -> None:
        self.channel = channel
        self.targets = tuple(targets)
        self.connect_timeout = connect_timeout
        self.thread = threading.Thread(target=self._serve, name="chava-egress", daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        with self.channel:
            while True:
                try:
                    request = self.channel.recv(_REQUEST.size)
                except OSError:
                    return
                if len(request) != _REQUEST.size:
                    return  # the worker is gone
                (index,) = _REQUEST.unpack(request)
                try:
                    self._answer(index)
                except OSError:
                    return

    def _answer(self, index: int) -> None:
        if index >= len(self.targets):
            self.channel.send(b"0")
            return
        target = self.targets[index]
        try:
            connection = _connect(target, self.connect_timeout)
        except OSError as error:
            logger.info("egress to %s:%d failed: %s", target.host, target.port, error)
            self.channel.send(b"0")
            return
        with connection:
            connection.settimeout(None)
            socket.send_fds(self.channel, [b"1"], [connection.fileno()])


def _connect(target: Target, timeout: float) -> socket.socket:
    """Connect to *target*; a host name is never followed to this machine or a link-local
    address (DNS rebinding, cloud metadata): only an allow-list entry naming such an address
    (or localhost) reaches it."""
    if not target.named:
        return socket.create_connection((target.host, target.port), timeout=timeout)
    failure: OSError = OSError(f"{target.host}: no address allowed")
    for family, kind, protocol, _name, address in socket.getaddrinfo(
        target.host, target.port, type=socket.SOCK_STREAM
    ):
        ip = ipaddress.ip_address(str(address[0]).split("%")[0])
        if ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast:
            continue
        connection = socket.socket(family, kind, protocol)
        try:
            connection.settimeout(timeout)
            connection.connect(address)
        except OSError as error:
            connection.close()
            failure = error
            continue
        return connection
    raise failure


class Forwarder:
    """The worker's side: listen inside the namespace, relay through sockets from the broker."""

    def __init__(self, channel: socket.socket, targets: Sequence[Target]) -> None:
        self.channel = channel
        self.lock = threading.Lock()
        for index, target in enumerate(targets):
            family = socket.AF_INET6 if ":" in target.inside else socket.AF_INET
            listener = socket.socket(family, socket.SOCK_STREAM)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((target.inside, target.port))
            listener.listen(16)
            threading.Thread(
                target=self._accept, args=(listener, index), name="chava-forward", daemon=True
            ).start()

    def _accept(self, listener: socket.socket, index: int) -> None:
        while True:
            local, _address = listener.accept()
            threading.Thread(
                target=self._relay, args=(local, index), name="chava-relay", daemon=True
            ).start()

    def _relay(self, local: socket.socket, index: int) -> None:
        with local:
            remote = self._connect(index)
            if remote is None:
                return  # closed at once: the same for every failure
            with remote:
                # A request's head and body arrive as two writes: relayed with Nagle's delay
                # on, the second waits for the engine's delayed ACK (40 ms on Linux).
                for relayed in (local, remote):
                    with contextlib.suppress(OSError):
                        relayed.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                back = threading.Thread(target=_pump, args=(remote, local), daemon=True)
                back.start()
                _pump(local, remote)
                back.join()

    def _connect(self, index: int) -> socket.socket | None:
        with self.lock:
            self.channel.send(_REQUEST.pack(index))
            answer, descriptors, _flags, _address = socket.recv_fds(self.channel, 1, 1)
        if answer != b"1" or not descriptors:
            return None
        return socket.socket(fileno=descriptors[0])


def _pump(source: socket.socket, sink: socket.socket) -> None:
    """Copy bytes from *source* to *sink* until *source* ends, then end *sink*'s writing."""
    try:
        while chunk := source.recv(_RELAY_CHUNK):
            sink.sendall(chunk)
    except OSError:
        pass  # either side went away: ending both is all there is to do
    finally:
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)
