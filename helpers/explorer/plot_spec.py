"""One plot, two renderers: the rules both the live frame and the exported figure follow.

The live frame (:mod:`.drawing`: numpy paint, cached text images, a fast PNG
encoder) and the figure for slides (:mod:`.export`: an ordinary matplotlib
figure) draw the same plot. Everything a learner could compare between the
two is decided here, once: the axis limits, the tick positions and their
label texts, the axis labels, the colours, widths and styles of curves,
bands and shaded periods, and which effect-range labels show, in which order
and on which rows. Sizes of text and figure are each renderer's own (a
narrow notebook column against a slide).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.ticker import MaxNLocator

from ..evidence.effects import EFFECT_RANGES, EffectRange
from ..presentation.plotting import nice_ceiling
from .curves import Scene

__all__ = ["AxisSpec", "Stroke", "axis_spec", "x_ticks", "y_ticks", "x_tick_text", "y_tick_text", "y_limits",
           "y_top_for", "y_label", "band_floor", "visible_effect_ranges", "band_label_layout", "band_label_rows",
           "X_LABEL", "Y_LABEL", "LOG_FLOOR_NG_ML", "GRID_COLOUR", "OBSERVATION_COLOUR", "OBSERVATION_ALPHA",
           "EFFECT_ALPHA", "EFFECT_EDGE_ALPHA", "EFFECT_EDGE_WIDTH", "PERCENTILE_ALPHAS", "LIVE_LINE",
           "EFFECT_SITE_LINE", "NORKETAMINE_LINE", "PIN_LINE"]

X_LABEL = "Time after first dose (h)"
Y_LABEL = "Plasma ketamine (ng/mL)"          # the y label of a ketamine plot (and the longest one)
LOG_FLOOR_NG_ML = 1.0                        # bottom of a logarithmic axis
GRID_COLOUR = "#dddddd"
OBSERVATION_COLOUR, OBSERVATION_ALPHA = "#6f6f6f", 0.12     # the time a route's patients are observed
EFFECT_ALPHA = 0.13                          # an effect range's shade, in the range's own colour...
EFFECT_EDGE_ALPHA, EFFECT_EDGE_WIDTH = 0.6, 0.6              # ...and its edges (width in points)
PERCENTILE_ALPHAS = (0.16, 0.30)             # 5th-95th and 25th-75th percentile bands, in the live curve's colour
_X_STEPS_H = (0.1, 0.25, 0.5, 1, 2, 3, 4, 6, 12, 24)


@dataclass(frozen=True)
class Stroke:
    """How a curve is stroked: width in points, line style (None: the curve's own) and drawing order."""

    width: float
    style: object
    zorder: int


LIVE_LINE = Stroke(2.4, "-", 6)              # the live curve, in its route's colour
EFFECT_SITE_LINE = Stroke(1.8, ":", 5)       # overlays: in the live curve's colour
NORKETAMINE_LINE = Stroke(1.8, "--", 5)
PIN_LINE = Stroke(1.8, None, 4)              # pinned curves: their route's colour and their own style


def x_ticks(window_h: float) -> np.ndarray:
    """Hour ticks for a time window: the smallest sensible step giving at most 8 intervals."""
    step = next(s for s in _X_STEPS_H if window_h / s <= 8.0 + 1e-9)
    return np.round(np.arange(0.0, window_h + 1e-9, step), 6)


def y_ticks(bottom: float, top: float, log: bool) -> np.ndarray:
    """Concentration ticks: 1-2-5 per decade on a log axis (decades only if that is too many)."""
    if not log:
        ticks = MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]).tick_values(bottom, top)
        return ticks[(ticks >= bottom - 1e-9) & (ticks <= top * (1 + 1e-9))]
    decades = np.arange(np.floor(np.log10(bottom)), np.ceil(np.log10(top)) + 1)
    ticks = np.array([m * 10.0 ** d for d in decades for m in (1, 2, 5)])
    ticks = ticks[(ticks >= bottom * (1 - 1e-9)) & (ticks <= top * (1 + 1e-9))]
    return ticks if len(ticks) <= 9 else ticks[np.isclose(np.log10(ticks) % 1, 0) | np.isclose(np.log10(ticks) % 1, 1)]


