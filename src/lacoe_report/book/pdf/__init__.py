"""Print the book to one PDF: ``python -m lacoe_report.book.pdf``.

The PDF is the single-page HTML edition of the book (Sphinx's
``singlehtml`` builder, built by :func:`lacoe_report.book.build.build_html`)
printed by Chromium through Playwright:

1. Build ``_build/singlehtml`` (after checking the data and executing stale
   chapters, as ``python -m lacoe_report.book.build html`` does), unless it
   was built from exactly today's inputs (:mod:`lacoe_report.book.freshness`).
   It shares its staging folder, and so its parsed chapters, with the HTML
   build: after ``make book`` only the writing step remains.
2. Serve it from a local HTTP server on 127.0.0.1. Opening it as ``file://``
   does not work: the builder writes the page to ``chapters/intro.html`` (the
   root document's path) but writes its links to ``_static/`` and
   ``_images/`` relative to the build folder, so the server also answers
   ``/book.html`` with that page, where the relative links resolve.
3. In the page, move the article out of the theme's layout, add a title page
   and a contents list, mark every chapter of ``_toc.yml`` so that it starts a
   page, drop hidden code cells, and inject ``print.css``.
4. Print once, read on which page each chapter starts (the PDF's named
   destinations), write those page numbers into the contents, print again.
5. Remove the creation and modification dates (and renumber the tagged
   PDF's node ids), so the same book gives the same bytes.

Chromium runs without network: every request to a host other than the local
server is aborted and counted.
"""
from __future__ import annotations

import argparse
import functools
import html
import http.server
import io
import json
import os
import re
import shutil
import sys
import threading
import time
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ...core.paths import BUILD_DIR, PROJ_ROOT
from .. import published
from ..toc import read_toc

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
SOURCE_LINE = "Figures from the LACOE Annual Report 2023-24"
#: The path the local server answers with the root page (see the module docstring).
BOOK_URL_PATH = "/book.html"
#: Paper and margins. The bottom margin holds the footer.
PAPER = "A4"
PAPER_WIDTH_MM = {"A4": 210.0, "Letter": 215.9}
MARGINS = {"top": "16mm", "bottom": "18mm", "left": "18mm", "right": "18mm"}
#: Download links print as links to this address plus the file name; :func:`attach_files`
#: turns each into a file attachment annotation (the ``.invalid`` domain never resolves).
ATTACHMENT_PREFIX = "https://attachment.invalid/"
#: Printing stops after this many passes if the contents' page numbers still move.
MAX_PASSES = 4
#: What the first print pass, which only finds the pages, leaves out.
FINDING_PASS = {"tagged": False, "outline": False, "print_background": False, "display_header_footer": False}
# The dates Chromium writes into the document information.
_DATES = re.compile(rb"/(?:CreationDate|ModDate)\s*\([^)]*\)")
# A structure element's /ID in Chromium's tagged PDF, anywhere, and where the element itself names it.
_NODE_ID = re.compile(rb"\(node(\d{8})\)")
_ELEMENT_ID = re.compile(rb"/ID \(node(\d{8})\)")
# A leaf of the /IDTree: its limits and its (id, element) pairs, as Chromium writes them.
_ID_TREE_LEAF = re.compile(rb"/Limits \[(\(node\d{8}\)) (\(node\d{8}\))\]\n/Names \[((?:\(node\d{8}\) \d+ 0 R ?)+)\]")
_ID_PAIR = re.compile(rb"\(node\d{8}\) \d+ 0 R")


def _sorted_leaf(match: re.Match) -> bytes:
    """An /IDTree leaf with its pairs sorted by id and its limits the first and last id.

    >>> _sorted_leaf(_ID_TREE_LEAF.search(b"/Limits [(node00000002) (node00000001)]\\n"
    ...                                   b"/Names [(node00000002) 7 0 R (node00000001) 12 0 R]"))
    b'/Limits [(node00000001) (node00000002)]\\n/Names [(node00000001) 12 0 R (node00000002) 7 0 R]'
    """
    pairs = sorted(_ID_PAIR.findall(match.group(3)))
    first, last = pairs[0].split(b" ", 1)[0], pairs[-1].split(b" ", 1)[0]
    leaf = b"/Limits [" + first + b" " + last + b"]\n/Names [" + b" ".join(pairs) + b"]"
    return leaf if len(leaf) == len(match.group(0)) else match.group(0)  # another layout: leave it as it was
