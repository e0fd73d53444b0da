"""The fork server: import the heavy libraries once, then fork one ipykernel per request.

``python -m lacoe_report.book.kernels.forks ADDRESS`` listens on the Unix
socket ``ADDRESS``; :class:`ForkServer` starts it and asks it for kernels.
"""
from __future__ import annotations

import atexit
import gc
import importlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from typing import Any

#: What a chapter kernel imports anyway; the server imports it once, before forking.
WARM_MODULES = ("numpy", "pandas", "matplotlib", "matplotlib.pyplot", "matplotlib_inline.backend_inline",
                "pandera.pandas", "yaml", "IPython", "ipykernel.kernelapp", "ipykernel.ipkernel",
                "ipykernel.zmqshell", "ipykernel.debugger")
#: The book's own modules, imported once too: they hold no chapter state, and
#: the data they cache is checked against the files' stamps on every call.
PACKAGE_MODULES = ("lacoe_report.core.data", "lacoe_report.core.metrics", "lacoe_report.core.audit",
                   "lacoe_report.present.plots", "lacoe_report.present.tables", "lacoe_report.present.publish")


def serve(address: str) -> None:
    """Import :data:`WARM_MODULES` and the book's data, then fork one kernel per request on ``address``.

    A request is one JSON line ``{"argv": [...], "env": {...}, "cwd": "..."}``
    where ``argv`` are the ipykernel arguments; the reply is the child's pid.
    The server exits when the process that started it is gone.
    """
    parent = os.getppid()
    # The gc module's recipe for a parent that forks: no collections while it imports (ready in 1.35 s,
    # not 1.6 s), its objects frozen before forking, collection on in each kernel, which skips them.
    gc.disable()
    # Matplotlib reads its backend from the environment when imported: the one
    # ipykernel would set, unless the caller chose another.
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # debugpy's import-time warning
    for name in WARM_MODULES:
        importlib.import_module(name)
    _preload_package()
    gc.freeze()
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
    # Its starter is gone; one killed by a signal (a terminal closed on the preview) never ran its
    # cleanup, which left this folder and its sockets in the temporary directory.
    shutil.rmtree(os.path.dirname(address), ignore_errors=True)


def _preload_package() -> None:
    """Import :data:`PACKAGE_MODULES`, read and validate the data and run the audit, as chapters' first cells do.

    ``lacoe_report.core.data``, the formula evaluator and the audit cache what
    they read with each file's size, mtime and inode and read it again when
    any of them changed, so a kernel forked later never sees stale data. Bad
    data or code is left for the chapters to report, in their own words: a
    module whose import failed is not kept, and a failed read caches nothing.
    """
    try:
        for name in PACKAGE_MODULES:
            importlib.import_module(name)
        # Inside the try, not at the top: a package module that fails to import must not stop the
        # server; the chapters import it again and report the error in their own words.
        from lacoe_report.core import data, formula
        from lacoe_report.core.question_list import questions

        data.excluded()
        formula.figure_rows()
        # Reads and validates the figures, runs the audit and parses the declarations of every chapter
        # that asks a question (11 of 16 chapters list the questions).
        questions()
    except Exception:  # noqa: BLE001, S110 - each chapter imports and loads again and says what is wrong
        pass


def _become_kernel(request: dict[str, Any]) -> None:
    """In the forked child: the environment of a stock kernel launch, then ipykernel."""
    code = 1
    try:
        os.setsid()  # its own process group, as the stock launcher does: interrupts reach only it
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the server's SIG_IGN would break subprocess in cells
        signal.signal(signal.SIGINT, signal.default_int_handler)
        gc.enable()
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):  # its own chatter goes nowhere, as with nbclient's stderr=DEVNULL
            os.dup2(null, fd)
        sys.path[0] = request["cwd"]  # as `python -m ipykernel_launcher` started there would have it
        sys.argv = [sys.executable, *request["argv"]]
        # Already imported by the server (WARM_MODULES); at the top it would load ipykernel into every
        # process that starts a server (ForkServer): 14 ms in a build, 0.13 s over the kernels package alone.
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=request["argv"])
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 0
    except BaseException:  # noqa: BLE001 - as the interpreter does: the traceback, then status 1
        traceback.print_exc()
    finally:
        os._exit(code)


class ForkServer:
    """A fork server started by (and dying with) the current process, or one an ancestor shares (:meth:`share`)."""

    def __init__(self, shared: str | None = None) -> None:
        if shared:  # "PID:ADDRESS", as share() writes it
            pid, self.address = shared.split(":", 1)
            self.pid, self.process, self._folder = int(pid), None, None
        else:
            self._folder = tempfile.mkdtemp(prefix="lacoe-kernels-")
            self.address = os.path.join(self._folder, "socket")
            self.process = subprocess.Popen([sys.executable, "-m", __name__, self.address],
                                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL, cwd="/")
            self.pid = self.process.pid
            atexit.register(self.close)

    def share(self) -> str:
        """How a child process names this server to :class:`ForkServer` (it stays this process's to close)."""
        return f"{self.pid}:{self.address}"

    def alive(self) -> bool:
        """Whether the server process is still running."""
        if self.process is not None:
            return self.process.poll() is None
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def spawn(self, argv: list[str], env: dict[str, str], cwd: str, timeout: float = 120) -> int:
        """Fork a kernel with ``argv`` (ipykernel's arguments); return its pid."""
        deadline = time.monotonic() + timeout
        while not os.path.exists(self.address):
            if not self.alive():
                raise RuntimeError("the warm-kernel server exited before it was ready")
            if time.monotonic() > deadline:
                raise TimeoutError("the warm-kernel server did not start")
            time.sleep(0.02)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(30)
            client.connect(self.address)
            client.sendall((json.dumps({"argv": argv, "env": env, "cwd": cwd}) + "\n").encode())
            return int(client.makefile("r").readline())

    def close(self) -> None:
        if self.process is None:  # shared with us: its owner closes it
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self._folder, ignore_errors=True)  # the socket, or the one being made


if __name__ == "__main__":
    serve(sys.argv[1])
