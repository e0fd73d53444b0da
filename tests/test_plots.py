"""Tests for the house-styled chart helpers in ``lacoe_report.present.plots``."""
import math
import subprocess
import sys

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from lacoe_report.present.plots import (
    HIGHLIGHT,
    MUTED,
    PALETTE,
    STYLE_PATH,
    dumbbell,
    house_style,
    ordered_bars,
    paired_bars,
    share_bar,
    stated_vs_computed,
)
from lacoe_report.core.formats import Hedged, percent, usd_short
from matplotlib.colors import to_hex
from matplotlib.text import Text

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# One small example of every chart kind, built fresh on each call.
EXAMPLES = {
    "ordered bars": lambda v=65_000: ordered_bars(
        ["Facebook reach", "Instagram reach", "YouTube views"], [v, 186_000, 42_000],
        highlight="Instagram reach"),
    "share bar": lambda v=303e6: share_bar(
        ["LCFF", "Federal", "Other state", "Local"], [v, 120e6, 180e6, 4e6],
        value_format=usd_short, total_label="Total revenue"),
    "dumbbell": lambda v=21_000: dumbbell(
        ["Facebook", "Instagram"], [v, 15_000], [23_500, 24_000],
        before_label="2022-23", after_label="2023-24"),
    "stated vs computed": lambda v=48: stated_vs_computed(
        ["Instruction", "Support"], [v, 52], [48.2, 51.8], value_format=percent),
    "paired bars": lambda v=1_200: paired_bars(
        ["Workshops", "Coaching"], [v, 260], [85, 140],
        name_a="participants", name_b="sessions"),
}


@pytest.fixture(autouse=True)
def _no_figures_leak():
    """Every test must leave pyplot with no open figures."""
    plt.close("all")
    yield
    assert plt.get_fignums() == []


@pytest.mark.parametrize("value_format, expected", [
    ("{:,.0f}", "65,000"),
    (",.1f", "65,000.0"),
    (lambda v: f"{v / 1000:.0f}k", "65k"),
])
def test_value_format_accepts_strings_and_callables(value_format, expected):
    chart = ordered_bars(["Facebook reach"], [65_000], value_format=value_format)
    assert chart.data == [("Facebook reach", expected)]


def test_bad_value_format_raises():
    with pytest.raises(ValueError, match="value_format"):
        ordered_bars(["a"], [1], value_format="{:q}")


# --------------------------------------------------------------------------
# Chart object: PNG, repr, save
# --------------------------------------------------------------------------
@pytest.mark.parametrize("kind", EXAMPLES)
def test_png_is_deterministic_and_tracks_values(kind):
    make = EXAMPLES[kind]
    first, second = make()._repr_png_(), make()._repr_png_()
    assert first.startswith(PNG_SIGNATURE)
    assert first == second, "same chart must give the same bytes"
    chart = make()
    assert chart._repr_png_() == chart._repr_png_(), "re-rendering must not change bytes"
    assert b"Software" not in first and b"matplotlib" not in first.lower()
    changed = make(EXAMPLES[kind].__defaults__[0] * 0.9)._repr_png_()
    assert changed != first, "a changed value must change the picture"


@pytest.mark.parametrize("kind", EXAMPLES)
def test_repr_has_header_and_one_line_per_datum(kind):
    chart = EXAMPLES[kind]()
    lines = repr(chart).splitlines()
    assert lines[0] == f"Chart ({kind})"
    assert chart.kind == kind
    assert lines[1:] == [f"{label}: {value}" for label, value in chart.data]
    assert len(chart.data) >= 2


def test_repr_changes_when_a_value_changes():
    assert repr(EXAMPLES["dumbbell"]()) != repr(EXAMPLES["dumbbell"](20_000))


def test_ordered_bars_repr_exact():
    chart = ordered_bars(["Facebook reach", "Instagram reach"], [65_000, 186_000])
    assert repr(chart) == "Chart (ordered bars)\nInstagram reach: 186,000\nFacebook reach: 65,000"


