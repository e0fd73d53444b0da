"""Warm kernels: ipykernels forked from a process that has already imported the heavy libraries.

A stock kernel spends most of its start importing pandas, matplotlib, pandera
and ipykernel itself (about two seconds each time on a small machine) before a
chapter computes anything. Here one *fork server* per executing process does
those imports once, then forks a child per kernel; the child becomes an
ipykernel with the connection file the kernel manager wrote. Every chapter
still runs in a fresh process with an empty namespace: the server imports
the libraries and the book's own modules (:data:`PACKAGE_MODULES`), reads the
data and runs the audit, caches that every call checks against the files'
stamps, but never runs a chapter's code; a kernel is never reused.

The kernel spec ``lacoe-warm`` (``kernelspec/kernels/lacoe-warm/kernel.json``)
names the ``lacoe-fork`` provisioner (an entry point of this package). Any
kernel command that is not a plain ipykernel launch falls back to the stock
launch. Use :func:`use_warm_kernels` (nbclient) or ``-p lacoe_report.book.kernels
--nbval-kernel-name lacoe-warm`` (nbval) to select them.
"""
from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

#: The kernel spec that starts kernels from the fork server.
KERNEL_NAME = "lacoe-warm"
#: Folder to put on ``JUPYTER_PATH`` so that Jupyter finds :data:`KERNEL_NAME`.
SPEC_ROOT = Path(__file__).resolve().parent / "kernelspec"
#: What a chapter kernel imports anyway; the server imports it once, before forking.
WARM_MODULES = ("numpy", "pandas", "matplotlib", "matplotlib.pyplot", "matplotlib_inline.backend_inline",
                "pandera.pandas", "yaml", "IPython", "ipykernel.kernelapp", "ipykernel.ipkernel",
                "ipykernel.zmqshell", "ipykernel.debugger")
#: The book's own modules, imported once too: they hold no chapter state, and
#: the data they cache is checked against the files on every call.
PACKAGE_MODULES = ("lacoe_report.core.data", "lacoe_report.core.metrics", "lacoe_report.core.audit",
                   "lacoe_report.present.plots", "lacoe_report.present.tables", "lacoe_report.present.publish")
_LAUNCHER = ("-m", "ipykernel_launcher")


def use_warm_kernels() -> str:
    """Let Jupyter find the warm kernel spec in this process and its children; return its name.

    >>> use_warm_kernels()
    'lacoe-warm'
    >>> str(SPEC_ROOT) in os.environ["JUPYTER_PATH"].split(os.pathsep)
    True
    """
    paths = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    if str(SPEC_ROOT) not in paths:
        os.environ["JUPYTER_PATH"] = os.pathsep.join([str(SPEC_ROOT), *paths])
    return KERNEL_NAME


# --- the server -------------------------------------------------------------

def serve(address: str) -> None:
    """Import :data:`WARM_MODULES`, then fork one kernel per request on ``address``.

    A request is one JSON line ``{"argv": [...], "env": {...}, "cwd": "..."}``
    where ``argv`` are the ipykernel arguments; the reply is the child's pid.
    The server exits when the process that started it is gone.
    """
    parent = os.getppid()
    # Matplotlib reads its backend from the environment when imported: the one
    # ipykernel would set, unless the caller chose another.
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # debugpy's import-time warning
    _import_as_in_a_kernel(WARM_MODULES)
    _preload_package()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # exited kernels are reaped by the OS: no zombies, no waiting
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address + ".tmp")
    listener.listen(16)
    os.rename(address + ".tmp", address)  # clients connect only once the imports are done
    listener.settimeout(0.5)
    while os.getppid() == parent:
        try:
            connection, _ = listener.accept()
        except (TimeoutError, socket.timeout):
            continue
        with connection:
            connection.settimeout(10)
            try:
                request = json.loads(connection.makefile("r", encoding="utf-8").readline())
            except (OSError, ValueError):
                continue  # a client that went away or sent nonsense: the next one is served
            pid = os.fork()
            if pid == 0:
                listener.close()
                _become_kernel(request)  # never returns
            connection.sendall(f"{pid}\n".encode())


class _KernelShell:
    """What ``get_ipython()`` answers inside a Jupyter kernel, as far as import-time checks look."""

    kernel = object()


def _import_as_in_a_kernel(names: tuple[str, ...]) -> None:
    """Import ``names`` as a kernel would, so their import-time defaults are the kernel's.

    pandas, for one, picks ``display.max_columns`` at import from whether
    ``get_ipython()`` has a kernel (20) or not (0: fit the terminal), which
    changes how every table prints and so what nbval compares.
    """
    import builtins
    import importlib

    builtins.get_ipython = _KernelShell
    try:
        for name in names:
            importlib.import_module(name)
    finally:
        del builtins.get_ipython


