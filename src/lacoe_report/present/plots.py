"""The report's charts, one helper per kind, each returning a :class:`~lacoe_report.present.chart.Chart`.

Values are labelled directly on the marks (:mod:`lacoe_report.present.placement`); there are no
titles (captions live in notebook cell metadata) and no legends: series are named next to the data, or on a
phone in a key over the chart.

Examples
--------
>>> chart = ordered_bars(["Facebook reach", "Instagram reach"], [65_000, 186_000])
>>> print(repr(chart))
Chart (ordered bars)
Instagram reach: 186,000
Facebook reach: 65,000
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from itertools import cycle
from typing import Any

from ..core.formats import Hedged, count, percent
from ..core.sourced import source_of
from .chart import (BEFORE, CONNECTOR, HIGHLIGHT, LABEL_SIZE, LAYOUT, MUTED, NARROW, PALETTE, RULE, STYLE_PATH,
                    TEXT, WIDE, Chart, ValueFormat, chart_helper, house_style, label_formatter)
from .placement import (axes_box, extent, fit_to_texts, key, name_series, quiet_axes, row_figsize, spread_callouts,
                        text_on, value_label, wrap)

__all__ = ["STYLE_PATH", "PALETTE", "HIGHLIGHT", "MUTED", "house_style", "Chart",
           "ordered_bars", "share_bar", "dumbbell", "stated_vs_computed", "paired_bars"]


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


def _check(labels: Any, **series: Any) -> tuple[list[str], list[list[float]]]:
    """Validate labels and equally long numeric series; return plain lists.

    A hedged number keeps its hedge (for its label), a number with a source its source (for the data).
    """
    names = [str(label) for label in _as_list(labels, "labels")]
    if not names:
        raise ValueError("nothing to plot: labels is empty")
    columns = []
    for what, values in series.items():
        numbers = []
        for item in _as_list(values, what):
            try:
                x = item if isinstance(item, Hedged) or source_of(item) is not None else float(item)
            except (TypeError, ValueError):
                raise ValueError(f"{what} must be numbers; got {item!r}") from None
            if not math.isfinite(x):
                raise ValueError(f"{what} must be finite numbers; got {item!r}")
            numbers.append(x)
        if len(numbers) != len(names):
            raise ValueError(f"labels has {len(names)} items but {what} has {len(numbers)}; "
                             "they must be the same length")
        columns.append(numbers)
    return names, columns


def _as_printed(text: str) -> str:
    """Drop trailing zero decimals, as the report prints a stated figure: ``48.0%`` -> ``48%``.

    Examples
    --------
    >>> _as_printed("48.0%"), _as_printed("6.30%"), _as_printed("$1.25M"), _as_printed("100%")
    ('48%', '6.3%', '$1.25M', '100%')
    """
    return re.sub(r"(\d)\.(\d*?)0+(?=\D*$)",
                  lambda m: m.group(1) + (f".{m.group(2)}" if m.group(2) else ""), text)


def _rows(kind: str, names: Sequence[str], **size: float) -> tuple[Chart, list[int]]:
    """A chart of one row per name, labelled, the first on top; and the rows' y positions."""
    chart = Chart(kind, figsize=row_figsize(names, **size))
    ys = list(range(len(names) - 1, -1, -1))
    chart.ax.set_yticks(ys, [wrap(name) for name in names])
    return chart, ys


def _from_zero(ax, values: Sequence[float], texts: Sequence) -> None:
    """Finish rows of bars: a baseline at zero, every bar and every label in view."""
    quiet_axes(ax)
    ax.axvline(0, color=RULE, linewidth=0.8)  # the baseline bars grow from
    ax.set_ylim(-0.6, len(ax.get_yticks()) - 0.4)
    lo, hi = min(0.0, *values), max(0.0, *values)
    ax.set_xlim(lo, hi if hi > lo else 1.0)
    fit_to_texts(ax, texts)


def _dots_in_view(ax, lo: float, hi: float, margin: float, texts: list, *series: tuple) -> None:
    """Finish a dot chart: x from ``lo`` to ``hi`` (``margin`` of the span left and 5% right),
    every label in view, the series named over the top row (:func:`name_series`)."""
    span = (hi - lo) or abs(hi) or 1.0
    ax.set_xlim(lo - margin * span, hi + 0.05 * span)
    name_series(ax, max(ax.get_yticks()), texts, *series)


