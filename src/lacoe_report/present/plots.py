"""House-styled charts for the report, drawn without pyplot.

Every chart helper returns a :class:`Chart`. In a notebook the reader sees its
PNG, while ``nbval`` compares its plain-text ``repr``, which lists every
plotted label and value. A changed number therefore fails the notebook test
even though nobody diffs images.

The helpers follow one house style (``lacoe.mplstyle``, next to this module):
values are labelled directly on the marks, there are no titles (captions
live in notebook cell metadata) and no legends (series are named by text next
to the data). The style is applied only inside :func:`house_style`, so
importing this module never changes the caller's ``rcParams``.

Examples
--------
>>> chart = ordered_bars(["Facebook reach", "Instagram reach"], [65_000, 186_000])
>>> print(repr(chart))
Chart (ordered bars)
Instagram reach: 186,000
Facebook reach: 65,000
"""
from __future__ import annotations

import base64
import functools
import io
import math
import re
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from itertools import cycle
from pathlib import Path
from typing import Any

import matplotlib as mpl
import matplotlib.style as mstyle
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter

from ..core.formats import Hedged, count, formatter, hedged, percent
from ..core.sourced import source_of

__all__ = [
    "STYLE_PATH",
    "PALETTE",
    "HIGHLIGHT",
    "MUTED",
    "house_style",
    "Chart",
    "ordered_bars",
    "share_bar",
    "dumbbell",
    "stated_vs_computed",
    "paired_bars",
]

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
_TEXT = "#222222"
_BEFORE = "#767676"
_RULE = "#595959"
_CONNECTOR = "#C8C8C8"

_LABEL_SIZE = 10.5  # direct labels: >= 10 pt at print size


@dataclass(frozen=True)
class Layout:
    """How wide a chart is drawn and how its row labels wrap."""

    name: str
    width: float  # figure width, inches
    wrap: int  # characters per line of row labels


#: The print and desktop layout: one column of a page (and of the PDF).
WIDE = Layout("wide", 7.2, 28)
# Shown about 340 CSS px wide on a 390 px phone: 10.5 pt type on a 3.6 in
# figure renders near 12 CSS px there, where the wide figure gives 7 px.
#: The phone layout: narrower and taller, the same type sizes.
NARROW = Layout("narrow", 3.6, 15)
_LAYOUT: ContextVar[Layout] = ContextVar("lacoe_chart_layout", default=WIDE)


def _wrap_width(wide_chars: int) -> int:
    """A wrap width given for the wide layout, scaled to the current one."""
    layout = _LAYOUT.get()
    return max(8, round(wide_chars * layout.wrap / WIDE.wrap))

ValueFormat = str | Callable[[float], str]


# --------------------------------------------------------------------------
# Style
# --------------------------------------------------------------------------
@contextmanager
def house_style() -> Iterator[None]:
    """Apply the house style for the duration of a ``with`` block.

    Starts from matplotlib's defaults, so a chart looks the same whatever
    the caller (or Jupyter's inline backend) did to ``rcParams``; everything
    is restored on exit.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> with house_style():
    ...     mpl.rcParams["axes.spines.top"], mpl.rcParams["figure.dpi"]
    (False, 150.0)
    """
    with mstyle.context(["default", str(STYLE_PATH)]):
        yield


def _formatter(value_format: ValueFormat | None) -> Callable[[float], str]:
    """Turn a format string or callable into a one-argument formatter that keeps a value's hedge.

    A published number that is hedged (:class:`lacoe_report.core.formats.Hedged`)
    is labelled with its hedge, as the prose pastes it: "over 400", never "400".

    >>> _formatter("count")(Hedged(400, "over")), _formatter("count")(400)
    ('over 400', '400')
    """
    plain = _plain_formatter(value_format)

    def label(value: float) -> str:
        return hedged(plain(value), getattr(value, "hedge", ""))
    return label


def _plain_formatter(value_format: ValueFormat | None) -> Callable[[float], str]:
    if callable(value_format):
        return value_format
    if isinstance(value_format, str):
        # A named format ("percent_1dp"), "{:,.0f}" or the bare spec ",.0f"; halves round up, as in formats.
        fmt = formatter(value_format)
        try:
            fmt(1234.5)
        except (ValueError, IndexError, KeyError) as err:
            raise ValueError(
                f"value_format {value_format!r} is not a format like '{{:,.0f}}': {err}"
            ) from None
        return fmt
    raise ValueError("value_format must be a format string like '{:,.0f}' or a function")