def test_repr_lists_every_label_and_value_of_each_kind():
    text = repr(EXAMPLES["share bar"]())
    for line in ["LCFF: $303M (50%)", "Federal: $120M (20%)", "Other state: $180M (30%)",
                 "Local: $4M (1%)"]:
        assert line in text.splitlines()
    text = repr(EXAMPLES["dumbbell"]()).splitlines()
    assert text[1:] == ["Facebook, 2022-23: 21,000", "Facebook, 2023-24: 23,500",
                        "Instagram, 2022-23: 15,000", "Instagram, 2023-24: 24,000"]
    text = repr(EXAMPLES["stated vs computed"]()).splitlines()
    assert text[1:] == ["Instruction, stated: 48%", "Instruction, computed: 48%",
                        "Support, stated: 52%", "Support, computed: 52%"]
    text = repr(EXAMPLES["paired bars"]()).splitlines()
    assert text[1:] == ["Workshops, participants: 1,200", "Workshops, sessions: 85",
                        "Coaching, participants: 260", "Coaching, sessions: 140"]


def test_wrapped_labels_stay_on_one_repr_line():
    label = "LinkedIn impressions across all county office accounts"
    chart = ordered_bars([label, "Short"], [2, 1])
    assert "\n" in chart.ax.get_yticklabels()[0].get_text()  # wrapped on the chart
    assert repr(chart).splitlines()[1] == f"{label}: 2"


def test_value_labels_are_drawn_on_the_chart():
    chart = EXAMPLES["paired bars"]()
    drawn = {t.get_text() for t in chart.ax.texts}
    for _, value in chart.data:
        assert value in drawn
    assert {"participants", "sessions"} <= drawn  # series named by direct text
    assert chart.ax.get_legend() is None


def test_chart_is_built_without_pyplot():
    chart = EXAMPLES["share bar"]()
    assert plt.get_fignums() == []
    assert type(chart.figure.canvas).__name__ == "FigureCanvasAgg"
    assert chart.ax.get_title() == ""


# --------------------------------------------------------------------------
# Style
# --------------------------------------------------------------------------
def test_style_file_is_shipped_and_safe():
    assert STYLE_PATH.is_file()
    text = STYLE_PATH.read_text()
    for colour in PALETTE.values():
        assert colour.lstrip("#").upper() in text.upper()


def test_style_applies_inside_charts_only():
    before = dict(mpl.rcParams)
    chart = EXAMPLES["ordered bars"]()
    chart._repr_png_()
    assert not chart.ax.spines["top"].get_visible()
    assert not chart.ax.spines["right"].get_visible()
    tick = chart.ax.get_yticklabels()[0]
    assert tick.get_fontfamily() == ["sans-serif"] or "DejaVu Sans" in tick.get_fontname()
    assert tick.get_fontname() == "DejaVu Sans"
    assert tick.get_fontsize() >= 10
    assert all(t.get_fontsize() >= 10 for t in chart.ax.texts)
    assert chart.figure.dpi == 150
    assert tuple(chart.figure.get_size_inches())[0] == pytest.approx(7.2)
    # Global settings are untouched after building and rendering.
    assert mpl.rcParams["axes.spines.top"] is True
    assert dict(mpl.rcParams) == before


def test_house_style_context():
    with house_style():
        assert mpl.rcParams["axes.spines.right"] is False
        assert mpl.rcParams["savefig.dpi"] == 150
        assert mpl.rcParams["font.sans-serif"][0] == "DejaVu Sans"
        cycle = [to_hex(c["color"]) for c in mpl.rcParams["axes.prop_cycle"]]
        assert cycle == [c.lower() for c in PALETTE.values()]
    assert mpl.rcParams["axes.spines.right"] is True


def test_charts_ignore_callers_rcparams():
    plain = EXAMPLES["dumbbell"]()._repr_png_()
    with mpl.rc_context({"font.size": 20, "axes.facecolor": "black", "figure.dpi": 72}):
        styled = EXAMPLES["dumbbell"]()._repr_png_()
    assert styled == plain


# --------------------------------------------------------------------------
# Chart geometry
# --------------------------------------------------------------------------
def _bars_top_to_bottom(ax):
    return [p.get_width() for p in sorted(ax.patches, key=lambda p: -p.get_y())]