@chart_helper
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
    fmt = label_formatter(value_format)
    if highlight is None:
        marked = set(names)
    else:
        marked = {highlight} if isinstance(highlight, str) else set(highlight)
        unknown = sorted(marked - set(names))
        if unknown:
            raise ValueError(f"highlight names labels that are not plotted: {unknown}")

    # Stable sort: ties keep the caller's order.
    order = sorted(range(len(vals)), key=lambda i: -vals[i])
    chart, ys = _rows("ordered bars", [names[i] for i in order], extra=0.55 + 0.3 * bool(xlabel))
    ax = chart.ax
    colours = [HIGHLIGHT if names[i] in marked else MUTED for i in order]
    ax.barh(ys, [vals[i] for i in order], height=0.68, color=colours, linewidth=0)
    texts = []
    for y, i, tick in zip(ys, order, ax.get_yticklabels()):
        text = fmt(vals[i])
        weight = "bold" if highlight is not None and names[i] in marked else "normal"
        tick.set_fontweight(weight)  # a named highlight is bold, its row label and its value
        texts.append(value_label(ax, text, vals[i], y, right=vals[i] >= 0, fontweight=weight))
        chart.record(names[i], text, vals[i])
    if xlabel:
        ax.set_xlabel(xlabel)
    _from_zero(ax, vals, texts)
    return chart


@chart_helper
def share_bar(labels: Sequence[str], values: Sequence[float], *,
              value_format: ValueFormat | None = None,
              total_label: str | None = None) -> Chart:
    """One 100%-stacked horizontal bar of the shares of a whole, each labelled inside or in a callout.

    Parameters
    ----------
    labels : sequence of str
        One label per part, drawn left to right in the order given.
    values : sequence of float
        Non-negative amounts; shares are ``value / sum(values)``.
    value_format : str or callable, optional
        When given, each segment also shows its amount: ``$303M (48%)``.
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
    fmt = label_formatter(value_format) if value_format is not None else None
    shares = [v / total for v in vals]
    texts = [f"{fmt(v)} ({percent(100 * s)})" if fmt else percent(100 * s)
             for v, s in zip(vals, shares)]
    if LAYOUT.get() is NARROW:
        # A phone has no room for labels inside or around one bar: one bar per part instead.
        text_of = dict(zip(shares, texts))
        chart = ordered_bars(names, shares, value_format=text_of.__getitem__, xlabel=total_label)
        chart.kind = "share bar"
        return chart

    chart = Chart("share bar", figsize=(LAYOUT.get().width, 1.15))
    half = 0.3  # half the bar's thickness, in data units (about 0.3 in)
    ax = chart.ax
    colours = [c for c, _ in zip(cycle(PALETTE.values()), names)]
    lefts = [math.fsum(shares[:i]) for i in range(len(shares))]
    ax.barh([0] * len(shares), shares, left=lefts, height=2 * half, color=colours,
            edgecolor="white", linewidth=1.2)
    ax.set_xlim(0, 1)
    quiet_axes(ax, pad=8)
    ax.set_yticks([0], [wrap(total_label, 16)] if total_label else [""])
    for name, text, value in zip(names, texts, vals):
        chart.record(name, text, value)

    # Each label goes inside its segment, wrapped ever narrower, if it fits the bar as finally drawn; one that
    # fits no wrapping becomes a callout. Callouts take height that thins the bar, so the labels are tried again.
    outside: list[int] = []
    callout_texts = [f"{wrap(n, 20)}\n{t}" for n, t in zip(names, texts)]
    while True:
        for text in list(ax.texts):
            text.remove()
        _callouts(chart, outside, callout_texts, lefts, shares, half)
        box = axes_box(ax)
        room = (box.width, 2 * half / (ax.get_ylim()[1] - ax.get_ylim()[0]) * box.height)
        misfits = [i for i in range(len(names)) if i not in outside and not _label_inside(
            ax, names[i], texts[i], lefts[i], shares[i], colours[i], room)]
        if not misfits:
            return chart
        outside = sorted(outside + misfits)


def _label_inside(ax, name: str, text: str, left: float, share: float, colour: str, room) -> bool:
    """Put a share's label inside its segment, wrapped ever narrower, if any wrapping fits ``room`` (px)."""
    pad = 4 * ax.figure.dpi / 72
    label = ax.text(left + share / 2, 0, "", ha="center", va="center", fontsize=LABEL_SIZE,
                    color=text_on(colour), linespacing=1.1)
    for width in (18, 12, 8):
        label.set_text(f"{wrap(name, width)}\n{text}")
        e = extent(label)
        if e.width + 2 * pad <= share * room[0] and e.height + pad <= room[1]:
            return True
    label.remove()
    return False