def _preload_package() -> None:
    """Import :data:`PACKAGE_MODULES`, read and validate the data and run the audit, as chapters' first cells do.

    ``lacoe_report.core.data``, the formula evaluator and the audit cache what
    they read with each file's size, mtime and inode and read it again when
    any of them changed, so a kernel forked later never sees stale data. Bad
    data is left for the chapters to report, in their own words.
    """
    try:
        _import_as_in_a_kernel(PACKAGE_MODULES)
        from lacoe_report.core import data, formula
        from lacoe_report.core.audit import audit

        data.figures()
        data.excluded()
        formula.figure_rows()
        audit()
    except Exception:  # noqa: BLE001 - each chapter loads the data again and says what is wrong
        _forget_package()


def _forget_package() -> None:
    """Drop the book's modules, so that a kernel imports them afresh."""
    for name in [n for n in sys.modules if n == "lacoe_report" or n.startswith("lacoe_report.")]:
        del sys.modules[name]


def _imported_for_another_root(env: dict[str, str]) -> bool:
    """Whether the book's modules are imported here for a project root other than the one ``env`` selects.

    ``env`` selects the root as ``lacoe_report.core.paths.project_root`` does:
    the variable ``LACOE_PROJ_ROOT`` when set, else the folder the package lies
    in. So a kernel server that the warm command server started for a root
    (with the variable set) serves, with its imports, the kernels of a command
    at that root that left the variable unset.
    """
    paths = sys.modules.get("lacoe_report.core.paths")
    return paths is not None and paths.project_root(env) != paths.PROJ_ROOT


def _become_kernel(request: dict[str, Any]) -> None:
    """In the forked child: the environment of a stock kernel launch, then ipykernel."""
    code = 1
    try:
        if _imported_for_another_root(request["env"]):
            _forget_package()  # imported for another project root: paths are fixed at import
        os.setsid()  # its own process group, as the stock launcher does: interrupts reach only it
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the server's SIG_IGN would break subprocess in cells
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        null = os.open(os.devnull, os.O_RDWR)
        # Its own chatter goes nowhere, as with nbclient's stderr=DEVNULL;
        # LACOE_KERNEL_LOG names a file to keep it when a kernel will not start.
        log = os.environ.get("LACOE_KERNEL_LOG")
        err = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND) if log else null
        for fd, target in ((0, null), (1, null), (2, err)):
            os.dup2(target, fd)
        sys.path[0] = request["cwd"]  # as `python -m ipykernel_launcher` started there would have it
        sys.argv = [sys.executable, *request["argv"]]
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=request["argv"])
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 0
    except BaseException:  # noqa: BLE001 - as the interpreter does: the traceback, then status 1
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)


# --- the client -------------------------------------------------------------

class ForkServer:
    """A fork server started by (and dying with) the current process, in ``env`` (default: this process's)."""

    def __init__(self, env: dict | None = None) -> None:
        self._owner = os.getpid()
        self._folder = tempfile.mkdtemp(prefix="lacoe-kernels-")
        self.address = os.path.join(self._folder, "socket")
        self.process = subprocess.Popen([sys.executable, "-m", "lacoe_report.book.kernels", self.address],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, cwd="/", env=env)
        atexit.register(self.close)

    def spawn(self, argv: list[str], env: dict[str, str], cwd: str, timeout: float = 120) -> int:
        """Fork a kernel with ``argv`` (ipykernel's arguments); return its pid."""
        deadline = time.monotonic() + timeout
        while not os.path.exists(self.address):
            if self.process.poll() is not None:
                raise RuntimeError("the warm-kernel server exited before it was ready")
            if time.monotonic() > deadline:
                raise TimeoutError("the warm-kernel server did not start")
            time.sleep(0.02)
        return _request(self.address, argv, env, cwd)

    def ours(self) -> bool:
        """False in a forked child of the process that started the server: it is the parent's."""
        return os.getpid() == self._owner

    def close(self) -> None:
        if not self.ours():  # a fork's copy (verify's nbval workers): the parent still uses the server
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        for name in (self.address, self.address + ".tmp"):
            if os.path.exists(name):
                os.unlink(name)
        if os.path.isdir(self._folder):
            os.rmdir(self._folder)


def _request(address: str, argv: list[str], env: dict[str, str], cwd: str) -> int:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(30)
        client.connect(address)
        client.sendall((json.dumps({"argv": argv, "env": env, "cwd": cwd}) + "\n").encode())
        return int(client.makefile("r").readline())


class KeptServer:
    """A fork server that the warm command server (:mod:`lacoe_report.book.warm`) keeps between commands.

    The command server may close it while this process still uses it (it keeps
    only the last few): its folder is then gone, and the next kernel asks for
    one again; with the command server gone too, this process starts its own.
    """

    def __init__(self, address: str, root: str, key: str) -> None:
        self.address, self._root, self._key = address, root, key
        self._own: ForkServer | None = None

    def spawn(self, argv: list[str], env: dict[str, str], cwd: str, timeout: float = 120) -> int:
        """Fork a kernel from the kept server (asked for again if it was closed); return its pid."""
        from . import warm

        deadline = time.monotonic() + timeout
        while self._own is None and time.monotonic() < deadline:
            if not os.path.isdir(os.path.dirname(self.address)):  # closed by the command server
                address = warm.kernel_server(self._root, self._key)
                if address is None:
                    self._own = ForkServer()
                    break
                self.address = address
            elif os.path.exists(self.address):
                try:
                    return _request(self.address, argv, env, cwd)
                except (FileNotFoundError, ConnectionRefusedError):
                    continue  # closed between the look and the request
            time.sleep(0.02)
        if self._own is None:
            raise TimeoutError("the warm-kernel server did not start")
        return self._own.spawn(argv, env, cwd, timeout)

    def close(self) -> None:
        if self._own is not None:
            self._own.close()


