"""How long a save takes to reach the page in ``make preview`` (used by bench.py, runnable alone).

Starts the preview on a free local port, waits for its first build, then edits
a chapter's prose, then its code, and times each save until the server
announces the rebuilt page on its event stream (what makes the open page
reload), checking that the edit is on the served page. The chapter is restored
afterwards.
"""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Events:
    """The preview's event stream, read line by line."""

    def __init__(self, port: int, timeout: float = 300) -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                self.stream = urllib.request.urlopen(f"http://127.0.0.1:{port}/__preview__/events", timeout=timeout)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def next_state(self) -> dict:
        while True:
            line = self.stream.readline().decode()
            if not line:
                raise RuntimeError("the preview closed its event stream")
            if line.startswith("data: "):
                return json.loads(line[6:])

    def until_done(self, after: int) -> dict:
        while True:
            state = self.next_state()
            if state["status"] != "building" and state["version"] > after:
                return state


def edit(path: Path, kind: str, marker: str) -> None:
    notebook = nbformat.read(path, as_version=4)
    cell = next(c for c in notebook.cells if c.cell_type == kind)
    cell.source += f"\n\nprint({marker!r})" if kind == "code" else f"\n\n{marker}"
    nbformat.write(notebook, path)


def measure(chapter: str = "finance", repeats: int = 3) -> dict[str, list[float]]:
    path = ROOT / "chapters" / f"{chapter}.ipynb"
    original = path.read_bytes()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "lacoe_report.book.preview", "--port", str(port)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    times: dict[str, list[float]] = {"prose": [], "code": []}
    try:
        events = Events(port)
        state = events.until_done(0)
        if state["status"] != "ok":
            raise RuntimeError(f"the first preview build failed: {state['message']}")
        for n in range(repeats):
            for kind, label in (("markdown", "prose"), ("code", "code")):
                # Letters only: a digit in prose is a number typed by hand, which the house rules refuse.
                stamp = "".join("abcdefghij"[int(d)] for d in f"{n}{time.time_ns()}")
                marker = f"preview-probe-{label}-{stamp}"
                started = time.perf_counter()
                edit(path, kind, marker)
                state = events.until_done(state["version"])
                times[label].append(time.perf_counter() - started)
                if state["status"] != "ok":
                    raise RuntimeError(f"the preview failed after a {label} edit: {state['message']}")
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/chapters/{chapter}.html").read().decode()
                if marker not in page:
                    raise RuntimeError(f"the {label} edit is not on the served page")
                path.write_bytes(original)
                state = events.until_done(state["version"])  # the restore rebuilds too
    finally:
        path.write_bytes(original)
        server.terminate()
        output, _ = server.communicate(timeout=30)
    times["log"] = output  # type: ignore[assignment]
    return times


if __name__ == "__main__":
    result = measure(repeats=int(sys.argv[1]) if len(sys.argv) > 1 else 2)
    print(result.pop("log"))
    print(json.dumps(result, indent=1))