def _callouts(chart: Chart, outside: list[int], labels: list[str], lefts: list, shares: list, half: float) -> None:
    """Callouts for the shares ``outside`` the bar, the first above it, then below, alternately; and their room."""
    ax, sides = chart.ax, {i: 1 - 2 * (k % 2) for k, i in enumerate(outside)}
    # Each side has room for its callout of most lines, about 0.17 in each, and the figure grows by as much
    # (one data unit is about one inch), so the bar keeps its height; fit_to_texts is a safety net.
    above, below = (max([0.28 + 0.17 * (labels[i].count("\n") + 1) for i in sides if sides[i] == side], default=0.08)
                    for side in (1, -1))
    chart.figure.set_size_inches(LAYOUT.get().width, 0.99 + above + below)
    ax.set_ylim(-half - below, half + above)
    callouts = {}
    for i, side in sides.items():
        cx = lefts[i] + shares[i] / 2
        callouts[i] = ax.annotate(
            labels[i], xy=(cx, side * half), xytext=(cx, side * (half + 0.22)),
            ha="center", va="bottom" if side > 0 else "top", fontsize=LABEL_SIZE,
            color=TEXT, linespacing=1.15, annotation_clip=False,
            arrowprops=dict(arrowstyle="-", color=RULE, linewidth=0.8, shrinkA=1, shrinkB=0,
                            relpos=(0.5, 0.0 if side > 0 else 1.0)))
    if callouts:
        spread_callouts(ax, callouts, sides)
        fit_to_texts(ax, list(callouts.values()), x=False, y=True)


@chart_helper
def dumbbell(labels: Sequence[str], before: Sequence[float], after: Sequence[float], *,
             before_label: str, after_label: str,
             value_format: ValueFormat = count) -> Chart:
    """Before/after per row: two dots joined by a line, values at the ends, series named above the first row.

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
    fmt = label_formatter(value_format)
    chart, ys = _rows("dumbbell", names, extra=0.6)
    ax = chart.ax
    texts = []
    # A phone has no room for both values of a row on one line beside its dots: a hedge goes above its number.
    def shown(text: str, value: float) -> str:
        hedge = getattr(value, "hedge", "") if LAYOUT.get() is NARROW else ""
        return text.replace(f"{hedge} ", hedge + "\n", 1) if hedge else text

    for y, name, vb, va in zip(ys, names, b, a):
        ax.plot([vb, va], [y, y], color=CONNECTOR, linewidth=3, solid_capstyle="butt",
                zorder=1)
        ax.plot([vb], [y], "o", color=BEFORE, markersize=9, zorder=2)
        ax.plot([va], [y], "o", color=HIGHLIGHT, markersize=9, zorder=3)
        tb, ta = fmt(vb), fmt(va)
        # Values go on the outer side of each dot so they never sit on the line.
        texts.append(value_label(ax, shown(tb, vb), vb, y, right=vb > va, gap=7, color=BEFORE))
        texts.append(value_label(ax, shown(ta, va), va, y, right=va >= vb, gap=7, color=HIGHLIGHT,
                                 fontweight="bold"))
        chart.record(f"{name}, {before_label}", tb, vb)
        chart.record(f"{name}, {after_label}", ta, va)
    quiet_axes(ax)
    ax.set_ylim(-0.45, len(ys) - 0.55)
    _dots_in_view(ax, min(*b, *a), max(*b, *a), 0.05, texts,
                  (b[0], before_label, BEFORE, dict(marker="o", markersize=8, color=BEFORE)),
                  (a[0], after_label, HIGHLIGHT, dict(marker="o", markersize=8, color=HIGHLIGHT)))
    return chart


@chart_helper
def stated_vs_computed(labels: Sequence[str], stated: Sequence[float],
                       computed: Sequence[float], *,
                       value_format: ValueFormat = "{:,.1f}",
                       stated_label: str = "Stated, as printed",
                       computed_label: str = "Computed",
                       xlabel: str | None = None) -> Chart:
    """Dot plot of stated figures (hollow rings) against computed ones (filled dots), one label where they agree.

    The x axis and a light vertical grid stay: here the gap between marks is the point.

    Parameters
    ----------
    labels : sequence of str
    stated, computed : sequence of float
        In the same unit, e.g. budget shares as printed and as computed from the amounts.
    value_format : str or callable, default ``"{:,.1f}"``
        The book's precision for computed values; a stated value prints without
        all-zero decimals, as the report printed it (``48%``, not ``48.0%``).
    stated_label, computed_label : str
        Names of the two series, printed above the first row.
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
    fmt = label_formatter(value_format)
    chart, ys = _rows("stated vs computed", names, extra=1.2 + 0.25 * bool(xlabel))
    ring = dict(markerfacecolor="white", markeredgecolor=TEXT, markeredgewidth=1.6)
    ax = chart.ax
    texts = []
    for y, name, vs, vc in zip(ys, names, s, c):
        ax.plot([vs, vc], [y, y], color=CONNECTOR, linewidth=2, zorder=1)
        # Ring larger than the dot, so agreement reads as a dot in a ring.
        ax.plot([vs], [y], "o", markersize=12, zorder=2, **ring)
        ax.plot([vc], [y], "o", markersize=6.5, color=HIGHLIGHT, zorder=3)
        ts, tc = _as_printed(fmt(vs)), fmt(vc)
        if fmt(vs) == tc:  # they agree at the book's precision: one label
            texts.append(value_label(ax, ts, max(vs, vc), y, gap=9))
        else:
            texts.append(value_label(ax, ts, vs, y, right=vs > vc, gap=9))
            texts.append(value_label(ax, tc, vc, y, right=vc >= vs, gap=9,
                                     color=HIGHLIGHT, fontweight="bold"))
        chart.record(f"{name}, stated", ts, vs)
        chart.record(f"{name}, computed", tc, vc)
    quiet_axes(ax, keep_x=True)
    ax.grid(axis="x")
    # Ticks in the labels' format, minus all-zero decimals ("10%", not "10.0%").
    ax.xaxis.set_major_formatter(lambda v, _pos: re.sub(r"\.0+(?=\D*$)", "", fmt(v)))
    if xlabel:
        ax.set_xlabel(xlabel)
    ax.set_ylim(-0.5, len(ys) - 0.5)
    # Positive data is shown from zero.
    _dots_in_view(ax, min(0.0, *s, *c), max(*s, *c), 0, texts,
                  (s[0], stated_label, TEXT, dict(marker="o", markersize=10, **ring)),
                  (c[0], computed_label, HIGHLIGHT, dict(marker="o", markersize=6.5, color=HIGHLIGHT)))
    return chart


