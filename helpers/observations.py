"""How good is the model? Published observations and the model's predictions for them.

Each observation in ``data/observations.toml`` is one published number (a
peak concentration, a peak time, a concentration at a stated time or a
terminal half-life) with its study, dose, body weight and population, and a
tolerance fixed in advance from the study's between-subject spread.
:func:`predict` simulates the same dose and weight with :func:`helpers.simulate`;
:func:`compare_all` lines every observation up against its prediction.

Teaching simulation, not dosing guidance.
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

import numpy as np

from .bibliography import BIBLIOGRAPHY, cite
from .checks import check_choice
from .disposition import DEFAULT_MODEL, get_model
from .parameters import load_data_file
from .plotting import OKABE_ITO, ROUTE_COLOURS, new_figure
from .routes import ROUTES
from .simulation import simulate

__all__ = ["QUANTITIES", "Observation", "Comparison", "OBSERVATIONS", "load_observations",
           "get_observation", "predict", "compare", "compare_all", "slowest_half_life_min",
           "comparison_table_html", "plot_comparisons", "plot_study_curves"]

QUANTITIES = {
    "cmax_ng_ml": ("Cmax", "ng/mL"),
    "tmax_min": ("Tmax", "min"),
    "conc_ng_ml_at_t": ("Concentration", "ng/mL"),
    "terminal_half_life_min": ("Terminal half-life", "min"),
}
ENANTIOMERS = ("racemic", "S")
EVIDENCE = ("primary_abstract", "primary_table", "secondary_review")

_REQUIRED = ("id", "study", "route", "weight_kg", "weight_note", "population", "enantiomer", "n",
             "quantity", "value", "spread", "where", "url", "evidence", "tolerance_ratio",
             "tolerance_reason", "comparable", "comparable_reason", "calibration")
_OPTIONAL = ("dose_mg", "dose_mg_per_kg", "infusion_min", "t_min", "first_sample_min",
             "sampling_end_min", "calibration_reason", "expected_miss", "expected_miss_reason", "note")

PEAK_WINDOW_MIN = 720.0   # peaks of every route fall well inside 12 h
PEAK_STEP_MIN = 0.1       # grid spacing for Cmax and Tmax


@dataclass(frozen=True)
class Observation:
    """One published number, with everything needed to simulate the same situation."""

    id: str
    study: str
    route: str
    weight_kg: float
    weight_note: str
    population: str
    enantiomer: str
    n: int
    quantity: str
    value: float
    spread: str
    where: str
    url: str
    evidence: str
    tolerance_ratio: float
    tolerance_reason: str
    comparable: bool
    comparable_reason: str
    calibration: bool
    dose_mg: float | None = None
    dose_mg_per_kg: float | None = None
    infusion_min: float | None = None
    t_min: float | None = None
    first_sample_min: float | None = None
    sampling_end_min: float | None = None
    calibration_reason: str = ""
    expected_miss: bool = False
    expected_miss_reason: str = ""
    note: str = ""

    @classmethod
    def from_table(cls, table: dict) -> "Observation":
        """Build and validate one ``[[observation]]`` table.

        Raises
        ------
        ValueError
            If a field is missing or unknown, or a value is out of range.
        """
        label = table.get("id", "<no id>")
        missing = [key for key in _REQUIRED if key not in table]
        if missing:
            raise ValueError(f"observation {label!r} lacks {missing} in observations.toml")
        unknown = sorted(set(table) - set(_REQUIRED) - set(_OPTIONAL))
        if unknown:
            raise ValueError(f"observation {label!r} has unknown fields {unknown}")
        if ("dose_mg" in table) == ("dose_mg_per_kg" in table):
            raise ValueError(f"observation {label!r} needs exactly one of dose_mg or dose_mg_per_kg")
        obs = cls(**table)
        check_choice(f"route of observation {label!r}", obs.route, ROUTES)
        check_choice(f"quantity of observation {label!r}", obs.quantity, QUANTITIES)
        check_choice(f"enantiomer of observation {label!r}", obs.enantiomer, ENANTIOMERS)
        check_choice(f"evidence of observation {label!r}", obs.evidence, EVIDENCE)
        check_choice(f"study of observation {label!r}", obs.study, BIBLIOGRAPHY)
        if not (obs.value > 0 and obs.weight_kg > 0 and obs.n >= 1):
            raise ValueError(f"observation {label!r} needs value > 0, weight_kg > 0 and n >= 1")
        if not obs.tolerance_ratio > 1:
            raise ValueError(f"observation {label!r} needs tolerance_ratio > 1; "
                             f"got {obs.tolerance_ratio!r}")
        if obs.quantity == "conc_ng_ml_at_t" and obs.t_min is None:
            raise ValueError(f"observation {label!r} measures a concentration at a time: give t_min")
        if obs.quantity == "terminal_half_life_min" and obs.sampling_end_min is None:
            raise ValueError(f"observation {label!r} is a terminal half-life: give sampling_end_min")
        if obs.infusion_min is not None and not ROUTES[obs.route].is_infusion:
            raise ValueError(f"observation {label!r} gives infusion_min for route {obs.route!r}")
        if obs.calibration and not obs.calibration_reason:
            raise ValueError(f"observation {label!r} is calibration: give calibration_reason")
        if obs.expected_miss and not obs.expected_miss_reason:
            raise ValueError(f"observation {label!r} is an expected miss: give expected_miss_reason")
        return obs

    @property
    def total_dose_mg(self) -> float:
        """The dose in mg at this observation's body weight."""
        return self.dose_mg if self.dose_mg is not None else self.dose_mg_per_kg * self.weight_kg

    @property
    def dose_text(self) -> str:
        """The dose as the paper gives it, e.g. ``0.5 mg/kg over 40 min``."""
        text = (f"{self.dose_mg:g} mg" if self.dose_mg is not None
                else f"{self.dose_mg_per_kg:g} mg/kg")
        if self.infusion_min is not None:
            text += f" over {self.infusion_min:g} min"
        return text

    @property
    def is_validation(self) -> bool:
        """True if the observation tests the model: comparable and not used to build it."""
        return self.comparable and not self.calibration

    @property
    def quantity_text(self) -> str:
        """The quantity in words, e.g. ``Concentration at 30 min (ng/mL)``."""
        name, unit = QUANTITIES[self.quantity]
        if self.quantity == "conc_ng_ml_at_t":
            name = f"{name} at {self.t_min:g} min"
        return f"{name} ({unit})"


