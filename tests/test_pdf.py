"""The PDF edition: built once per session with ``python -m lacoe_report.book.pdf``, then read back.

The checks read the PDF's text with poppler's pdftotext (links, attachments
and metadata with pypdf): the title page, a chapter per page start for every
chapter of ``_toc.yml``, page numbers in every footer, the contents' page
numbers, and a sample of the numbers the chapters glue into their prose.
Chromium is required: without it these tests fail, they do not skip.
"""
from __future__ import annotations

import ast
import datetime as dt
import hashlib
import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from conftest import command
from lacoe_report.book import pdf
from lacoe_report.core.paths import PROJ_ROOT
from lacoe_report.core.vocabulary import CAVEAT_SUFFIX, HEDGE_BOUNDS

pytestmark = pytest.mark.slow  # prints the book with Chromium: make test, not make check

GLUE_MIME = "application/papermill.record/text/plain"
# {glue:text}`key` or {glue}`key`, with no format spec: the page shows the
# recorded text exactly.
GLUE_ROLE = re.compile(r"\{glue(?::text)?\}`([A-Za-z0-9_\-]+)`")
MIN_GLUED = 10
# Sphinx's smartquotes curl the quotes of the source text.
STRAIGHT_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def normalize(text: str) -> str:
    """Fold ligatures, Sphinx's curly quotes and line breaks (also after a hyphen) so phrases compare."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "").translate(STRAIGHT_QUOTES)
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"([-\u2010\u2011])\s", r"\1", text).strip()


def toc_files() -> list[Path]:
    """The root document and every top-level chapter of ``_toc.yml``, in book order."""
    root, parts = pdf.toc_parts()
    files = []
    for name in [root] + [docname for part in parts for docname in part["docnames"]]:
        found = [p for p in (PROJ_ROOT / f"{name}.ipynb", PROJ_ROOT / f"{name}.md") if p.exists()]
        assert found, f"_toc.yml lists {name}, which is neither a notebook nor a .md file"
        files.append(found[0])
    return files


def first_heading(path: Path) -> str:
    """The first ``# `` heading of a notebook's markdown cells or of a .md file."""
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    else:
        text = path.read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    raise AssertionError(f"{path.name} has no '# ' heading")


def glued_texts(path: Path) -> list[tuple[str, str]]:
    """The (key, text) of every glued value a notebook's prose pastes as is."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    prose = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
    pasted = set(GLUE_ROLE.findall(prose))
    found = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            raw = output.get("data", {}).get(GLUE_MIME)
            if name in pasted and raw is not None:
                raw = "".join(raw) if isinstance(raw, list) else raw
                # publish() records the text's repr; older outputs hold the text itself.
                try:
                    value = ast.literal_eval(raw)
                except (ValueError, SyntaxError):
                    value = raw
                found.append((name, value if isinstance(value, str) else raw))
    return found


def distinctive(text: str) -> bool:
    """A number that would not be in the PDF by chance: digits, and more than a couple."""
    return bool(re.search(r"\d", text)) and len(text) >= 3 and not re.fullmatch(r"\d{4}(-\d{2,4})?", text)


# --------------------------------------------------------------------------- the PDF, once

@pytest.fixture(scope="session")
def print_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """Build the singlehtml book and print it; committed outputs only (nothing executes).

    The same run prints the book a second time (``--again``): loaded, prepared and
    printed anew in a new page of the same browser, at a later second. Returns the
    finished command and the second PDF.
    """
    again = tmp_path_factory.mktemp("pdf") / "again.pdf"
    result = command(PROJ_ROOT, "lacoe_report.book.pdf", "--no-execute", "--again", str(again), timeout=900)
    if result.returncode != 0:
        pytest.fail(f"python -m lacoe_report.book.pdf failed:\n{result.stdout}\n{result.stderr}", pytrace=False)
    assert pdf.PDF_PATH.is_file()
    return result, again


@pytest.fixture(scope="session")
def printed_twice(print_run) -> tuple[Path, Path]:
    """The PDF and its second print."""
    return pdf.PDF_PATH, print_run[1]


@pytest.fixture(scope="session")
def built_pdf(printed_twice) -> Path:
    return printed_twice[0]


@pytest.fixture(scope="session")
def reader(built_pdf) -> PdfReader:
    return PdfReader(built_pdf)


@pytest.fixture(scope="session")
def pages(built_pdf) -> list[str]:
    """The raw text of every page, in order, as poppler's ``pdftotext`` reads it.

    poppler (a reader no one here wrote) takes under a second where pypdf's
    ``extract_text`` took 13 s for the 120 pages. ``-raw`` keeps the content
    stream's order, so the pieces of a key that wraps stay adjacent; a form
    feed ends each page.
    """
    return poppler("pdftotext", "-raw", "-enc", "UTF-8", str(built_pdf), "-").split("\f")[:-1]


def poppler(tool: str, *args: str) -> str:
    """What a poppler-utils command prints; it must be installed (the set-up installs it)."""
    path = shutil.which(tool)
    assert path, f"{tool} is missing: run `bash scripts/system-deps.sh` (poppler-utils)"
    return subprocess.run([path, *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="session")
def whole_text(pages) -> str:
    return normalize("\n".join(pages))


def page_top(text: str, lines: int = 5) -> str:
    """The first lines of a page (a part label, a title that wraps)."""
    return normalize(" ".join(text.splitlines()[:lines]))


def titled(text: str, title: str, lines: int = 6) -> bool:
    r"""Whether whole lines at the top of a page read ``title``, numbered or not (a title that wraps,
    not a sentence starting with it).

    >>> titled("APPENDICES\nDownloads\nThe data", "Downloads"), titled("Downloads per episode\n", "Downloads")
    (True, False)
    >>> title = "Pillar 2: Champion Individual and Collective Care"
    >>> titled("PART\n4. Pillar 2: Champion Individual and\nCollective Care", title)
    True
    """
    top = text.splitlines()[:lines]
    return any(re.sub(r"^\d+\. ", "", normalize(" ".join(top[i:j]))) == normalize(title)
               for i in range(len(top)) for j in range(i + 1, len(top) + 1))


# --------------------------------------------------------------------------- tests

def test_chromium_is_installed():
    """The PDF needs Debian's Chromium; its absence is a failure, not a skip."""
    assert Path(pdf.CHROMIUM).exists() or shutil.which("chromium"), (
        f"{pdf.CHROMIUM} is missing: run `bash scripts/system-deps.sh`")


