"""Warm kernels for nbval: ``pytest -p lacoe_report.book.kernels.pytest_plugin --nbval-kernel-name lacoe-warm``.

nbval finds the ``lacoe-warm`` kernel spec by name. One fork server serves
the whole run: the controller starts it when pytest starts, so its imports
overlap collection and the start of pytest-xdist's workers, and each worker
forks its kernels from it (xdist's ``workerinput``) instead of starting a
server of its own when its first chapter runs. A command that started a server
before pytest (``make verify``) names it in :data:`~lacoe_report.book.kernels.SHARED_ENV`.
"""
from __future__ import annotations

import os

import pytest

from . import SHARED_ENV, server, use_warm_kernels

_SHARED = "lacoe_fork_server"


def pytest_configure(config: pytest.Config) -> None:
    """Let nbval's kernels find the warm spec; use the controller's (or the caller's) server, or start one now."""
    use_warm_kernels()
    server(shared=getattr(config, "workerinput", {}).get(_SHARED) or os.environ.get(SHARED_ENV))


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    """pytest-xdist, in the controller: name its fork server to each worker."""
    node.workerinput[_SHARED] = server().share()
