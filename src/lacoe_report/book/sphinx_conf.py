"""The Sphinx configuration of the book, written by Jupyter Book's own command from ``_config.yml``.

Jupyter Book 1.x documents one way to use Sphinx directly: ``jupyter-book
config sphinx`` writes a ``conf.py`` that says what ``jupyter-book build``
would pass to Sphinx. The build and the preview both run Sphinx on that file
(``sphinx.cmd.build.build_main``, ``sphinx.application.Sphinx``), so neither
calls Jupyter Book's internals, and ``_config.yml`` stays the file to edit.

``conf.py`` lies at the project root (Sphinx resolves ``_static`` and
``_templates`` from it), is ignored by git, and is written again only when
``_config.yml`` or ``_toc.yml`` changed: its first line is their hash.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..core.paths import PROJ_ROOT
from ..core.safe_write import ChangedOnDisk, digest, fingerprint, write_if_unchanged

#: What ``conf.py`` is written from.
SOURCES = ("_config.yml", "_toc.yml")
STAMP = "# written by make book from the hash of _config.yml and _toc.yml: "


def stamp(root: Path = PROJ_ROOT) -> str:
    """The first line of the ``conf.py`` that ``root``'s configuration gives."""
    return STAMP + digest(b"\0".join((root / name).read_bytes() for name in SOURCES))


def conf_dir(root: Path = PROJ_ROOT) -> Path:
    """Bring ``root/conf.py`` up to date with ``_config.yml`` and ``_toc.yml``; return ``root``.

    Raises
    ------
    SystemExit
        With Jupyter Book's own message when it cannot read the configuration.
    """
    target = root / "conf.py"
    line = stamp(root)
    was = fingerprint(target)
    if target.is_file() and target.read_text(encoding="utf-8").startswith(line + "\n"):
        return root
    with tempfile.TemporaryDirectory(prefix="lacoe-conf-") as scratch:
        for name in SOURCES:
            shutil.copy2(root / name, scratch)
        made = subprocess.run([str(Path(sys.executable).with_name("jupyter-book")), "config", "sphinx", scratch],
                              capture_output=True, text=True)
        if made.returncode != 0:
            sys.exit(f"Bad input, nothing was built: jupyter-book config sphinx: {made.stderr.strip()[-1500:]}")
        text = (Path(scratch) / "conf.py").read_text(encoding="utf-8")
    if not write_if_unchanged(target, f"{line}\n{text}".encode(), was):
        raise ChangedOnDisk([target])
    return root