# --------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------
def _as_list(items: Any, what: str) -> list:
    if items is None:
        raise ValueError(f"{what} is missing")
    if isinstance(items, (str, bytes)):
        # A bare string would silently become one bar per character.
        raise ValueError(f"{what} must be a sequence, not a single string")
    try:
        return list(items)  # a pandas Series yields its values
    except TypeError:
        raise ValueError(f"{what} must be a sequence") from None


def _as_numbers(items: Any, what: str) -> list[float]:
    out = []
    for item in _as_list(items, what):
        try:
            # A hedged number stays hedged, so its label keeps the hedge; a number
            # with a source (ledger key or figure id) keeps it for the chart's data.
            x = item if isinstance(item, Hedged) or source_of(item) is not None else float(item)
        except (TypeError, ValueError):
            raise ValueError(f"{what} must be numbers; got {item!r}") from None
        if not math.isfinite(x):
            raise ValueError(f"{what} must be finite numbers; got {item!r}")
        out.append(x)
    return out


def _check(labels: Any, **series: Any) -> tuple[list[str], list[list[float]]]:
    """Validate labels and equally long numeric series; return plain lists."""
    names = [str(label) for label in _as_list(labels, "labels")]
    if not names:
        raise ValueError("nothing to plot: labels is empty")
    columns = []
    for what, values in series.items():
        numbers = _as_numbers(values, what)
        if len(numbers) != len(names):
            raise ValueError(
                f"labels has {len(names)} items but {what} has {len(numbers)}; "
                "they must be the same length"
            )
        columns.append(numbers)
    return names, columns


# --------------------------------------------------------------------------
# Chart
# --------------------------------------------------------------------------
class Chart:
    """A house-styled figure plus a plain-text record of what it shows.

    The figure is built with :class:`matplotlib.figure.Figure` and an Agg
    canvas, never through pyplot, so Jupyter's inline backend does not
    display a second copy and no pyplot figure is left open.

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
        Per pair of ``data``, what a reader downloads as the chart's data
        (:meth:`record`): label, text, value, and the value's ledger key or
        figure id and unit when it has them (:mod:`lacoe_report.core.sourced`).

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

    def record(self, label: str, text: str, value: float) -> None:
        """Note one drawn value: label and text in :attr:`data`, number and source in :attr:`values`.

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

    def _render(self, fmt: str) -> bytes:
        # Drop the metadata that varies between machines and runs (software
        # version, dates), so the same chart always gives the same bytes.
        metadata = {"png": {"Software": None}, "svg": {"Date": None},
                    "pdf": {"CreationDate": None, "Producer": None}}[fmt]
        buf = io.BytesIO()
        with house_style():  # savefig.* settings are read at save time
            self.figure.savefig(buf, format=fmt, metadata=metadata)
        return buf.getvalue()

    def _repr_png_(self) -> bytes:
        """PNG bytes for Jupyter; identical on every run for the same chart."""
        return self._render("png")

    def smallest_text_px(self) -> float:
        """Size of the chart's smallest text, in pixels of its PNG.

        The font size (points) of every visible, non-empty text of the figure
        at the PNG's resolution; a page that shows the PNG ``w`` CSS px wide
        renders it at ``smallest_text_px() * w / png_width`` CSS px.
        """
        with house_style():
            dpi = float(mpl.rcParams["savefig.dpi"])
        sizes = [t.get_fontsize() for t in self.figure.findobj(Text)
                 if t.get_visible() and t.get_text().strip()]
        return round(min(sizes) * dpi / 72, 2)

    def narrow(self) -> "Chart | None":
        """The same chart drawn again in the :data:`NARROW` (phone) layout, if it has one."""
        recipe = getattr(self, "_recipe", None)
        if recipe is None:
            return None
        helper, args, kwargs = recipe
        token = _LAYOUT.set(NARROW)
        try:
            return helper(*args, **kwargs)
        finally:
            _LAYOUT.reset(token)

    def _repr_mimebundle_(self, include=None, exclude=None):
        """PNG and text for Jupyter, and the phone variant in the output's metadata.

        The book shows the narrow PNG to narrow screens (``<picture>``, see
        :mod:`lacoe_report.book.sphinx_web`); nbval compares neither images
        nor metadata, only the ``text/plain`` record.
        """
        png = self._render("png")
        data = {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": repr(self)}
        # The drawn values with their sources: the chart's data download (book/chart_data).
        variants = {"wide": {"text_px": self.smallest_text_px()}, "values": self.values}
        narrow = self.narrow()
        if narrow is not None:
            variants["narrow"] = {"png": base64.b64encode(narrow._render("png")).decode("ascii"),
                                  "text_px": narrow.smallest_text_px()}
        return data, {"lacoe_chart": variants}

    def save(self, path: str | Path) -> Path:
        """Write the chart to ``path`` and return the path.

        PNG unless the suffix is ``.svg`` or ``.pdf``; every format is
        written reproducibly (no timestamps or version strings).
        """
        path = Path(path)
        fmt = path.suffix.lower().lstrip(".")
        path.write_bytes(self._render(fmt if fmt in ("svg", "pdf") else "png"))
        return path


# --------------------------------------------------------------------------
# Drawing helpers
# --------------------------------------------------------------------------
def _wrap(label: str, width: int | None = None) -> str:
    width = _LAYOUT.get().wrap if width is None else _wrap_width(width)
    return textwrap.fill(label, width, break_long_words=False) or label


def _line_count(labels: Iterable[str], width: int | None = None) -> int:
    return sum(max(1, _wrap(label, width).count("\n") + 1) for label in labels)


def _row_figure_height(labels: Sequence[str], per_line: float = 0.24,
                       per_row: float = 0.2, extra: float = 0.55) -> float:
    # Grow with the number of rows (and wrapped label lines) so bars keep a
    # constant thickness, rather than stretching two bars over 3.6 inches.
    return min(10.0, extra + per_row * len(labels) + per_line * _line_count(labels))


def _text_on(colour: str) -> str:
    """Black or white, whichever contrasts more with ``colour`` (WCAG)."""
    def lum(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lum(c) for c in to_rgb(colour))
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "white" if (1.05 / (y + 0.05)) > ((y + 0.05) / 0.05) else "black"


def _quiet_axes(ax, *, keep_x: bool = False) -> None:
    """Hide what direct labels make redundant: value axis, left spine, tick marks."""
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0, pad=6)
    if not keep_x:
        ax.spines["bottom"].set_visible(False)
        ax.tick_params(axis="x", bottom=False, labelbottom=False)


