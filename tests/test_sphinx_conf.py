"""The conf.py Sphinx reads: Jupyter Book's own ``config sphinx`` output for _config.yml, _toc.yml and _static/."""
import shutil

from lacoe_report.book import sphinx_conf
from lacoe_report.core.paths import PROJ_ROOT


def settings(root):
    found = {}
    exec((root / "conf.py").read_text(encoding="utf-8"), found)  # noqa: S102 - the file Sphinx itself executes
    return found


def scratch_project(tmp_path):
    root = tmp_path / "book"
    root.mkdir()
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy2(PROJ_ROOT / name, root)
    shutil.copytree(PROJ_ROOT / "_static", root / "_static")
    return root


def test_conf_links_every_stylesheet_and_script_of_static_as_jupyter_book_does(tmp_path):
    # Jupyter Book links each .css and .js it finds in _static: a conf.py written without them
    # published pages that never loaded the theme's late scripts.
    root = scratch_project(tmp_path)
    (root / "_static" / "extra.js").write_text("// an analyst's new script\n", encoding="utf-8")
    sphinx_conf.conf_dir(root)
    found = settings(root)
    assert found["html_css_files"] == ["custom.css"]
    assert sorted(found["html_js_files"]) == ["extra.js", "lacoe-late-scripts.js"]
    assert found["html_static_path"] == ["_static"] and found["templates_path"] == ["_templates"]
    assert found["html_title"] == "LACOE Annual Report 2023-24, computed and checked"  # from _config.yml
    assert found["external_toc_path"] == "_toc.yml"


def test_conf_is_written_again_only_when_what_it_is_made_from_changed(tmp_path):
    root = scratch_project(tmp_path)
    sphinx_conf.conf_dir(root)
    first = (root / "conf.py").stat().st_mtime_ns
    sphinx_conf.conf_dir(root)
    assert (root / "conf.py").stat().st_mtime_ns == first  # unchanged inputs: not rewritten
    config = root / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "LACOE Annual Report 2023-24, computed and checked", "Another title"), encoding="utf-8")
    sphinx_conf.conf_dir(root)
    assert settings(root)["html_title"] == "Another title"
    (root / "_static" / "late.css").write_text("p {}\n", encoding="utf-8")
    sphinx_conf.conf_dir(root)
    assert sorted(settings(root)["html_css_files"]) == ["custom.css", "late.css"]