# Wide enough for any page number, so that filling the contents in does not
# change its layout between the passes.
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
class Chapter:
    """One chapter of the printed book."""

    docname: str
    id: str
    title: str
    page: int | None = None


@dataclass(frozen=True)
class Attachment:
    """A file the PDF carries: its name on the Downloads page and its bytes."""

    name: str
    data: bytes
    description: str = ""


@dataclass
class PrintResult:
    """What printing the book produced: the summary line `main` prints."""

    path: Path
    pages: int
    chapters: list[Chapter]
    passes: int
    blocked: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    attachments: list[str] = field(default_factory=list)


def book_meta(config_file: Path = PROJ_ROOT / "_config.yml") -> dict[str, str]:
    """Return the title and author of the book from ``_config.yml``."""
    from ...core.errors import InputError, load_yaml

    try:
        config = load_yaml(config_file)
    except InputError as err:
        sys.exit(f"Bad input, nothing was printed: {err}")
    return {"title": str(config.get("title", "")).strip(), "author": str(config.get("author", "") or "").strip()}


def toc_parts() -> tuple[str, list[dict]]:
    """The root document and, per part, its caption and top-level documents, for the page script."""
    root, parts, _ = read_toc()
    return root, [{"caption": part.caption, "docnames": part.docnames} for part in parts]


def root_page(site: Path, root: str) -> Path:
    """Return the HTML file the singlehtml builder wrote the whole book to.

    Parameters
    ----------
    site : pathlib.Path
        The ``singlehtml`` build folder.
    root : str
        The root document's name, as in ``_toc.yml``.

    Returns
    -------
    pathlib.Path
        ``<site>/<root>.html``, or where ``index.html`` redirects to.
    """
    page = site / f"{root}.html"
    if page.exists():
        return page
    # Otherwise follow the redirect Jupyter Book writes into index.html.
    redirect = re.search(r'url=([^"\s>]+)', (site / "index.html").read_text(encoding="utf-8"))
    if redirect and (site / redirect.group(1)).exists():
        return site / redirect.group(1)
    sys.exit(f"No book page in {site}: neither {root}.html nor an index.html redirect.")


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