def test_title_page(pages):
    config = yaml.safe_load((PROJ_ROOT / "_config.yml").read_text(encoding="utf-8"))
    first = normalize(pages[0])
    assert normalize(config["title"]) in first
    assert normalize(pdf.SUBTITLE) in first
    assert "Figures from the LACOE Annual Report 2023-24" in first
    # No build date: the same book must print to the same bytes.
    today = dt.date.today()
    for stamp in (today.isoformat(), today.strftime("%B %d, %Y"), today.strftime("%d %B %Y"),
                  f"{today.month}/{today.day}/{today.year}"):
        assert stamp not in first


def test_no_dates_in_metadata(reader, built_pdf):
    info = reader.metadata or {}
    assert "/CreationDate" not in info and "/ModDate" not in info
    assert info.get("/Title")
    data = built_pdf.read_bytes()
    assert b"/CreationDate" not in data and b"/ModDate" not in data


def test_every_chapter_title_appears_and_starts_a_page(pages, whole_text):
    titles = [first_heading(path) for path in toc_files()]
    assert len(titles) == len(set(titles)), "two chapters share a title"
    for title in titles:
        assert normalize(title) in whole_text, f"chapter {title!r} is not in the PDF"
        # Pages 1 and 2 are the title page and the contents.
        starts = [n for n, text in enumerate(pages[2:], start=3) if normalize(title) in page_top(text)]
        assert starts, f"no page starts with the chapter {title!r}"


def test_chapters_start_in_book_order(pages):
    starts = []
    for title in (first_heading(path) for path in toc_files()):
        starts.append(next(n for n, text in enumerate(pages[2:], start=3) if titled(text, title)))
    assert starts == sorted(starts) and len(set(starts)) == len(starts), starts


def test_contents_give_the_right_pages(pages):
    contents = normalize(pages[1])
    assert contents.startswith("Contents")
    for title in (first_heading(path) for path in toc_files()):
        match = re.search(re.escape(normalize(title)) + r" (\d+)\b", contents)
        assert match, f"the contents do not list {title!r} with a page number"
        number = int(match.group(1))
        assert normalize(title) in page_top(pages[number - 1]), (
            f"the contents say {title!r} starts on page {number}, but it does not")


def test_every_page_has_its_number_in_the_footer(pages):
    total = len(pages)
    assert total > 2
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in normalize(text), f"page {number} has no page number"


