"""``make preview``: serve the book, rebuild it on every save, reload the open page.

One long-lived process does what ``make book`` does, into ``_build/preview``, keeping the parsed
pages, the imported libraries and a warm-kernel server (:mod:`lacoe_report.book.kernels`) between
edits. A failure shows ``make book``'s message in the terminal and on the page; the next save retries.

Run ``python -m lacoe_report.book.preview --port 8000``; it listens on 127.0.0.1 only.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from . import build, inputs, kernels
from ..core import safe_write
from ..core.paths import BUILD_DIR, PROJ_ROOT, stamp

#: Where the preview is built: its own pages and doctrees, never the published book.
PREVIEW_DIR = BUILD_DIR / "preview"
ASSETS = Path(__file__).resolve().parent / "preview_assets"
#: Seconds between two looks at the book's inputs.
POLL = 0.1


class PreviewError(Exception):
    """A rebuild failed; ``str(error)`` is the plain message shown to the analyst."""


# --- what changed ------------------------------------------------------------

def snapshot(root: Path = PROJ_ROOT, package: Path = inputs.PACKAGE_DIR) -> dict[str, tuple[int, int, int]]:
    """The :func:`~lacoe_report.core.paths.stamp` of every input of the book (:func:`.inputs.files`), by name.

    A deleted, added or renamed file changes the snapshot as an edit does.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> (folder / "data").mkdir()
    >>> before = snapshot(folder, folder)
    >>> _ = (folder / "data" / "b.csv").write_text("two")
    >>> sorted(snapshot(folder, folder)) == sorted(before) + ["project/data/b.csv"]
    True
    """
    return {name: stamp(path) for name, path in inputs.files(None, root, package)}


# --- building ----------------------------------------------------------------

def rebuild() -> str:
    """``make book``'s steps into :data:`PREVIEW_DIR`, re-reading only the pages that changed; a one-line summary.

    A failed step raises :class:`PreviewError`.
    """
    started = time.perf_counter()
    _plainly(build.check_data)
    # The warm-kernel server imported the package and read the data: a new one
    # when either changed, but not for data that failed its checks (no chapter
    # runs on it, and the server of the last good data is kept for its fix).
    kernels.prestart(key=inputs.fingerprint(inputs.CHAPTERS))
    _plainly(build.enforce_rules)
    executed = _plainly(lambda: build.execute(quiet=True))
    status, problems = _plainly(lambda: build.sphinx_build(PREVIEW_DIR))
    if status == 1:
        raise PreviewError(f"The page was rebuilt with warnings (make book would refuse them):\n{problems}")
    if status:
        raise PreviewError(f"Sphinx stopped:\n{problems}")
    ran = f"; executed {', '.join(path.stem for path in executed)}" if executed else ""
    return f"rebuilt in {time.perf_counter() - started:.1f} s{ran}"


def _plainly(step):
    """Run a build step; its ``sys.exit(message)`` becomes a :class:`PreviewError`."""
    try:
        return step()
    except SystemExit as stop:
        raise PreviewError(str(stop.code)) from None


# --- state shared with the browser ---------------------------------------------

class State:
    """The preview's last build: a version that grows on every rebuild, its status and message."""

    def __init__(self) -> None:
        self.version = 0
        self.status = "building"
        self.message = ""
        self.changed = threading.Condition()

    def set(self, status: str, message: str = "") -> None:
        with self.changed:
            if status != "building":
                self.version += 1
            self.status, self.message = status, message
            self.changed.notify_all()

    def as_json(self) -> str:
        return json.dumps({"version": self.version, "status": self.status, "message": self.message})


def watch(state: State, stop: threading.Event) -> None:
    """Rebuild whenever a watched file changes, until ``stop`` is set."""
    seen: dict | None = None
    while not stop.is_set():
        now = snapshot()
        if now != seen:
            # An editor may write in several steps: wait until the files are still.
            time.sleep(POLL / 2)
            settled = snapshot()
            if settled != now:
                continue
            if seen is not None:
                # "chapters/x.ipynb", without the base (project/, package/) inputs.files() names
                changed = sorted({name.split("/", 1)[1] for name, _ in seen.items() ^ now.items()})
                print(f"change in {', '.join(changed[:3])}", flush=True)
            state.set("building")
            with safe_write.recording() as wrote:
                try:
                    summary = rebuild()
                except PreviewError as err:
                    outcome = ("error", str(err))
                    print(f"\n{err}\n(the server keeps running; save again to retry)", flush=True)
                else:
                    outcome = ("ok", "")
                    print(summary, flush=True)
            # What was built is what the build read (the files as they were before it
            # began), not what is on disk after it: a save made at any moment during the
            # build differs from it and builds again. What the build itself wrote
            # (executed chapters, checksums) counts as written, so it is no new edit.
            seen = as_built(settled, wrote)
            state.set(*outcome)
        stop.wait(POLL)