def _normalize(text: str) -> str:
    """Fold ligatures and whitespace so that titles compare with extracted text."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def chapter_pages(pdf: bytes, chapters: list[Chapter]) -> dict[str, int]:
    """Find the page on which each chapter starts.

    Chromium writes a named destination for every element a link points to,
    and the contents link to every chapter, so the destinations give the
    pages exactly. A chapter without one is found by its title at the top of
    a page instead.

    Parameters
    ----------
    pdf : bytes
        A printed PDF.
    chapters : list of Chapter
        The chapters, with the ids of their sections.

    Returns
    -------
    dict
        1-based page number by chapter id; chapters not found are left out.
    """
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    named = reader.named_destinations
    pages: dict[str, int] = {}
    for chapter in chapters:
        dest = named.get(chapter.id) or named.get("/" + chapter.id)
        if dest is not None:
            pages[chapter.id] = reader.get_destination_page_number(dest) + 1
    missing = [c for c in chapters if c.id not in pages]
    if missing:
        tops = [_normalize(page.extract_text() or "")[:300] for page in reader.pages]
        start = 2  # after the title page and the contents
        for chapter in missing:
            title = _normalize(chapter.title)
            for number in range(start, len(tops)):
                if title in tops[number]:
                    pages[chapter.id] = number + 1
                    break
    return pages


def reproducible(pdf: bytes, title: str, author: str, chapter_titles: Sequence[str] = (),
                 attachments: Sequence[Attachment] = ()) -> bytes:
    """Return ``pdf`` without dates or run-specific ids, with the book's metadata.

    Rewriting the whole file with pypdf takes seconds (a tagged PDF holds an
    object for every table cell), so the file is edited in place and the
    rest is appended as an incremental update: edits keep every byte offset,
    and the update redefines only the few objects that change.

    Parameters
    ----------
    pdf : bytes
        The PDF as Chromium printed it.
    title, author : str
        The document's metadata.
    chapter_titles : sequence of str
        Chromium joins the lines of a wrapped heading without a space in the
        PDF's bookmarks ("computed andchecked"); bookmarks that match one of
        these titles but for spaces get the title back.
    attachments : sequence of Attachment
        Files to embed (see :func:`attach_files`).

    Returns
    -------
    bytes
        The same document; equal books give equal bytes.
    """
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject, NameObject, NumberObject, TextStringObject

    # Blank the dates where Chromium wrote them: spaces of the same length.
    data = _DATES.sub(lambda m: b" " * len(m.group(0)), pdf)
    # A tagged PDF names each structure element after Blink's DOM node id
    # ("node00000222"), which shifts from run to run, and whose order depends on
    # what printed before (a page-finding pass gives some nodes their ids early).
    # Renumber them by where their element stands in the file, then sort the
    # /IDTree's pairs and limits again: the same lengths, so no offset moves.
    order = dict.fromkeys(_ELEMENT_ID.findall(data))
    rank = {number: b"%08d" % i for i, number in enumerate(order, 1)}
    rank |= {n: b"%08d" % i for i, n in enumerate(sorted(set(_NODE_ID.findall(data)) - set(rank)), len(rank) + 1)}
    data = _NODE_ID.sub(lambda m: b"(node" + rank[m.group(1)] + b")", data)
    data = _ID_TREE_LEAF.sub(_sorted_leaf, data)

    reader = PdfReader(io.BytesIO(data))
    changed: dict[tuple[int, int], DictionaryObject] = {}
    info_ref = reader.trailer.raw_get("/Info")
    changed[(info_ref.idnum, info_ref.generation)] = DictionaryObject({
        NameObject(key): TextStringObject(value) for key, value in (
            ("/Title", title), ("/Author", author), ("/Subject", SOURCE_LINE),
            ("/Creator", "lacoe_report.book.pdf (Chromium via Playwright)"))})
    root_ref = reader.trailer.raw_get("/Root")
    root = reader.trailer["/Root"]
    if "/Outlines" in root:
        root[NameObject("/PageMode")] = NameObject("/UseOutlines")  # open with the bookmarks shown
        changed[(root_ref.idnum, root_ref.generation)] = root
        spaced = {re.sub(r"\s+", "", t): t for t in chapter_titles}
        pending = [root["/Outlines"].get_object().raw_get("/First")]
        while pending:
            ref = pending.pop()
            if ref is None:
                continue
            item = ref.get_object()
            fixed = spaced.get(re.sub(r"\s+", "", str(item.get("/Title", ""))))
            if fixed and fixed != item.get("/Title"):
                item[NameObject("/Title")] = TextStringObject(fixed)
                changed[(ref.idnum, ref.generation)] = item
            pending += [item.raw_get("/First") if "/First" in item else None,
                        item.raw_get("/Next") if "/Next" in item else None]

    size = int(reader.trailer["/Size"])
    if attachments:
        size = attach_files(reader, root_ref, root, changed, attachments, size)

    # The incremental update: the changed objects, their xref entries, a
    # trailer pointing back to the original cross-reference table.
    previous = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    offsets = {}
    for (number, generation), obj in sorted(changed.items()):
        offsets[(number, generation)] = len(out)
        body = io.BytesIO()
        obj.write_to_stream(body)
        out += b"%d %d obj\n" % (number, generation) + body.getvalue() + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n"  # the free-list head, as readers expect first
    for (number, generation), offset in sorted(offsets.items()):
        out += b"%d 1\n%010d %05d n \n" % (number, offset, generation)
    trailer = DictionaryObject({NameObject("/Size"): NumberObject(size),
                                NameObject("/Root"): root_ref, NameObject("/Info"): info_ref,
                                NameObject("/Prev"): NumberObject(previous)})
    body = io.BytesIO()
    trailer.write_to_stream(body)
    out += b"trailer\n" + body.getvalue() + b"\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def attach_files(reader, root_ref, root, changed: dict, attachments: Sequence[Attachment], size: int) -> int:
    """Embed ``attachments`` and turn the Downloads page's links to them into attachment annotations.

    Adds, as new objects numbered from ``size`` on, an embedded file stream
    (Flate-compressed, with its size and MD5 but no dates, so equal files
    give equal bytes) and a file specification per attachment; lists them in
    the catalog's ``/Names /EmbeddedFiles`` tree (sorted by name, as the tree
    requires) and ``/AF``; and rewrites every link annotation that points at
    :data:`ATTACHMENT_PREFIX` + name into a ``/FileAttachment`` annotation
    over the same text, drawn invisibly (the page already shows the name).
    ``changed`` receives every new or redefined object; returns the new size.
    """
    import hashlib
    import mimetypes
    import zlib
    from urllib.parse import unquote

    from pypdf.generic import (ArrayObject, ByteStringObject, DecodedStreamObject, DictionaryObject, FloatObject,
                               IndirectObject, NameObject, NumberObject, StreamObject, TextStringObject)

    def new(obj) -> IndirectObject:
        nonlocal size
        ref = IndirectObject(size, 0, reader)
        changed[(size, 0)] = obj
        size += 1
        return ref

    specs: dict[str, IndirectObject] = {}
    for item in sorted(attachments, key=lambda a: a.name):
        stream = StreamObject()
        stream.set_data(zlib.compress(item.data, 9))
        mime = mimetypes.guess_type(item.name)[0] or ("application/yaml" if item.name.endswith(".yml")
                                                       else "application/octet-stream")
        stream.update({NameObject("/Type"): NameObject("/EmbeddedFile"),
                       NameObject("/Subtype"): NameObject("/" + mime.replace("/", "#2F")),
                       NameObject("/Filter"): NameObject("/FlateDecode"),
                       NameObject("/Params"): DictionaryObject({
                           NameObject("/Size"): NumberObject(len(item.data)),
                           NameObject("/CheckSum"): ByteStringObject(
                               hashlib.md5(item.data, usedforsecurity=False).digest())})})
        file_ref = new(stream)
        specs[item.name] = new(DictionaryObject({
            NameObject("/Type"): NameObject("/Filespec"),
            NameObject("/F"): TextStringObject(item.name), NameObject("/UF"): TextStringObject(item.name),
            NameObject("/Desc"): TextStringObject(item.description or item.name),
            NameObject("/AFRelationship"): NameObject("/Data"),
            NameObject("/EF"): DictionaryObject({NameObject("/F"): file_ref, NameObject("/UF"): file_ref})}))

    names = root["/Names"].get_object() if "/Names" in root else DictionaryObject()
    names = DictionaryObject(dict(names))
    names[NameObject("/EmbeddedFiles")] = DictionaryObject({NameObject("/Names"): ArrayObject(
        [x for name, ref in specs.items() for x in (TextStringObject(name), ref)])})
    root[NameObject("/Names")] = names
    root[NameObject("/AF")] = ArrayObject(specs.values())
    root[NameObject("/PageMode")] = root.get("/PageMode", NameObject("/UseOutlines"))
    changed[(root_ref.idnum, root_ref.generation)] = root

    # One invisible appearance for every attachment annotation.
    blank = DecodedStreamObject()
    blank.set_data(b"")
    blank.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                  NameObject("/BBox"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(1), FloatObject(1)])})
    blank_ref = new(blank)
    for page in reader.pages:
        for ref in page.get("/Annots", None) or []:
            annot = ref.get_object()
            uri = str(annot.get("/A", {}).get("/URI", "")) if "/A" in annot else ""
            if not uri.startswith(ATTACHMENT_PREFIX):
                continue
            name = unquote(uri[len(ATTACHMENT_PREFIX):])
            if name not in specs:
                raise ValueError(f"the Downloads page links {name}, which is not attached")
            annot = DictionaryObject(dict(annot))
            del annot[NameObject("/A")]
            annot.update({NameObject("/Subtype"): NameObject("/FileAttachment"),
                          NameObject("/FS"): specs[name], NameObject("/Contents"): TextStringObject(
                              f"Attached file {name}: open it from here or the PDF's attachments"),
                          NameObject("/Name"): NameObject("/Paperclip"), NameObject("/F"): NumberObject(4),
                          NameObject("/AP"): DictionaryObject({NameObject("/N"): blank_ref})})
            changed[(ref.idnum, ref.generation)] = annot
    return size


def downloads_to_attach(site: Path, downloads: Sequence[dict]) -> list[Attachment]:
    """The files the Downloads page links (``{name, path}`` from the page script), read from ``site``."""
    found = []
    for item in downloads:
        path = site / item["path"].lstrip("/")
        if not path.is_file():
            sys.exit(f"The Downloads page links {item['path']}, which is not in {site}.")
        found.append(Attachment(item["name"], path.read_bytes(), f"{item['name']}, from the book's Downloads page"))
    return found


def _prepare(page, meta: dict[str, str], root: str, parts: list[dict],
             printable_px: int) -> tuple[list[Chapter], list[dict]]:
    """Turn the loaded singlehtml page into the printed book; return its chapters and downloads.

    Exits with a message when an image did not load or a chapter of
    ``_toc.yml`` is missing from the page; warns about math (MathJax cannot
    load offline) and about anything wider than the paper.
    """
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
    return chapters, found["downloads"]


def _print_numbered(page, chapters: list[Chapter], options: dict,
                    seed: dict[str, int] | None = None) -> tuple[bytes, int]:
    """Print until the contents' page numbers match the pages the chapters start on.

    Returns the last PDF and the number of passes; sets each chapter's
    ``page``. Two passes suffice unless the numbers change the layout. The
    first pass only finds the pages, so it skips what does not move a line:
    tags, outline, backgrounds, header and footer (the margins are fixed).
    That halves its time; the PDF returned always comes from a full pass.

    With ``seed`` (the pages of the last print, for the same chapters) the
    contents are numbered with it first and the first pass is a full one: when
    the chapters still start there, that print is the book, in one pass;
    when they moved, the pages it found number the next pass, as without a seed.
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
    try:
        found = json.loads(LAST_PAGES.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) and all(isinstance(v, int) for v in found.values()) else None


