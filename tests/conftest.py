"""Shared fixtures: scratch copies of the data to corrupt, never the real files."""
import csv
import io
import shutil
from pathlib import Path

import pytest

from lacoe_report.core.paths import FIGURES_CSV


class FiguresFile:
    """A scratch copy of ``report_figures.csv`` with helpers to break it."""

    def __init__(self, path: Path):
        self.path = path
        shutil.copyfile(FIGURES_CSV, path)

    def rows(self) -> tuple[list[str], list[dict]]:
        reader = csv.DictReader(io.StringIO(self.path.read_text(encoding="utf-8"), newline=""))
        return list(reader.fieldnames), list(reader)

    def save(self, header: list[str], rows: list[dict]) -> None:
        out = io.StringIO(newline="")
        writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        self.path.write_text(out.getvalue(), encoding="utf-8")

    def set(self, figure_id: str, column: str, value: str) -> int:
        """Set one cell; return the file line of that row."""
        header, rows = self.rows()
        for row in rows:
            if row["id"] == figure_id:
                row[column] = value
        self.save(header, rows)
        return self.line_of(figure_id)

    def line_of(self, figure_id: str) -> int:
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.startswith(figure_id + ","):
                return number
        raise KeyError(figure_id)


@pytest.fixture
def figures_file(tmp_path) -> FiguresFile:
    return FiguresFile(tmp_path / "report_figures.csv")


# The browser suite's figures (pages, requests, violations), printed once at the
# end of the run even under xdist, where tests/browser/conftest.py is not loaded.
from browser.browser_support import print_figures as pytest_terminal_summary  # noqa: E402,F401
