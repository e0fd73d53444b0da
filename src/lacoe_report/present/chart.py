"""The house style and the :class:`Chart` every chart helper returns.

A chart is a matplotlib figure drawn without pyplot plus a plain-text record of what it shows: the
reader sees its PNG, while ``nbval`` compares its ``repr`` (every plotted label and value), so a changed
number fails the notebook test though nobody diffs images. The style (``lacoe.mplstyle``) is applied
only inside :func:`house_style`, never to the caller's ``rcParams``. A chart is drawn in one of two
layouts: wide for print and desktop, narrow for phones.
"""
from __future__ import annotations

import base64
import functools
import io
from collections.abc import Callable
from contextlib import AbstractContextManager
from contextvars import ContextVar, copy_context
from dataclasses import dataclass
from pathlib import Path

import matplotlib as mpl
import matplotlib.style as mstyle
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from ..core.formats import formatter, hedged
from ..core.sourced import source_of

#: The house style file, shipped as package data.
STYLE_PATH = Path(__file__).with_name("lacoe.mplstyle")

#: Okabe-Ito colours by name: distinguishable with the common colour-vision deficiencies.
PALETTE: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}
#: Colour of the bars the text is about.
HIGHLIGHT = PALETTE["blue"]
#: Colour of context bars: light enough to recede, dark enough to see on white.
MUTED = "#BDBDBD"

# Text and line greys. "Before" marks use a grey that still passes WCAG AA
# (4.5:1) as text, because the series name is printed in the same colour.
TEXT = "#222222"
BEFORE = "#767676"
RULE = "#595959"
CONNECTOR = "#C8C8C8"

LABEL_SIZE = 10.5  # direct labels: >= 10 pt at print size


@dataclass(frozen=True)
class Layout:
    """How wide a chart is drawn and how its row labels wrap."""

    width: float  # figure width, inches
    wrap: int  # characters per line of row labels


#: The print and desktop layout: one column of a page (and of the PDF).
WIDE = Layout(7.2, 28)
# Shown about 340 CSS px wide on a 390 px phone: 10.5 pt type on a 3.6 in
# figure renders near 12 CSS px there, where the wide figure gives 7 px.
#: The phone layout: narrower and taller, the same type sizes.
NARROW = Layout(3.6, 15)
#: The layout a helper is drawing in now (:meth:`Chart.narrow` switches it).
LAYOUT: ContextVar[Layout] = ContextVar("lacoe_chart_layout", default=WIDE)

#: A value format: a named format (``"percent_1dp"``), ``"{:,.0f}"``, ``",.0f"`` or a function.
ValueFormat = str | Callable[[float], str]


def house_style() -> AbstractContextManager[None]:
    """Apply the house style for the duration of a ``with`` block, on matplotlib's defaults.

    A chart looks the same whatever the caller (or Jupyter's inline backend) did to ``rcParams``.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> with house_style():
    ...     mpl.rcParams["axes.spines.top"], mpl.rcParams["figure.dpi"]
    (False, 150.0)
    """
    return mstyle.context(["default", str(STYLE_PATH)])


def label_formatter(value_format: ValueFormat) -> Callable[[float], str]:
    """Turn a format string or callable into a one-argument formatter that keeps a value's hedge.

    A hedged number (:class:`lacoe_report.core.formats.Hedged`) is labelled as the prose pastes it:
    "over 400", never "400". Halves round up, as everywhere in :mod:`lacoe_report.core.formats`.

    Examples
    --------
    >>> from lacoe_report.core.formats import Hedged
    >>> label_formatter("count")(Hedged(400, "over")), label_formatter("{:,.0f}")(2.5)
    ('over 400', '3')
    """
    if not (callable(value_format) or isinstance(value_format, str)):
        raise ValueError("value_format must be a format string like '{:,.0f}' or a function")
    plain = formatter(value_format)
    if isinstance(value_format, str):  # a bad pattern fails here, not at the first label
        try:
            plain(1234.5)
        except (ValueError, IndexError, KeyError) as err:
            raise ValueError(f"value_format {value_format!r} is not a format like '{{:,.0f}}': {err}") from None
    return lambda value: hedged(plain(value), getattr(value, "hedge", ""))