def as_built(read: dict[str, tuple[int, int, int]], wrote: dict[Path, tuple[int, int, int]],
             root: Path = PROJ_ROOT, package: Path = inputs.PACKAGE_DIR) -> dict[str, tuple[int, int, int]]:
    """The :func:`snapshot` a build started from, with the inputs it wrote as it wrote them.

    >>> as_built({"project/chapters/finance.ipynb": (1, 10, 7)}, {PROJ_ROOT / "chapters/finance.ipynb": (2, 20, 8),
    ...                                                           PROJ_ROOT / "pyproject.toml": (2, 5, 9)})
    {'project/chapters/finance.ipynb': (2, 20, 8)}
    """
    names = {path: name for name, path in inputs.files(None, root, package)}
    return read | {names[path]: written for path, written in wrote.items() if path in names}


# --- serving -------------------------------------------------------------------

class Handler(SimpleHTTPRequestHandler):
    """Serve the preview pages with the reload script, the assets and the event stream."""

    state: State
    KEEP_ALIVE = 15.0

    def log_message(self, format, *args):  # noqa: A002 - the terminal shows builds, not requests
        pass

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/__preview__/events":
            return self._events()
        if path.startswith("/__preview__/"):
            asset = ASSETS / path.rsplit("/", 1)[1]
            if asset.parent != ASSETS or not asset.is_file():
                return self.send_error(HTTPStatus.NOT_FOUND)
            return self._send(asset.read_bytes(), self.guess_type(str(asset)))
        target = Path(self.translate_path(path))
        if target.is_dir():
            target = target / "index.html"
        if path in ("", "/") and not target.exists():
            return self._send((ASSETS / "waiting.html").read_bytes(), "text/html; charset=utf-8")
        if target.suffix == ".html" and target.is_file():
            return self._send(_with_reload_script(target.read_bytes()), "text/html; charset=utf-8")
        return super().do_GET()

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        sent = None
        try:
            while True:
                with self.state.changed:
                    if self.state.as_json() == sent:
                        self.state.changed.wait(self.KEEP_ALIVE)
                    current = self.state.as_json()
                if current == sent:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    self.wfile.write(f"data: {current}\n\n".encode())
                    sent = current
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return


RELOAD_TAG = b'<script src="/__preview__/reload.js" defer></script>'


def _with_reload_script(html: bytes) -> bytes:
    """The page with the reload script added at the end of its head.

    >>> _with_reload_script(b"<html><head><title>t</title></head></html>")
    b'<html><head><title>t</title><script src="/__preview__/reload.js" defer></script></head></html>'
    """
    head = html.find(b"</head>")
    return html[:head] + RELOAD_TAG + html[head:] if head >= 0 else html + RELOAD_TAG


def serve(port: int = 8000, host: str = "127.0.0.1") -> None:
    """Build, serve on ``host:port`` and rebuild on every save, until interrupted."""
    state, stop = State(), threading.Event()
    handler = partial(type("PreviewHandler", (Handler,), {"state": state}), directory=str(PREVIEW_DIR / "html"))
    (PREVIEW_DIR / "html").mkdir(parents=True, exist_ok=True)
    try:
        httpd = ThreadingHTTPServer((host, port), handler)  # daemon threads: open event streams do not keep it alive
    except OSError as err:
        sys.exit(f"cannot listen on {host}:{port} ({err.strerror}); try PORT=<another port> make preview")
    print(f"preview of the book at http://{host}:{port}/ (watching the book's inputs; Ctrl-C stops)", flush=True)
    watcher = threading.Thread(target=watch, args=(state, stop), daemon=True)
    watcher.start()
    try:
        httpd.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        print("preview stopped")
    finally:
        stop.set()
        httpd.server_close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m lacoe_report.book.preview", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    args = parser.parse_args(argv)
    build.quiet_notebook_warnings()
    serve(args.port)


if __name__ == "__main__":
    main()
