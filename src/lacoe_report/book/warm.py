"""Warm commands: ``make book``, ``make verify`` and ``make pdf`` forked from a server that imported their libraries.

Every one of these commands is a new Python process that spends its first
seconds importing Sphinx, MyST-NB, pandas, pandera and Jupyter's clients, and
then starts a kernel server that imports pandas and matplotlib again, before it
reads a single chapter. The preview keeps all of that warm in one long-lived
process; this module gives the commands the same, with every command still a
new process:

- ``python -m lacoe_report.book.warm MODULE [ARGS]`` (the client) hands its
  arguments, working folder, environment and terminal (standard input, output
  and error) to a *command server* and exits with the command's status;
- the server, started by the first client and gone after
  :data:`IDLE_SECONDS` without a command, has imported the third-party
  libraries in :data:`WARM_IMPORTS` and nothing of the book; for each command
  it forks a child, which forgets any ``lacoe_report`` module, takes the
  client's folder, environment, arguments and terminal and runs ``MODULE`` as
  ``python -m MODULE`` would. No state passes from one command to the next:
  each is a fork of the same server, which never runs the book's code;
- the server also keeps the warm-kernel servers of :mod:`lacoe_report.book.kernels`
  alive between commands, one per project folder, data and package version
  (:func:`kernel_server`): every chapter still runs in a fresh kernel forked
  from one, as before.

The server is keyed on what its imports depend on (the interpreter, the
installed packages, this file and the environment variables that change an
import): a ``make lock`` or an edited ``warm.py`` starts a new one. The book's
own code is imported afresh by every command, so an edit to ``src/`` is seen
at once. ``LACOE_WARM=0`` runs the command in the client's own process, as
before. Linux only (abstract sockets, ``SO_PEERCRED``); the server answers
only its own user.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

#: What the book's commands import anyway, imported once by the server. Nothing
#: here reads the project, and none of it is the book's own code.
WARM_IMPORTS = ("yaml", "numpy", "pandas", "pandera.pandas", "nbformat", "nbclient", "jupyter_client.manager",
                "jupyter_client.provisioning", "zmq", "docutils.parsers.rst", "sphinx.application",
                "sphinx.builders.html", "sphinx.util.docutils", "jupyter_book.sphinx", "jupyter_book.config",
                "myst_parser", "myst_nb", "myst_nb.sphinx_ext", "sphinx_book_theme", "pydata_sphinx_theme",
                "sphinx_design", "sphinx_togglebutton", "sphinx_copybutton", "sphinx_comments", "sphinx_external_toc",
                "sphinx.ext.intersphinx", "sphinx_multitoc_numbering", "sphinx_jupyterbook_latex", "tinycss2",
                "fontTools.subset", "PIL.Image", "pytest", "nbval.plugin", "xdist", "playwright.sync_api")
#: The server exits after this many seconds without a command (``LACOE_WARM_IDLE`` when set).
IDLE_SECONDS = 900
#: Environment variables read while the libraries are imported: a different value needs a new server.
_IMPORT_ENV = ("PYTHON", "LC_", "LANG", "MPL", "JUPYTER", "SPHINX", "PANDAS", "NUMPY", "TZ", "TMP", "TEMP")
_OWN_FILE = Path(__file__).resolve()
#: What a child of the server finds in its environment: the server's key, for kernel_server().
SERVER_ENV = "LACOE_WARM_SERVER"


# --- which server ---------------------------------------------------------------

def server_key(env: dict | None = None) -> str:
    """A digest of what the server's imports depend on; a server answers only clients with its key.

    >>> server_key({"PATH": "/a"}) == server_key({"PATH": "/b"})  # PATH changes no import
    True
    >>> server_key({"PYTHONHASHSEED": "0"}) == server_key({"PYTHONHASHSEED": "1"})
    False
    """
    env = os.environ if env is None else env
    parts = [b"warm 1\0", os.path.realpath(sys.executable).encode() + b"\0"]
    for folder in sorted({os.path.realpath(p) for p in sys.path if p.endswith("site-packages")}):
        stat = os.stat(folder)  # a package installed or removed changes the folder
        parts.append(f"{folder}\0{stat.st_mtime_ns}\0".encode())
    parts.append(_OWN_FILE.read_bytes())
    parts.append(f"salt={env.get('LACOE_WARM_SALT', '')}\0".encode())  # a server of its own (tests)
    parts += [f"{name}={value}\0".encode() for name, value in import_environment(env)]
    # hashlib, not core.safe_write.digest: the server imports none of the book's code, which its
    # forked commands would inherit instead of reading the edited files.
    return hashlib.sha256(b"".join(parts)).hexdigest()


def import_environment(env: dict) -> tuple[tuple[str, str], ...]:
    """The variables of ``env`` that an import reads (:data:`_IMPORT_ENV`), sorted.

    >>> import_environment({"PATH": "/bin", "PYTHONHASHSEED": "0", "LANG": "C"})
    (('LANG', 'C'), ('PYTHONHASHSEED', '0'))
    """
    return tuple(sorted((name, value) for name, value in env.items() if name.startswith(_IMPORT_ENV)))


def server_name(key: str) -> str:
    """The server's abstract socket name (no file to leave behind), per user and key."""
    return f"\0lacoe-warm-{os.getuid()}-{key[:24]}"


