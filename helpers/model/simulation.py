"""simulate(): plasma ketamine after any route, dose, weight and dosing schedule.

The curve is exact for the linear model: each pathway of each dose adds a
sum of exponentials (superposition), evaluated in closed form on the time
grid by :mod:`helpers.model.engine`. No time-stepping is involved, so the
grid spacing changes only where the curve is sampled, never its accuracy.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial

import numpy as np

from ..core.checks import check_choice, check_count, check_number, check_times
from ..core.units import NG_ML_PER_MG_L
from .disposition import DEFAULT_MODEL, RACEMIC_MODELS, Modes, get_model
from .engine import Modal, disposition_modal, evaluate, superpose
from .kernels import released_fraction, site_amount
from .norketamine import norketamine_amounts_mg, norketamine_volume_l
from .routes import ROUTES, Pathway, Route
from .sites import SAMPLING_SITES, resolve_sampling_site, to_effect_site, to_site

__all__ = ["Simulation", "simulate", "time_grid", "pathway_amounts_mg", "concentration_modal", "MAX_GRID_POINTS",
           "LIMITS"]

# Every numeric argument has a physically meaningful, documented range (README, "Valid ranges"). A
# teaching course never needs more, and the bounds keep every call finite and quick: the slowest valid
# call (the most doses and grid points MAX_WORK allows) takes well under a second, its norketamine and
# effect-site curves too (make bench prints the figures).
MAX_GRID_POINTS = 1_000_000      # samples of one curve
MAX_T_END_MIN = 14 * 1440.0      # 14 days: two weeks of home dosing, or many terminal half-lives
MIN_T_END_MIN = 1e-6             # a window must be longer than the rounding of a float time
MIN_INFUSION_MIN = 0.1           # 6 s: anything shorter is a bolus (and cancels digits in the closed form)
MAX_INFUSION_MIN = 14 * 1440.0   # 14 days of continuous infusion
MAX_N_DOSES = 1000               # e.g. a dose every 20 minutes for two weeks
MAX_INTERVAL_MIN = 7 * 1440.0    # a week between doses
MAX_WORK = 10_000_000            # grid points x pathway doses (each is one closed-form evaluation)
MAX_CONC_NG_ML = 1e6             # thresholds far above any concentration a dose can give
#: The valid ranges, by argument (low, high; units as in the names).
LIMITS = {"t_end_min": (MIN_T_END_MIN, MAX_T_END_MIN), "infusion_min": (MIN_INFUSION_MIN, MAX_INFUSION_MIN),
          "n_doses": (1, MAX_N_DOSES), "interval_min": (0.0, MAX_INTERVAL_MIN),
          "threshold_ng_ml": (0.0, MAX_CONC_NG_ML), "grid points": (2, MAX_GRID_POINTS)}


def time_grid(t_end_min: float, dt_min: float) -> np.ndarray:
    """Times 0, dt, 2 dt, ... up to and including ``t_end_min``, in minutes.

    Examples
    --------
    >>> time_grid(3.0, 1.0).tolist()
    [0.0, 1.0, 2.0, 3.0]
    >>> time_grid(2.5, 1.0).tolist()
    [0.0, 1.0, 2.0, 2.5]
    >>> float(time_grid(5.0, 5.0 / 3.0)[-1])
    5.0
    """
    t_end_min = check_number("t_end_min", t_end_min, low=MIN_T_END_MIN, high=MAX_T_END_MIN, low_open=False,
                             unit="min")
    dt_min = check_number("dt_min", dt_min, low=0.0, high=t_end_min, unit="min (at most t_end_min)")
    if t_end_min / dt_min > MAX_GRID_POINTS:
        raise ValueError(f"t_end_min / dt_min must be at most {MAX_GRID_POINTS} grid steps; "
                         f"got t_end_min={t_end_min!r}, dt_min={dt_min!r}")
    n_steps = int(np.floor(t_end_min / dt_min + 1e-9))
    grid = dt_min * np.arange(n_steps + 1, dtype=float)
    if t_end_min - grid[-1] > 1e-9 * t_end_min:
        grid = np.append(grid, t_end_min)
    else:   # n_steps * dt may overshoot t_end by rounding (e.g. 3 x 5/3): end exactly at t_end
        grid[-1] = t_end_min
    return grid


def _blood_modal(modes: Modes, pathway: Pathway) -> Modal:
    """Central, peripheral and eliminating-compartment amounts (mg) per mg entering the pathway."""
    return disposition_modal(modes, pathway.entry).scaled(pathway.availability)


def concentration_modal(modes: Modes, pathway: Pathway, blood: str, site: str) -> Modal:
    """Concentration (ng/mL) at ``site`` per mg entering the pathway, for a model describing ``blood``.

    ``site`` is a sampling site (``arterial``, ``venous``), ``effect`` (driven by the model's own
    blood) or the model's own blood.
    """
    own = _blood_modal(modes, pathway).select("central").scaled(NG_ML_PER_MG_L / modes.volumes_l[..., 0])
    own = own.renamed(blood)
    if site == "effect":
        return to_effect_site(own)
    return to_site(own, blood, site)


@lru_cache(maxsize=512)
def _site_modal(model_key: str, weight_kg: float, site: str, pathway: Pathway) -> Modal:
    """:func:`concentration_modal` for a model at a body weight, remembered: the explorer and the lessons
    ask for the same few again and again (building one is most of a short simulation's cost)."""
    model = get_model(model_key)
    return concentration_modal(model.modes(weight_kg), pathway, model.blood, site)


def _dose_inputs(pathways, dose_times_min, dose_mg) -> list[tuple[Pathway, float, float]]:
    return [(p, t0, dose_mg * p.share) for t0 in dose_times_min for p in pathways]


def _systemic_bioavailability(modes: Modes, pathways) -> float:
    """Fraction of a dose reaching the blood: each pathway's availability, and for drug entering a
    liver compartment its escape from the liver's first pass too."""
    fractions = {"central": 1.0, "eliminating": float(modes.systemic_fraction(modes.eliminated_from))}
    return float(sum(p.share * p.availability * fractions[p.entry] for p in pathways))


def _model_for(route: Route, model):
    """The disposition model for a route: its own (a product with a published model) or a racemic one."""
    if route.model is not None:
        if model is not None and model != route.model:
            raise ValueError(f"model must be None or {route.model!r} for route {route.key!r} ({route.drug} "
                             f"has its own published model); got {model!r}")
        return get_model(route.model)
    chosen = get_model(DEFAULT_MODEL if model is None else check_choice("model", model, RACEMIC_MODELS))
    return chosen


def _dose_times_min(n_doses: int, interval_min: float | None) -> np.ndarray:
    return (interval_min or 0.0) * np.arange(n_doses, dtype=float)


def pathway_amounts_mg(modes: Modes, pathway: Pathway, t_min, *, integral: bool = False) -> np.ndarray:
    """Amount (mg) in every compartment (rows; central first) per mg entering a pathway at t = 0.

    With ``integral`` the running time integral (mg min) instead.
    """
    entry = modes.eliminated_from if pathway.entry == "eliminating" else 0
    amounts = modes.amounts_from(entry)
    modal = Modal(tuple(f"compartment {p}" for p in range(amounts.shape[-2])), modes.rates_per_min,
                  amounts * pathway.availability)
    tau = np.asarray(t_min, dtype=float) - pathway.lag_min
    return evaluate(modal, tau, ka_per_min=pathway.ka_per_min, release_min=pathway.release_min,
                    integral=integral)


@dataclass(frozen=True)
class Simulation:
    """Result of :func:`simulate`. Times in min, concentrations in ng/mL, amounts in mg.

    ``modes`` (the disposition's exponential modes at this weight) and
    ``pathways`` (how each dose reaches the blood) are what the curve was
    computed from; :meth:`dose_inputs` lists every pathway of every dose.
    """

    route: str
    drug: str
    dose_mg: float
    weight_kg: float
    n_doses: int
    interval_min: float | None
    infusion_min: float | None
    swallowed_fraction: float | None
    model: str
    sampling_site: str
    t_min: np.ndarray = field(repr=False)
    conc_ng_ml: np.ndarray = field(repr=False)
    bioavailability: float
    clearance_l_min: float
    modes: Modes = field(repr=False, compare=False)
    pathways: tuple[Pathway, ...] = field(repr=False, compare=False)
    model_blood: str = field(repr=False, default="arterial")

    def _modal_of(self, site: str):
        return partial(_site_modal, self.model, self.weight_kg, site)

    def site_conc_ng_ml(self, site: str, t_min=None) -> np.ndarray:
        """Concentration (ng/mL) at another ``site`` than the simulation's own, on the grid or at ``t_min``.

        ``site``: ``arterial`` or ``venous`` (if the model can give it, see
        :func:`helpers.model.sites.resolve_sampling_site`), or ``effect``.

        Examples
        --------
        During a long infusion venous blood catches up with arterial blood:

        >>> sim = simulate("iv_infusion", 1400, 70, infusion_min=20000, t_end_min=19000, dt_min=19000)
        >>> bool(np.isclose(sim.site_conc_ng_ml("venous")[-1], sim.conc_ng_ml[-1], rtol=1e-6))
        True
        """
        site = check_choice("site", site, (*SAMPLING_SITES, "effect"))
        if site != "effect":
            site = resolve_sampling_site(self.model, self.model_blood, site)
        t = self.t_min if t_min is None else np.atleast_1d(check_times("t_min", t_min, high=MAX_T_END_MIN))
        return superpose(self.dose_inputs(), self._modal_of(site), t)[0]

    @cached_property
    def effect_site_ng_ml(self) -> np.ndarray:
        """Effect-site concentration on the grid, ng/mL: where the drug acts, lagging the blood.

        ``dCe/dt = ke0 (C - Ce)`` driven by the model's own blood, with the
        default ke0 of ``data/blood_sites.toml`` (:mod:`helpers.model.sites`).
        """
        return self.site_conc_ng_ml("effect")

    def dose_inputs(self) -> list[tuple[Pathway, float, float]]:
        """(pathway, start time in min, mg entering the pathway) for every pathway of every dose."""
        return _dose_inputs(self.pathways, self.dose_times_min, self.dose_mg)

    @cached_property
    def auc_ng_min_ml(self) -> float:
        """Area under the curve over the simulated window (exact, not a trapezoid sum), ng min/mL."""
        area = superpose(self.dose_inputs(), self._modal_of(self.sampling_site), self.t_min[-1:], integral=True)
        return float(area[0, 0])

    @cached_property
    def norketamine_ng_ml(self) -> np.ndarray:
        """Plasma norketamine (noresketamine for esketamine) on the time grid, ng/mL.

        See :mod:`helpers.model.norketamine`.
        """
        return (norketamine_amounts_mg(self, central_only=True)["central"]
                / norketamine_volume_l(self.weight_kg, self.drug)
                * NG_ML_PER_MG_L)

    @property
    def cmax_ng_ml(self) -> float:
        """Highest concentration on the time grid, ng/mL."""
        return float(self.conc_ng_ml.max())

    @property
    def tmax_min(self) -> float:
        """Time of the highest concentration on the grid, min after the first dose."""
        return float(self.t_min[int(np.argmax(self.conc_ng_ml))])

    @property
    def total_dose_mg(self) -> float:
        return self.dose_mg * self.n_doses

    @property
    def bioavailable_dose_mg(self) -> float:
        """Total dose that reaches the blood, mg (F x dose x number of doses)."""
        return self.bioavailability * self.total_dose_mg

    @property
    def auc_inf_ng_min_ml(self) -> float:
        """AUC from 0 to infinity of all doses: F x dose / CL, ng min/mL."""
        return self.bioavailable_dose_mg / self.clearance_l_min * NG_ML_PER_MG_L

    @property
    def dose_times_min(self) -> np.ndarray:
        return _dose_times_min(self.n_doses, self.interval_min)

    def conc_at(self, t_min) -> np.ndarray:
        """Exact concentration (ng/mL) at the simulation's site at any times (min, >= 0), on or off the grid.

        Examples
        --------
        >>> sim = simulate("oral", 50, 70, t_end_min=600)
        >>> bool(np.isclose(sim.conc_at(120.0), sim.conc_ng_ml[120]))
        True
        """
        t = np.atleast_1d(check_times("t_min", t_min, high=MAX_T_END_MIN))
        conc = superpose(self.dose_inputs(), self._modal_of(self.sampling_site), t)[0]
        return conc if np.ndim(t_min) else conc[0]

    def time_above_min(self, threshold_ng_ml: float) -> float:
        """Minutes of the window spent at or above a concentration (grid estimate)."""
        threshold_ng_ml = check_number("threshold_ng_ml", threshold_ng_ml, low=0.0, high=MAX_CONC_NG_ML,
                                       low_open=False, unit="ng/mL")
        above = self.conc_ng_ml >= threshold_ng_ml
        steps = np.diff(self.t_min)
        return float(np.sum(steps * (above[:-1] & above[1:])) +
                     0.5 * np.sum(steps * (above[:-1] ^ above[1:])))

    @cached_property
    def amounts_mg(self) -> dict[str, np.ndarray]:
        """Where every mg of the dose is at each time point (mass balance).

        Keys: ``not_yet_given`` (later doses, undelivered infusion or
        unreleased dosage form), ``absorption_site``, ``central``,
        ``peripheral`` (all other compartments, a liver compartment included),
        ``eliminated`` (cleared from the body) and ``first_pass`` (metabolised
        before reaching the body, e.g. in the gut wall). At every time they add
        up to the total dose.
        """
        t = self.t_min
        amounts = {name: np.zeros_like(t) for name in
                   ("not_yet_given", "absorption_site", "central", "peripheral", "eliminated", "first_pass")}
        e = self.modes.eliminated_from
        k_elimination = self.modes.clearance_l_min / self.modes.volumes_l[e]
        for pathway, t0, amount in self.dose_inputs():
            tau = t - t0 - pathway.lag_min
            inputs = dict(ka_per_min=pathway.ka_per_min, release_min=pathway.release_min)
            modal = _blood_modal(self.modes, pathway)
            body = amount * evaluate(modal, tau, **inputs)
            amounts["central"] += body[0]
            amounts["peripheral"] += body[1]
            amounts["eliminated"] += k_elimination * amount * evaluate(modal.select("eliminating"), tau,
                                                                       integral=True, **inputs)[0]
            released = amount * released_fraction(tau, pathway.release_min)
            site = amount * site_amount(tau, **inputs)
            amounts["not_yet_given"] += amount - released
            amounts["absorption_site"] += site
            amounts["first_pass"] += (1.0 - pathway.availability) * (released - site)
        return amounts


def simulate(route: str, dose_mg: float, weight_kg: float = 70.0, *, t_end_min: float = 720.0,
             dt_min: float = 1.0, infusion_min: float | None = None, n_doses: int = 1,
             interval_min: float | None = None, swallowed_fraction: float | None = None,
             model: str | None = None, sampling_site: str | None = None) -> Simulation:
    """Simulate plasma ketamine for one route, dose, body weight and dosing schedule.

    Teaching simulation, not dosing guidance.

    Parameters
    ----------
    route : str
        A key of :data:`helpers.ROUTES`: ``iv_bolus``, ``iv_infusion``,
        ``intramuscular``, ``intranasal``, ``sublingual``, ``oral``, ``rectal``.
    dose_mg : float
        Amount given per dose, mg of racemic ketamine, in (0, 20000]; for a
        device product (``esketamine_nasal_spray``) a whole number of devices
        (28, 56 or 84 mg).
    weight_kg : float
        Body weight, kg, within the disposition model's range (10-150 kg for
        the default model).
    t_end_min, dt_min : float
        Simulated window, min, in [1e-06, 20160] (14 days), and grid spacing, min,
        in (0, t_end_min], at most 1 million grid steps.
    infusion_min : float, optional
        Duration of each infusion, min, in [0.1, 20160] (``iv_infusion`` only;
        default 40).
    n_doses : int
        Number of doses, 1 to 1000, given every ``interval_min`` minutes
        (doses x pathways x grid points at most 10 million).
    interval_min : float, optional
        Time between dose starts, min, in (0, 10080] (a week); required when
        ``n_doses > 1``.
    swallowed_fraction : float, optional
        Share of an intranasal or sublingual dose that is swallowed, in [0, 1].
    model : str, optional
        Disposition model key for the racemic routes (``kamp2020``, the
        default, ``domino1984``, ``clements1981``); a product with its own
        published model (esketamine) always uses that one.
    sampling_site : str, optional
        Which blood the curve describes: ``arterial`` or ``venous`` (forearm
        vein). Default: the model's own (arterial for Kamp 2020; the older
        models do not say, and then only the default is allowed). Compare a
        curve with published levels measured in the same kind of blood.

    Returns
    -------
    Simulation
        ``t_min``, ``conc_ng_ml``, ``cmax_ng_ml``, ``tmax_min``,
        ``auc_ng_min_ml`` (over the window) and more.

    Examples
    --------
    The area under the curve of a bolus, to infinity, is dose / clearance:

    >>> sim = simulate("iv_bolus", dose_mg=35, weight_kg=70, t_end_min=20000, dt_min=10)
    >>> bool(np.isclose(sim.auc_ng_min_ml, 35 / sim.clearance_l_min * 1000, rtol=1e-6))
    True

    A long infusion approaches rate / clearance:

    >>> sim = simulate("iv_infusion", dose_mg=1400, weight_kg=70, infusion_min=20000,
    ...                t_end_min=19999, dt_min=19999)
    >>> bool(np.isclose(sim.conc_ng_ml[-1], 1400 / 20000 / sim.clearance_l_min * 1000, rtol=1e-3))
    True
    """
    route_key = check_choice("route", route, ROUTES)
    chosen: Route = ROUTES[route_key]
    dose_mg = chosen.check_dose(dose_mg)
    disposition = _model_for(chosen, model)
    weight_kg = disposition.check_weight(weight_kg)
    t = time_grid(t_end_min, dt_min)
    if infusion_min is not None:
        if not chosen.is_infusion:
            infused = ", ".join(repr(key) for key, r in ROUTES.items() if r.is_infusion)
            raise ValueError(f"infusion_min applies only to route {infused}; "
                             f"got infusion_min={infusion_min!r} for route {route_key!r}")
        infusion_min = check_number("infusion_min", infusion_min, low=MIN_INFUSION_MIN, high=MAX_INFUSION_MIN,
                                    low_open=False, unit="min")
    n_doses = check_count("n_doses", n_doses, low=1, high=MAX_N_DOSES)
    if interval_min is not None:
        interval_min = check_number("interval_min", interval_min, low=0.0, high=MAX_INTERVAL_MIN, unit="min")
    elif n_doses > 1:
        raise ValueError(f"interval_min must be a finite number in (0, {MAX_INTERVAL_MIN:g}] min when n_doses > 1; "
                         f"got interval_min=None with n_doses={n_doses}")
    if swallowed_fraction is not None:
        swallowed_fraction = chosen.check_swallowed_fraction(swallowed_fraction)

    site = resolve_sampling_site(disposition.key, disposition.blood, sampling_site)

    modes = disposition.modes(weight_kg)
    pathways = chosen.pathways(swallowed_fraction=swallowed_fraction, infusion_min=infusion_min, dose_mg=dose_mg)
    inputs = _dose_inputs(pathways, _dose_times_min(n_doses, interval_min), dose_mg)
    if len(inputs) * t.size > MAX_WORK:
        raise ValueError(f"n_doses x pathways x grid points must be at most {MAX_WORK}; got {n_doses} x "
                         f"{len(pathways)} x {t.size} (use fewer doses or a coarser dt_min)")
    conc = superpose(inputs, partial(_site_modal, disposition.key, weight_kg, site), t)[0]
    return Simulation(
        route=route_key, drug=chosen.drug, dose_mg=dose_mg, weight_kg=weight_kg, n_doses=n_doses,
        interval_min=interval_min, infusion_min=pathways[0].release_min if chosen.is_infusion else None,
        swallowed_fraction=swallowed_fraction, model=disposition.key, sampling_site=site, t_min=t,
        conc_ng_ml=conc, bioavailability=_systemic_bioavailability(modes, pathways),
        clearance_l_min=float(modes.systemic_clearance_l_min), modes=modes, pathways=pathways,
        model_blood=disposition.blood)