def test_glued_numbers_are_printed(whole_text):
    sample: list[tuple[str, str, str]] = []
    for path in toc_files():
        if path.suffix != ".ipynb":
            continue
        picked = [(key, text) for key, text in glued_texts(path) if distinctive(text)]
        # The most distinctive first (thousands separators, money, decimals), three a chapter.
        picked.sort(key=lambda kt: -sum(ch in kt[1] for ch in ",.$%"))
        sample += [(path.stem, key, text) for key, text in picked[:3]]
    chapters = {stem for stem, _, _ in sample}
    assert len(sample) >= MIN_GLUED and len(chapters) >= 3, (
        f"only {len(sample)} glued numbers in {len(chapters)} chapters to check")
    missing = [f"{stem}:{key} = {text!r}" for stem, key, text in sample if normalize(text) not in whole_text]
    assert not missing, "glued numbers missing from the PDF:\n  " + "\n  ".join(missing)


def test_hedged_numbers_keep_their_hedges_in_print(whole_text):
    """Every hedged number a chapter pastes is printed with its hedge ("over 400"), and no hedge twice."""
    hedges = sorted(HEDGE_BOUNDS)
    starts = tuple(h + " " for h in hedges)
    hedged = [(path.stem, key, text) for path in toc_files() if path.suffix == ".ipynb"
              for key, text in glued_texts(path) if text.startswith(starts) and distinctive(text)]
    assert len(hedged) >= MIN_GLUED, f"only {len(hedged)} hedged numbers pasted: the check reads nothing"
    missing = [f"{stem}:{key} = {text!r}" for stem, key, text in hedged if normalize(text) not in whole_text]
    assert not missing, "hedged numbers printed without their hedge:\n  " + "\n  ".join(missing)
    doubled = re.findall(r"\b(?:" + "|".join(hedges) + r") (?:" + "|".join(hedges) + r") [\d$]", whole_text)
    assert not doubled, f"hedges printed twice: {doubled}"


def test_print_keeps_caveats_and_undated_periods(whole_text):
    """A sum across groups prints its caveat, and a period the report does not state says how it is known."""
    from lacoe_report.core import declarations

    records = [r for chapter in declarations.chapters() for r in declarations.records(chapter)]
    caveats = {r["caveat"] for r in records if r.get("caveat")}
    # period() marks a period the report does not state: "2023-24 (the report's year: undated)" ...
    periods = {r["text"] for r in records if r["formula"].startswith("period(") and "(" in r["text"]}
    assert caveats and periods, "nothing to look for: the check reads nothing"
    missing = [c for c in caveats if normalize(c) not in whole_text]
    missing += [p for p in periods if normalize(p) not in whole_text]
    assert not missing, "printed without its caveat or its period's basis:\n  " + "\n  ".join(missing)


def test_figures_keep_their_numbers(whole_text):
    """Figure numbering (numfig) survives the single-page build."""
    site = pdf.BUILD_DIR / "singlehtml"
    root, _ = pdf.toc_parts()
    html = pdf.root_page(site, root).read_text(encoding="utf-8")
    numbers = re.findall(r'<span class="caption-number">(Figure [\d.]+) </span>', html)
    for number in numbers:
        assert number in whole_text, f"{number} is not in the PDF"


def test_hidden_code_and_theme_chrome_are_not_printed(whole_text, built_pdf):
    for words in ("Show code cell source", "Hide code cell source", "Search the book", "Ctrl+K",
                  "Toggle navigation", "Color mode"):
        assert words not in whole_text
    code_cells = [(path, cell) for path in toc_files() if path.suffix == ".ipynb"
                  for cell in json.loads(path.read_text(encoding="utf-8"))["cells"] if cell["cell_type"] == "code"]

    def hidden(cell):
        return "hide-input" in cell.get("metadata", {}).get("tags", [])

    # A line that a visible cell also shows (the authoring guide's examples) is rightly printed.
    shown = "\n".join("".join(cell["source"]) for _, cell in code_cells if not hidden(cell))
    for path, cell in code_cells:
        if hidden(cell):
            lines = [line.strip() for line in "".join(cell["source"]).splitlines()]
            code = next((line for line in lines if len(line) > 24 and not line.startswith("#")
                         and line not in shown), None)
            if code:
                assert normalize(code) not in whole_text, f"hidden code of {path.name} is printed"
    # Links to the print server's port would lead nowhere and change on every build.
    assert b"127.0.0.1" not in built_pdf.read_bytes()