# --- the client ----------------------------------------------------------------

def run(module: str, args: list[str]) -> int:
    """Run ``python -m module args`` on the warm server (started if need be); return its exit status."""
    key = server_key()
    connection = _connect(key, start=True)
    if connection is None:  # no server could start: run here, as a plain `python -m` would
        return _run_here(module, args)
    with connection:
        umask = os.umask(0o022)
        os.umask(umask)
        request = {"kind": "run", "key": key, "module": module, "args": args, "cwd": os.getcwd(),
                   "env": dict(os.environ), "executable": sys.executable, "umask": umask}
        socket.send_fds(connection, [json.dumps(request).encode() + b"\n"], _standard_fds())
        replies = connection.makefile("r", encoding="utf-8")
        first = replies.readline()
        if not first:
            sys.exit("the warm command server closed the connection; run again with LACOE_WARM=0 to run in-process")
        started = json.loads(first)
        if started.get("stale"):  # it was started for other imports and is leaving: start ours
            return run(module, args)
        _forward_signals(started["pid"])
        last = replies.readline()
    if not last:  # killed without a word (by a signal)
        return 130 if _interrupted else 1
    return int(json.loads(last)["status"])


_interrupted = False


def _standard_fds() -> list[int]:
    """Descriptors 0, 1 and 2, with the null device in place of any the client was started without."""
    fds = []
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
            fds.append(fd)
        except OSError:
            fds.append(os.open(os.devnull, os.O_RDWR))
    return fds


def _forward_signals(pid: int) -> None:
    """Ctrl-C, a hang-up or a termination of the client reaches the command's process group."""
    def forward(signum, _frame):
        global _interrupted
        _interrupted = _interrupted or signum == signal.SIGINT
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signum)
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, forward)


def _run_here(module: str, args: list[str]) -> int:
    import runpy

    sys.argv = [module, *args]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as done:
        return _status(done)
    return 0


def _status(done: SystemExit) -> int:
    """The exit status ``python`` gives a ``SystemExit``: a message is printed and means 1."""
    if done.code is None:
        return 0
    if isinstance(done.code, int):
        return done.code
    print(done.code, file=sys.stderr, flush=True)
    return 1


def _connect(key: str, start: bool, timeout: float = 120) -> socket.socket | None:
    """A connection to the server for ``key``; with ``start``, start one when none answers."""
    name = server_name(key)
    deadline = time.monotonic() + timeout
    spawned = None
    while True:
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            client.connect(name)
            return client
        except (ConnectionRefusedError, FileNotFoundError):
            client.close()
        if not start:
            return None
        if spawned is None:
            spawned = _spawn(key)
        elif spawned.poll() not in (None, 0) or time.monotonic() > deadline:
            return None  # it failed to start (the log, if LACOE_WARM_LOG names one, says why)
        time.sleep(0.02)