@dataclass(frozen=True)
class Comparison:
    """An observation next to the model's prediction for the same dose and weight."""

    observation: Observation
    predicted: float
    ratio: float = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "ratio", self.predicted / self.observation.value)

    @property
    def within_tolerance(self) -> bool:
        """True if predicted / observed lies in [1 / tolerance, tolerance]."""
        tol = self.observation.tolerance_ratio
        return 1.0 / tol <= self.ratio <= tol

    @property
    def verdict(self) -> str:
        """``pass``, ``MISS``, ``expected miss``, ``calibration`` or ``context``."""
        obs = self.observation
        if not obs.comparable:
            return "context"
        if obs.calibration:
            return "calibration"
        if self.within_tolerance:
            return "pass"
        return "expected miss" if obs.expected_miss else "MISS"


def load_observations(filename: str = "observations.toml") -> tuple[Observation, ...]:
    """Read and validate every ``[[observation]]`` table of a data file in ``helpers/data``.

    Raises
    ------
    ValueError
        If a table is invalid or two observations share an id.
    """
    tables = load_data_file(filename).get("observation", [])
    observations = tuple(Observation.from_table(table) for table in tables)
    ids = [obs.id for obs in observations]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ValueError(f"observation ids must be unique; repeated: {repeated}")
    return observations


OBSERVATIONS: tuple[Observation, ...] = load_observations()


