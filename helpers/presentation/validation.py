"""How good is the model? Tables and figures of the published observations against the model.

The comparisons themselves come from :mod:`helpers.evidence.observations`;
this module only draws them.
"""
from __future__ import annotations

import math

import numpy as np

from ..evidence.bibliography import cite
from ..evidence.observations import QUANTITIES, Observation, prediction_site
from ..model.routes import ROUTES
from ..model.simulation import simulate
from .plotting import OKABE_ITO, log_axis, new_figure
from .tables import Table

__all__ = ["comparison_table", "comparison_table_html", "plot_comparisons", "plot_study_curves"]


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _population_text(obs: Observation) -> str:
    enantiomer = "racemic" if obs.enantiomer == "racemic" else "S-ketamine"
    return f"{obs.population}; n = {obs.n}; {enantiomer}"


_VERDICT_STYLE = {"pass": "", "MISS": "background:#fde0d9", "expected miss": "background:#fdf0d9"}


def comparison_table(comparisons, *, caption: str = "") -> Table:
    """The comparisons (one row each): study, route and dose, population, quantity, observed,
    predicted, ratio, tolerance, verdict and where in the paper the number appears.

    Validation rows that miss are shaded; context and calibration rows are grey.
    """
    head = ("Study", "Route, dose (weight)", "Population", "Quantity", "Observed", "Model",
            "Model / observed", "Tolerance", "Verdict", "Where")
    rows, styles = [], []
    for row in comparisons:
        obs = row.observation
        route = f"{ROUTES[obs.route].label}, {obs.dose_text} ({obs.weight_kg:g} kg)"
        rows.append((cite(obs.study), route, _population_text(obs), obs.quantity_text,
                     _number(obs.value), _number(row.predicted), f"{row.ratio:.2f}",
                     f"{1 / obs.tolerance_ratio:.2f}\u2013{obs.tolerance_ratio:.2f}", row.verdict, obs.where))
        styles.append(_VERDICT_STYLE.get(row.verdict, "color:#555"))
    return Table(head, tuple(rows), caption, row_styles=tuple(styles))


def comparison_table_html(comparisons, *, caption: str | None = None) -> str:
    """:func:`comparison_table` as HTML for display in a notebook."""
    return comparison_table(comparisons, caption=caption or "").html()


# ---------------------------------------------------------------- plots

_MARKERS = {"pass": "o", "MISS": "o", "expected miss": "o", "calibration": "D", "context": "o"}


def _scatter_panel(ax, comparisons, title: str, unit: str):
    values = [c.observation.value for c in comparisons] + [c.predicted for c in comparisons]
    low, high = min(values) / 3.0, max(values) * 3.0
    line = np.geomspace(low, high, 50)
    ax.fill_between(line, line / 2.0, line * 2.0, color=OKABE_ITO["sky_blue"], alpha=0.15, lw=0,
                    label="within 2x")
    ax.fill_between(line, line / 1.5, line * 1.5, color=OKABE_ITO["sky_blue"], alpha=0.25, lw=0,
                    label="within 1.5x")
    ax.plot(line, line, color=OKABE_ITO["black"], lw=0.8, label="model = observation")
    for row in comparisons:
        obs = row.observation
        colour = ROUTES[obs.route].colour
        hollow = not obs.comparable
        ax.scatter(obs.value, row.predicted, s=42, marker=_MARKERS[row.verdict],
                   facecolors="none" if hollow else colour, edgecolors=colour, linewidths=1.3,
                   zorder=3)
    log_axis(ax, "both")
    ax.set_xlim(low, high)
    ax.set_ylim(low, high)
    ax.set_aspect("equal")
    ax.set_xlabel(f"Observed ({unit})")
    ax.set_ylabel(f"Model ({unit})")
    ax.set_title(title, fontsize=10)