def x_tick_text(value: float) -> str:
    """An hour tick's label: as short as the number allows (0, 0.25, 0.5, 12)."""
    return f"{value:g}"


def y_tick_text(value: float) -> str:
    """A concentration tick's label: whole numbers with thousands separators, plain decimals below 1."""
    return f"{value:,.0f}" if value >= 1 or value == 0 else f"{value:g}"


def y_top_for(peak_ng_ml: float, previous: float | None) -> float:
    """Upper y limit: a nice number above the peak, kept while the peak stays between 30% and 100% of it."""
    needed = max(peak_ng_ml, 1.0) * 1.08
    if previous is not None and 0.3 * previous <= needed <= previous:
        return previous
    return nice_ceiling(needed)


def y_limits(y_top: float, log: bool) -> tuple[float, float]:
    """(bottom, top) of the y axis for an upper limit from :func:`y_top_for`."""
    return (LOG_FLOOR_NG_ML, max(y_top, 10.0)) if log else (0.0, y_top)


def band_floor(log: bool) -> float:
    """Lowest level the percentile bands are drawn at (a log axis has no zero)."""
    return LOG_FLOOR_NG_ML * 0.5 if log else 0.0


def y_label(scene: Scene) -> str:
    """The y axis's label: the drug every curve shows, or "level" when curves of two drugs share the plot."""
    drugs = {c.simulation.drug for c in scene.curves} or {"ketamine"}
    return f"Plasma {drugs.pop() if len(drugs) == 1 else 'level'} (ng/mL)"


@dataclass(frozen=True)
class AxisSpec:
    """The axes of one plot: limits, ticks with their label texts, and the axis labels."""

    window_h: float
    log: bool
    bottom: float
    top: float
    x_ticks: tuple[float, ...]
    x_tick_labels: tuple[str, ...]
    y_ticks: tuple[float, ...]
    y_tick_labels: tuple[str, ...]
    x_label: str
    y_label: str


def axis_spec(window_h: float, log: bool, y_top: float, y_text: str = Y_LABEL) -> AxisSpec:
    """The axes for a time window, a scale and an upper limit (from :func:`y_top_for`)."""
    bottom, top = y_limits(y_top, log)
    xt, yt = x_ticks(window_h), y_ticks(bottom, top, log)
    return AxisSpec(window_h, log, bottom, top, tuple(float(v) for v in xt), tuple(x_tick_text(v) for v in xt),
                    tuple(float(v) for v in yt), tuple(y_tick_text(v) for v in yt), X_LABEL, y_text)


def visible_effect_ranges(bottom: float, top: float) -> list[tuple[EffectRange, float, float]]:
    """(range, low, high) of each effect range with a visible part between ``bottom`` and ``top``, clipped."""
    clipped = [(e, max(e.low_ng_ml, bottom), min(e.high_ng_ml, top)) for e in EFFECT_RANGES.values()]
    return [(e, low, high) for e, low, high in clipped if low < high]


def band_label_rows(wanted: list[float], height: float, low: float, high: float) -> list[float]:
    """Label centres (pixel rows, top to bottom) as close to ``wanted`` as possible, at least ``height`` apart.

    Rows are sorted as given (the caller orders the bands from top to bottom) and kept in [low, high].
    """
    rows = list(wanted)
    for i in range(1, len(rows)):                       # push down what overlaps the label above
        rows[i] = max(rows[i], rows[i - 1] + height)
    if rows and rows[-1] > high:                        # too low at the bottom: push back up
        rows[-1] = high
        for i in range(len(rows) - 2, -1, -1):
            rows[i] = min(rows[i], rows[i + 1] - height)
    return [max(r, low) for r in rows]


def band_label_layout(centres: list[float], height: float, low: float, high: float) -> list[tuple[int, float]]:
    """(index into ``centres``, label row) of each effect-range label, top to bottom.

    ``centres`` are the pixel rows (from the top) of the visible ranges' middles, in the order of
    :func:`visible_effect_ranges`; labels ``height`` tall go beside them, none overlapping, in [low, high].
    """
    order = sorted(range(len(centres)), key=lambda i: centres[i])
    return list(zip(order, band_label_rows([centres[i] for i in order], height, low, high)))
