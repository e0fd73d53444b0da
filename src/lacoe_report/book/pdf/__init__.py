"""Print the book to one PDF: ``python -m lacoe_report.book.pdf``.

The book's ``singlehtml`` edition (:func:`lacoe_report.book.build.build_html`), served on 127.0.0.1
and printed by Chromium through Playwright, offline (a request to another host is aborted and counted).
The builder writes the page to the root document's path (``chapters/intro.html``) but its links
relative to the build folder, so the server also answers ``/book.html`` with it. In the page
(``prepare.js``): a title page and contents, each chapter of ``_toc.yml`` on a new page, no hidden
code cells, ``print.css``. Printed, numbered where the chapters start, printed again, and made
reproducible (:mod:`.document`): the same book, the same bytes.
"""
from __future__ import annotations

import argparse
import functools
import html
import http.server
import io
import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pypdf import PdfReader

from ...core.errors import InputError, load_yaml
from ...core.paths import BUILD_DIR, PROJ_ROOT, shown
from .. import build, published
from ..toc import read_toc
from .document import ATTACHMENT_PREFIX, SOURCE_LINE, Attachment, Chapter, chapter_pages, reproducible

#: Where the PDF is written.
PDF_PATH = BUILD_DIR / "pdf" / "lacoe-annual-report-2023-24-book.pdf"
#: The print styles injected into the page before printing.
PRINT_CSS = Path(__file__).with_name("print.css")
#: The Chromium Playwright drives (Debian's; ``LACOE_CHROMIUM`` overrides it).
CHROMIUM = os.environ.get("LACOE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: The title page's lines under the book's title.
SUBTITLE = "The report's figures as sourced data, and every number in this book computed from them"
#: The path the local server answers with the root page (see the module docstring).
BOOK_URL_PATH = "/book.html"
#: Paper and margins. The bottom margin holds the footer.
PAPER = "A4"
PAPER_WIDTH_MM = 210.0
MARGINS = {"top": "16mm", "bottom": "18mm", "left": "18mm", "right": "18mm"}
#: Printing stops after this many passes if the contents' page numbers still move.
MAX_PASSES = 4
#: What the first print pass, which only finds the pages, leaves out.
FINDING_PASS = {"tagged": False, "outline": False, "print_background": False, "display_header_footer": False}
# The contents' page numbers until they are known: as wide as any page number, so that filling
# them in does not change the layout between the passes.
_PAGE_PLACEHOLDER = "888"

FOOTER_TEMPLATE = """
<div style="width: 100%; margin: 0 {right} 0 {left}; font-family: 'DejaVu Sans', sans-serif; font-size: 7.5pt;
            color: #5a6270; display: flex; justify-content: space-between;">
  <span>{title}</span>
  <span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span>
</div>
"""
# An empty header: Chromium's default one prints the date, which would make
# every build differ.
HEADER_TEMPLATE = "<div></div>"

# Runs in the page: builds the printed book out of the singlehtml page and
# returns the chapters it found, as {docname, id, title}.
_PREPARE_JS = (Path(__file__).parent / "prepare.js").read_text(encoding="utf-8")

# Lists the innermost elements that reach past the printable width: Chromium
# shrinks every page of a document that is wider than the paper, so the text
# would come out smaller than print.css says.
_OVERFLOW_JS = (Path(__file__).parent / "overflow.js").read_text(encoding="utf-8")

_FILL_PAGES_JS = (Path(__file__).parent / "fill_pages.js").read_text(encoding="utf-8")



@dataclass
class PrintResult:
    """What printing the book produced: the summary line `main` prints."""

    pages: int
    chapters: list[Chapter]
    passes: int
    blocked: list[str]
    attachments: list[str]


def book_meta() -> dict[str, str]:
    """Return the title and author of the book from ``_config.yml``."""
    try:
        config = load_yaml(PROJ_ROOT / "_config.yml")
    except InputError as err:
        sys.exit(f"Bad input, nothing was printed: {err}")
    return {"title": str(config.get("title", "")).strip(), "author": str(config.get("author", "") or "").strip()}


def toc_parts() -> tuple[str, list[dict]]:
    """The root document and, per part, its caption and top-level documents, for the page script."""
    root, parts, _ = read_toc()
    return root, [{"caption": part.caption, "docnames": part.docnames} for part in parts]


def root_page(site: Path, root: str) -> Path:
    """Return ``<site>/<root>.html``, where Sphinx's singlehtml builder writes the whole book.

    Parameters
    ----------
    site : pathlib.Path
        The ``singlehtml`` build folder.
    root : str
        The root document's name, as in ``_toc.yml``.
    """
    page = site / f"{root}.html"
    if not page.exists():
        sys.exit(f"No book page in {site}: {root}.html is missing.")
    return page


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve the build folder, and the root page at :data:`BOOK_URL_PATH`."""

    book_page: Path

    def translate_path(self, path: str) -> str:
        if urlsplit(path).path == BOOK_URL_PATH:
            return str(self.book_page)
        return super().translate_path(path)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass


@contextmanager
def serve(site: Path, page: Path) -> Iterator[str]:
    """Serve ``site`` on a free port of 127.0.0.1 while the block runs.

    Parameters
    ----------
    site : pathlib.Path
        The folder to serve.
    page : pathlib.Path
        The file to answer :data:`BOOK_URL_PATH` with.

    Yields
    ------
    str
        The URL of the book page, ``http://127.0.0.1:<port>/book.html``.
    """
    handler = type("Handler", (_QuietHandler,), {"book_page": page})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{BOOK_URL_PATH}"
    finally:
        server.shutdown()
        server.server_close()


def find_chromium() -> str:
    """Return the Chromium executable, or exit naming how to install it."""
    for candidate in (CHROMIUM, shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    sys.exit(f"Chromium is not installed ({CHROMIUM} is missing): run `bash scripts/system-deps.sh` "
             "or set LACOE_CHROMIUM to a Chromium executable.")


@contextmanager
def chromium() -> Iterator:
    """Headless Chromium (:func:`find_chromium`) driven by Playwright, closed after the block."""
    # Not at the top: Playwright takes 0.3 s to import, which `make check` would pay in every
    # worker (its doctests import every module; nothing else it runs imports Playwright).
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    except PlaywrightError as err:
        sys.exit(f"Chromium could not print the book: {err}")


def downloads_to_attach(site: Path, downloads: Sequence[dict]) -> list[Attachment]:
    """The files the Downloads page links (``{name, path}`` from the page script), read from ``site``."""
    found = []
    for item in downloads:
        path = site / item["path"].lstrip("/")
        if not path.is_file():
            sys.exit(f"The Downloads page links {item['path']}, which is not in {site}.")
        found.append(Attachment(item["name"], path.read_bytes()))
    return found


def _prepare(browser, url: str, route, meta: dict[str, str], root: str, parts: list[dict],
             printable_px: int) -> tuple:
    """Load the singlehtml book in a new page (its requests through ``route``) and make it the printed
    book; return the page, its chapters and downloads.

    Exits when an image did not load or a chapter of ``_toc.yml`` is missing;
    warns about math (MathJax cannot load offline) and anything wider than the paper.
    """
    page = browser.new_page()
    page.route("**/*", route)
    page.goto(url, wait_until="load", timeout=120_000)
    page.add_style_tag(content=PRINT_CSS.read_text(encoding="utf-8"))
    found = page.evaluate(_PREPARE_JS, {
        "title": meta["title"], "author": meta["author"], "subtitle": SUBTITLE, "source": SOURCE_LINE,
        "root": root, "parts": parts, "placeholder": _PAGE_PLACEHOLDER,
        "attachmentPrefix": ATTACHMENT_PREFIX})
    if found["broken"]:
        sys.exit("Images did not load, nothing was printed:\n  " + "\n  ".join(found["broken"]))
    if found["math"]:
        print(f"warning: {found['math']} math elements, and MathJax cannot load offline", file=sys.stderr)
    # Lay the page out at the printable width to find what would not fit.
    page.set_viewport_size({"width": printable_px, "height": 1000})
    page.emulate_media(media="print")
    for wide in page.evaluate(_OVERFLOW_JS):
        print(f"warning: wider than the paper, so Chromium shrinks every page: {wide}", file=sys.stderr)
    chapters = [Chapter(**c) for c in found["chapters"]]
    listed = [root] + [d for part in parts for d in part["docnames"]]
    lost = [d for d in listed if d not in {c.docname for c in chapters}]
    if lost:
        sys.exit(f"Chapters of _toc.yml missing from the singlehtml book: {', '.join(lost)}")
    return page, chapters, found["downloads"]


def _print_numbered(page, chapters: list[Chapter], options: dict,
                    seed: dict[str, int] | None = None) -> tuple[bytes, int]:
    """Print until the contents' page numbers match the pages the chapters start on.

    Returns the last PDF, always from a full pass, and the number of passes; sets each chapter's ``page``.
    A first pass that only finds the pages skips what moves no line (tags, outline, backgrounds, header
    and footer): half the time. With ``seed`` (the last print's pages) the first pass is a full one.
    """
    pages: dict[str, int] = {}
    if seed and set(seed) == {c.id for c in chapters}:
        pages = dict(seed)
        page.evaluate(_FILL_PAGES_JS, pages)
    for passes in range(1, MAX_PASSES + 1):
        finding = passes == 1 and not pages  # nothing to check yet: this pass only finds the pages
        pdf = page.pdf(**(options | FINDING_PASS if finding else options))
        now = chapter_pages(pdf, chapters)
        if now == pages:
            break
        pages = now
        page.evaluate(_FILL_PAGES_JS, pages)
    else:
        sys.exit(f"The contents' page numbers did not settle in {MAX_PASSES} passes.")
    unplaced = [c.title for c in chapters if c.id not in pages]
    if unplaced:
        sys.exit(f"Could not find the page of: {'; '.join(unplaced)}")
    for chapter in chapters:
        chapter.page = pages[chapter.id]
    return pdf, passes


#: The pages the chapters started on in the last print: the next print tries them first.
LAST_PAGES = BUILD_DIR / ".pdf-pages.json"


def _last_pages() -> dict[str, int] | None:
    try:  # only _remember_pages writes it; a wrong page in it costs one print pass
        return json.loads(LAST_PAGES.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _remember_pages(pages: dict[str, int]) -> None:
    LAST_PAGES.parent.mkdir(parents=True, exist_ok=True)
    LAST_PAGES.write_text(json.dumps(pages, sort_keys=True), encoding="utf-8")


def print_book(site: Path, again: Path | None, browser) -> PrintResult:
    """Print the singlehtml book in ``site`` to :data:`PDF_PATH`, replaced only once the new one is complete.

    Parameters
    ----------
    site : pathlib.Path
        A ``singlehtml`` build folder (``_build/singlehtml``).
    again : pathlib.Path or None
        Also print the book a second time, in a new page of the same browser,
        and write that PDF here: equal bytes prove the output stable.
    browser : playwright.sync_api.Browser
        A Chromium launched by :func:`chromium`.

    Returns
    -------
    PrintResult
    """
    meta = book_meta()
    root, parts = toc_parts()
    page_file = root_page(site, root)
    blocked: list[str] = []
    mm = {name: float(value.removesuffix("mm")) for name, value in MARGINS.items()}
    printable_px = int((PAPER_WIDTH_MM - mm["left"] - mm["right"]) * 96 / 25.4)
    footer = FOOTER_TEMPLATE.format(title=html.escape(meta["title"]), left=MARGINS["left"], right=MARGINS["right"])
    options = dict(format=PAPER, margin=MARGINS, print_background=True, display_header_footer=True,
                   header_template=HEADER_TEMPLATE, footer_template=footer, outline=True, tagged=True)

    with serve(site, page_file) as url:
        origin = url[: -len(BOOK_URL_PATH)] + "/"

        def only_local(route) -> None:
            # Offline by construction: anything but the local server is refused.
            if route.request.url.startswith(origin):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        page, chapters, downloads = _prepare(browser, url, only_local, meta, root, parts, printable_px)
        pdf, passes = _print_numbered(page, chapters, options, seed=_last_pages())
        if again is not None:
            # A new page: the book loaded, prepared and printed anew in the same browser,
            # so every element is a new DOM node with a new tag id, at a later second.
            second, again_chapters, _ = _prepare(browser, url, only_local, meta, root, parts, printable_px)
            # Numbered from the first print's pages, checked on one full pass: equal bytes
            # then also show that the output does not depend on the passes it took.
            reprinted, _ = _print_numbered(second, again_chapters, options, seed={c.id: c.page for c in chapters})

    attachments = downloads_to_attach(site, downloads)
    # The attached Data Package and metadata must describe the attached files, or nothing is printed.
    wrong = published.disagreements({a.name: a.data for a in attachments})
    if wrong:
        sys.exit(published.report(wrong, "The PDF was not written"))
    titles = [c.title for c in chapters]
    pdf = reproducible(pdf, meta["title"], meta["author"], titles, attachments)
    if again is not None:
        again.parent.mkdir(parents=True, exist_ok=True)
        again.write_bytes(reproducible(reprinted, meta["title"], meta["author"], titles, attachments))
    PDF_PATH.parent.mkdir(parents=True, exist_ok=True)
    partial = PDF_PATH.with_suffix(".pdf.partial")
    partial.write_bytes(pdf)
    partial.replace(PDF_PATH)  # never leave a half-written PDF behind
    _remember_pages({c.id: c.page for c in chapters})
    return PrintResult(pages=len(PdfReader(io.BytesIO(pdf)).pages), chapters=chapters,
                       passes=passes, blocked=blocked, attachments=[a.name for a in attachments])


def _check_and_execute() -> None:
    """``make book``'s first steps: check the data, execute the stale chapters."""
    build.check_data()
    build.execute(quiet=True)


def main(argv: list[str] | None = None) -> None:
    """Build the singlehtml book and print it; see ``python -m lacoe_report.book.pdf --help``."""
    parser = argparse.ArgumentParser(prog="python -m lacoe_report.book.pdf", description=__doc__.splitlines()[0])
    parser.add_argument("--no-execute", action="store_true",
                        help="render the chapters' committed outputs as they are (execute none)")
    parser.add_argument("--again", type=Path, metavar="PDF",
                        help="also print the finished book a second time in the same browser, to PDF "
                             "(equal bytes: the output is stable)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    find_chromium()  # fail before a long build, not after it
    # Chromium starts while the data is checked and stale chapters run; result() raises what the checks
    # raised, sys.exit's SystemExit too.
    checks = None if args.no_execute else ThreadPoolExecutor(1).submit(_check_and_execute)
    with chromium() as browser:
        if checks is not None:
            checks.result()
        site = build.build_html("singlehtml")  # decided from content, as for `make book`
        result = print_book(site, args.again.resolve() if args.again else None, browser)

    print(f"PDF written to {shown(PDF_PATH)}: {result.pages} pages, {len(result.chapters)} chapters, "
          f"{result.passes} print pass{'' if result.passes == 1 else 'es'}, {len(result.attachments)} attached files, "
          f"in {time.perf_counter() - started:.1f} s")
    hosts = sorted({urlsplit(u).netloc for u in result.blocked})
    print(f"blocked {len(result.blocked)} request(s) to other hosts" + (f": {', '.join(hosts)}" if hosts else ""))


if __name__ == "__main__":
    main()