def test_ordered_bars_sorts_descending_and_highlights():
    labels = ["c", "a", "d", "b"]
    chart = ordered_bars(labels, pd.Series([3.0, 10.0, 1.0, 7.0]), highlight=["b"])
    assert _bars_top_to_bottom(chart.ax) == [10.0, 7.0, 3.0, 1.0]
    ticks = sorted(chart.ax.get_yticklabels(), key=lambda t: -t.get_position()[1])
    assert [t.get_text() for t in ticks] == ["a", "b", "c", "d"]  # top to bottom
    by_colour = {}
    for p in chart.ax.patches:
        by_colour.setdefault(to_hex(p.get_facecolor()), []).append(p.get_width())
    assert by_colour == {HIGHLIGHT.lower(): [7.0], to_hex(MUTED): [10.0, 3.0, 1.0]}


def test_ordered_bars_labels_fit_inside_axes():
    chart = ordered_bars(["x", "y"], [1_000_000, 5])
    chart.figure.draw_without_rendering()
    renderer = chart.figure.canvas.get_renderer()
    box = chart.ax.get_window_extent(renderer)
    for text in chart.ax.texts:
        assert text.get_window_extent(renderer).x1 <= box.x1 + 0.5


def test_ordered_bars_unknown_highlight_raises():
    with pytest.raises(ValueError, match="highlight"):
        ordered_bars(["a", "b"], [1, 2], highlight="z")


def test_share_bar_segments_are_proportional_and_sum_to_one():
    values = [303.0, 120.0, 180.0, 4.0]
    chart = share_bar(["a", "b", "c", "d"], values)
    widths = [p.get_width() for p in chart.ax.patches]
    assert math.isclose(sum(widths), 1.0)
    total = sum(values)
    assert widths == pytest.approx([v / total for v in values])
    lefts = [p.get_x() for p in chart.ax.patches]
    assert lefts == pytest.approx([0, *[sum(values[:i]) / total for i in range(1, 4)]])
    assert [to_hex(p.get_facecolor()) for p in chart.ax.patches] == \
        [c.lower() for c in list(PALETTE.values())[:4]]
    assert chart.data == [("a", "50%"), ("b", "20%"), ("c", "30%"), ("d", "1%")]


def test_share_bar_small_segments_get_callouts_that_do_not_overlap():
    chart = share_bar([f"Program {c}" for c in "ABCDEF"], [50, 1, 1, 1, 1, 46])
    callouts = [t for t in chart.ax.texts if getattr(t, "arrow_patch", None) is not None]
    assert len(callouts) == 4
    assert _clashing_texts(chart) == []  # no text over another, the row's label included


@pytest.mark.parametrize("total_label", [None, "$627M budget"])
def test_share_bar_labels_inside_the_bar_stay_inside_their_segment(total_label):
    # The finance chapter's budget: callouts above and below once thinned the bar under its inside labels.
    chart = share_bar(["Specially funded projects", "Administration and district support",
                       "Contracted services and entrepreneurial programs", "Educational programs"],
                      [303e6, 147e6, 118e6, 59e6], value_format=usd_short, total_label=total_label)
    chart.figure.draw_without_rendering()
    renderer = chart.figure.canvas.get_renderer()
    inside = [t for t in chart.ax.texts if getattr(t, "arrow_patch", None) is None]
    assert inside and len(inside) + sum(getattr(t, "arrow_patch", None) is not None for t in chart.ax.texts) == 4
    for text in inside:
        box = Text.get_window_extent(text, renderer)
        segment = next(p.get_window_extent(renderer) for p in chart.ax.patches
                       if p.get_x() <= text.get_position()[0] <= p.get_x() + p.get_width())
        assert segment.x0 <= box.x0 and box.x1 <= segment.x1 and segment.y0 <= box.y0 and box.y1 <= segment.y1


def test_share_bar_rejects_negative_or_zero_totals():
    with pytest.raises(ValueError, match="non-negative"):
        share_bar(["a", "b"], [1, -1])
    with pytest.raises(ValueError, match="positive total"):
        share_bar(["a", "b"], [0, 0])


def test_dumbbell_single_row_names_both_series():
    chart = dumbbell(["Reach"], [100], [100], before_label="Before", after_label="After")
    texts = [t.get_text() for t in chart.ax.texts]
    assert "Before" in texts and "After" in texts
    assert chart.data == [("Reach, Before", "100"), ("Reach, After", "100")]
    chart.figure.draw_without_rendering()
    renderer = chart.figure.canvas.get_renderer()
    before, after = (t for t in chart.ax.texts if t.get_text() in ("Before", "After"))
    assert not before.get_window_extent(renderer).overlaps(after.get_window_extent(renderer))


