"""``make preview`` on a scratch copy: serves the book with its reload script, rebuilds on a save,
shows bad data and broken house rules on the page and in the terminal (in make book's words) while it
keeps serving, and never touches _build/html."""
import contextlib
import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from preview_latency import Events, free_port

from conftest import environment
from test_build import set_value, tree_digest

pytestmark = pytest.mark.slow  # builds a scratch book and serves it


def get(port: int, path: str) -> str:
    return urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30).read().decode()


@contextlib.contextmanager
def preview(root, terminal: list | None = None, keep=None, env: dict | None = None):
    """``make preview``'s server on a free port of ``root``, its first build done and good.

    Every preview started here is checked to listen on the loopback address
    only: the page runs the book's code on a save, so no other machine may
    reach it. Yields the port, its build events, the first build's state and
    the server's process. When the server stops, the file ``keep`` gets its
    first text back and what the server printed is appended to ``terminal``.
    ``env`` replaces the environment a user's shell would give it.
    """
    original = keep.read_text(encoding="utf-8") if keep else None
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "lacoe_report.book.preview", "--port", str(port)],
                              cwd=root, env=env or environment(root), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        events = Events(port)
        state = events.until_done(0)
        assert state["status"] == "ok", state["message"]
        listening = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True,
                                   check=True).stdout.splitlines()
        assert listening and all(line.split()[3] == f"127.0.0.1:{port}" for line in listening), listening
        yield port, events, state, server
    finally:
        if keep:
            keep.write_text(original, encoding="utf-8")
        server.terminate()
        output, _ = server.communicate(timeout=30)
        if terminal is not None:
            terminal.append(output)


def kernel_servers(preview_server: subprocess.Popen) -> list[int]:
    """The pids of the preview's warm-kernel servers (its children running ``lacoe_report.book.kernels.forks``)."""
    proc = Path("/proc")  # Linux, as the `ss` check above; a child is listed under the thread that started it
    children = [pid for task in (proc / str(preview_server.pid) / "task").iterdir()
                for pid in _read(task / "children").split()]
    return [int(pid) for pid in children
            if "lacoe_report.book.kernels.forks" in _read(proc / pid / "cmdline").split("\0")]


def _read(proc_file: Path) -> str:
    """A /proc file's text, or "" once its thread or process has exited (between listing and reading)."""
    try:
        return proc_file.read_text(encoding="utf-8", errors="surrogateescape")
    except (FileNotFoundError, ProcessLookupError):
        return ""


def test_preview_rebuilds_on_save_and_shows_bad_data_without_stopping(scratch):
    published = tree_digest(scratch / "_build" / "html")
    figures = scratch / "data" / "report_figures.csv"
    original = figures.read_text(encoding="utf-8")
    terminal: list[str] = []
    with preview(scratch, terminal, keep=figures) as (port, events, state, server):
        [kernel_server] = kernel_servers(server)
        page = get(port, "/chapters/finance.html")
        assert '<script src="/__preview__/reload.js" defer></script></head>' in page
        assert "EventSource" in get(port, "/__preview__/reload.js")

        set_value(scratch, "fin_admin_share", "140")
        state = events.until_done(state["version"])
        assert state["status"] == "error"
        assert "report_figures.csv" in state["message"] and "'140' is not a percentage" in state["message"]
        assert "Traceback" not in state["message"]
        assert "finance" in get(port, "/chapters/finance.html")  # still serving

        figures.write_text(original, encoding="utf-8")
        state = events.until_done(state["version"])
        assert state["status"] == "ok", state["message"]
        # No server was started for the bad data: the one of the good data serves its fix.
        assert kernel_servers(server) == [kernel_server]
    output = terminal[0]
    assert "'140' is not a percentage" in output  # the terminal shows it too
    assert tree_digest(scratch / "_build" / "html") == published
    assert (scratch / "_build" / "preview" / "html" / "chapters" / "finance.html").is_file()


def _cell_with(notebook: dict, needle: str) -> int:
    return next(n for n, c in enumerate(notebook["cells"], start=1) if needle in "".join(c["source"]))


def test_preview_refuses_a_broken_house_rule_with_the_message_make_book_prints(scratch):
    path = scratch / "chapters" / "finance.ipynb"
    original = path.read_text(encoding="utf-8")
    notebook = json.loads(original)
    typed = _cell_with(notebook, "## Where the budget goes")
    glued = _cell_with(notebook, "{glue:text}`fin_n_lines`")

    def edited(number: int, old: str, new: str) -> str:
        copy = json.loads(original)
        source = "".join(copy["cells"][number - 1]["source"])
        assert old in source
        copy["cells"][number - 1]["source"] = source.replace(old, new, 1)
        return json.dumps(copy, indent=1, ensure_ascii=False) + "\n"

    terminal: list[str] = []
    with preview(scratch, terminal, keep=path) as (port, events, state, _):

        path.write_text(edited(typed, "The report splits", "The report's 4 lines split"), encoding="utf-8")
        state = events.until_done(state["version"])
        assert state["status"] == "error"
        assert (f"chapters/finance.ipynb, cell {typed}: a number typed by hand" in state["message"]
                and "The report's 4 lines split" in state["message"]), state["message"]

        # A glue typo: the rule names chapter, cell and key, where Sphinx said
        # "finance.ipynb:70002: WARNING" in colour.
        path.write_text(edited(glued, "{glue:text}`fin_n_lines`", "{glue:text}`fin_n_line`"), encoding="utf-8")
        state = events.until_done(state["version"])
        assert state["status"] == "error"
        assert (f"chapters/finance.ipynb, cell {glued}: a glued key the chapter does not declare"
                in state["message"] and "`fin_n_line`" in state["message"]), state["message"]
        assert "\x1b[" not in state["message"] and not re.search(r"\.ipynb:\d+", state["message"])

        path.write_text(original, encoding="utf-8")
        state = events.until_done(state["version"])
        assert state["status"] == "ok", state["message"]
    output = terminal[0]
    assert f"chapters/finance.ipynb, cell {glued}: a glued key the chapter does not declare" in output
    assert "\x1b[" not in output


def test_a_sphinx_warning_in_the_preview_reads_as_in_make_book():
    # The preview runs Sphinx as make book does (build.sphinx_build), which names warnings so.
    from lacoe_report.book.build import plain_warning
    from lacoe_report.core.paths import PROJ_ROOT

    line = f"\x1b[91m{PROJ_ROOT}/chapters/finance.ipynb:70002: WARNING: No key 'x' found\x1b[39;49;00m"
    assert plain_warning(line) == "chapters/finance.ipynb, cell 7: WARNING: No key 'x' found"
