"""Plot style shared by the explorer, the notebooks and the validation figures.

Colours come from the Okabe-Ito palette, which stays distinguishable with
the common colour-vision deficiencies; line styles vary too, so pinned
curves differ by more than colour. Figures are plain ``matplotlib.figure.Figure``
objects on the Agg canvas: no pyplot state, identical in JupyterLab, Voila
and tests.
"""
from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter
from matplotlib.transforms import blended_transform_factory

from ..core.checks import check_choice, check_count, check_number
from ..evidence.effects import EFFECT_RANGES
from ..model.routes import ROUTES

__all__ = ["OKABE_ITO", "ROUTE_COLOURS", "BAND_COLOURS", "LINE_STYLES", "DISCLAIMER",
           "new_figure", "shade_effect_ranges", "plot_simulation", "shade_percentile_bands", "BAND_PERCENTILES",
           "log_axis"]

OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7",
}
#: Each route's curve colour, from ``data/routes.toml``.
ROUTE_COLOURS = {key: route.colour for key, route in ROUTES.items()}
#: Each effect range's shade, from ``data/effect_ranges.toml``.
BAND_COLOURS = {key: effect.colour for key, effect in EFFECT_RANGES.items()}
LINE_STYLES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (8, 2))]
DISCLAIMER = "Teaching simulation, not dosing guidance."


def new_figure(width_in: float = 8.0, height_in: float = 4.5, dpi: int = 100) -> Figure:
    """A figure on its own Agg canvas (no pyplot, so nothing is shown twice in a notebook).

    Width and height in inches, in [1, 30]; dpi in [30, 300].
    """
    width_in = check_number("width_in", width_in, low=1.0, high=30.0, low_open=False, unit="in")
    height_in = check_number("height_in", height_in, low=1.0, high=30.0, low_open=False, unit="in")
    dpi = check_count("dpi", dpi, low=30, high=300)
    figure = Figure(figsize=(width_in, height_in), dpi=dpi)
    FigureCanvasAgg(figure)
    return figure


def shade_effect_ranges(ax, *, labels: bool = True, fontsize: float = 8.5):
    """Shade each reported effect range; with ``labels``, name it just inside the right edge.

    Labels sit at the range's upper bound, so they stay inside the band and
    are hidden by matplotlib's clipping when the band is off the axes.
    Returns the artists.
    """
    artists = []
    for effect in EFFECT_RANGES.values():
        colour = effect.colour
        artists.append(ax.axhspan(effect.low_ng_ml, effect.high_ng_ml, color=colour, alpha=0.13, lw=0))
        for level in (effect.low_ng_ml, effect.high_ng_ml):
            artists.append(ax.axhline(level, color=colour, lw=0.6, alpha=0.6))
        if labels:
            transform = blended_transform_factory(ax.transAxes, ax.transData)
            artists.append(ax.text(0.99, effect.high_ng_ml, effect.short_label, transform=transform,
                                   ha="right", va="top", fontsize=fontsize, color=colour,
                                   fontweight="bold", clip_on=True))
    return artists


BAND_PERCENTILES = (5, 25, 75, 95)


def shade_percentile_bands(ax, population, colour: str | None = None, *, floor_ng_ml: float = 0.0,
                           **fill_kwargs):
    """Shade the 5th-95th (light) and 25th-75th (darker) percentiles of simulated patients.

    Returns ``(artists, percentiles)``; ``percentiles`` has one row per entry
    of :data:`BAND_PERCENTILES`. ``floor_ng_ml`` keeps the bands above zero on a
    logarithmic axis.
    """
    colour = colour or ROUTES[population.typical.route].colour
    percentiles = population.percentile(BAND_PERCENTILES)
    p5, p25, p75, p95 = percentiles
    t_h = population.t_min / 60.0
    artists = [ax.fill_between(t_h, np.maximum(low, floor_ng_ml), np.maximum(high, floor_ng_ml),
                               color=colour, alpha=alpha, lw=0, zorder=3, **fill_kwargs)
               for low, high, alpha in ((p5, p95, 0.16), (p25, p75, 0.30))]
    return artists, percentiles


def log_axis(ax, which: str = "y") -> None:
    """A logarithmic axis labelled with plain numbers (1, 10, 100), not powers of ten.

    Powers of ten need matplotlib's mathtext and its STIX fonts, which the browser edition leaves out
    (and learners read 100 faster than 10 to the 2)."""
    which = check_choice("which", which, ("x", "y", "both"))
    for name in ("x", "y") if which == "both" else (which,):
        axis = getattr(ax, f"{name}axis")
        getattr(ax, f"set_{name}scale")("log")
        axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        axis.set_minor_formatter(NullFormatter())


def plot_simulation(ax, sim, *, label: str | None = None, colour: str | None = None, **line_kwargs):
    """Draw a simulation's concentration against time in hours; returns the line."""
    colour = colour or ROUTES[sim.route].colour
    (line,) = ax.plot(sim.t_min / 60.0, sim.conc_ng_ml, color=colour, label=label, **line_kwargs)
    ax.set_xlabel("Time after first dose (h)")
    ax.set_ylabel("Plasma ketamine (ng/mL)")
    return line


def nice_ceiling(value: float) -> float:
    """Smallest of 1, 1.5, 2, 3, 5, 7.5 x 10^k that is >= value.

    Examples
    --------
    >>> [nice_ceiling(v) for v in (0.9, 1.0, 140.0, 260.0, 2401.0)]
    [1.0, 1.0, 150.0, 300.0, 3000.0]
    """
    if value <= 0:
        return 1.0
    exponent = np.floor(np.log10(value))
    for step in (1.0, 1.5, 2.0, 3.0, 5.0, 7.5, 10.0):
        candidate = step * 10.0 ** exponent
        if candidate >= value * (1 - 1e-12):
            return float(candidate)
    return float(10.0 ** (exponent + 1))