@chart_helper
def paired_bars(labels: Sequence[str], values_a: Sequence[float], values_b: Sequence[float], *,
                name_a: str, name_b: str,
                value_format: ValueFormat = count) -> Chart:
    """Grouped horizontal bars for two series, rows in the order given, series named beside the first row's values.

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
    fmt = label_formatter(value_format)
    colour_a, colour_b = PALETTE["blue"], PALETTE["vermillion"]
    chart, ys = _rows("paired bars", names, per_row=0.5, extra=0.5)
    ax = chart.ax
    h = 0.36
    ax.barh([y + h / 2 for y in ys], va, height=h, color=colour_a, linewidth=0)
    ax.barh([y - h / 2 for y in ys], vb, height=h, color=colour_b, linewidth=0)
    texts = []
    for row, (y, name, xa, xb) in enumerate(zip(ys, names, va, vb)):
        for x, yy, colour, series in ((xa, y + h / 2, colour_a, name_a), (xb, y - h / 2, colour_b, name_b)):
            label = value_label(ax, fmt(x), x, yy, right=x >= 0)
            texts.append(label)
            chart.record(f"{name}, {series}", label.get_text(), x)
            if row == 0 and LAYOUT.get() is WIDE:
                # Series name right after the first row's value, in its colour.
                texts.append(ax.annotate(
                    series, (1.0 if x >= 0 else 0.0, 0.5), xycoords=label,
                    xytext=(5 if x >= 0 else -5, 0), textcoords="offset points",
                    ha="left" if x >= 0 else "right", va="center", color=colour,
                    fontsize=LABEL_SIZE, fontweight="bold"))
    if LAYOUT.get() is NARROW:
        key(ax, [(name_a, colour_a, dict(marker="s", markersize=9, color=colour_a)),
                 (name_b, colour_b, dict(marker="s", markersize=9, color=colour_b))])
    _from_zero(ax, [*va, *vb], texts)
    return chart