def _value_label(ax, text: str, x: float, y: float, *, right: bool = True,
                 gap: float = 4, **kw) -> Text:
    """A value printed just beyond a mark, right of it or left of it."""
    kw.setdefault("color", _TEXT)
    kw.setdefault("fontsize", _LABEL_SIZE)
    return ax.annotate(text, (x, y), xytext=(gap if right else -gap, 0),
                       textcoords="offset points", ha="left" if right else "right",
                       va="center", **kw)


def _fit_to_texts(ax, texts: Sequence[Text], *, x: bool = True, y: bool = False,
                  pad_pt: float = 3.0) -> None:
    """Widen the axes limits until every text sits inside the axes.

    Direct labels are placed in data coordinates plus an offset in points,
    so how much room they need depends on the limits; a few rounds settle it.
    """
    fig = ax.figure
    pad = pad_pt * fig.dpi / 72
    for _ in range(12):
        fig.draw_without_rendering()  # runs constrained layout too
        renderer = fig.canvas.get_renderer()
        box = ax.get_window_extent(renderer)
        extents = [_text_box(t, renderer) for t in texts if t.get_visible()]
        if not extents:
            return
        moved = False
        for axis, on in (("x", x), ("y", y)):
            if not on:
                continue
            lo_px, hi_px = (box.x0, box.x1) if axis == "x" else (box.y0, box.y1)
            t_lo = min(e.x0 if axis == "x" else e.y0 for e in extents)
            t_hi = max(e.x1 if axis == "x" else e.y1 for e in extents)
            over_lo = max(0.0, lo_px + pad - t_lo)
            over_hi = max(0.0, t_hi - (hi_px - pad))
            if over_lo < 0.5 and over_hi < 0.5:
                continue
            get, set_ = (ax.get_xlim, ax.set_xlim) if axis == "x" else (ax.get_ylim, ax.set_ylim)
            v0, v1 = get()
            per_px = (v1 - v0) / (hi_px - lo_px)
            # Overshoot slightly: widening the range shrinks the scale, which
            # would otherwise leave a sliver of overflow for the next round.
            set_(v0 - 1.15 * over_lo * per_px, v1 + 1.15 * over_hi * per_px)
            moved = True
        if not moved:
            return


def _text_box(text: Text, renderer):
    """Pixel box of a text alone: an annotation's own extent includes its leader line."""
    if hasattr(text, "update_positions"):
        text.update_positions(renderer)  # annotations place themselves lazily
    return Text.get_window_extent(text, renderer)


def _extent(ax, text: Text):
    return _text_box(text, ax.figure.canvas.get_renderer())


def _key(ax, entries: Sequence[tuple[str, str, dict]]) -> None:
    """Name the series in a key above the axes, one per line: the phone layout's
    stand-in for names beside the marks, for which a narrow chart has no room.

    Each entry is ``(name, colour, marker style)``; names print in their colour.
    """
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], linestyle="none", **style) for _, _, style in entries]
    key = ax.legend(handles, [name for name, _, _ in entries], loc="lower left",
                    bbox_to_anchor=(0.0, 1.0), borderaxespad=0.3, handletextpad=0.4,
                    fontsize=_LABEL_SIZE, alignment="left")
    for text, (_, colour, _) in zip(key.get_texts(), entries):
        text.set_color(colour)
        text.set_fontweight("bold")


