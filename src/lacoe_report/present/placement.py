"""Where the text of a chart goes: wrapped row labels, values beside their marks, series names.

The chart helpers (:mod:`lacoe_report.present.plots`) label marks directly, not with axes and legends.
The text they place is measured in pixels after a layout pass, and the axes limits widen until every
text sits inside them, so nothing is clipped whatever the values or the layout.
"""
from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

from matplotlib.colors import to_rgb
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from .chart import LABEL_SIZE, LAYOUT, NARROW, TEXT, WIDE


def wrap(label: str, width: int | None = None) -> str:
    """Wrap a label at the current layout's width, or at ``width`` characters scaled from the wide layout.

    Examples
    --------
    >>> print(wrap("Students served by the county office programs"))
    Students served by the
    county office programs
    """
    layout = LAYOUT.get()
    width = layout.wrap if width is None else max(8, round(width * layout.wrap / WIDE.wrap))
    return textwrap.fill(label, width, break_long_words=False) or label


def row_figsize(labels: Iterable[str], *, per_row: float = 0.2, extra: float = 0.55) -> tuple[float, float]:
    """Figure size for a chart with one row per label, in the current layout.

    The height grows with the rows and wrapped label lines: bars keep their thickness, whatever their number.

    Examples
    --------
    >>> [round(inches, 2) for inches in row_figsize(["One", "Two"])]  # 0.55 + 2 * 0.2 + 2 * 0.24 high
    [7.2, 1.43]
    """
    labels = list(labels)
    lines = sum(wrap(label).count("\n") + 1 for label in labels)
    return LAYOUT.get().width, min(10.0, extra + per_row * len(labels) + 0.24 * lines)


def text_on(colour: str) -> str:
    """Black or white, whichever contrasts more with ``colour`` (WCAG).

    Examples
    --------
    >>> text_on("#0072B2"), text_on("#F0E442")
    ('white', 'black')
    """
    def lum(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lum(c) for c in to_rgb(colour))
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "white" if (1.05 / (y + 0.05)) > ((y + 0.05) / 0.05) else "black"


def quiet_axes(ax, *, keep_x: bool = False, pad: float = 6) -> None:
    """Hide what direct labels make redundant: value axis, left spine, tick marks (row labels ``pad`` pt out)."""
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0, pad=pad)
    if not keep_x:
        ax.spines["bottom"].set_visible(False)
        ax.tick_params(axis="x", bottom=False, labelbottom=False)


def value_label(ax, text: str, x: float, y: float, *, right: bool = True,
                gap: float = 4, **kw: Any) -> Text:
    """A value printed just beyond a mark, right of it or left of it (``gap`` points away)."""
    kw.setdefault("color", TEXT)
    kw.setdefault("fontsize", LABEL_SIZE)
    return ax.annotate(text, (x, y), xytext=(gap if right else -gap, 0),
                       textcoords="offset points", ha="left" if right else "right",
                       va="center", **kw)


def axes_box(ax):
    """The axes' pixel box as constrained layout places it: a draw's layout, not its drawing (a third of its time)."""
    engine = ax.figure.get_layout_engine()
    if engine is not None:  # the house style's constrained layout; a figure placed by hand needs no pass
        engine.execute(ax.figure)
    return ax.get_window_extent(ax.figure.canvas.get_renderer())


def extent(text: Text):
    """Pixel box of a text alone: an annotation's own extent includes its leader line."""
    renderer = text.figure.canvas.get_renderer()
    if hasattr(text, "update_positions"):
        text.update_positions(renderer)  # annotations place themselves lazily
    return Text.get_window_extent(text, renderer)


def fit_to_texts(ax, texts: Sequence[Text], *, x: bool = True, y: bool = False) -> None:
    """Widen the axes limits until every text sits inside the axes (3 pt in).

    A label's offset is in points, so the room it needs depends on the limits: a few rounds settle it.
    """
    fig = ax.figure
    pad = 3.0 * fig.dpi / 72
    for _ in range(12):
        box = axes_box(ax)
        extents = [extent(t) for t in texts if t.get_visible()]
        if not extents:
            return
        used = Bbox.union(extents)
        moved = False
        for on, (lo_px, hi_px), (t_lo, t_hi), get, set_ in (
                (x, box.intervalx, used.intervalx, ax.get_xlim, ax.set_xlim),
                (y, box.intervaly, used.intervaly, ax.get_ylim, ax.set_ylim)):
            over_lo = max(0.0, lo_px + pad - t_lo)
            over_hi = max(0.0, t_hi - (hi_px - pad))
            if not on or (over_lo < 0.5 and over_hi < 0.5):
                continue
            v0, v1 = get()
            per_px = (v1 - v0) / (hi_px - lo_px)
            # Overshoot slightly: widening the range shrinks the scale, which
            # would otherwise leave a sliver of overflow for the next round.
            set_(v0 - 1.15 * over_lo * per_px, v1 + 1.15 * over_hi * per_px)
            moved = True
        if not moved:
            return


def key(ax, entries: Sequence[tuple[str, str, dict]]) -> None:
    """Name the series in a key above the axes, one per line: the phone layout has no room beside the marks.

    Each entry is ``(name, colour, marker style)``; names print in their colour.
    """
    handles = [Line2D([], [], linestyle="none", **style) for _, _, style in entries]
    legend = ax.legend(handles, [name for name, _, _ in entries], loc="lower left",
                       bbox_to_anchor=(0.0, 1.0), borderaxespad=0.3, handletextpad=0.4,
                       fontsize=LABEL_SIZE, alignment="left")
    for text, (_, colour, _) in zip(legend.get_texts(), entries):
        text.set_color(colour)
        text.set_fontweight("bold")


def name_series(ax, y: float, others: Sequence[Text], *series: tuple[float, str, str, dict]) -> None:
    """Name two series without a legend: by text just above their marks in row ``y``.

    Each series is ``(x, name, colour, marker style)``. A name is centred over its mark, or pushed
    outwards if the names would collide; the phone layout puts them in a :func:`key`.
    """
    if LAYOUT.get() is NARROW:
        key(ax, [(name, colour, style) for _, name, colour, style in series])
        return
    kw = dict(textcoords="offset points", va="bottom", fontsize=LABEL_SIZE, fontweight="bold")
    names = [ax.annotate(name, (x, y), xytext=(0, 9), ha="center", color=colour, **kw)
             for x, name, colour, _ in sorted(series, key=lambda s: s[0])]
    fit_to_texts(ax, [*others, *names], y=True)
    a, b = (extent(t) for t in names)
    if a.x1 + 6 * ax.figure.dpi / 72 > b.x0:
        for name, ha, dx in zip(names, ("right", "left"), (-3, 3)):
            name.set_ha(ha)
            name.xyann = (dx, 9)
        fit_to_texts(ax, [*others, *names], y=True)


def spread_callouts(ax, callouts: dict[int, Any], sides: dict[int, int]) -> None:
    """Slide callouts sideways so those on the same side of a bar never overlap (8 pt apart)."""
    box = axes_box(ax)
    x0, x1 = ax.get_xlim()
    per_px = (x1 - x0) / box.width
    gap = 8 * ax.figure.dpi / 72 * per_px
    for side in (1, -1):
        items = sorted((callouts[i].xyann[0], extent(callouts[i]).width * per_px, i)
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
