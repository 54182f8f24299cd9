"""What the explorer shows, computed from its state: the live curve, pins, overlays and bands.

:func:`build_scene` turns an :class:`~helpers.explorer.state.ExplorerState`
into a :class:`Scene`, plain data that the drawing, the panels and the CSV
export all read, so they can never disagree.

Speed: :class:`CurveCache` remembers recent simulations by their arguments.
For a route whose pathways do not depend on the dose (every route without
fixed device doses) the model is linear in the dose, so norketamine,
effect-site curves and the variability bands are computed once per mg and
scaled: moving the dose slider never re-simulates the band patients, and
changing only the axis, a display option or the pins re-simulates nothing.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from ..model.population import simulate_population
from ..model.routes import ROUTES
from ..model.simulation import Simulation, simulate
from ..presentation.plotting import LINE_STYLES
from .state import ExplorerState, describe, pin_kwargs, simulate_kwargs

__all__ = ["BAND_PATIENTS", "BAND_GRID_POINTS", "BAND_PERCENTILES", "Curve", "Bands", "Scene", "CurveCache",
           "build_scene", "norketamine_auc_ng_h_ml", "band_kwargs"]

BAND_PATIENTS = 300          # simulated patients behind the variability bands (fixed seed)
BAND_SEED = 0
BAND_GRID_POINTS = 300       # the bands are shaded areas: 300 samples across the window are plenty
BAND_PERCENTILES = (5, 25, 75, 95)


@dataclass(frozen=True)
class Curve:
    """One drawn curve: its simulate() arguments, the simulation and how it is drawn."""

    label: str
    kwargs: dict
    simulation: Simulation
    colour: str
    style: object
    pinned: bool
    auc_ng_min_ml: float = 0.0                     # over the window (the simulation's, via the per-mg cache)
    norketamine_ng_ml: np.ndarray | None = None    # when norketamine is shown
    effect_site_ng_ml: np.ndarray | None = None    # live curve only, when the effect site is shown

    @property
    def t_h(self) -> np.ndarray:
        return self.simulation.t_min / 60.0


@dataclass(frozen=True)
class Bands:
    """Percentiles (rows: :data:`BAND_PERCENTILES`) of the band patients on their own grid."""

    t_h: np.ndarray
    percentiles_ng_ml: np.ndarray
    peak_range_ng_ml: tuple[float, float]   # 5th-95th percentile of the patients' peaks


@dataclass(frozen=True)
class Scene:
    """Everything the explorer shows for one state."""

    state: ExplorerState
    live: Curve | None
    pins: tuple[Curve, ...]
    bands: Bands | None = None
    observation_h: tuple[tuple[float, float], ...] = ()
    error: str = ""
    bands_error: str = ""      # why the variability bands cannot be shown for this curve

    @property
    def curves(self) -> tuple[Curve, ...]:
        """Every visible curve: the live one first, then the pins."""
        return ((self.live,) if self.live is not None else ()) + self.pins

    @property
    def peak_ng_ml(self) -> float:
        """Highest level anything on the plot reaches (for the y axis)."""
        peaks = [c.simulation.cmax_ng_ml for c in self.curves]
        peaks += [float(a.max()) for c in self.curves for a in (c.norketamine_ng_ml, c.effect_site_ng_ml)
                  if a is not None and c is self.live]
        if self.bands is not None:
            peaks.append(float(self.bands.percentiles_ng_ml[-1].max()))
        return max(peaks, default=1.0)


def _key(kwargs: dict) -> tuple:
    return tuple(sorted(kwargs.items()))


def _dose_linear(route: str) -> bool:
    """True when a curve scales exactly with the dose (the route's pathways do not depend on it)."""
    return not ROUTES[route].fixed_doses_mg


def band_kwargs(kwargs: dict) -> dict:
    """simulate_population() arguments of the band patients for a curve's simulate() arguments."""
    window = kwargs["t_end_min"]
    return {**kwargs, "dt_min": window / BAND_GRID_POINTS}


class CurveCache:
    """Recent simulations, per-mg overlays and per-mg band percentiles, least recently used dropped first."""

    def __init__(self, size: int = 48):
        self.size = size
        self._store: OrderedDict = OrderedDict()

    def _get(self, key, compute):
        if key in self._store:
            self._store.move_to_end(key)
            return self._store[key]
        value = compute()
        self._store[key] = value
        if len(self._store) > self.size:
            self._store.popitem(last=False)
        return value

    def simulation(self, kwargs: dict) -> Simulation:
        return self._get(("sim", _key(kwargs)), lambda: simulate(**kwargs))

    def _per_mg(self, kwargs: dict) -> tuple[dict, float]:
        """(arguments at 1 mg, dose) for a dose-linear route; (arguments, 1) otherwise."""
        if _dose_linear(kwargs["route"]):
            return {**kwargs, "dose_mg": 1.0}, kwargs["dose_mg"]
        return kwargs, 1.0

    def overlay(self, kwargs: dict, what: str):
        """``norketamine_ng_ml``, ``effect_site_ng_ml`` or ``auc_ng_min_ml`` of a curve (per mg, scaled)."""
        unit, dose = self._per_mg(kwargs)
        per_unit = self._get((what, _key(unit)), lambda: getattr(self.simulation(unit), what))
        return per_unit * dose

    def bands(self, kwargs: dict) -> Bands:
        unit, dose = self._per_mg(band_kwargs(kwargs))

        def compute():
            options = {k: v for k, v in unit.items() if k not in ("route", "dose_mg", "weight_kg")}
            population = simulate_population(unit["route"], unit["dose_mg"], unit["weight_kg"],
                                             n_patients=BAND_PATIENTS, seed=BAND_SEED, threads=1, **options)
            peaks = np.percentile(population.conc_ng_ml.max(axis=1), [5, 95])
            return population.t_min / 60.0, population.percentile(BAND_PERCENTILES), peaks
        t_h, percentiles, peaks = self._get(("bands", _key(unit)), compute)
        return Bands(t_h, percentiles * dose, (float(peaks[0] * dose), float(peaks[1] * dose)))


def _curve(cache: CurveCache, kwargs: dict, style, pinned: bool, state: ExplorerState) -> Curve:
    sim = cache.simulation(kwargs)
    nk = cache.overlay(kwargs, "norketamine_ng_ml") if state.norketamine else None
    effect = cache.overlay(kwargs, "effect_site_ng_ml") if state.effect_site and not pinned else None
    return Curve(label=describe(kwargs, site=True), kwargs=kwargs, simulation=sim,
                 colour=ROUTES[kwargs["route"]].colour, style=style, pinned=pinned,
                 auc_ng_min_ml=float(cache.overlay(kwargs, "auc_ng_min_ml")), norketamine_ng_ml=nk,
                 effect_site_ng_ml=effect)


def build_scene(state: ExplorerState, cache: CurveCache) -> Scene:
    """The curves, bands and shaded periods for a state (re-using what the cache remembers)."""
    pins = tuple(_curve(cache, pin_kwargs(pin, state.window_h), LINE_STYLES[pin["style"] % len(LINE_STYLES)],
                        True, state) for pin in state.pins)
    kwargs = simulate_kwargs(state)
    try:
        live = _curve(cache, kwargs, LINE_STYLES[0], False, state)
    except ValueError as error:   # e.g. a weight outside the range of the route's own model
        return Scene(state, None, pins, error=str(error))
    bands, bands_error = None, ""
    if state.variability:
        try:
            bands = cache.bands(kwargs)
        except ValueError as error:   # e.g. no between-patient data for this drug
            bands_error = str(error)
    observation = ROUTES[state.route].observation_min
    spans = ()
    if observation:   # from each dose until the observation time after its last part (e.g. the last device)
        sim = live.simulation
        session = max(p.lag_min for p in sim.pathways)
        spans = tuple((t0 / 60.0, min(t0 + session + observation, kwargs["t_end_min"]) / 60.0)
                      for t0 in sim.dose_times_min)
    return Scene(state, live, pins, bands=bands, observation_h=spans, bands_error=bands_error)


def norketamine_auc_ng_h_ml(curve: Curve) -> float:
    """Area under a curve's norketamine level over the window (trapezoid on the grid), ng h/mL."""
    return float(np.trapezoid(curve.norketamine_ng_ml, curve.simulation.t_min)) / 60.0
