"""The stylesheet bundle the post-build step writes, and its cache (book/css_bundle.py)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from lacoe_report.book import css_bundle


def site(root: Path, words: str) -> Path:
    """A tiny output folder: one stylesheet with rules for .a, .b and #c; one page using ``words``."""
    out = root / "html"
    (out / "_static" / "styles").mkdir(parents=True)
    (out / "_static" / "styles" / "theme.css").write_text(
        ".a{color:red}.b{color:blue}#c{top:0}@media print{.a{display:none}}", encoding="utf-8")
    page(out, words)
    return out


def page(out: Path, words: str) -> None:
    (out / "index.html").write_text(f'<p class="{words}">text</p>', encoding="utf-8")


def bundle(out: Path) -> str:
    return (out / css_bundle.BUNDLE).read_text(encoding="utf-8")


def test_the_bundle_keeps_the_rules_pages_use_and_moves_print_rules_apart(tmp_path):
    out = site(tmp_path, "a")
    css_bundle.write_bundle(out, ["styles/theme.css"], cache=tmp_path / "cache")
    assert bundle(out).strip() == ".a{color:red}"
    assert (out / css_bundle.PRINT_BUNDLE).read_text(encoding="utf-8").strip() == ".a{display:none}"


def test_a_cached_bundle_serves_new_words_no_selector_names_and_is_redone_for_one_it_names(tmp_path):
    out = site(tmp_path, "a prose")
    cache = tmp_path / "cache"
    css_bundle.write_bundle(out, ["styles/theme.css"], cache=cache)
    entries = list(cache.glob("bundle-*"))
    assert len(entries) == 1
    # Mark the kept entry: if the next build writes the mark, it used the cache.
    (entries[0] / "screen.css").write_text(".a{color:red}/*kept*/", encoding="utf-8")

    page(out, "a prose with other words")  # words no selector names: the same bundle
    css_bundle.write_bundle(out, ["styles/theme.css"], cache=cache)
    assert bundle(out).strip() == ".a{color:red}/*kept*/"

    page(out, "a b")  # .b is now used: computed again, and kept beside the first
    css_bundle.write_bundle(out, ["styles/theme.css"], cache=cache)
    assert bundle(out).strip() == ".a{color:red}.b{color:blue}"
    assert len(list(cache.glob("bundle-*"))) == 2

    page(out, "a")  # the edit undone: the first entry again, still marked
    css_bundle.write_bundle(out, ["styles/theme.css"], cache=cache)
    assert bundle(out).strip() == ".a{color:red}/*kept*/"


def test_the_cache_keeps_the_bundles_used_last(tmp_path):
    out = site(tmp_path, "a")
    cache = tmp_path / "cache"
    css_bundle.write_bundle(out, ["styles/theme.css"], cache=cache)
    first = next(cache.glob("bundle-*"))
    os.utime(first, (1, 1))  # last used long ago (builds in one clock tick share a time)
    for n in range(css_bundle.CSS_CACHE_ENTRIES):
        # Each new stylesheet is a new entry; the oldest goes once the cache is full.
        (out / "_static" / "styles" / "theme.css").write_text(f".a{{z-index:{n}}}", encoding="utf-8")
        css_bundle.write_bundle(out, ["styles/theme.css"], cache=cache)
    assert len(list(cache.glob("bundle-*"))) == css_bundle.CSS_CACHE_ENTRIES
    assert not first.exists()


def test_an_edited_stylesheet_is_not_served_from_the_cache(tmp_path):
    out = site(tmp_path, "a")
    cache = tmp_path / "cache"
    css_bundle.write_bundle(out, ["styles/theme.css"], cache=cache)
    (out / "_static" / "styles" / "theme.css").write_text(".a{color:green}", encoding="utf-8")
    css_bundle.write_bundle(out, ["styles/theme.css"], cache=cache)
    assert bundle(out).strip() == ".a{color:green}"


def test_edited_trimming_code_is_not_served_a_bundle_the_old_code_made(tmp_path, monkeypatch):
    out = site(tmp_path, "a")
    cache = tmp_path / "cache"
    css_bundle.write_bundle(out, ["styles/theme.css"], cache=cache)
    (next(cache.glob("bundle-*")) / "screen.css").write_text("/*made by the old code*/", encoding="utf-8")
    old = css_bundle._processing_version()
    monkeypatch.setattr(css_bundle, "_processing_version", lambda: old + b"# an edit")
    css_bundle.write_bundle(out, ["styles/theme.css"], cache=cache)
    assert bundle(out).strip() == ".a{color:red}"


@pytest.mark.slow  # two Sphinx builds
@pytest.mark.parametrize("chapter, has_mathjax", [("Plain words.", False), ("A sum: :math:`a^2 + b^2`.", True)])
def test_the_single_page_gets_mathjax_exactly_when_an_included_chapter_has_math(tmp_path, chapter, has_mathjax):
    from sphinx.application import Sphinx

    (tmp_path / "conf.py").write_text('extensions = ["sphinx.ext.mathjax", "lacoe_report.book.sphinx_web"]\n',
                                      encoding="utf-8")
    (tmp_path / "index.rst").write_text("Book\n====\n\n.. toctree::\n\n   chapter\n", encoding="utf-8")
    (tmp_path / "chapter.rst").write_text(f"Chapter\n=======\n\n{chapter}\n", encoding="utf-8")
    app = Sphinx(tmp_path, tmp_path, tmp_path / "out", tmp_path / "doctrees", "singlehtml",
                 status=None, warning=None, freshenv=True)
    app.set_html_assets_policy("always")  # what Jupyter Book does for this builder
    app.build()
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert ("mathjax" in page) is has_mathjax
