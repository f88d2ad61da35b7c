"""Query workers in namespaces of their own: no network but loopback, enforced by the kernel.

A query worker calls `enter` first thing, while it is still single-threaded and before it opens
the store. `unshare(CLONE_NEWUSER | CLONE_NEWNET)` puts it in a new user namespace (where it is
root, over nothing but its own namespaces; no privilege is needed on the host) and a new network
namespace holding only a loopback interface: no route leads out, whatever a query asks for, so
`SERVICE <http://10.0.0.1/>` or a port scan of the host's loopback fail as if nothing listened.
The allowed targets (`chava.sparql.egress`) are reached through the parent. When a target has a
host name, a mount namespace too (`CLONE_NEWNS`) lets /etc/hosts map it into loopback.

This needs Linux with unprivileged user namespaces (`kernel.unprivileged_userns_clone=1`,
`user.max_user_namespaces` > 0, no AppArmor or seccomp profile refusing them). `probe` runs the
real setup in a short-lived child process; the `sparql_worker_isolation` setting says what to
do when it fails: "require" (the default) stops the server, "warn" runs without this layer.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import functools
import logging
import os
import socket
import struct
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from chava.errors import ConfigError
from chava.sparql.egress import Forwarder, Target, hosts_file

logger = logging.getLogger(__name__)

MODES: Final = ("require", "warn")
CLONE_NEWNS: Final = 0x00020000
CLONE_NEWUSER: Final = 0x10000000
CLONE_NEWNET: Final = 0x40000000
MS_BIND: Final = 0x1000
MS_REC: Final = 0x4000
MS_PRIVATE: Final = 0x40000
PR_SET_NO_NEW_PRIVS: Final = 38
SIOCGIFFLAGS: Final = 0x8913
SIOCSIFFLAGS: Final = 0x8914
SIOCSIFADDR: Final = 0x8916
SIOCSIFNETMASK: Final = 0x891C
IFF_UP: Final = 0x1
UNREACHABLE: Final = ("192.0.2.1", 9)
"""TEST-NET-1 (RFC 5737): the probe checks that even a route to it is missing."""


class SandboxError(Exception):
    """The kernel refused a step of the isolation."""


def enter(targets: Sequence[Target], channel: socket.socket | None) -> None:
    """Move this (single-threaded) process into its namespaces; start the egress forwarder."""
    uid, gid = os.getuid(), os.getgid()
    named = any(target.named for target in targets)
    libc = ctypes.CDLL(None, use_errno=True)
    flags = CLONE_NEWUSER | CLONE_NEWNET | (CLONE_NEWNS if named else 0)
    _call(libc.unshare(flags), "unshare(CLONE_NEWUSER | CLONE_NEWNET)")
    try:
        Path("/proc/self/setgroups").write_text("deny")
        Path("/proc/self/uid_map").write_text(f"0 {uid} 1")
        Path("/proc/self/gid_map").write_text(f"0 {gid} 1")
    except OSError as error:
        raise SandboxError(f"cannot map the user into its namespace: {error}") from error
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as control:
        _interface_up(control, "lo")
        aliases = [target.inside for target in targets if _needs_address(target.inside)]
        for number, address in enumerate(dict.fromkeys(aliases), start=1):
            _add_address(control, f"lo:{number}", address)
    if named:
        _bind_hosts(libc, hosts_file(targets))
    _call(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")
    if targets and channel is not None:
        Forwarder(channel, targets)


def probe() -> str | None:
    """None when query workers can be isolated here, else why not (checked in a child process)."""
    return _probe_once()


@functools.cache
def _probe_once() -> str | None:
    try:
        finished = subprocess.run(
            [sys.executable, "-c", "import chava.sparql.sandbox as s; s.probe_main()"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"the isolation probe could not run: {error}"
    if finished.returncode == 0:
        return None
    return (finished.stdout.strip() or finished.stderr.strip() or "unknown failure")[-300:]


def probe_main() -> None:
    """In a child process: enter the namespaces, check that no route leads out, report."""
    try:
        enter((), None)
        names = [name for _index, name in socket.if_nameindex()]
        if names != ["lo"]:
            raise SandboxError(f"the namespace has interfaces besides loopback: {names}")
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe_socket:
            probe_socket.settimeout(2)
            code = probe_socket.connect_ex(UNREACHABLE)
        if code != errno.ENETUNREACH:
            raise SandboxError(f"a connection out was not refused by the kernel ({code})")
    except SandboxError as error:
        print(error)
        sys.exit(1)


def check_mode(mode: str) -> None:
    """Refuse a sparql_worker_isolation value that is not one of MODES."""
    if mode not in MODES:
        raise ConfigError(f"sparql_worker_isolation: {mode!r} is not one of {', '.join(MODES)}")


def check(mode: str) -> bool:
    """Whether query workers will be isolated; ConfigError when *mode* requires it and it fails.

    Probes the kernel (in a child process, once per process): `chava serve` calls it at start.
    """
    check_mode(mode)
    reason = probe()
    if reason is None:
        return True
    if mode == "require":
        raise ConfigError(
            "query workers cannot be isolated from the network on this machine "
            f"({reason}); enable unprivileged user namespaces, or set sparql_worker_isolation "
            '= "warn" to serve without this layer (then only the query screen stops SERVICE)'
        )
    logger.warning(
        "SECURITY: query workers run WITHOUT network isolation (%s): only the query screen "
        "keeps public queries from making this server connect elsewhere",
        reason,
    )
    return False


def _call(result: int, what: str) -> None:
    if result != 0:
        code = ctypes.get_errno()
        raise SandboxError(f"{what} failed: {os.strerror(code)}")


def _interface_up(control: socket.socket, name: str) -> None:
    try:
        request = struct.pack("16sh22x", name.encode(), 0)
        flags = struct.unpack("16sh22x", fcntl.ioctl(control, SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(control, SIOCSIFFLAGS, struct.pack("16sh22x", name.encode(), flags | IFF_UP))
    except OSError as error:
        raise SandboxError(f"cannot bring up {name}: {error}") from error


def _needs_address(address: str) -> bool:
    return ":" not in address and not address.startswith("127.")


def _add_address(control: socket.socket, name: str, address: str) -> None:
    """Give the loopback interface one more IPv4 address (an alias such as lo:1), /32."""
    try:
        for request, value in ((SIOCSIFADDR, address), (SIOCSIFNETMASK, "255.255.255.255")):
            packed = socket.inet_aton(value)
            fcntl.ioctl(
                control,
                request,
                struct.pack("16sHH4s16x", name.encode(), socket.AF_INET, 0, packed),
            )
    except OSError as error:
        raise SandboxError(f"cannot add {address} to loopback: {error}") from error


def _bind_hosts(libc: ctypes.CDLL, content: str) -> None:
    """Mount a hosts file of our own over /etc/hosts, in this process's mount namespace only."""
    _call(libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "making mounts private")
    descriptor, name = tempfile.mkstemp(prefix="chava-hosts-")
    try:
        with os.fdopen(descriptor, "w") as stream:
            stream.write(content)
        Path(name).chmod(0o644)
        _call(libc.mount(name.encode(), b"/etc/hosts", None, MS_BIND, None), "binding /etc/hosts")
    finally:
        Path(name).unlink()  # the mount keeps the file alive