def _name_two_series(ax, y: float, first: tuple[float, str, str],
                     second: tuple[float, str, str], others: Sequence[Text]) -> list[Text]:
    """Name two series by text just above their marks in one row (no legend).

    Each ``(x, name, colour)`` is centred over its mark when there is room;
    if the names would collide they are pushed outwards from the marks.
    """
    left, right = (first, second) if first[0] <= second[0] else (second, first)
    kw = dict(textcoords="offset points", va="bottom", fontsize=_LABEL_SIZE,
              fontweight="bold")
    names = [ax.annotate(name, (x, y), xytext=(0, 9), ha="center", color=colour, **kw)
             for x, name, colour in (left, right)]
    _fit_to_texts(ax, [*others, *names], y=True)
    a, b = (_extent(ax, t) for t in names)
    gap = 6 * ax.figure.dpi / 72
    if a.x1 + gap > b.x0:
        names[0].set_ha("right")
        names[0].xyann = (-3, 9)
        names[1].set_ha("left")
        names[1].xyann = (3, 9)
        _fit_to_texts(ax, [*others, *names], y=True)
    return names


# --------------------------------------------------------------------------
# Chart helpers
# --------------------------------------------------------------------------
def _responsive(helper: Callable[..., Chart]) -> Callable[..., Chart]:
    """Let a helper's chart draw itself again in the phone layout (:meth:`Chart.narrow`)."""
    @functools.wraps(helper)
    def build(*args, **kwargs) -> Chart:
        chart = helper(*args, **kwargs)
        if _LAYOUT.get() is WIDE:
            chart._recipe = (helper, args, kwargs)
        return chart
    return build


def _as_printed(text: str) -> str:
    """Drop all-zero decimals, as the report prints a stated figure: ``48.0%`` -> ``48%``.

    Examples
    --------
    >>> _as_printed("48.0%"), _as_printed("6.30%"), _as_printed("$1.25M"), _as_printed("100%")
    ('48%', '6.3%', '$1.25M', '100%')
    """
    return re.sub(r"(\d)\.(\d*?)0+(?=\D*$)",
                  lambda m: m.group(1) + (f".{m.group(2)}" if m.group(2) else ""), text)


@_responsive
def ordered_bars(labels: Sequence[str], values: Sequence[float], *,
                 value_format: ValueFormat = count,
                 highlight: str | Iterable[str] | None = None,
                 xlabel: str | None = None) -> Chart:
    """Horizontal bars sorted largest first, each labelled with its value.

    Parameters
    ----------
    labels : sequence of str
        One label per bar; long labels wrap at about 28 characters.
    values : sequence of float
        Bar lengths (may be negative).
    value_format : str or callable, default :func:`lacoe_report.core.formats.count`
        Format string such as ``"{:,.0f}"`` or a function of one number.
    highlight : str or iterable of str, optional
        Labels to draw in :data:`HIGHLIGHT`; the rest become :data:`MUTED`.
        Without it every bar is drawn in :data:`HIGHLIGHT`.
    xlabel : str, optional
        What the values measure, when the labels do not say it already.

    Returns
    -------
    Chart
        ``data`` lists the bars top to bottom.

    Examples
    --------
    >>> chart = ordered_bars(["A", "B", "C"], [1, 3, 2], highlight="C")
    >>> [label for label, _ in chart.data]
    ['B', 'C', 'A']
    """
    names, (vals,) = _check(labels, values=values)
    fmt = _formatter(value_format)
    if highlight is None:
        marked = set(names)
    else:
        marked = {highlight} if isinstance(highlight, str) else set(highlight)
        unknown = sorted(marked - set(names))
        if unknown:
            raise ValueError(f"highlight names labels that are not plotted: {unknown}")

    # Stable sort: ties keep the caller's order.
    order = sorted(range(len(vals)), key=lambda i: -vals[i])
    n = len(order)
    chart = Chart("ordered bars",
                  figsize=(_LAYOUT.get().width, _row_figure_height(names, extra=0.55 + 0.3 * bool(xlabel))))
    with house_style():
        ax = chart.ax
        ys = [n - 1 - rank for rank in range(n)]  # largest on top
        colours = [HIGHLIGHT if names[i] in marked else MUTED for i in order]
        ax.barh(ys, [vals[i] for i in order], height=0.68, color=colours, linewidth=0)
        ax.set_yticks(ys, [_wrap(names[i]) for i in order])
        emphasise = highlight is not None
        for tick, i in zip(ax.get_yticklabels(), order):
            if emphasise and names[i] in marked:
                tick.set_fontweight("bold")
        texts = []
        for y, i in zip(ys, order):
            text = fmt(vals[i])
            weight = "bold" if emphasise and names[i] in marked else "normal"
            texts.append(_value_label(ax, text, vals[i], y, right=vals[i] >= 0,
                                      fontweight=weight))
            chart.record(names[i], text, vals[i])
        _quiet_axes(ax)
        ax.axvline(0, color=_RULE, linewidth=0.8)  # the baseline bars grow from
        if xlabel:
            ax.set_xlabel(xlabel)
        ax.set_ylim(-0.6, n - 0.4)
        lo, hi = min(0.0, *vals), max(0.0, *vals)
        ax.set_xlim(lo, hi if hi > lo else 1.0)
        _fit_to_texts(ax, texts)
    return chart


