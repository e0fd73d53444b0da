"""The ``lacoe-fork`` kernel provisioner: ipykernels from this process's fork server.

A ``jupyter_client`` kernel provisioner (its documented extension point for
how a kernel process is started), registered as an entry point of this
package and named by the ``lacoe-warm`` kernel spec. Any kernel command that
is not a plain ipykernel launch is started the stock way.
"""
from __future__ import annotations

import contextlib
import functools
import os
import signal
import time
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

from . import server

_LAUNCHER = ("-m", "ipykernel_launcher")


class ForeignProcess:
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

    def wait(self) -> int:
        while self.poll() is None:  # LocalProvisioner.wait calls it once poll() says the kernel is gone
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signum)

    kill = functools.partialmethod(send_signal, signal.SIGKILL)
    terminate = functools.partialmethod(send_signal, signal.SIGTERM)


class ForkProvisioner(LocalProvisioner):
    """Launch ipykernels from the fork server; anything else the stock way."""

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        # Unix sockets named after the kernel, not TCP ports: each process picks ports that are free
        # when it looks, and two starting kernels at once (nbval's workers, the tests) picked the same
        # one in 4 of 800 kernels; that kernel died ("Address already in use") and nbval then hung.
        self.parent.transport = "ipc"
        self.parent.ip = os.path.join(os.path.dirname(server().address), self.parent.kernel_id)  # the server's folder
        return await super().pre_launch(**kwargs)

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        if len(cmd) < 3 or tuple(cmd[1:3]) != _LAUNCHER:
            return await super().launch_kernel(cmd, **kwargs)
        env = dict(kwargs.get("env") or os.environ)
        cwd = os.path.abspath(kwargs.get("cwd") or os.getcwd())  # the server runs elsewhere
        pid = server().spawn(list(cmd[3:]), env, cwd)
        self.process = ForeignProcess(pid)
        self.pid = self.pgid = pid
        self.cwd = cwd
        return self.connection_info