def get_observation(observation_id: str) -> Observation:
    """Look up an observation by id, with a clear error for unknown ids."""
    by_id = {obs.id: obs for obs in OBSERVATIONS}
    return by_id[check_choice("observation_id", observation_id, by_id)]


def _fit_half_life(t_min: np.ndarray, conc: np.ndarray) -> float:
    """Half-life (min) from a least-squares line through log concentration."""
    slope = np.polyfit(t_min, np.log(conc), 1)[0]
    return float(math.log(2.0) / -slope)


def predict(observation: Observation, *, model: str = DEFAULT_MODEL) -> float:
    """The model's value of an observation's quantity, for the same dose, weight and timing.

    * ``cmax_ng_ml`` / ``tmax_min``: highest point of the curve on a 0.1 min
      grid over 12 h, from ``first_sample_min`` on when the study gives one
      (a bolus peak at time zero cannot be sampled).
    * ``conc_ng_ml_at_t``: the curve at ``t_min``.
    * ``terminal_half_life_min``: a log-linear least-squares fit over the
      second half of the study's sampling window (``sampling_end_min``), as a
      study would estimate it from its last samples. Not the model's slowest
      exponential, which is longer (see :func:`slowest_half_life_min`).

    Parameters
    ----------
    observation : Observation
        One entry of :data:`OBSERVATIONS`.
    model : str
        Disposition model key.

    Returns
    -------
    float
        In the observation's unit (ng/mL or min).
    """
    if not isinstance(observation, Observation):
        raise ValueError(f"observation must be an Observation (see OBSERVATIONS); "
                         f"got {type(observation).__name__}")
    obs = observation
    common = dict(route=obs.route, dose_mg=obs.total_dose_mg, weight_kg=obs.weight_kg,
                  model=model, infusion_min=obs.infusion_min)
    if obs.quantity == "conc_ng_ml_at_t":
        sim = simulate(**common, t_end_min=obs.t_min, dt_min=min(1.0, obs.t_min))
        return float(sim.conc_ng_ml[-1])
    if obs.quantity == "terminal_half_life_min":
        end = obs.sampling_end_min
        sim = simulate(**common, t_end_min=end, dt_min=1.0)
        late = sim.t_min >= end / 2.0
        return _fit_half_life(sim.t_min[late], sim.conc_ng_ml[late])
    window = max(PEAK_WINDOW_MIN, 2.0 * (obs.infusion_min or 0.0))
    sim = simulate(**common, t_end_min=window, dt_min=PEAK_STEP_MIN)
    seen = sim.t_min >= (obs.first_sample_min or 0.0)
    t, conc = sim.t_min[seen], sim.conc_ng_ml[seen]
    peak = int(np.argmax(conc))
    return float(conc[peak]) if obs.quantity == "cmax_ng_ml" else float(t[peak])


def compare(observation: Observation, *, model: str = DEFAULT_MODEL) -> Comparison:
    """One observation next to its prediction."""
    return Comparison(observation, predict(observation, model=model))


def compare_all(observations=None, *, model: str = DEFAULT_MODEL) -> list[Comparison]:
    """Every observation (default: all of :data:`OBSERVATIONS`) next to its prediction.

    Examples
    --------
    >>> rows = compare_all()
    >>> len(rows) == len(OBSERVATIONS)
    True
    >>> {row.verdict for row in rows} <= {'pass', 'MISS', 'expected miss', 'calibration', 'context'}
    True
    """
    chosen = OBSERVATIONS if observations is None else tuple(observations)
    return [compare(obs, model=model) for obs in chosen]


def slowest_half_life_min(weight_kg: float = 70.0, *, model: str = DEFAULT_MODEL) -> float:
    """Half-life of the model's slowest exponential, ``ln 2 / smallest rate``, min.

    This is the half-life an infinitely long sampling window would find.
    """
    modes = get_model(model).modes(weight_kg)
    return float(math.log(2.0) / np.min(modes.rates_per_min))


# ---------------------------------------------------------------- rendering

