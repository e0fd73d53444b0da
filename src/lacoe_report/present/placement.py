"""Where the text of a chart goes: wrapped row labels, values beside their marks, series names.

The chart helpers (:mod:`lacoe_report.present.plots`) label marks directly, not with axes and legends.
The text they place is measured in pixels after a layout pass and the axes limits widen just enough to
hold it, so nothing is clipped; text that no limits can hold is refused with an error naming it.
"""
from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

from matplotlib.colors import to_rgb
from matplotlib.lines import Line2D
from matplotlib.text import Text

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
    """Widen the axes limits just enough that every text sits inside the axes (3 pt in).

    The texts leave the layout while they are fitted (one still outside would move the axes), and a
    second layout pass confirms the limits (:func:`widen`); tick labels that change with the limits
    can move the axes and ask for a third (four at most).

    Raises
    ------
    ValueError
        When the texts need more room together than the axes have, at any limits.
    """
    shown = [t for t in texts if t.get_visible()]
    in_layout = [t.get_in_layout() for t in shown]
    for text in shown:
        text.set_in_layout(False)
    try:
        for _ in range(4):
            box = axes_box(ax)
            if not any([widen(ax, shown, box, axis) for axis, on in (("x", x), ("y", y)) if on and shown]):
                return
    finally:
        for text, kept in zip(shown, in_layout):
            text.set_in_layout(kept)


def widen(ax, texts: Sequence[Text], box, axis: str) -> bool:
    """Set the narrowest limits along ``axis`` (``"x"`` or ``"y"``) that hold every text inside ``box``.

    A text sits at an anchor in data units plus an offset in points, so its pixel edges at the limits
    and at limits twice as wide give both; each text then bounds the limits linearly, and the
    narrowest limits that keep the data in view follow exactly. Returns False when the texts fit already.
    """
    get, set_ = getattr(ax, f"get_{axis}lim"), getattr(ax, f"set_{axis}lim")
    (p0, p1), pad = getattr(box, f"interval{axis}"), 3.0 * ax.figure.dpi / 72
    width = p1 - p0
    edges = [getattr(extent(t), f"interval{axis}") for t in texts]
    if all(lo >= p0 + pad - 0.5 and hi <= p1 - pad + 0.5 for lo, hi in edges):
        return False
    v0, v1 = get()
    span = v1 - v0
    set_(v0 - span / 2, v1 + span / 2)
    # An anchor a fraction f of the way along moves to (f/2 + 1/4) of the way when the limits double.
    where = [2 * (lo - getattr(extent(t), f"interval{axis}")[0]) / width + 0.5 for t, (lo, _) in zip(texts, edges)]
    # With U data units per pixel and V0 the new lower limit, each bound reads V0 <= c + d * U (upper)
    # or V0 >= c + d * U (lower): a text's low edge at least pad in, its high edge at least pad short
    # of the far end, and the old limits inside the new ones.
    upper = [(v0, 0.0)] + [(v0 + f * span, lo - p0 - f * width - pad) for f, (lo, _) in zip(where, edges)]
    lower = [(v1, -width)] + [(v0 + f * span, hi - p0 - f * width + pad - width) for f, (_, hi) in zip(where, edges)]
    pairs = [(cu - cl, du - dl) for cu, du in upper for cl, dl in lower]
    per_px = max(-c / d for c, d in pairs if d > 0)
    if any(c + d * per_px < -1e-9 * (abs(v0) + abs(v1) + span) for c, d in pairs if d <= 0):
        raise ValueError(f"the labels {[t.get_text() for t in texts]} need more than the axes' {width:.0f} px "
                         f"along {axis} at any limits: shorten or wrap them")
    low = min(c + d * per_px for c, d in upper)
    set_(low, low + width * per_px)
    return True


def key(ax, entries: Sequence[tuple[str, str, dict]]) -> None:
    """Name the series in a key over the chart, one per line: the phone layout has no room beside the marks.

    Each entry is ``(name, colour, marker style)``; names print in their colour. The key spans the
    figure, from its left edge, so a long name takes room above the chart, not from the axes' width.
    """
    handles = [Line2D([], [], linestyle="none", **style) for _, _, style in entries]
    legend = ax.figure.legend(handles, [name for name, _, _ in entries], loc="outside upper left",
                              borderaxespad=0.3, handletextpad=0.4, fontsize=LABEL_SIZE, alignment="left")
    for text, (_, colour, _) in zip(legend.get_texts(), entries):
        text.set_color(colour)
        text.set_fontweight("bold")


def name_series(ax, y: float, others: Sequence[Text], *series: tuple[float, str, str, dict]) -> None:
    """Name two series without a legend: by text just above their marks in row ``y``; then fit every text.

    Each series is ``(x, name, colour, marker style)``. A name is centred over its mark, or pushed
    outwards if the names would collide; the phone layout puts them in a :func:`key`. Either way the
    texts are fitted last, once nothing else will move the axes.
    """
    if LAYOUT.get() is NARROW:
        key(ax, [(name, colour, style) for _, name, colour, style in series])
        fit_to_texts(ax, others)
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
