"""Warm kernels: ipykernels forked from a process that has already imported the heavy libraries.

A stock kernel spends most of its start importing pandas, matplotlib, pandera
and ipykernel (about two seconds on a small machine) before a chapter
computes anything. Here one *fork server* per command that executes chapters
(:mod:`.forks`) does those imports once, with the book's own modules and
data, then forks a child per kernel that becomes an ipykernel. Each chapter
still runs in a fresh process with an empty namespace; a kernel is never reused.

Everything rests on documented interfaces: the kernel spec ``lacoe-warm``
(``kernelspec/kernels/lacoe-warm/kernel.json``) names the ``lacoe-fork``
kernel provisioner (:mod:`.provisioner`, a ``jupyter_client`` entry point of
this package), and nbval reaches it by name through the pytest plugin
:mod:`.pytest_plugin`, which shares one server among pytest-xdist's workers.
Nothing here imports the rest of the book.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

#: The kernel spec that starts kernels from the fork server.
KERNEL_NAME = "lacoe-warm"
#: Folder to put on ``JUPYTER_PATH`` so that Jupyter finds :data:`KERNEL_NAME`.
SPEC_ROOT = Path(__file__).resolve().parent / "kernelspec"
#: Names a server that the command running pytest started (``make verify``) to the pytest plugin, to use instead.
SHARED_ENV = "LACOE_FORK_SERVER"


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


_server = None
_server_key: str | None = None
_server_lock = threading.Lock()


def server(key: str | None = None, shared: str | None = None):
    """This process's :class:`.forks.ForkServer`, started on first use (or by :func:`prestart`).

    The server imports the book's modules and reads its data once, when it
    starts: a ``key`` that differs from the one it was started with (the
    preview passes the fingerprint of the data and the package) replaces it
    with a new server, which imports today's code and data. ``shared`` names
    a server another process started (:meth:`.forks.ForkServer.share`), to use instead.
    """
    # Not at the top: the server runs as `python -m lacoe_report.book.kernels.forks`, which imports this
    # package first; a package that imported forks would load it twice (runpy warns).
    from .forks import ForkServer

    global _server, _server_key
    with _server_lock:
        stale = key is not None and _server_key is not None and key != _server_key
        if _server is None or not _server.alive() or stale or shared:
            if _server is not None:
                _server.close()
            _server = ForkServer(shared)
        if key is not None:
            _server_key = key
        return _server


def prestart(key: str | None = None) -> None:
    """Start the fork server now, so that its imports overlap other work."""
    server(key)
