"""The printed PDF as bytes: where its chapters start, and its reproducible, self-contained final form.

Chromium prints the book (:mod:`lacoe_report.book.pdf`); :func:`chapter_pages` reads the result and
:func:`reproducible` edits it: no dates or run-specific ids, the book's metadata, the Downloads files.
"""
from __future__ import annotations

import hashlib
import io
import mimetypes
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from pypdf import PdfReader
from pypdf.generic import (ArrayObject, ByteStringObject, DecodedStreamObject, DictionaryObject, FloatObject,
                           IndirectObject, NameObject, NumberObject, StreamObject, TextStringObject)

#: The line under the title that names the source (the cover page).
SOURCE_LINE = "Figures from the LACOE Annual Report 2023-24"
#: Download links print as links to this address plus the file name; :func:`attach_files`
#: turns each into a file attachment annotation (the ``.invalid`` domain never resolves).
ATTACHMENT_PREFIX = "https://attachment.invalid/"


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


def chapter_pages(pdf: bytes, chapters: list[Chapter]) -> dict[str, int]:
    """Find the page on which each chapter starts, from the named destinations of the contents' links.

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
    reader = PdfReader(io.BytesIO(pdf))
    named = reader.named_destinations
    pages: dict[str, int] = {}
    for chapter in chapters:
        dest = named.get(chapter.id) or named.get("/" + chapter.id)
        if dest is not None:
            pages[chapter.id] = reader.get_destination_page_number(dest) + 1
    return pages


def reproducible(pdf: bytes, title: str, author: str, chapter_titles: Sequence[str] = (),
                 attachments: Sequence[Attachment] = ()) -> bytes:
    """Return ``pdf`` without dates or run-specific ids, with the book's metadata.

    Rewriting the whole file with pypdf takes seconds (an object per table cell): edits keep every byte
    offset, and an incremental update appended redefines the few objects that change.

    Parameters
    ----------
    pdf : bytes
        The PDF as Chromium printed it.
    title, author : str
        The document's metadata.
    chapter_titles : sequence of str
        Bookmarks equal to one of these but for spaces get the title back
        (Chromium joins a wrapped heading's lines without a space).
    attachments : sequence of Attachment
        Files to embed (see :func:`attach_files`).

    Returns
    -------
    bytes
        The same document; equal books give equal bytes.
    """
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
            item = ref.get_object()
            fixed = spaced.get(re.sub(r"\s+", "", str(item.get("/Title", ""))))
            if fixed and fixed != item.get("/Title"):
                item[NameObject("/Title")] = TextStringObject(fixed)
                changed[(ref.idnum, ref.generation)] = item
            pending += [item.raw_get(key) for key in ("/First", "/Next") if key in item]

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

    New objects, numbered from ``size`` (the new size is returned), go into ``changed`` with every
    redefined one: per file an embedded stream (no dates) and a file specification, listed in the
    catalog's ``/Names /EmbeddedFiles`` and ``/AF``. Each link to :data:`ATTACHMENT_PREFIX` + name
    becomes an invisible ``/FileAttachment`` annotation over the same text.
    """
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
            NameObject("/Desc"): TextStringObject(f"{item.name}, from the book's Downloads page"),
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
