"""An analyst's save made while the build works is never lost, and always built.

Each test makes the build wait, at a chosen point, for a file the test creates
(a chapter cell that waits, or a small Sphinx extension of the scratch copy's
that waits), saves a second edit while it waits, and lets it go on: no timer
races the build. ``make preview`` must keep both edits on disk and show them
within one more rebuild; ``make book`` must keep the save and name the file.
"""
import json
import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from conftest import environment
from test_preview import get, preview

pytestmark = pytest.mark.slow  # builds, executes and serves a scratch book

#: Generous: the machine is shared, and a test that fails one run in ten is a defect.
TIMEOUT = 300


def wait_for(path: Path, process: subprocess.Popen | None = None) -> None:
    """Until ``path`` exists (the build reached the waiting point), or fail."""
    deadline = time.monotonic() + TIMEOUT
    while not path.exists():
        assert process is None or process.poll() is None, "the build ended before it reached the point"
        assert time.monotonic() < deadline, f"the build never reached {path.name}"
        time.sleep(0.05)


def waiting_cell(folder: Path, name: str, marker: str) -> str:
    """A code cell that says it runs, then waits until the test lets it go on, then prints ``marker``."""
    return (f"import pathlib, time\n"
            f"pathlib.Path({str(folder / (name + '.reached'))!r}).touch()\n"
            f"deadline = time.monotonic() + {TIMEOUT}\n"
            f"while not pathlib.Path({str(folder / (name + '.go'))!r}).exists() and time.monotonic() < deadline:\n"
            f"    time.sleep(0.05)\n"
            f"print({marker!r})")


def edit_notebook(path: Path, kind: str, text: str) -> None:
    """Save ``text`` as a new code cell, or appended to the first markdown cell, as an editor saves."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    if kind == "code":
        notebook["cells"].insert(1, {"cell_type": "code", "execution_count": None, "id": "probe", "metadata": {},
                                     "outputs": [], "source": text})
    else:
        cell = next(c for c in notebook["cells"] if c["cell_type"] == "markdown")
        cell["source"] = "".join(cell["source"]) + f"\n\n{text}"
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def next_done(events, after: int) -> dict:
    """The next finished build's state after version ``after``, or fail after :data:`TIMEOUT` (keep-alives too)."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        line = events.stream.readline().decode()
        assert line, "the preview closed its event stream"
        if line.startswith("data: "):
            state = json.loads(line[6:])
            if state["status"] != "building" and state["version"] > after:
                return state
    raise AssertionError("no rebuild followed the save")


def shown_within_one_more_rebuild(port: int, events, state: dict, page: str, *markers: str) -> dict:
    """The state once ``page`` shows every marker: at the end of this build or of the next one."""
    state = next_done(events, state["version"])
    if not all(m in get(port, page) for m in markers):
        state = next_done(events, state["version"])
    assert state["status"] == "ok", state["message"]
    served = get(port, page)
    assert all(m in served for m in markers), [m for m in markers if m not in served]
    return state


def test_preview_keeps_a_save_made_while_the_chapter_executes(scratch, tmp_path):
    finance = scratch / "chapters" / "finance.ipynb"
    terminal: list[str] = []
    with preview(scratch, terminal) as (port, events, state, _):
        edit_notebook(finance, "code", waiting_cell(tmp_path, "execute", "codeprobeone"))
        wait_for(tmp_path / "execute.reached")
        edit_notebook(finance, "markdown", "Proseprobetwo, saved while the chapter ran.")
        (tmp_path / "execute.go").touch()
        shown_within_one_more_rebuild(port, events, state, "/chapters/finance.html",
                                      "codeprobeone", "Proseprobetwo")
    on_disk = finance.read_text(encoding="utf-8")
    assert "codeprobeone" in on_disk and "Proseprobetwo" in on_disk
    assert "chapters/finance.ipynb changed on disk during the build" in terminal[0]