def _number(value: float) -> str:
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _population_text(obs: Observation) -> str:
    enantiomer = "racemic" if obs.enantiomer == "racemic" else "S-ketamine"
    return f"{obs.population}; n = {obs.n}; {enantiomer}"


def comparison_table_html(comparisons, *, caption: str | None = None) -> str:
    """An HTML table of comparisons (one row each) for display in a notebook.

    Columns: study, route and dose, population, quantity, observed, predicted,
    ratio, tolerance, verdict and where in the paper the number appears.
    """
    head = ("Study", "Route, dose (weight)", "Population", "Quantity", "Observed", "Model",
            "Model / observed", "Tolerance", "Verdict", "Where")
    rows = []
    for row in comparisons:
        obs = row.observation
        route = f"{ROUTES[obs.route].label}, {obs.dose_text} ({obs.weight_kg:g} kg)"
        cells = (cite(obs.study), route, _population_text(obs), obs.quantity_text,
                 _number(obs.value), _number(row.predicted), f"{row.ratio:.2f}",
                 f"{1 / obs.tolerance_ratio:.2f}\u2013{obs.tolerance_ratio:.2f}", row.verdict,
                 obs.where)
        style = {"pass": "", "MISS": " style=\"background:#fde0d9\"",
                 "expected miss": " style=\"background:#fdf0d9\""}.get(row.verdict, " style=\"color:#555\"")
        rows.append(f"<tr{style}>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    caption_html = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    header = "<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr>"
    return (f"<table>{caption_html}<thead>{header}</thead><tbody>" + "".join(rows)
            + "</tbody></table>")


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
        colour = ROUTE_COLOURS[obs.route]
        hollow = not obs.comparable
        ax.scatter(obs.value, row.predicted, s=42, marker=_MARKERS[row.verdict],
                   facecolors="none" if hollow else colour, edgecolors=colour, linewidths=1.3,
                   zorder=3)
    ax.set_xscale("log")
    ax.set_yscale("log")
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
    handles = [fig.axes[0].scatter([], [], color=ROUTE_COLOURS[k], label=ROUTES[k].label)
               for k in used]
    handles.append(fig.axes[0].scatter([], [], facecolors="none", edgecolors="0.3",
                                       label="S-ketamine (context)"))
    handles.append(fig.axes[0].scatter([], [], marker="D", color="0.3", label="calibration"))
    band_handles, _ = fig.axes[0].get_legend_handles_labels()
    fig.legend(handles=band_handles[:3] + handles, loc="lower center", ncol=6, fontsize=8,
               frameon=False)
    fig.subplots_adjust(left=0.07, right=0.98, top=0.93, bottom=0.24, wspace=0.25)
    return fig


def plot_study_curves(observations, *, model: str = DEFAULT_MODEL, n_columns: int = 3):
    """The model's curve for each study situation with its observed points on top.

    One panel per (study, route, dose, weight); observed Cmax at its Tmax
    (else at the first sample time, else at the model's Tmax) and concentrations
    at stated times are drawn as markers. Returns a Figure.
    """
    groups: dict[tuple, list[Observation]] = {}
    for obs in observations:
        if obs.quantity == "terminal_half_life_min":
            continue
        key = (obs.study, obs.route, obs.total_dose_mg, obs.weight_kg, obs.infusion_min)
        groups.setdefault(key, []).append(obs)
    if not groups:
        raise ValueError("plot_study_curves needs at least one observation of a "
                         "concentration or peak time; got none")
    n_rows = math.ceil(len(groups) / n_columns)
    fig = new_figure(11.0, 2.8 * n_rows)
    for index, ((study, route, dose, weight, infusion), members) in enumerate(groups.items()):
        ax = fig.add_subplot(n_rows, n_columns, index + 1)
        times = [m.t_min for m in members if m.t_min is not None]
        t_end = max([120.0, (infusion or 0.0) * 1.5] + [1.2 * t for t in times])
        sim = simulate(route, dose, weight, model=model, infusion_min=infusion,
                       t_end_min=t_end, dt_min=t_end / 600.0)
        colour = ROUTE_COLOURS[route]
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
