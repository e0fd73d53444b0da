"""`make chapter` makes a chapter that builds, keeps the house rules and passes nbval untouched."""
import re
import subprocess
import sys

import pytest

from conftest import copy_repo, environment, make, make_variable

pytestmark = pytest.mark.slow  # builds scratch copies of the book: make test, not make check

SMALL_TOC = """format: jb-book
root: chapters/intro
parts:
  - caption: Schools, money and what comes next
    numbered: true
    chapters:
      - file: chapters/finance
  - caption: Appendices
    chapters:
      - file: chapters/questions
"""


def test_a_scaffolded_chapter_builds_and_passes_its_tests_untouched(tmp_path):
    root = copy_repo(tmp_path / "repo")  # the whole book: the new chapter must fit in it
    # A name the book does not use yet (a clone where someone already ran the README's
    # `make chapter NAME=transport` has one).
    name = next(n for n in ("transport", "commute", "buses")
                if not (root / "chapters" / f"{n}.ipynb").exists())
    made = subprocess.run(["make", "--no-print-directory", "chapter", f"NAME={name}",
                           "TITLE=Getting to school", "SECTION=schools"],
                          cwd=root, env=environment(root), capture_output=True, text=True)
    assert made.returncode == 0, made.stdout + made.stderr
    assert f"- file: chapters/{name}" in (root / "_toc.yml").read_text(encoding="utf-8")

    built = make(root)
    assert built.returncode == 0, built.stdout + built.stderr
    # The new chapter runs, with the pages that read every chapter's declarations (front page,
    # questions, ledger), and no unrelated chapter.
    executed = re.search(r"chapters: (.*)", built.stdout).group(1).split(", ")
    assert name in executed and "glance" not in executed, built.stdout
    page = (root / "_build" / "html" / "chapters" / f"{name}.html").read_text(encoding="utf-8")
    assert "Getting to school" in page and f"fig-{name}-counts" in page

    # The chapter tests and nbval, run in the copy as `make test` runs them, with the
    # Makefile's own nbval options (warm kernels).
    tested = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
         *make_variable("NBVAL", root / "Makefile").split(), f"chapters/{name}.ipynb",
         "tests/test_chapters.py", "tests/test_rules.py::test_the_committed_book_keeps_every_rule",
         "tests/test_chart_data.py"],
        cwd=root, env=environment(root), capture_output=True, text=True)
    assert tested.returncode == 0, tested.stdout[-3000:] + tested.stderr[-2000:]


def test_make_chapter_refuses_a_name_that_is_not_snake_case(tmp_path):
    root = copy_repo(tmp_path / "repo", SMALL_TOC)
    made = subprocess.run(["make", "--no-print-directory", "chapter", "NAME=Bad Name", "TITLE=x"],
                          cwd=root, env=environment(root), capture_output=True, text=True)
    assert made.returncode != 0 and "NAME must be snake_case" in made.stderr
    assert not list((root / "chapters").glob("Bad*"))