def _remember_pages(pages: dict[str, int]) -> None:
    LAST_PAGES.parent.mkdir(parents=True, exist_ok=True)
    LAST_PAGES.write_text(json.dumps(pages, sort_keys=True), encoding="utf-8")


def print_book(site: Path, output: Path = PDF_PATH, again: Path | None = None, browser=None) -> PrintResult:
    """Print the singlehtml book in ``site`` to ``output``.

    Parameters
    ----------
    site : pathlib.Path
        A ``singlehtml`` build folder (``_build/singlehtml``).
    output : pathlib.Path
        The PDF to write; replaced only once the new one is complete.
    again : pathlib.Path, optional
        Also print the book a second time and write that PDF here, made
        reproducible the same way: the same browser loads, prepares and prints
        the book anew in a new page (new DOM nodes, so new tag ids, and later
        dates), its contents numbered from the first print's pages. Equal bytes
        prove the output stable, whatever the passes it took, without a second
        process, interpreter, server and browser (the tests' byte-stability check).
    browser : playwright.sync_api.Browser, optional
        A Chromium launched already (:func:`chromium`); by default one is
        launched here and closed after printing.

    Returns
    -------
    PrintResult
        The page count, each chapter's first page, the number of print
        passes, the requests that were blocked and the time each step took.
    """
    from playwright.sync_api import Error as PlaywrightError
    from pypdf import PdfReader

    if browser is None:
        with chromium() as launched:
            return print_book(site, output, again, launched)
    meta = book_meta()
    root, parts = toc_parts()
    page_file = root_page(site, root)
    blocked: list[str] = []
    seconds: dict[str, float] = {}
    mm = {name: float(value.removesuffix("mm")) for name, value in MARGINS.items()}
    printable_px = int((PAPER_WIDTH_MM[PAPER] - mm["left"] - mm["right"]) * 96 / 25.4)
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

        try:
            started = time.perf_counter()
            page = browser.new_page()
            page.route("**/*", only_local)
            page.goto(url, wait_until="load", timeout=120_000)
            chapters, downloads = _prepare(page, meta, root, parts, printable_px)
            seconds["load"] = time.perf_counter() - started
            started = time.perf_counter()
            pdf, passes = _print_numbered(page, chapters, options, seed=_last_pages())
            seconds["print"] = time.perf_counter() - started
            if again is not None:
                # A new page: the book loaded, prepared and printed anew in the same browser,
                # so every element is a new DOM node with a new tag id, at a later second.
                started = time.perf_counter()
                second = browser.new_page()
                second.route("**/*", only_local)
                second.goto(url, wait_until="load", timeout=120_000)
                again_chapters, _ = _prepare(second, meta, root, parts, printable_px)
                # Numbered from the first print's pages, checked on one full pass: equal bytes
                # then also show that the output does not depend on the passes it took.
                reprinted, _ = _print_numbered(second, again_chapters, options,
                                               seed={c.id: c.page for c in chapters})
                seconds["again"] = time.perf_counter() - started
        except PlaywrightError as err:
            sys.exit(f"Chromium could not print the book: {err}")

    started = time.perf_counter()
    attachments = downloads_to_attach(site, downloads)
    # The attached Data Package and metadata must describe the attached files, or nothing is printed.
    wrong = published.disagreements({a.name: a.data for a in attachments})
    if wrong:
        sys.exit(published.report(wrong, "The PDF was not written"))
    pdf = reproducible(pdf, meta["title"], meta["author"], [c.title for c in chapters], attachments)
    if again is not None:
        again.parent.mkdir(parents=True, exist_ok=True)
        again.write_bytes(reproducible(reprinted, meta["title"], meta["author"], [c.title for c in chapters],
                                       attachments))
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_suffix(".pdf.partial")
    partial.write_bytes(pdf)
    partial.replace(output)  # never leave a half-written PDF behind
    _remember_pages({c.id: c.page for c in chapters})
    seconds["finish"] = time.perf_counter() - started
    return PrintResult(path=output, pages=len(PdfReader(io.BytesIO(pdf)).pages), chapters=chapters,
                       passes=passes, blocked=blocked, seconds=seconds, attachments=[a.name for a in attachments])


