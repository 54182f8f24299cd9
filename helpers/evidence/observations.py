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

import math
from dataclasses import dataclass, field

import numpy as np

from ..core.checks import check_choice
from ..core.parameters import load_data_file
from ..model.disposition import DEFAULT_MODEL, MODELS
from ..model.routes import ROUTES
from ..model.simulation import simulate
from ..model.sites import SAMPLING_SITES
from .bibliography import BIBLIOGRAPHY

__all__ = ["QUANTITIES", "Observation", "Comparison", "OBSERVATIONS", "load_observations",
           "get_observation", "prediction_site", "predict", "compare", "compare_all"]

QUANTITIES = {
    "cmax_ng_ml": ("Cmax", "ng/mL"),
    "tmax_min": ("Tmax", "min"),
    "conc_ng_ml_at_t": ("Concentration", "ng/mL"),
    "terminal_half_life_min": ("Terminal half-life", "min"),
}
ENANTIOMERS = ("racemic", "S")
EVIDENCE = ("primary_abstract", "primary_table", "secondary_review")

_REQUIRED = ("id", "study", "route", "weight_kg", "weight_note", "population", "sampling_site",
             "sampling_site_stated", "enantiomer", "n",
             "quantity", "value", "spread", "where", "url", "evidence", "tolerance_ratio",
             "tolerance_reason", "comparable", "comparable_reason", "calibration")
_OPTIONAL = ("sampling_site_note", "dose_mg", "dose_mg_per_kg", "infusion_min", "t_min", "first_sample_min",
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
    sampling_site: str
    sampling_site_stated: bool
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
    sampling_site_note: str = ""
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
    def from_table(cls, table: dict) -> Observation:
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
        check_choice(f"sampling_site of observation {label!r}", obs.sampling_site, SAMPLING_SITES)
        if not obs.sampling_site_stated and not obs.sampling_site_note:
            raise ValueError(f"observation {label!r} assumes its sampling site: say why in sampling_site_note")
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
    """An observation next to the model's prediction for the same dose, weight and blood.

    ``site`` is the blood the prediction describes: the observation's
    sampling site, or the model's own blood when that model does not say
    which blood it describes (then no conversion exists).
    """

    observation: Observation
    predicted: float
    site: str = ""
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


def prediction_site(observation: Observation, model: str | None = None) -> str | None:
    """The ``sampling_site`` to simulate an observation with: its own, if the model can give it."""
    key = ROUTES[observation.route].model or model or DEFAULT_MODEL
    blood = MODELS[key].blood
    return observation.sampling_site if blood in SAMPLING_SITES else None


def predict(observation: Observation, *, model: str | None = None) -> float:
    """The model's value of an observation's quantity, for the same dose, weight and timing.

    * ``cmax_ng_ml`` / ``tmax_min``: highest point of the curve on a 0.1 min
      grid over 12 h, from ``first_sample_min`` on when the study gives one
      (a bolus peak at time zero cannot be sampled).
    * ``conc_ng_ml_at_t``: the curve at ``t_min``.
    * ``terminal_half_life_min``: a log-linear least-squares fit over the
      second half of the study's sampling window (``sampling_end_min``), as a
      study would estimate it from its last samples. Not the model's slowest
      exponential, which is longer (see :func:`helpers.terminal_half_life_min`).

    The curve is read in the blood the study sampled (:func:`prediction_site`).

    Parameters
    ----------
    observation : Observation
        One entry of :data:`OBSERVATIONS`.
    model : str, optional
        Disposition model key (default: the route's own, or Kamp 2020).

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
                  model=model, infusion_min=obs.infusion_min, sampling_site=prediction_site(obs, model))
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


def compare(observation: Observation, *, model: str | None = None) -> Comparison:
    """One observation next to its prediction (in the same blood, where the model can give it)."""
    site = prediction_site(observation, model)
    key = ROUTES[observation.route].model or model or DEFAULT_MODEL
    return Comparison(observation, predict(observation, model=model), site or MODELS[key].blood)


def compare_all(observations=None, *, model: str | None = None) -> list[Comparison]:
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
