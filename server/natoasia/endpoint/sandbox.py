"""Operating-system confinement of the processes that evaluate user queries.

The query check refuses SERVICE, updates and dataset clauses before a query is evaluated; this
module makes the same things impossible for the kernel, so that a query the check misreads still
cannot reach the network or the file system. A confined process:

- cannot create a socket or connect one (seccomp: ``socket``, ``socketpair``, ``connect`` and
  ``io_uring_setup`` fail with EPERM), so SERVICE, or any other way pyoxigraph might open a
  connection, fails;
- cannot open, create or change any file except for reading below a few directories (Landlock):
  Python's own library directories, so that lazy imports keep working, and whatever the caller
  names (an on-disk store). It cannot bind or connect TCP ports either (Landlock ABI ≥ 4), a
  second wall behind seccomp;
- can never undo either (``PR_SET_NO_NEW_PRIVS``; both filters are inherited and irrevocable).

Both mechanisms work without privileges. :func:`probe` tells at start-up whether this kernel
offers them; ``natoasia serve`` and ``natoasia query`` refuse to run without them unless the
operator passes ``--allow-unsandboxed``.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import subprocess
import sys
import sysconfig
from collections.abc import Iterable
from pathlib import Path

__all__ = ["SandboxUnavailable", "confine", "prepare", "probe", "python_paths"]

_PR_SET_NO_NEW_PRIVS = 38
_SYS_LANDLOCK_CREATE_RULESET, _SYS_LANDLOCK_ADD_RULE, _SYS_LANDLOCK_RESTRICT_SELF = 444, 445, 446
_LANDLOCK_CREATE_RULESET_VERSION = 1
_LANDLOCK_RULE_PATH_BENEATH = 1
# Filesystem access rights by ABI version (linux/landlock.h).
_FS_EXECUTE, _FS_WRITE_FILE, _FS_READ_FILE, _FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_FS_ABI1 = (1 << 13) - 1  # EXECUTE … MAKE_SYM
_FS_REFER, _FS_TRUNCATE, _FS_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
_NET_BIND_TCP, _NET_CONNECT_TCP = 1 << 0, 1 << 1
_DENIED_SYSCALLS = ("socket", "socketpair", "connect", "io_uring_setup")


class SandboxUnavailable(OSError):
    """The kernel (or the C library) does not offer the confinement; the reason is the message."""


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _libc():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    return libc


def _landlock_abi(libc) -> int:
    abi = libc.syscall(_SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0),
                       ctypes.c_uint32(_LANDLOCK_CREATE_RULESET_VERSION))
    if abi < 0:
        code = ctypes.get_errno()
        raise SandboxUnavailable(code, f"Landlock is not available ({os.strerror(code)})")
    return abi


def python_paths() -> list[str]:
    """The directories Python imports from (stdlib, extension modules, site-packages, the package)."""
    paths = {sysconfig.get_path(name) for name in ("stdlib", "platstdlib", "purelib", "platlib")}
    paths |= {p for p in sys.path if p and os.path.abspath(p) != os.getcwd()}  # `python -m` adds the cwd
    paths.add(str(Path(__file__).resolve().parents[2]))  # the folder holding the natoasia package
    return sorted(p for p in paths if p and os.path.isdir(p))


def _landlock(libc, read_paths: Iterable[str]) -> None:
    abi = _landlock_abi(libc)
    fs = _FS_ABI1 | (_FS_REFER if abi >= 2 else 0) | (_FS_TRUNCATE if abi >= 3 else 0) | \
        (_FS_IOCTL_DEV if abi >= 5 else 0)
    net = (_NET_BIND_TCP | _NET_CONNECT_TCP) if abi >= 4 else 0
    attr = _RulesetAttr(fs, net)
    size = ctypes.sizeof(attr) if abi >= 4 else ctypes.sizeof(ctypes.c_uint64)
    ruleset = libc.syscall(_SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size),
                           ctypes.c_uint32(0))
    if ruleset < 0:
        code = ctypes.get_errno()
        raise SandboxUnavailable(code, f"cannot create a Landlock ruleset ({os.strerror(code)})")
    try:
        for path in read_paths:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            try:
                directory = os.path.isdir(path)
                rule = _PathBeneathAttr(_FS_READ_FILE | (_FS_READ_DIR if directory else 0), fd)
                if libc.syscall(_SYS_LANDLOCK_ADD_RULE, ctypes.c_int(ruleset),
                                ctypes.c_int(_LANDLOCK_RULE_PATH_BENEATH), ctypes.byref(rule), ctypes.c_uint32(0)):
                    code = ctypes.get_errno()
                    raise SandboxUnavailable(code, f"cannot add a Landlock rule for {path} ({os.strerror(code)})")
            finally:
                os.close(fd)
        if libc.syscall(_SYS_LANDLOCK_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)):
            code = ctypes.get_errno()
            raise SandboxUnavailable(code, f"cannot enforce the Landlock ruleset ({os.strerror(code)})")
    finally:
        os.close(ruleset)


@functools.lru_cache(maxsize=1)
def _seccomp_filter():
    """The seccomp filter, built (not loaded) before Landlock closes the file system: libseccomp is
    found and loaded through ctypes, which needs to read and probe files (it runs ``ldconfig``).
    Built once per process and inherited by forked workers, which only load it."""
    try:
        import pyseccomp
    except (ImportError, OSError, RuntimeError) as exc:  # pyseccomp raises when libseccomp is missing
        raise SandboxUnavailable(errno.ENOSYS, f"libseccomp is not available ({exc})") from None
    rules = pyseccomp.SyscallFilter(defaction=pyseccomp.ALLOW)
    for name in _DENIED_SYSCALLS:
        rules.add_rule(pyseccomp.ERRNO(errno.EPERM), name)
    return rules


def _load(rules) -> None:
    try:
        rules.load()
    except OSError as exc:
        raise SandboxUnavailable(exc.errno or errno.EPERM, f"cannot load the seccomp filter ({exc})") from None


def prepare() -> None:
    """Do the slow part of :func:`confine` now, in a parent that will fork confined workers: find
    libseccomp and build the filter (tens of milliseconds, which a replacement worker then saves)."""
    _seccomp_filter()


def confine(read_paths: Iterable[str] = ()) -> None:
    """Confine this process for good: no sockets, no file access but reading below ``read_paths``
    and Python's own directories. Raises :class:`SandboxUnavailable` if the kernel refuses; the
    process may then be partly confined and should exit."""
    if not sys.platform.startswith("linux"):
        raise SandboxUnavailable(errno.ENOSYS, f"process confinement needs Linux (this is {sys.platform})")
    libc = _libc()
    rules = _seccomp_filter()
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0):
        code = ctypes.get_errno()
        raise SandboxUnavailable(code, f"cannot set no_new_privs ({os.strerror(code)})")
    _landlock(libc, [*python_paths(), *read_paths])
    _load(rules)


_PROBE = """
import os, socket, sys
from natoasia.endpoint.sandbox import confine
confine()
try:
    socket.socket(socket.AF_INET, socket.SOCK_STREAM)
except PermissionError:
    pass
else:
    sys.exit("a confined process could still open a socket")
try:
    open(os.devnull, "w")
except PermissionError:
    pass
else:
    sys.exit("a confined process could still open a file for writing")
"""


def probe() -> str | None:
    """None if confinement works here (tried in a child process), else the reason it does not."""
    try:
        result = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=60,
                                stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"the sandbox probe could not run ({exc})"
    if result.returncode == 0:
        return None
    lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
    return lines[-1] if lines else f"the sandbox probe exited with code {result.returncode}"