def test_the_printed_page_asks_no_other_host(print_run):
    # Both loads of the single page, offline by design: Jupyter Book put MathJax from a CDN on it
    # whether or not the book has math (it has none), a request Chromium then had to be refused.
    assert "blocked 0 request(s) to other hosts" in print_run[0].stdout, print_run[0].stdout


def test_printing_again_gives_the_same_bytes(printed_twice):
    # The second print is a new page (every DOM node new), a full print at a later second
    # (Chromium writes new dates), numbered from the first print's pages and so printed in
    # one pass where the first print (without its pages from an earlier one) took two.
    first, again = printed_twice
    assert again.is_file() and again.stat().st_size > 100_000
    assert hashlib.sha256(again.read_bytes()).hexdigest() == hashlib.sha256(first.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- the PDF carries its data

#: The files the book's Downloads page offers, as the repository holds them.
DOWNLOADS = {path.name: path for path in (
    PROJ_ROOT / "data" / "datapackage.json", PROJ_ROOT / "data" / "report_figures.csv",
    PROJ_ROOT / "data" / "raw" / "excluded_numbers.csv", PROJ_ROOT / "ledger" / "ledger.csv",
    PROJ_ROOT / "ledger" / "ledger_inputs.csv")}


def test_the_data_files_are_attached_with_their_bytes(reader):
    attached = reader.attachments
    for name, path in DOWNLOADS.items():
        assert name in attached, f"{name} is not attached to the PDF"
        assert attached[name] == [path.read_bytes()], f"the attached {name} differs from {path}"


def test_poppler_lists_the_attachments(built_pdf):
    """``pdfdetach -list`` (poppler-utils), a reader no one here wrote, sees the files."""
    listing = poppler("pdfdetach", "-list", str(built_pdf))
    names = {line.split(": ", 1)[1].strip() for line in listing.splitlines()[1:] if ": " in line}
    assert set(DOWNLOADS) <= names, listing


def test_the_downloads_page_links_every_attachment(reader, pages):
    """The Downloads chapter names each file, and an attachment annotation over the name opens it."""
    linked: dict[str, set[int]] = {}
    for number, page in enumerate(reader.pages, 1):
        for ref in page.get("/Annots", None) or []:
            annot = ref.get_object()
            if annot.get("/Subtype") == "/FileAttachment":
                linked.setdefault(str(annot["/FS"].get_object()["/F"]), set()).add(number)
            uri = str(annot.get("/A", {}).get("/URI", "")) if "/A" in annot else ""
            assert not uri.startswith(pdf.ATTACHMENT_PREFIX), f"page {number}: a download link was left as {uri}"
    downloads_page = next(n for n, text in enumerate(pages, 1) if titled(text, "Downloads"))
    for name in DOWNLOADS:
        assert downloads_page in linked.get(name, set()), f"{name} has no attachment link on the Downloads page"
        assert name in pages[downloads_page - 1].replace("\n", " ").replace(" ", "") or \
            name in normalize(pages[downloads_page - 1]), f"{name} is not named on the Downloads page"
def test_every_ledger_key_is_printed_whole_and_every_glued_number_links_to_it(whole_text, reader):
    from lacoe_report.book import ledger

    # The appendix prints each key on one line, so a search for the key as typed finds it.
    committed = ledger.read()
    words = set(re.findall(r"[A-Za-z0-9_]+", whole_text))
    missing = [f"{c}/{k}" for c, k in zip(committed["chapter"], committed["key"]) if k not in words]
    assert missing == [], f"{len(missing)} ledger keys are not in the PDF text as one word: {missing[:5]}"
    # Every glued number of a chapter's prose is an internal link (a named destination) to its
    # ledger row: as many links to a row as the prose pastes its key (a link that wraps is two).
    links: dict[str, int] = {}
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            dest = annotation.get("/Dest")
            if annotation.get("/Subtype") == "/Link" and dest is not None:
                links[str(dest).lstrip("/")] = links.get(str(dest).lstrip("/"), 0) + 1
    uses: dict[str, int] = {}
    for path in toc_files():
        if path.suffix != ".ipynb":
            continue
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        prose = "\n".join(["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
                          + [c.get("metadata", {}).get("mystnb", {}).get("figure", {}).get("caption", "")
                             for c in cells])
        for key in GLUE_ROLE.findall(prose):
            if key.endswith(CAVEAT_SUFFIX):
                continue  # a caveat's words are pasted beside their number, which links to the ledger
            uses[f"ledger-{path.stem}-{key}"] = uses.get(f"ledger-{path.stem}-{key}", 0) + 1
    assert sum(uses.values()) > 500, f"only {sum(uses.values())} glued numbers found in the chapters' prose"
    short = {anchor: (n, links.get(anchor, 0)) for anchor, n in uses.items() if links.get(anchor, 0) < n}
    assert short == {}, f"glued numbers without their link to the ledger (uses, links): {dict(list(short.items())[:5])}"


# --------------------------------------------------------------------------- the numbering passes

class FakePage:
    """Chromium's page as _print_numbered sees it: the pages it numbered, and the prints it made.

    Each print lays the chapters out at ``layout``, which the contents' numbers may move
    (``moves``: numbering with these pages shifts the book to those).
    """

    def __init__(self, layout, moves=None):
        self.layout, self.moves, self.numbered, self.prints = dict(layout), moves or {}, None, []

    def evaluate(self, script, pages):
        assert script == pdf._FILL_PAGES_JS
        self.numbered = dict(pages)
        self.layout = dict(self.moves.get(tuple(sorted(pages.items())), self.layout))

    def pdf(self, **options):
        self.prints.append(options)
        return json.dumps({"layout": self.layout, "numbered": self.numbered}).encode()


CHAPTERS = [pdf.Chapter("chapters/a", "a", "A"), pdf.Chapter("chapters/b", "b", "B")]
FULL = {"tagged": True, "outline": True, "print_background": True, "display_header_footer": True}


@pytest.fixture
def fake_pages(monkeypatch):
    monkeypatch.setattr(pdf, "chapter_pages", lambda printed, chapters: json.loads(printed)["layout"])


def test_without_a_seed_a_finding_pass_then_a_full_one(fake_pages):
    page = FakePage({"a": 3, "b": 9})
    printed, passes = pdf._print_numbered(page, CHAPTERS, FULL)
    assert passes == 2 and [p["tagged"] for p in page.prints] == [False, True]
    assert json.loads(printed) == {"layout": {"a": 3, "b": 9}, "numbered": {"a": 3, "b": 9}}


def test_a_seed_that_still_holds_prints_the_book_in_one_full_pass(fake_pages):
    page = FakePage({"a": 3, "b": 9})
    printed, passes = pdf._print_numbered(page, CHAPTERS, FULL, seed={"a": 3, "b": 9})
    assert passes == 1 and page.prints == [FULL]
    assert json.loads(printed)["numbered"] == {"a": 3, "b": 9}
    assert [c.page for c in CHAPTERS] == [3, 9]


def test_a_seed_that_no_longer_holds_is_corrected_by_the_next_full_pass(fake_pages):
    page = FakePage({"a": 3, "b": 10})  # an edit moved chapter b
    printed, passes = pdf._print_numbered(page, CHAPTERS, FULL, seed={"a": 3, "b": 9})
    assert passes == 2 and page.prints == [FULL, FULL]
    assert json.loads(printed) == {"layout": {"a": 3, "b": 10}, "numbered": {"a": 3, "b": 10}}


def test_a_seed_for_other_chapters_is_not_used(fake_pages):
    page = FakePage({"a": 3, "b": 9})
    _, passes = pdf._print_numbered(page, CHAPTERS, FULL, seed={"a": 3, "c": 9})
    assert passes == 2 and page.prints[0]["tagged"] is False


def test_the_structure_ids_are_renumbered_in_element_order_and_the_id_tree_stays_sorted(built_pdf):
    # The ids are renumbered so that a print's bytes do not depend on its passes; the
    # /IDTree must still list them sorted, within its limits, each naming its element.
    data = built_pdf.read_bytes()
    in_elements = [int(n) for n in re.findall(rb"/ID \(node(\d{8})\)", data)]
    assert in_elements == list(range(1, len(in_elements) + 1))
    leaves = re.findall(rb"/Limits \[\(node(\d{8})\) \(node(\d{8})\)\]\n/Names \[([^\]]*)\]", data)
    assert len(leaves) == 1
    first, last, names = leaves[0]
    pairs = [(int(i), int(ref)) for i, ref in re.findall(rb"\(node(\d{8})\) (\d+) 0 R", names)]
    assert [i for i, _ in pairs] == sorted(i for i, _ in pairs) == in_elements
    assert (int(first), int(last)) == (pairs[0][0], pairs[-1][0])
    for number, ref in pairs[:50]:
        element = re.search(rb"\n%d 0 obj\n<<(?:(?!endobj).)*?/ID \(node%08d\)" % (ref, number), data, re.S)
        assert element is not None, f"node{number:08d} does not name object {ref}"