@_responsive
def share_bar(labels: Sequence[str], values: Sequence[float], *,
              value_format: ValueFormat | None = None,
              total_label: str | None = None) -> Chart:
    """One 100%-stacked horizontal bar showing the shares of a whole.

    Each segment carries its label and share. A label that fits goes inside
    its segment; the others go above and below the bar in turn, joined to
    their segment by a leader line.

    Parameters
    ----------
    labels : sequence of str
        One label per part, drawn left to right in the order given.
    values : sequence of float
        Non-negative amounts; shares are ``value / sum(values)``.
    value_format : str or callable, optional
        When given, each segment also shows its amount, e.g. with
        :func:`lacoe_report.core.formats.usd_short`: ``$303M (48%)``. Shares
        are always printed with :func:`lacoe_report.core.formats.percent`.
    total_label : str, optional
        Text naming the whole, printed left of the bar (e.g. ``"$630M total"``).

    Returns
    -------
    Chart
        Segment widths (``chart.ax.patches``) are the shares and sum to 1.

    Examples
    --------
    >>> share_bar(["Grants", "State aid"], [25, 75])
    Chart (share bar)
    Grants: 25%
    State aid: 75%
    """
    names, (vals,) = _check(labels, values=values)
    if any(v < 0 for v in vals):
        raise ValueError("share_bar needs non-negative values: a share of a whole cannot be negative")
    total = math.fsum(vals)
    if total <= 0:
        raise ValueError("share_bar needs a positive total: all values are zero")
    fmt = _formatter(value_format) if value_format is not None else None
    shares = [v / total for v in vals]
    texts = [f"{fmt(v)} ({percent(100 * s)})" if fmt else percent(100 * s)
             for v, s in zip(vals, shares)]
    if _LAYOUT.get() is NARROW:
        # A phone has no room for labels inside or around one bar: one bar per part instead.
        text_of = dict(zip(shares, texts))
        chart = ordered_bars.__wrapped__(names, shares, value_format=text_of.__getitem__,
                                         xlabel=total_label)
        chart.kind = "share bar"
        return chart

    chart = Chart("share bar", figsize=(_LAYOUT.get().width, 1.3))
    half = 0.3  # half the bar's thickness, in data units (about 0.3 in)
    with house_style():
        ax = chart.ax
        colours = [c for c, _ in zip(cycle(PALETTE.values()), names)]
        lefts = [math.fsum(shares[:i]) for i in range(len(shares))]
        ax.barh([0] * len(shares), shares, left=lefts, height=2 * half, color=colours,
                edgecolor="white", linewidth=1.2)
        ax.set_xlim(0, 1)
        ax.set_ylim(-half - 0.08, half + 0.08)
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
        ax.tick_params(axis="x", bottom=False, labelbottom=False)
        ax.tick_params(axis="y", length=0, pad=8)
        ax.set_yticks([0], [_wrap(total_label, 16)] if total_label else [""])
        for name, text, value in zip(names, texts, vals):
            chart.record(name, text, value)

        # Try each label inside its segment, wrapped ever narrower; a label
        # that fits no wrapping becomes a callout.
        chart.figure.draw_without_rendering()
        box = ax.get_window_extent(chart.figure.canvas.get_renderer())
        room_h = 2 * half / (ax.get_ylim()[1] - ax.get_ylim()[0]) * box.height
        pad = 4 * chart.figure.dpi / 72
        outside = []
        for i, (name, text, left, s, colour) in enumerate(
                zip(names, texts, lefts, shares, colours)):
            t = ax.text(left + s / 2, 0, "", ha="center", va="center", fontsize=_LABEL_SIZE,
                        color=_text_on(colour), linespacing=1.1)
            for width in (18, 12, 8):
                t.set_text(f"{_wrap(name, width)}\n{text}")
                e = _extent(ax, t)
                if e.width + 2 * pad <= s * box.width and e.height + pad <= room_h:
                    break
            else:
                t.remove()
                outside.append(i)

        # Callouts alternate above / below so neighbours do not collide.
        sides = {i: (1 if k % 2 == 0 else -1) for k, i in enumerate(outside)}
        above = any(s > 0 for s in sides.values())
        below = any(s < 0 for s in sides.values())
        # Room for two text lines per side with callouts (one data unit is
        # about one inch); _fit_to_texts below widens it if a label wraps more.
        chart.figure.set_size_inches(_LAYOUT.get().width, 1.15 + 0.5 * above + 0.5 * below)
        ax.set_ylim(-half - (0.6 if below else 0.08), half + (0.6 if above else 0.08))
        callouts = {}
        for i, side in sides.items():
            cx = lefts[i] + shares[i] / 2
            callouts[i] = ax.annotate(
                f"{_wrap(names[i], 20)}\n{texts[i]}", xy=(cx, side * half), xytext=(cx, side * (half + 0.22)),
                ha="center", va="bottom" if side > 0 else "top", fontsize=_LABEL_SIZE,
                color=_TEXT, linespacing=1.15, annotation_clip=False,
                arrowprops=dict(arrowstyle="-", color=_RULE, linewidth=0.8, shrinkA=1, shrinkB=0,
                                relpos=(0.5, 0.0 if side > 0 else 1.0)))
        if callouts:
            _spread_callouts(ax, callouts, sides)
            _fit_to_texts(ax, list(callouts.values()), x=False, y=True)
    return chart