def test_stated_vs_computed_uses_hollow_and_filled_markers():
    chart = stated_vs_computed(["x"], [10], [12])
    marker_lines = [ln for ln in chart.ax.lines if ln.get_marker() == "o"]
    faces = sorted(to_hex(ln.get_markerfacecolor()) for ln in marker_lines)
    assert faces == sorted([HIGHLIGHT.lower(), "#ffffff"])


# --------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda: ordered_bars(["a", "b"], [1]),
    lambda: share_bar(["a"], [1, 2]),
    lambda: dumbbell(["a"], [1], [1, 2], before_label="x", after_label="y"),
    lambda: stated_vs_computed(["a", "b"], [1, 2], [1]),
    lambda: paired_bars(["a"], [1, 2], [1], name_a="x", name_b="y"),
])
def test_mismatched_lengths_raise(call):
    with pytest.raises(ValueError, match="same length"):
        call()


@pytest.mark.parametrize("call", [
    lambda: ordered_bars([], []),
    lambda: share_bar(pd.Series([], dtype=str), pd.Series([], dtype=float)),
    lambda: dumbbell([], [], [], before_label="x", after_label="y"),
    lambda: stated_vs_computed([], [], []),
    lambda: paired_bars([], [], [], name_a="x", name_b="y"),
])
def test_empty_input_raises(call):
    with pytest.raises(ValueError, match="empty"):
        call()


@pytest.mark.parametrize("values", [[1, float("nan")], [1, "many"], [1, None]])
def test_non_numeric_values_raise(values):
    with pytest.raises(ValueError, match="numbers"):
        ordered_bars(["a", "b"], values)


def test_bare_string_labels_raise():
    with pytest.raises(ValueError, match="single string"):
        ordered_bars("ab", [1, 2])


def test_module_import_does_not_touch_rcparams():
    # A fresh interpreter, so the import really runs.
    code = ("import matplotlib as mpl; before = dict(mpl.rcParams); "
            "import lacoe_report.present.plots; assert dict(mpl.rcParams) == before")
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------
# Phone variants and printed precision
# --------------------------------------------------------------------------
@pytest.mark.parametrize("kind", EXAMPLES)
def test_every_chart_has_a_narrower_phone_variant_with_the_same_type(kind):
    import base64

    chart = EXAMPLES[kind]()
    narrow = chart.narrow()
    assert narrow is not None
    wide_w, _ = chart.figure.get_size_inches()
    narrow_w, _ = narrow.figure.get_size_inches()
    assert narrow_w < 0.6 * wide_w
    # The same type sizes on a figure half as wide: text twice as large on a phone.
    assert narrow.smallest_text_px() >= chart.smallest_text_px()
    assert narrow.smallest_text_px() >= 10 * 150 / 72  # at least 10 pt at the style's 150 dpi
    data, meta = chart._repr_mimebundle_()
    assert base64.b64decode(data["image/png"]).startswith(PNG_SIGNATURE)
    assert data["text/plain"] == repr(chart)
    assert base64.b64decode(meta["lacoe_chart"]["narrow"]["png"]).startswith(PNG_SIGNATURE)
    assert meta["lacoe_chart"]["narrow"]["text_px"] == narrow.smallest_text_px()
    # The phone variant shows the same numbers.
    narrow_texts = {t.get_text() for t in narrow.figure.findobj(Text)}
    for _, value in chart.data:
        assert any(value in text for text in narrow_texts), (kind, value)


def test_a_narrow_chart_has_no_narrow_variant_of_its_own():
    assert EXAMPLES["ordered bars"]().narrow().narrow() is None


def test_stated_values_print_as_the_report_printed_them():
    chart = stated_vs_computed(["Programs", "Support"], [48, 6.3], [48.3, 6.27], value_format="{:.1f}%")
    printed = dict(chart.data)
    assert printed["Programs, stated"] == "48%"  # not "48.0%"
    assert printed["Programs, computed"] == "48.3%"  # the book's precision
    assert printed["Support, stated"] == "6.3%"
    labels = {t.get_text() for t in chart.figure.findobj(Text)}
    assert "48%" in labels and "48.0%" not in labels
    assert "Stated, as printed" in labels  # the series name says which is which