PAUSE_EXTENSION = '''
import os, pathlib, time

FOLDER = pathlib.Path(os.environ["LACOE_TEST_PAUSES"])


def pause(point):
    """Wait here once, when the test armed this point, until it says go."""
    armed = FOLDER / (point + ".armed")
    if not armed.exists():
        return
    armed.unlink()
    (FOLDER / (point + ".reached")).touch()
    deadline = time.monotonic() + {timeout}
    while not (FOLDER / (point + ".go")).exists() and time.monotonic() < deadline:
        time.sleep(0.02)


def setup(app):
    # While Sphinx parses the page the test edits: the file was read, its read time not yet noted.
    app.connect("source-read", lambda app, docname, source: docname == "chapters/downloads" and pause("reading"))
    app.connect("build-finished", lambda app, error: pause("finished"))
    return {{"parallel_read_safe": True}}
'''


def test_preview_builds_a_save_to_another_file_made_at_any_point_of_the_build(scratch, tmp_path):
    finance, prose = scratch / "chapters" / "finance.ipynb", scratch / "chapters" / "downloads.md"
    pauses = tmp_path / "pauses"
    pauses.mkdir()
    (tmp_path / "lacoe_test_pause.py").write_text(PAUSE_EXTENSION.format(timeout=TIMEOUT), encoding="utf-8")
    config = scratch / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "      - lacoe_report.book.sphinx_reread\n",
        "      - lacoe_report.book.sphinx_reread\n      - lacoe_test_pause\n"), encoding="utf-8")
    assert "lacoe_test_pause" in config.read_text(encoding="utf-8")
    env = environment(scratch)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tmp_path), env.get("PYTHONPATH")]))
    env["LACOE_TEST_PAUSES"] = str(pauses)
    # early: while a chapter executes; middle: while Sphinx parses the edited page; late: after Sphinx wrote
    # the pages, before the preview notes what it built.
    with preview(scratch, env=env) as (port, events, state, _):
        for point in ("execute", "reading", "finished"):
            marker = f"Introprobe{point}"
            if point == "execute":
                edit_notebook(finance, "code", waiting_cell(pauses, point, "codeprobe"))
            elif point == "reading":  # the first edit makes Sphinx read the page the second one edits
                (pauses / f"{point}.armed").touch()
                prose.write_text(prose.read_text(encoding="utf-8") + "\nIntroprobefirst.\n", encoding="utf-8")
            else:
                (pauses / f"{point}.armed").touch()
                edit_notebook(finance, "markdown", f"Financeprobe{point}.")
            wait_for(pauses / f"{point}.reached")
            prose.write_text(prose.read_text(encoding="utf-8") + f"\n{marker} saved during the build.\n",
                             encoding="utf-8")
            (pauses / f"{point}.go").touch()
            state = shown_within_one_more_rebuild(port, events, state, "/chapters/downloads.html", marker)
            assert marker in prose.read_text(encoding="utf-8")


def test_make_book_keeps_a_save_made_while_the_chapter_executes_and_names_it(scratch, tmp_path):
    finance = scratch / "chapters" / "finance.ipynb"
    edit_notebook(finance, "code", waiting_cell(tmp_path, "execute", "codeprobeone"))
    build = subprocess.Popen(["make", "--no-print-directory", "book"], cwd=scratch, env=environment(scratch),
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for(tmp_path / "execute.reached", build)
        edit_notebook(finance, "markdown", "Proseprobetwo, saved while the chapter ran.")
        saved = finance.read_bytes()
        (tmp_path / "execute.go").touch()
        output, _ = build.communicate(timeout=TIMEOUT)
    finally:
        (tmp_path / "execute.go").touch()
        if build.poll() is None:
            build.kill()
    assert build.returncode != 0, output
    assert "chapters/finance.ipynb changed on disk during the build: the save was kept" in output, output
    assert "Traceback" not in output
    assert finance.read_bytes() == saved  # the save, byte for byte: no output written over it
    # Nothing is lost either: the next build executes the chapter again, with both edits.
    again = subprocess.run(["make", "--no-print-directory", "book"], cwd=scratch, env=environment(scratch),
                           capture_output=True, text=True, timeout=TIMEOUT)
    assert again.returncode == 0, again.stdout + again.stderr
    assert re.search(r"executing 1 of \d+ chapters: finance\n", again.stdout), again.stdout
    page = (scratch / "_build" / "html" / "chapters" / "finance.html").read_text(encoding="utf-8")
    assert "codeprobeone" in page and "Proseprobetwo" in page