def plot_comparisons(comparisons):
    """Observed against predicted on log-log axes, with 1.5x and 2x bands.

    Left: concentrations (Cmax and concentrations at a time). Right: times
    (Tmax and terminal half-life). Colour = route; filled = racemic data
    that test the model, hollow = S-ketamine context, diamond = calibration.
    Returns a :class:`matplotlib.figure.Figure` (display it with
    ``IPython.display.display``).
    """
    rows = list(comparisons)
    if not rows:
        raise ValueError("plot_comparisons needs at least one comparison; got none")
    fig = new_figure(11.0, 5.4)
    concentrations = [r for r in rows if QUANTITIES[r.observation.quantity][1] == "ng/mL"]
    times = [r for r in rows if QUANTITIES[r.observation.quantity][1] == "min"]
    for index, (subset, title, unit) in enumerate(
            ((concentrations, "Concentrations (Cmax, level at a time)", "ng/mL"),
             (times, "Times (Tmax, terminal half-life)", "min"))):
        ax = fig.add_subplot(1, 2, index + 1)
        if subset:
            _scatter_panel(ax, subset, title, unit)
    used = list(dict.fromkeys(r.observation.route for r in rows))
    handles = [fig.axes[0].scatter([], [], color=ROUTES[k].colour, label=ROUTES[k].label)
               for k in used]
    handles.append(fig.axes[0].scatter([], [], facecolors="none", edgecolors="0.3",
                                       label="S-ketamine (context)"))
    handles.append(fig.axes[0].scatter([], [], marker="D", color="0.3", label="calibration"))
    band_handles, _ = fig.axes[0].get_legend_handles_labels()
    fig.legend(handles=band_handles[:3] + handles, loc="lower center", ncol=6, fontsize=8,
               frameon=False)
    fig.subplots_adjust(left=0.07, right=0.98, top=0.93, bottom=0.24, wspace=0.25)
    return fig


def plot_study_curves(observations, *, model: str | None = None, n_columns: int = 3):
    """The model's curve for each study situation with its observed points on top.

    One panel per (study, route, dose, weight); observed Cmax at its Tmax
    (else at the first sample time, else at the model's Tmax) and concentrations
    at stated times are drawn as markers. Returns a Figure.
    """
    groups: dict[tuple, list[Observation]] = {}
    for obs in observations:
        if obs.quantity == "terminal_half_life_min":
            continue
        key = (obs.study, obs.route, obs.total_dose_mg, obs.weight_kg, obs.infusion_min, obs.sampling_site)
        groups.setdefault(key, []).append(obs)
    if not groups:
        raise ValueError("plot_study_curves needs at least one observation of a "
                         "concentration or peak time; got none")
    n_rows = math.ceil(len(groups) / n_columns)
    fig = new_figure(11.0, 2.8 * n_rows)
    for index, ((study, route, dose, weight, infusion, _site), members) in enumerate(groups.items()):
        ax = fig.add_subplot(n_rows, n_columns, index + 1)
        times = [m.t_min for m in members if m.t_min is not None]
        t_end = max([120.0, (infusion or 0.0) * 1.5] + [1.2 * t for t in times])
        sim = simulate(route, dose, weight, model=model, infusion_min=infusion, t_end_min=t_end,
                       dt_min=t_end / 600.0, sampling_site=prediction_site(members[0], model))
        colour = ROUTES[route].colour
        ax.plot(sim.t_min, sim.conc_ng_ml, color=colour, lw=1.4)
        tmax_obs = next((m.value for m in members if m.quantity == "tmax_min"), None)
        first_sample = next((m.first_sample_min for m in members if m.first_sample_min), None)
        peak_time = tmax_obs if tmax_obs is not None else first_sample
        for m in members:
            hollow = not m.comparable
            style = dict(s=40, edgecolors=OKABE_ITO["black"], linewidths=1.0, zorder=3,
                         facecolors="none" if hollow else OKABE_ITO["black"])
            if m.quantity == "cmax_ng_ml":
                ax.scatter(peak_time if peak_time is not None else sim.tmax_min, m.value, **style)
            elif m.quantity == "conc_ng_ml_at_t":
                ax.scatter(m.t_min, m.value, **style)
        if tmax_obs is not None:
            ax.axvline(tmax_obs, color=OKABE_ITO["black"], lw=0.7, ls=":")
        label = members[0]
        ax.set_title(f"{cite(study)}\n{ROUTES[route].label}, {label.dose_text}, {weight:g} kg",
                     fontsize=8)
        ax.tick_params(labelsize=7)
        ax.set_ylim(bottom=0)
        if index % n_columns == 0:
            ax.set_ylabel("ng/mL", fontsize=8)
        if index >= len(groups) - n_columns:
            ax.set_xlabel("min", fontsize=8)
    fig.tight_layout()
    return fig
