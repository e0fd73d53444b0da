"""Kernel clients that are ready when the kernel is: no fixed wait for IOPub to fall silent.

jupyter_client's ``wait_for_ready`` (8.x) knows both channels are connected
once a ``kernel_info`` reply came on shell and any message on IOPub; it then
reads IOPub until 0.2 s pass without a message, a fixed pause per kernel,
to drop the start-up messages. The clients here return at the first IOPub
message instead. Nothing after the wait reads the messages left: nbclient
and nbval take from IOPub only the messages whose parent is a request of
theirs.

:class:`QuickKernelManager` (blocking, nbval's) and :class:`QuickAsyncKernelManager`
(nbclient's) make them; they differ from jupyter_client's managers in nothing else.
"""
from __future__ import annotations

import time
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.client import KernelClient
from jupyter_client.manager import AsyncKernelManager, KernelManager
from jupyter_client.utils import run_sync
from jupyter_core.utils import ensure_async
from traitlets import DottedObjectName, Type


async def _wait_for_ready(client: KernelClient, timeout: float | None = None) -> None:
    """jupyter_client 8's ``wait_for_ready`` without its final wait for IOPub to fall silent.

    Ask ``kernel_info`` until the reply comes on shell and a message (the
    kernel's welcome to a new subscriber, or the status of the request) comes
    on IOPub within 0.2 s of it: both channels are connected then.
    """
    deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
    while True:
        client.kernel_info()
        try:
            reply = await ensure_async(client.shell_channel.get_msg(timeout=1))
        except Empty:
            reply = None
        if reply is not None and reply["msg_type"] == "kernel_info_reply":
            try:
                await ensure_async(client.iopub_channel.get_msg(timeout=0.2))
            except Empty:
                pass  # IOPub not connected yet (a slow joiner): ask again
            else:
                client._handle_kernel_info_reply(reply)
                return
        if not await ensure_async(client.is_alive()):
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")


class QuickBlockingKernelClient(BlockingKernelClient):
    """jupyter_client's blocking client, ready as soon as the kernel is."""

    wait_for_ready = run_sync(_wait_for_ready)


class QuickAsyncKernelClient(AsyncKernelClient):
    """jupyter_client's asynchronous client, ready as soon as the kernel is."""

    wait_for_ready = _wait_for_ready


class QuickKernelManager(KernelManager):
    """jupyter_client's kernel manager, whose clients are :class:`QuickBlockingKernelClient`."""

    client_class = DottedObjectName(f"{__name__}.QuickBlockingKernelClient")
    client_factory = Type(klass=QuickBlockingKernelClient)


class QuickAsyncKernelManager(AsyncKernelManager):
    """jupyter_client's asynchronous kernel manager, whose clients are :class:`QuickAsyncKernelClient`."""

    # jupyter_client's asynchronous manager names its client in both traits
    client_class = DottedObjectName(f"{__name__}.QuickAsyncKernelClient")
    client_factory = Type(klass=QuickAsyncKernelClient)