def test_labels_fit_a_figure_laid_out_by_hand_too():
    # Charts place their labels after the layout engine's pass alone; a figure without an engine
    # (not the house style) has its axes where they were put, and its labels still fit.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from lacoe_report.present.placement import fit_to_texts

    figure = Figure(figsize=(4, 2), layout="none")
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    ax.set_xlim(0, 1)
    label = ax.annotate("a long label past the edge", (0.95, 0.5), xytext=(3, 0), textcoords="offset points")
    fit_to_texts(ax, [label])
    assert ax.get_xlim()[1] > 1


# --------------------------------------------------------------------------
# No text over another, on a phone too
# --------------------------------------------------------------------------
def _clashing_texts(chart) -> list[tuple[str, str]]:
    """Pairs of visible texts of a drawn chart (tick labels, values, names, key) whose boxes overlap.

    Text boxes only: an annotation's own extent includes its leader line.
    """
    figure = chart.figure
    with house_style():
        figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()
    boxes = [(t.get_text(), Text.get_window_extent(t, renderer)) for t in figure.findobj(Text)
             if t.get_visible() and t.get_text().strip()]
    return [(a, b) for i, (a, box_a) in enumerate(boxes) for b, box_b in boxes[i + 1:] if box_a.overlaps(box_b)]


# The book's own cases that printed a value over a row label on phones.
CROWDED = {
    "hedged values both sides of the dots": lambda: dumbbell(
        ["Facebook reach", "Instagram reach"], [50_427, Hedged(142_857, "at least")],
        [65_000, Hedged(186_000, "over")], before_label="Implied starting reach", after_label="Reach as stated"),
    "a key wider than the axes": lambda: dumbbell(
        ["Educators attending Differentiated Assistance training"], [8_318], [10_603],
        before_label="2022-23 (the data's reading)", after_label="2023-24"),
    "long row labels beside dots": lambda: stated_vs_computed(
        ["Specially funded projects", "Administration and district support",
         "Contracted services and entrepreneurial programs", "Educational programs"],
        [48, 23, 19, 10], [48.3, 23.4, 18.8, 9.4], value_format="{:.1f}%",
        stated_label="As printed", computed_label="From the dollars, one decimal"),
}


@pytest.mark.parametrize("kind", [*EXAMPLES, *CROWDED])
def test_no_text_overlaps_another_in_either_layout(kind):
    chart = {**EXAMPLES, **CROWDED}[kind]()
    for variant in (chart, chart.narrow()):
        assert _clashing_texts(variant) == []


def test_a_hedge_goes_above_its_number_on_a_phone_only():
    chart = CROWDED["hedged values both sides of the dots"]()
    assert "at least 142,857" in {t.get_text() for t in chart.ax.texts}
    assert "at least\n142,857" in {t.get_text() for t in chart.narrow().ax.texts}
    assert dict(chart.narrow().data)["Instagram reach, Implied starting reach"] == "at least 142,857"


def _hand_laid_axes():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4, 2), dpi=100, layout="none")
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    ax.set_xlim(0, 1)
    return ax


def test_labels_get_just_the_room_they_need():
    from lacoe_report.present.placement import fit_to_texts

    ax = _hand_laid_axes()
    label = ax.annotate("a label wholly past the edge", (1.0, 0.5), xytext=(3, 0), textcoords="offset points")
    fit_to_texts(ax, [label])
    renderer = ax.figure.canvas.get_renderer()
    room = ax.get_window_extent(renderer).x1 - Text.get_window_extent(label, renderer).x1
    assert room == pytest.approx(3 * 100 / 72, abs=0.5)  # 3 pt in at 100 dpi, no more
    assert ax.get_xlim()[0] == 0  # the side with room is left alone


def test_labels_wider_together_than_the_axes_are_refused_by_name():
    from lacoe_report.present.placement import fit_to_texts

    ax = _hand_laid_axes()
    left = ax.annotate("a label as wide as half the axes", (0.5, 0.5), xytext=(-3, 0),
                       textcoords="offset points", ha="right")
    right = ax.annotate("and another as wide on its right", (0.5, 0.5), xytext=(3, 0),
                        textcoords="offset points")
    with pytest.raises(ValueError, match="a label as wide as half the axes"):
        fit_to_texts(ax, [left, right])
