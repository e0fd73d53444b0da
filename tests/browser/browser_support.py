"""What the browser tests share: where Chromium and axe-core are, a local server, offline routing."""
from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import re
import threading
import time
from pathlib import Path

from lacoe_report.core.paths import BUILD_DIR, PROJ_ROOT

CHROMIUM = Path(os.environ.get("LACOE_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = PROJ_ROOT / ".cache" / "axe-core" / "axe.min.js"
REPORT_JSON = BUILD_DIR / "browser-report.json"
SETUP_HINT = "run `make test` (or `bash scripts/system-deps.sh && bash scripts/vendor-axe.sh`)"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextlib.contextmanager
def serve(directory: Path):
    """Serve ``directory`` on 127.0.0.1 and a free port; yield the base URL (ending in /)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="book-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def local_only(context, base: str, external: list[str]) -> None:
    """Abort (and record in ``external``) every request not to ``base``."""
    def abort(route):
        external.append(route.request.url)
        route.abort()

    context.route(re.compile("^(?!" + re.escape(base) + ")"), abort)


_IMPORTED = time.time()
_printed = False


def print_figures(terminalreporter) -> None:
    """Print the figures of ``_build/browser-report.json`` if this run wrote it (once).

    Under pytest-xdist the controller does not load ``tests/browser/conftest.py``;
    ``tests/conftest.py`` can import this as its ``pytest_terminal_summary``.
    """
    global _printed
    if _printed or not REPORT_JSON.is_file() or REPORT_JSON.stat().st_mtime < _IMPORTED:
        return
    _printed = True
    figures = json.loads(REPORT_JSON.read_text(encoding="utf-8"))["figures"]
    terminalreporter.write_sep("-", "browser figures")
    terminalreporter.write_line(", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in figures.items()))
    terminalreporter.write_line(f"(details in {REPORT_JSON.relative_to(PROJ_ROOT)})")
