"""The Sphinx configuration of the book, written by Jupyter Book's own command from ``_config.yml``.

Jupyter Book 1.x documents ``jupyter-book config sphinx``, which writes the
``conf.py`` ``jupyter-book build`` would use. The build and the preview run
Sphinx on it (:func:`lacoe_report.book.build.sphinx_build`): no Jupyter Book
internals, and ``_config.yml`` stays the file to edit.

``conf.py`` lies at the project root (Sphinx resolves ``_static`` and
``_templates`` from it), is ignored by git, and is written again only when
what it is made from changed: its first line is the fingerprint of the inputs
that shape :data:`~lacoe_report.book.inputs.CONFIG` (``_config.yml``, ``_toc.yml``
and ``_static/``, where Jupyter Book links every stylesheet and script it finds).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..core.paths import PROJ_ROOT
from ..core.safe_write import ChangedOnDisk, fingerprint, write_if_unchanged
from . import inputs

STAMP = "# written by make book from the hash of _config.yml, _toc.yml and _static/: "


def conf_dir(root: Path = PROJ_ROOT) -> Path:
    """Bring ``root/conf.py`` up to date with ``_config.yml``, ``_toc.yml`` and ``_static/``; return ``root``.

    Raises
    ------
    SystemExit
        With Jupyter Book's own message when it cannot read the configuration.
    """
    target = root / "conf.py"
    line = STAMP + inputs.fingerprint(inputs.CONFIG, root)
    was = fingerprint(target)
    if target.is_file() and target.read_text(encoding="utf-8").startswith(line + "\n"):
        return root
    with tempfile.TemporaryDirectory(prefix="lacoe-conf-") as scratch:
        for _, path in inputs.files(inputs.CONFIG, root):
            copy = Path(scratch) / path.relative_to(root)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)
        made = subprocess.run([str(Path(sys.executable).with_name("jupyter-book")), "config", "sphinx", scratch],
                              capture_output=True, text=True)
        if made.returncode != 0:
            sys.exit(f"Bad input, nothing was built: jupyter-book config sphinx: {made.stderr.strip()[-1500:]}")
        text = (Path(scratch) / "conf.py").read_text(encoding="utf-8")
    if not write_if_unchanged(target, f"{line}\n{text}".encode(), was):
        raise ChangedOnDisk([target])
    return root