def _spawn(key: str) -> subprocess.Popen:
    """Start a server for ``key`` in its own session, attached to no terminal."""
    log = os.environ.get("LACOE_WARM_LOG")
    errors = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - handed to the server
    # The venv's interpreter by its real folder: a copy of the project whose .venv links to this
    # one may be deleted while the server, shared by both, still starts kernel servers with it.
    python = os.path.join(os.path.realpath(os.path.dirname(sys.executable)), os.path.basename(sys.executable))
    return subprocess.Popen([python, "-m", "lacoe_report.book.warm", "--serve", key], cwd="/",
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors,
                            start_new_session=True)


def ask(request: dict, start: bool = False, key: str | None = None) -> dict | None:
    """Send one request other than a command to the server for ``key`` (this process's); its reply, or None."""
    key = key or server_key()
    connection = _connect(key, start=start)
    if connection is None:
        return None
    with connection:
        connection.sendall(json.dumps({**request, "key": key}).encode() + b"\n")
        reply = connection.makefile("r", encoding="utf-8").readline()
    return json.loads(reply) if reply else None


def kernel_server(root: str, fingerprint: str) -> str | None:
    """The address of a warm-kernel server for ``root`` at ``fingerprint``, kept by the command server.

    None when this process is not a command of the server (``SERVER_ENV`` unset), or the
    server is gone: the caller starts its own kernel server then. The server asked is the
    one that started this command, even when the command has since set a variable that
    enters the key (nbval's plugin puts the warm kernel spec on ``JUPYTER_PATH``).
    """
    key = os.environ.get(SERVER_ENV)
    if not key:
        return None
    reply = ask({"kind": "kernels", "root": root, "fingerprint": fingerprint, "env": dict(os.environ)}, key=key)
    return reply.get("address") if reply else None


# --- the server ----------------------------------------------------------------

def serve(key: str) -> None:
    """Import :data:`WARM_IMPORTS`, then fork a child per command until idle for :data:`IDLE_SECONDS`."""
    import importlib

    for name in WARM_IMPORTS:
        # A command that needs a module imports it again, and says what is wrong.
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(server_name(key))
    except OSError:  # another client started one for the same key first: it serves
        return
    listener.listen(32)
    listener.settimeout(1.0)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # finished commands are reaped by the system
    kernels = _KernelServers()
    idle = float(os.environ.get("LACOE_WARM_IDLE", IDLE_SECONDS))
    last = time.monotonic()
    while time.monotonic() - last < idle:
        try:
            connection, _ = listener.accept()
        except (TimeoutError, socket.timeout):
            continue
        last = time.monotonic()
        connection.settimeout(30)
        fds: list[int] = []
        try:
            message, fds = _receive(connection)
            if _peer_uid(connection) != os.getuid():
                continue
            request = json.loads(message)
            if request.get("key") != key:
                connection.sendall(b'{"stale": true}\n')
                break  # a client with other imports: leave the name to the server it starts
            if request["kind"] == "run":
                if os.fork() == 0:
                    _child(connection, listener, request, fds)  # never returns
            elif request["kind"] == "kernels":
                address = kernels.address(request["root"], request["fingerprint"], request["env"])
                connection.sendall(json.dumps({"address": address}).encode() + b"\n")
            elif request["kind"] == "ping":
                connection.sendall(json.dumps({"pid": os.getpid()}).encode() + b"\n")
            elif request["kind"] == "stop":
                connection.sendall(b'{"stopped": true}\n')
                break
        except (OSError, ValueError, KeyError):
            pass  # a client that went away or sent nonsense: the next one is served
        finally:
            for fd in fds:  # the child has its own copies: the client's pipes close when it ends
                os.close(fd)
            connection.close()
    listener.close()
    kernels.close()


def _receive(connection: socket.socket) -> tuple[bytes, list[int]]:
    message, fds, _, _ = socket.recv_fds(connection, 1 << 16, 3)
    while message and not message.endswith(b"\n"):
        more = connection.recv(1 << 16)
        if not more:
            break
        message += more
    return message, list(fds)


def _peer_uid(connection: socket.socket) -> int:
    credentials = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", credentials)[1]


