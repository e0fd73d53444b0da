"""Every page of the built book is valid HTML for the Nu HTML Checker (the W3C's validator).

The checker is ``vnu.jar`` from npm's ``vnu-jar``, vendored by
``scripts/vendor-vnu.sh`` (``make test`` does it) and run with Java
(``default-jre-headless``, from ``scripts/system-deps.sh``). Errors only:
its warnings (such as the ``border`` pandas puts on tables) are not faults.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter

import pytest

from lacoe_report.core.paths import PROJ_ROOT

pytestmark = pytest.mark.slow  # builds the book and runs Java: make test, not make check

VNU_JAR = PROJ_ROOT / ".cache" / "vnu" / "vnu.jar"


#: A page with one known error: a <p> inside <summary>, the fault of the book's code toggles before.
BAD_PAGE = ("<!DOCTYPE html><html lang=en><head><title>t</title></head><body>"
            "<details><summary><p>Show code</p></summary>x</details></body></html>")


@pytest.fixture(scope="module")
def vnu_run(book_dir, tmp_path_factory) -> tuple[list[str], list[dict], list[dict]]:
    """One run of the checker over every page and :data:`BAD_PAGE`: the pages, their errors, the bad page's."""
    java = shutil.which("java")
    assert java, "Java is missing: the Nu HTML Checker runs on it; run `bash scripts/system-deps.sh`"
    assert VNU_JAR.is_file(), f"{VNU_JAR.relative_to(PROJ_ROOT)} is missing: run `bash scripts/vendor-vnu.sh`"
    pages = sorted(p for p in book_dir.rglob("*.html") if not any(
        part.startswith("_") for part in p.relative_to(book_dir).parts))
    bad = tmp_path_factory.mktemp("vnu") / "bad.html"
    bad.write_text(BAD_PAGE, encoding="utf-8")
    # One Java start for both: the checker's start-up is most of its time on these pages.
    result = subprocess.run([java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, pages),
                             str(bad)], capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr)["messages"]  # vnu reports on stderr, exit 1 when it found errors
    errors = [m for m in messages if m.get("type") == "error"]
    on_bad = [e for e in errors if e.get("url", "").endswith(str(bad))]  # vnu names files file:/path
    return [p.relative_to(book_dir).as_posix() for p in pages], [e for e in errors if e not in on_bad], on_bad


def test_the_checker_checks_every_page(vnu_run, book_dir):
    pages, _, _ = vnu_run
    assert "index.html" in pages and "search.html" in pages
    assert sum(p.startswith("chapters/") for p in pages) >= 10


def test_no_page_has_an_html_error(vnu_run):
    _, errors, _ = vnu_run
    per_page = Counter(e["url"].rsplit("/", 2)[-1] for e in errors)
    listing = "\n  ".join(f"{e['url'].rsplit('/', 2)[-1]}:{e.get('lastLine')}: {e['message'][:160]}"
                          for e in errors[:30])
    assert not errors, f"{len(errors)} HTML errors ({dict(per_page)}):\n  {listing}"


def test_the_checker_finds_an_error_when_there_is_one(vnu_run):
    """The check can fail: the same run finds the known error of :data:`BAD_PAGE`."""
    _, _, on_bad = vnu_run
    assert any("summary" in e["message"] for e in on_bad)