def _spread_callouts(ax, callouts: dict[int, Any], sides: dict[int, int]) -> None:
    """Slide callouts sideways so those on the same side of the bar never overlap."""
    ax.figure.draw_without_rendering()
    box = ax.get_window_extent(ax.figure.canvas.get_renderer())
    x0, x1 = ax.get_xlim()
    per_px = (x1 - x0) / box.width
    gap = 8 * ax.figure.dpi / 72 * per_px
    for side in (1, -1):
        items = sorted((callouts[i].xyann[0], _extent(ax, callouts[i]).width * per_px, i)
                       for i in callouts if sides[i] == side)
        if not items:
            continue
        xs = [min(max(x, x0 + w / 2), x1 - w / 2) for x, w, _ in items]  # stay on the page
        for k in range(1, len(xs)):  # push right past the left neighbour
            xs[k] = max(xs[k], xs[k - 1] + (items[k - 1][1] + items[k][1]) / 2 + gap)
        xs[-1] = min(xs[-1], x1 - items[-1][1] / 2)
        for k in range(len(xs) - 2, -1, -1):  # then back left from the right edge
            xs[k] = min(xs[k], xs[k + 1] - (items[k][1] + items[k + 1][1]) / 2 - gap)
        for x, (_, _, i) in zip(xs, items):
            callouts[i].xyann = (x, callouts[i].xyann[1])


@_responsive
def dumbbell(labels: Sequence[str], before: Sequence[float], after: Sequence[float], *,
             before_label: str, after_label: str,
             value_format: ValueFormat = count) -> Chart:
    """Before/after per row: two dots joined by a line, values at the ends.

    The two series are named once, in their own colours, above the first
    row, instead of in a legend. Rows keep the order given, top to bottom.

    Parameters
    ----------
    labels : sequence of str
    before, after : sequence of float
    before_label, after_label : str
        Names of the two series, e.g. ``"2022-23"`` and ``"2023-24"``.
    value_format : str or callable, default :func:`lacoe_report.core.formats.count`

    Returns
    -------
    Chart
        ``data`` holds ``("<label>, <before_label>", value)`` then
        ``("<label>, <after_label>", value)`` for each row.

    Examples
    --------
    >>> dumbbell(["Followers"], [900], [1500], before_label="2022", after_label="2023")
    Chart (dumbbell)
    Followers, 2022: 900
    Followers, 2023: 1,500
    """
    names, (b, a) = _check(labels, before=before, after=after)
    fmt = _formatter(value_format)
    n = len(names)
    chart = Chart("dumbbell", figsize=(_LAYOUT.get().width, _row_figure_height(names, extra=0.6)))
    with house_style():
        ax = chart.ax
        ys = [n - 1 - i for i in range(n)]
        texts = []
        for y, name, vb, va in zip(ys, names, b, a):
            ax.plot([vb, va], [y, y], color=_CONNECTOR, linewidth=3, solid_capstyle="butt",
                    zorder=1)
            ax.plot([vb], [y], "o", color=_BEFORE, markersize=9, zorder=2)
            ax.plot([va], [y], "o", color=HIGHLIGHT, markersize=9, zorder=3)
            tb, ta = fmt(vb), fmt(va)
            # Values go on the outer side of each dot so they never sit on the line.
            texts.append(_value_label(ax, tb, vb, y, right=vb > va, gap=7, color=_BEFORE))
            texts.append(_value_label(ax, ta, va, y, right=va >= vb, gap=7, color=HIGHLIGHT,
                                      fontweight="bold"))
            chart.record(f"{name}, {before_label}", tb, vb)
            chart.record(f"{name}, {after_label}", ta, va)
        ax.set_yticks(ys, [_wrap(name) for name in names])
        _quiet_axes(ax)
        ax.set_ylim(-0.45, n - 0.55)
        lo, hi = min(*b, *a), max(*b, *a)
        span = (hi - lo) or abs(hi) or 1.0
        ax.set_xlim(lo - 0.05 * span, hi + 0.05 * span)
        _fit_to_texts(ax, texts)
        if _LAYOUT.get() is NARROW:
            _key(ax, [(before_label, _BEFORE, dict(marker="o", markersize=8, color=_BEFORE)),
                      (after_label, HIGHLIGHT, dict(marker="o", markersize=8, color=HIGHLIGHT))])
        else:
            _name_two_series(ax, ys[0], (b[0], before_label, _BEFORE),
                             (a[0], after_label, HIGHLIGHT), texts)
    return chart