_server: ForkServer | KeptServer | None = None
_server_key: str | None = None
_server_lock = threading.Lock()


def server(key: str | None = None) -> ForkServer | KeptServer:
    """This process's fork server, started on first use (or by :func:`prestart`).

    A ``key`` that differs from the one the running server was started with
    (the preview passes the fingerprint of the data and the package) replaces
    it with a new one, which imports today's code and data.
    """
    global _server, _server_key
    with _server_lock:
        stale = key is not None and _server_key is not None and key != _server_key
        if _server is None or not _alive(_server) or stale:
            if _server is not None:
                _server.close()
            _server = _kept(key) or ForkServer()
            _server_key = key
        elif key is not None:
            _server_key = key
        return _server


def _alive(found: ForkServer | KeptServer) -> bool:
    return isinstance(found, KeptServer) or (found.ours() and found.process.poll() is None)


def _kept(key: str | None) -> KeptServer | None:
    """Under the warm command server, the kernel server it keeps for this project, data and package.

    Its key names this file's bytes too: a kept server runs the fork loop and the
    kernel's set-up as they were when it started, so an edit here starts a new one.
    """
    from . import warm

    if not os.environ.get(warm.SERVER_ENV):
        return None
    from ..core.paths import PROJ_ROOT
    from ..core.safe_write import fingerprint
    from . import inputs

    key = f"{key or inputs.fingerprint(inputs.CHAPTERS)} {fingerprint(Path(__file__))}"
    address = warm.kernel_server(str(PROJ_ROOT), key)
    return KeptServer(address, str(PROJ_ROOT), key) if address else None


def prestart(key: str | None = None) -> None:
    """Start the fork server now, so that its imports overlap other work."""
    server(key)


class _ForeignProcess:
    """The ``Popen`` face of a kernel that is the fork server's child, not ours."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired([str(self.pid)], timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _provisioner_class():
    import asyncio

    from jupyter_client.provisioning import LocalProvisioner

    class ForkProvisioner(LocalProvisioner):
        """Launch ipykernels from the fork server; anything else the stock way."""

        async def launch_kernel(self, cmd: list[str], **kwargs: Any):
            if len(cmd) < 3 or tuple(cmd[1:3]) != _LAUNCHER:
                return await super().launch_kernel(cmd, **kwargs)
            env = dict(kwargs.get("env") or os.environ)
            cwd = os.path.abspath(kwargs.get("cwd") or os.getcwd())  # the server runs elsewhere
            pid = server().spawn(list(cmd[3:]), env, cwd)
            self.process = _ForeignProcess(pid)
            self.pid = self.pgid = pid
            self.cwd = cwd
            return self.connection_info

        async def kill(self, restart: bool = False) -> None:
            await super().kill(restart)
            # A killed kernel is gone within milliseconds (its fork server reaps it): wait for that
            # here, so that the kernel manager's first look finds it gone, not after its 0.1 s poll.
            process, deadline = self.process, time.monotonic() + 0.5
            while isinstance(process, _ForeignProcess) and process.poll() is None and time.monotonic() < deadline:
                await asyncio.sleep(0.002)

    return ForkProvisioner


_provisioner = None


def __getattr__(name: str):
    # The entry point names ForkProvisioner; jupyter_client is imported only when it is asked for.
    global _provisioner
    if name == "ForkProvisioner":
        _provisioner = _provisioner or _provisioner_class()
        return _provisioner
    raise AttributeError(name)


# --- pytest plugin (nbval) --------------------------------------------------

def pytest_configure(config) -> None:
    """With ``-p lacoe_report.book.kernels``: find the warm spec, quick clients for nbval, start the server early."""
    use_warm_kernels()
    if not getattr(config.option, "nbval", False):
        return
    _quick_nbval_clients()
    # Under xdist the workers run the notebooks, not the controller.
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        prestart()


def _quick_nbval_clients() -> None:
    """Let nbval's kernels be ready when they are (:mod:`lacoe_report.book.kernel_clients`).

    nbval starts each kernel with the ``KernelManager`` its module imported from
    jupyter_client; an nbval that names another class is left as it is.
    """
    import nbval.kernel
    from jupyter_client.manager import KernelManager

    from .kernel_clients import QuickKernelManager

    if nbval.kernel.KernelManager is KernelManager:
        nbval.kernel.KernelManager = QuickKernelManager


if __name__ == "__main__":
    serve(sys.argv[1])
