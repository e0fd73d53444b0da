"""Every path the project uses, resolved from one place.

Chapters and tests import these names instead of writing ``../data``, so a
notebook runs the same from JupyterLab, from ``make`` and from pytest.
"""
import os
from pathlib import Path


#: The repository root (the folder holding ``_config.yml``): the copy this package lies in, unless
#: ``LACOE_PROJ_ROOT`` points it at another copy of the repository, which the tests use to build a
#: scratch copy of the book with the same installed package.
PROJ_ROOT = Path(os.environ.get("LACOE_PROJ_ROOT") or Path(__file__).resolve().parents[3]).resolve()
#: Tidy, validated data the book computes from.
DATA_DIR = PROJ_ROOT / "data"
#: Immutable inputs: the report text as extracted from the published PDF.
RAW_DIR = DATA_DIR / "raw"
#: One notebook per part of the report.
CHAPTERS_DIR = PROJ_ROOT / "chapters"
#: Everything the build writes; never committed.
BUILD_DIR = PROJ_ROOT / "_build"

REPORT_TEXT = RAW_DIR / "lacoe-annual-report-2023-24.txt"
FIGURES_CSV = DATA_DIR / "report_figures.csv"
FIGURES_META = DATA_DIR / "report_figures.meta.yml"
#: Units, qualifiers, sections and presentations, with their words.
VOCABULARY_YML = DATA_DIR / "vocabulary.yml"
EXCLUDED_CSV = RAW_DIR / "excluded_numbers.csv"
#: The audit's declared relations and its detectors' settings.
AUDIT_RELATIONS_YML = DATA_DIR / "audit_relations.yml"
#: Every number the book publishes, rebuilt from the executed chapters.
LEDGER_CSV = PROJ_ROOT / "ledger" / "ledger.csv"
TOC_FILE = PROJ_ROOT / "_toc.yml"


def shown(path: Path) -> str:
    """``path`` relative to the repository when it is inside it, for messages."""
    try:
        return Path(path).resolve().relative_to(PROJ_ROOT).as_posix()
    except ValueError:
        return str(path)


def stamp(path: Path) -> tuple[int, int, int]:
    """What changes when a file is edited, saved or replaced: its time, size and inode (missing: all zero).

    Caches keyed on it read a file again after any edit, in a kernel or a
    long-lived process (the preview) as in a new one.

    >>> stamp(Path("/no/such/file"))
    (0, 0, 0)
    """
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return (0, 0, 0)
    return (found.st_mtime_ns, found.st_size, found.st_ino)