def _check_and_execute() -> None:
    """``make book``'s first steps: check the data, execute the stale chapters."""
    from .. import build

    build.check_data()
    build.execute(quiet=True)


class _Background:
    """``work()`` in a thread from now; :meth:`result` waits for it and raises what it raised (``sys.exit`` too).

    >>> _Background(lambda: sys.exit("the data is bad")).result()
    Traceback (most recent call last):
    SystemExit: the data is bad
    >>> _Background(None).result()  # nothing to do
    """

    def __init__(self, work=None) -> None:
        self._raised: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(work,), daemon=True) if work else None
        if self._thread is not None:
            self._thread.start()

    def _run(self, work) -> None:
        try:
            work()
        except BaseException as raised:  # noqa: BLE001 - handed to the caller of result()
            self._raised = raised

    def result(self) -> None:
        if self._thread is not None:
            self._thread.join()
        if self._raised is not None:
            raise self._raised


def main(argv: list[str] | None = None) -> None:
    """Build the singlehtml book and print it; see ``python -m lacoe_report.book.pdf --help``."""
    parser = argparse.ArgumentParser(prog="python -m lacoe_report.book.pdf", description=__doc__.splitlines()[0])
    parser.add_argument("--no-execute", action="store_true",
                        help="render the chapters' committed outputs as they are (execute none)")
    parser.add_argument("--no-build", action="store_true",
                        help="print the existing _build/singlehtml instead of building it")
    parser.add_argument("--output", type=Path, default=PDF_PATH, help=f"default: {PDF_PATH.relative_to(PROJ_ROOT)}")
    parser.add_argument("--again", type=Path, metavar="PDF",
                        help="also print the finished book a second time in the same browser, to PDF "
                             "(equal bytes: the output is stable)")
    args = parser.parse_args(argv)

    from .. import build, freshness

    started = time.perf_counter()
    find_chromium()  # fail before a long build, not after it
    timings: dict[str, float] = {}
    if args.no_build:
        site = BUILD_DIR / "singlehtml"
        if not site.exists():
            sys.exit(f"{site} does not exist: run without --no-build.")
    checks = _Background(None if args.no_build or args.no_execute else _check_and_execute)
    with chromium() as browser:  # starts while the data is checked and stale chapters run
        timings["chromium"] = time.perf_counter() - started
        checks.result()
        if not args.no_build:
            step = time.perf_counter()
            # Decided from content, as for `make book`: the same inputs give the same page.
            if freshness.is_current("singlehtml"):
                site = BUILD_DIR / "singlehtml"
            else:
                fingerprint = freshness.inputs_fingerprint()
                site = build.build_html("singlehtml")
                freshness.record("singlehtml", fingerprint)
            timings["html"] = time.perf_counter() - step
        result = print_book(site, args.output.resolve(), args.again.resolve() if args.again else None, browser)
    timings |= result.seconds
    timings["total"] = time.perf_counter() - started

    try:
        shown = result.path.relative_to(PROJ_ROOT)
    except ValueError:
        shown = result.path
    print(f"PDF written to {shown}: {result.pages} pages, {len(result.chapters)} chapters, "
          f"{result.passes} print pass{'' if result.passes == 1 else 'es'}, {len(result.attachments)} attached files")
    hosts = sorted({urlsplit(u).netloc for u in result.blocked})
    print(f"blocked {len(result.blocked)} request(s) to other hosts" + (f": {', '.join(hosts)}" if hosts else ""))
    print("timings: " + ", ".join(f"{name} {value:.1f} s" for name, value in timings.items()))


if __name__ == "__main__":
    main()
