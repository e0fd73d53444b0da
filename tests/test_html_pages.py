"""The built pages as the post-build steps read them (book/html_pages.py)."""
from lacoe_report.book import html_pages


def test_a_site_is_parsed_once_and_again_after_a_page_changed(tmp_path):
    page = tmp_path / "chapters" / "a.html"
    page.parent.mkdir()
    page.write_text('<p class="old">x</p><table><tr><td>1</td></tr></table>', encoding="utf-8")
    first = html_pages.read(tmp_path)
    assert first["chapters/a.html"].names == {"old"}
    assert first["chapters/a.html"].rows == [["1"]]
    # The bundle and the published-files check read the same site in one build: one parse serves both.
    assert html_pages.read(tmp_path) is first
    page.write_text('<p class="newer">x</p><table><tr><td>2</td></tr></table>', encoding="utf-8")
    again = html_pages.read(tmp_path)
    assert again["chapters/a.html"].names == {"newer"}
    assert again["chapters/a.html"].rows == [["2"]]
    (tmp_path / "b.html").write_text("<p id='b'></p>", encoding="utf-8")
    assert sorted(html_pages.read(tmp_path)) == ["b.html", "chapters/a.html"]