@_responsive
def stated_vs_computed(labels: Sequence[str], stated: Sequence[float],
                       computed: Sequence[float], *,
                       value_format: ValueFormat = "{:,.1f}",
                       stated_label: str = "Stated, as printed",
                       computed_label: str = "Computed",
                       xlabel: str | None = None) -> Chart:
    """Dot plot checking stated figures against figures computed from the data.

    A hollow ring marks the stated value and a filled dot the computed one;
    when they agree the dot sits inside the ring and one value is printed.
    The x axis and a light vertical grid stay, because here the gap between
    marks is the point.

    Parameters
    ----------
    labels : sequence of str
    stated, computed : sequence of float
        E.g. budget percentages as printed, and as computed from the dollar
        amounts. Both in the same unit.
    value_format : str or callable, default ``"{:,.1f}"``
        The book's precision for computed values: one decimal by default, so
        a small discrepancy stays visible. A stated value prints as the
        report printed it, without all-zero decimals (``48%``, not ``48.0%``).
    stated_label, computed_label : str
        Names printed above the first row; they say which value is printed
        as stated and which at the book's precision.
    xlabel : str, optional

    Returns
    -------
    Chart
        ``data`` holds ``("<label>, stated", value)`` and
        ``("<label>, computed", value)`` per row.

    Examples
    --------
    >>> stated_vs_computed(["Instruction"], [48], [48.2], value_format="{:.1f}%")
    Chart (stated vs computed)
    Instruction, stated: 48%
    Instruction, computed: 48.2%
    """
    names, (s, c) = _check(labels, stated=stated, computed=computed)
    fmt = _formatter(value_format)
    n = len(names)
    chart = Chart("stated vs computed",
                  figsize=(_LAYOUT.get().width, _row_figure_height(names, extra=1.2 + 0.25 * bool(xlabel))))
    with house_style():
        ax = chart.ax
        ys = [n - 1 - i for i in range(n)]
        texts = []
        for y, name, vs, vc in zip(ys, names, s, c):
            ax.plot([vs, vc], [y, y], color=_CONNECTOR, linewidth=2, zorder=1)
            # Ring larger than the dot, so agreement reads as a dot in a ring.
            ax.plot([vs], [y], "o", markersize=12, markerfacecolor="white",
                    markeredgecolor=_TEXT, markeredgewidth=1.6, zorder=2)
            ax.plot([vc], [y], "o", markersize=6.5, color=HIGHLIGHT, zorder=3)
            ts, tc = _as_printed(fmt(vs)), fmt(vc)
            if fmt(vs) == tc:  # they agree at the book's precision: one label
                texts.append(_value_label(ax, ts, max(vs, vc), y, gap=9))
            else:
                texts.append(_value_label(ax, ts, vs, y, right=vs > vc, gap=9))
                texts.append(_value_label(ax, tc, vc, y, right=vc >= vs, gap=9,
                                          color=HIGHLIGHT, fontweight="bold"))
            chart.record(f"{name}, stated", ts, vs)
            chart.record(f"{name}, computed", tc, vc)
        ax.set_yticks(ys, [_wrap(name) for name in names])
        _quiet_axes(ax, keep_x=True)
        ax.grid(axis="x")
        # Ticks in the labels' format, minus all-zero decimals ("10%", not "10.0%").
        ax.xaxis.set_major_formatter(
            FuncFormatter(lambda v, _pos: re.sub(r"\.0+(?=\D*$)", "", fmt(v))))
        if xlabel:
            ax.set_xlabel(xlabel)
        ax.set_ylim(-0.5, n - 0.5)
        lo, hi = min(*s, *c), max(*s, *c)
        lo = min(lo, 0.0) if lo >= 0 else lo  # positive data: show it from zero
        span = (hi - lo) or abs(hi) or 1.0
        ax.set_xlim(lo, hi + 0.05 * span)
        _fit_to_texts(ax, texts)
        if _LAYOUT.get() is NARROW:
            _key(ax, [(stated_label, _TEXT, dict(marker="o", markersize=10, markerfacecolor="white",
                                                 markeredgecolor=_TEXT, markeredgewidth=1.6)),
                      (computed_label, HIGHLIGHT, dict(marker="o", markersize=6.5, color=HIGHLIGHT))])
        else:
            _name_two_series(ax, ys[0], (s[0], stated_label, _TEXT),
                             (c[0], computed_label, HIGHLIGHT), texts)
    return chart