class _KernelServers:
    """Warm-kernel servers kept between commands, the most recently used :attr:`KEEP` (``LACOE_WARM_KEEP``)."""

    KEEP = 4

    def __init__(self) -> None:
        self._servers: dict[tuple, object] = {}
        self.keep = int(os.environ.get("LACOE_WARM_KEEP", self.KEEP))

    def address(self, root: str, fingerprint: str, env: dict) -> str:
        from . import kernels

        key = (root, fingerprint, import_environment(env))
        found = self._servers.pop(key, None)
        if found is None or found.process.poll() is not None or not os.path.isdir(os.path.dirname(found.address)):
            found = kernels.ForkServer(env={**env, "LACOE_PROJ_ROOT": root})
        self._servers[key] = found  # most recent last
        while len(self._servers) > self.keep:
            self._servers.pop(next(iter(self._servers))).close()
        return found.address

    def close(self) -> None:
        for found in self._servers.values():
            found.close()


def _child(connection: socket.socket, listener: socket.socket, request: dict, fds: list[int]) -> None:
    """In the forked child: become ``python -m MODULE ARGS`` in the client's folder and terminal."""
    import atexit
    import tempfile
    import threading

    status = 1
    atexit._clear()  # the server's exit handlers (its kernel servers' clean-up) are not the command's
    if "logging" in sys.modules:
        atexit.register(sys.modules["logging"].shutdown)  # what importing logging registered, as in any process
    try:
        listener.close()
        os.setpgid(0, 0)  # its own group, as a shell gives a command: the client's Ctrl-C reaches it all
        for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for target, fd in zip((0, 1, 2), fds):
            os.dup2(fd, target)
        for fd in fds:
            if fd > 2:
                os.close(fd)
        _reopen_standard_streams()
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ[SERVER_ENV] = request["key"]
        os.umask(request["umask"])
        tempfile.tempdir = None  # found again from this environment's TMPDIR
        sys.executable = request["executable"]
        sys.path[0] = request["cwd"]  # as `python -m` started there has it
        sys.argv = [request["module"], *request["args"]]
        for name in [n for n in sys.modules if n == "lacoe_report" or n.startswith("lacoe_report.")]:
            del sys.modules[name]  # the book's code as it is on disk now
        connection.settimeout(None)
        connection.sendall(json.dumps({"pid": os.getpid()}).encode() + b"\n")
        threading.Thread(target=_stop_when_client_leaves, args=(connection,), daemon=True).start()
        import runpy

        runpy.run_module(request["module"], run_name="__main__", alter_sys=True)
        status = 0
    except SystemExit as done:
        status = _status(done)
    except KeyboardInterrupt:
        status = 130
    except BaseException:  # noqa: BLE001 - as the interpreter does: the traceback, then status 1
        import traceback

        traceback.print_exc()
    finally:
        try:
            threading._shutdown()  # as the interpreter does at exit: wait for the command's own threads
            atexit._run_exitfuncs()
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
            connection.sendall(json.dumps({"status": status}).encode() + b"\n")
        finally:
            os._exit(status)


def _reopen_standard_streams() -> None:
    """``sys.stdin``/``stdout``/``stderr`` on the client's descriptors, buffered as Python buffers them there."""
    for fd, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        old = getattr(sys, name)
        line = mode == "w" and (fd == 2 or os.isatty(fd))  # stderr and terminals: line by line
        stream = open(fd, mode, buffering=1 if line else -1, encoding=old.encoding,  # noqa: SIM115
                      errors=old.errors, closefd=False)
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


def _stop_when_client_leaves(connection: socket.socket) -> None:
    """The client never writes again: an end of file means it was killed, so the command stops too.

    A client killed before it read what was sent to it resets the connection
    instead of closing it: that is the same end.
    """
    with contextlib.suppress(OSError):
        connection.recv(1)
    os.killpg(0, signal.SIGTERM)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--serve"]:
        serve(argv[1])
        return
    if argv[:1] == ["--stop"]:
        reply = ask({"kind": "stop"})
        print("the warm command server stopped" if reply else "no warm command server was running")
        return
    if not argv or argv[0].startswith("-"):
        sys.exit("usage: python -m lacoe_report.book.warm MODULE [ARGS...] | --stop")
    module, args = argv[0], argv[1:]
    if os.environ.get("LACOE_WARM", "1") == "0":
        sys.exit(_run_here(module, args))
    sys.exit(run(module, args))


if __name__ == "__main__":
    main()