class Chart:
    """A house-styled figure plus a plain-text record of what it shows.

    Built without pyplot: Jupyter's inline backend shows no second copy and no pyplot figure stays open.

    Parameters
    ----------
    kind : str
        Chart kind for the ``repr`` header, e.g. ``"ordered bars"``.
    figsize : tuple of float, optional
        Figure size in inches; the style's 7.2 x 3.6 when omitted.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
    kind : str
    data : list of (str, str)
        The ``(label, value text)`` pairs the chart plotted, in reading order.
    values : list of dict
        Per pair of ``data``, what a reader downloads as the chart's data (:meth:`record`).

    Examples
    --------
    >>> chart = Chart("sketch")
    >>> chart.data.append(("Schools served", "80"))
    >>> chart
    Chart (sketch)
    Schools served: 80
    >>> chart.figure.get_size_inches().tolist()
    [7.2, 3.6]
    """

    def __init__(self, kind: str, *, figsize: tuple[float, float] | None = None) -> None:
        with house_style():
            self.figure = Figure(figsize=figsize)
            FigureCanvasAgg(self.figure)  # attaches itself as figure.canvas
            self.ax = self.figure.add_subplot()
        self.kind = kind
        self.data: list[tuple[str, str]] = []
        self.values: list[dict] = []
        self._recipe: Callable[[], Chart] | None = None  # how to draw it again (chart_helper)

    def record(self, label: str, text: str, value: float) -> None:
        """Note one drawn value: label and text in :attr:`data`; in :attr:`values` also the number and,
        when it has them, its ledger key or figure id and unit (:mod:`lacoe_report.core.sourced`).

        >>> from lacoe_report.core.sourced import tag
        >>> chart = Chart("sketch")
        >>> chart.record("Interns", "40", tag(40, {"key": "wb_interns", "chapter": "c", "unit": "count"}))
        >>> chart.values
        [{'label': 'Interns', 'text': '40', 'value': 40.0, 'key': 'wb_interns', 'chapter': 'c', 'unit': 'count'}]
        """
        self.data.append((label, text))
        self.values.append({"label": " ".join(label.split()), "text": text, "value": float(value),
                            **(source_of(value) or {})})

    def __repr__(self) -> str:
        # One line per datum: this is the text/plain output nbval compares.
        lines = [f"Chart ({self.kind})"]
        lines += [f"{' '.join(label.split())}: {value}" for label, value in self.data]
        return "\n".join(lines)

    def _repr_png_(self) -> bytes:
        """PNG bytes for Jupyter; identical on every run for the same chart."""
        buf = io.BytesIO()
        with house_style():  # savefig.* settings are read at save time
            # Without the software version, which would change the bytes between machines.
            self.figure.savefig(buf, format="png", metadata={"Software": None})
        return buf.getvalue()

    def smallest_text_px(self) -> float:
        """Size of the chart's smallest visible text, in pixels of its PNG.

        A page that shows the PNG ``w`` CSS px wide renders it at ``smallest_text_px() * w / png_width`` CSS px.
        """
        with house_style():
            dpi = float(mpl.rcParams["savefig.dpi"])
        sizes = [t.get_fontsize() for t in self.figure.findobj(Text)
                 if t.get_visible() and t.get_text().strip()]
        return round(min(sizes) * dpi / 72, 2)

    def narrow(self) -> Chart | None:
        """The same chart drawn again in the :data:`NARROW` (phone) layout, if it has one."""
        if self._recipe is None:
            return None
        phone = copy_context()  # the switch of layout stays inside this copy
        phone.run(LAYOUT.set, NARROW)
        return phone.run(self._recipe)

    def _repr_mimebundle_(self, include=None, exclude=None):
        """PNG and text for Jupyter; the phone variant (:mod:`lacoe_report.book.chart_data`) in the metadata."""
        data = {"image/png": base64.b64encode(self._repr_png_()).decode("ascii"), "text/plain": repr(self)}
        # The drawn values with their sources: the chart's data download (book/chart_data).
        variants = {"wide": {"text_px": self.smallest_text_px()}, "values": self.values}
        narrow = self.narrow()
        if narrow is not None:
            variants["narrow"] = {"png": base64.b64encode(narrow._repr_png_()).decode("ascii"),
                                  "text_px": narrow.smallest_text_px()}
        return data, {"lacoe_chart": variants}


def chart_helper(helper: Callable[..., Chart]) -> Callable[..., Chart]:
    """Draw a chart helper in the house style; let its chart draw itself again for phones (:meth:`Chart.narrow`)."""
    @functools.wraps(helper)
    def build(*args, **kwargs) -> Chart:
        with house_style():
            chart = helper(*args, **kwargs)
        if LAYOUT.get() is WIDE:
            chart._recipe = functools.partial(build, *args, **kwargs)
        return chart
    return build