@_responsive
def paired_bars(labels: Sequence[str], values_a: Sequence[float], values_b: Sequence[float], *,
                name_a: str, name_b: str,
                value_format: ValueFormat = count) -> Chart:
    """Grouped horizontal bars for two series, e.g. participants and sessions.

    Rows keep the order given. The series are named once, in their colours,
    after the values of the first row, instead of in a legend.

    Parameters
    ----------
    labels : sequence of str
    values_a, values_b : sequence of float
    name_a, name_b : str
        Series names, e.g. ``"participants"`` and ``"sessions"``.
    value_format : str or callable, default :func:`lacoe_report.core.formats.count`

    Returns
    -------
    Chart
        ``data`` holds ``("<label>, <name_a>", value)`` then
        ``("<label>, <name_b>", value)`` for each row.

    Examples
    --------
    >>> paired_bars(["Workshops"], [1200], [85], name_a="participants", name_b="sessions")
    Chart (paired bars)
    Workshops, participants: 1,200
    Workshops, sessions: 85
    """
    names, (va, vb) = _check(labels, values_a=values_a, values_b=values_b)
    fmt = _formatter(value_format)
    n = len(names)
    colour_a, colour_b = PALETTE["blue"], PALETTE["vermillion"]
    chart = Chart("paired bars",
                  figsize=(_LAYOUT.get().width, _row_figure_height(names, per_row=0.5, extra=0.5)))
    with house_style():
        ax = chart.ax
        ys = [n - 1 - i for i in range(n)]
        h = 0.36
        ax.barh([y + h / 2 for y in ys], va, height=h, color=colour_a, linewidth=0)
        ax.barh([y - h / 2 for y in ys], vb, height=h, color=colour_b, linewidth=0)
        texts = []
        for row, (y, name, xa, xb) in enumerate(zip(ys, names, va, vb)):
            ta, tb = fmt(xa), fmt(xb)
            for x, t, yy, colour, series in ((xa, ta, y + h / 2, colour_a, name_a),
                                             (xb, tb, y - h / 2, colour_b, name_b)):
                label = _value_label(ax, t, x, yy, right=x >= 0)
                texts.append(label)
                if row == 0 and _LAYOUT.get() is WIDE:
                    # Series name right after the first row's value, in its colour.
                    texts.append(ax.annotate(
                        series, (1.0 if x >= 0 else 0.0, 0.5), xycoords=label,
                        xytext=(5 if x >= 0 else -5, 0), textcoords="offset points",
                        ha="left" if x >= 0 else "right", va="center", color=colour,
                        fontsize=_LABEL_SIZE, fontweight="bold"))
            chart.record(f"{name}, {name_a}", ta, xa)
            chart.record(f"{name}, {name_b}", tb, xb)
        if _LAYOUT.get() is NARROW:
            _key(ax, [(name_a, colour_a, dict(marker="s", markersize=9, color=colour_a)),
                      (name_b, colour_b, dict(marker="s", markersize=9, color=colour_b))])
        ax.set_yticks(ys, [_wrap(name) for name in names])
        _quiet_axes(ax)
        ax.axvline(0, color=_RULE, linewidth=0.8)
        ax.set_ylim(-0.6, n - 0.4)
        lo, hi = min(0.0, *va, *vb), max(0.0, *va, *vb)
        ax.set_xlim(lo, hi if hi > lo else 1.0)
        _fit_to_texts(ax, texts)
    return chart
