"""simulate_population(): many simulated patients at once, for between-patient variability bands.

Each patient gets their own clearance, volumes, inter-compartmental
clearances, absorption rates (log-normal) and availabilities (logit-normal)
around the typical values of :func:`helpers.simulate`, with magnitudes from
published population analyses (``data/variability.toml``; see the notes
there: most are borrowed from related settings and the bands are a teaching
picture, not a prediction interval).

Speed: every patient's curve runs through the same evaluation engine as
:func:`helpers.simulate` (:mod:`helpers.model.engine`), batched over
patients: the modes come from :func:`helpers.model.disposition.modes`, and
:func:`helpers.model.engine.evaluate_fast` writes each pathway's response
as plain exponentials, so only a few ``exp`` per patient and rate are
evaluated on an even grid. Patients are split across two threads (numpy
releases the GIL).
"""
from __future__ import annotations

import math
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from ..core.checks import check_count, check_number, check_times
from ..core.parameters import Parameter, load_data_file, parameters_in
from ..core.units import NG_ML_PER_MG_L
from .disposition import get_model
from .disposition import modes as disposition_modes
from .engine import evaluate_fast
from .routes import Pathway, bioavailability_of
from .simulation import Simulation, concentration_modal, simulate

__all__ = ["Population", "simulate_population", "VARIABILITY", "lognormal_sd", "MAX_PATIENTS"]

VARIABILITY: dict[str, Parameter] = parameters_in(load_data_file("variability.toml"))
MAX_PATIENTS = 100_000
MAX_SEED = 2**63 - 1
_MAX_VALUES = 60_000_000       # patients x grid points (memory guard, ~0.5 GB of float64)
_MAX_WORK = 150_000_000        # patients x grid points x dose inputs (time guard: about a second)
#: Pyodide (the browser edition's Python) cannot start threads; patients are then computed serially.
CAN_START_THREADS = sys.platform != "emscripten"
_VARIABILITY_DRUGS = ("ketamine",)   # whose between-patient variability data/variability.toml describes
_DISPOSITION_KEYS = ("v1", "v2", "v3")
_FLOW_KEYS = ("q2", "q3")


def lognormal_sd(cv_percent: float) -> float:
    """Standard deviation of log(parameter) for a coefficient of variation in %.

    Examples
    --------
    >>> round(lognormal_sd(100.0) ** 2, 12) == round(math.log(2.0), 12)
    True
    """
    cv = check_number("cv_percent", cv_percent, low=0.0, high=1000.0, low_open=False, unit="%") / 100.0
    return math.sqrt(math.log1p(cv * cv))


def _omega(name: str) -> float:
    return lognormal_sd(VARIABILITY[name].value)


def _logit(p):
    return np.log(p) - np.log1p(-p)


@dataclass(frozen=True)
class Population:
    """Result of :func:`simulate_population`. Times in min, concentrations in ng/mL.

    ``conc_ng_ml[i]`` is patient i's curve; ``typical`` is the
    :class:`~helpers.Simulation` of the typical patient (all
    random effects zero) on the same grid.
    """

    route: str
    dose_mg: float
    weight_kg: float
    n_patients: int
    seed: int
    bsv_scale: float
    typical: Simulation = field(repr=False)
    t_min: np.ndarray = field(repr=False)
    conc_ng_ml: np.ndarray = field(repr=False)
    volumes_l: np.ndarray = field(repr=False)          # (n_patients, n_compartments)
    clearance_l_min: np.ndarray = field(repr=False)    # (n_patients,)
    flows_l_min: np.ndarray = field(repr=False)        # (n_patients, n_compartments - 1)
    ka_per_min: tuple = field(repr=False)              # per pathway: (n_patients,) or None
    availability: tuple = field(repr=False)            # per pathway: (n_patients,)

    @property
    def typical_conc_ng_ml(self) -> np.ndarray:
        """The typical patient's curve (every random effect zero), ng/mL."""
        return self.typical.conc_ng_ml

    def percentile(self, p) -> np.ndarray:
        """Percentile(s) ``p`` (0-100) of the concentration across patients at each time, ng/mL."""
        p = check_times("p", p, low=0.0, high=100.0, unit="(percentiles)")
        # Same as np.percentile(..., method="linear"), via one partial sort of the needed ranks.
        position = p * (self.n_patients - 1) / 100.0
        below = np.floor(position).astype(int)
        above = np.minimum(below + 1, self.n_patients - 1)
        ranked = np.partition(self.conc_ng_ml, np.unique(np.concatenate([below.ravel(), above.ravel()])),
                              axis=0)
        weight = (position - below)[..., None]
        return ranked[below] * (1.0 - weight) + ranked[above] * weight

    @cached_property
    def bioavailability(self) -> np.ndarray:
        """Each patient's overall fraction of a dose reaching the blood."""
        return bioavailability_of(replace(p, availability=f) for p, f in zip(self.typical.pathways, self.availability))

    @property
    def auc_inf_ng_min_ml(self) -> np.ndarray:
        """Each patient's AUC to infinity of all doses, F_i x total dose / CL_i, ng min/mL."""
        return self.bioavailability * self.typical.total_dose_mg / self.clearance_l_min * NG_ML_PER_MG_L

    def patient_pathways(self, i: int) -> tuple[Pathway, ...]:
        """Patient i's pathways (their own absorption rate and availability)."""
        return tuple(replace(p, availability=float(f[i]),
                             ka_per_min=None if ka is None else float(ka[i]))
                     for p, ka, f in zip(self.typical.pathways, self.ka_per_min, self.availability))

    def patient_disposition(self, i: int) -> tuple[np.ndarray, float, np.ndarray]:
        """Patient i's (volumes L, clearance L/min, flows L/min)."""
        return self.volumes_l[i].copy(), float(self.clearance_l_min[i]), self.flows_l_min[i].copy()


def _concentrations(typical: Simulation, modes, ka_list, f_list):
    """Every patient's concentration (ng/mL) at the typical simulation's site: (n_patients, T)."""
    t = typical.t_min
    conc = np.zeros((modes.rates_per_min.shape[0], t.shape[0]))
    index = {pathway: k for k, pathway in enumerate(typical.pathways)}
    modals = {}
    for pathway, t0, amount in typical.dose_inputs():
        k = index[pathway]
        if pathway not in modals:   # per mg reaching the blood: each patient's availability comes below
            unit = replace(pathway, availability=1.0)
            modals[pathway] = concentration_modal(modes, unit, typical.model_blood, typical.sampling_site)
        per_mg = evaluate_fast(modals[pathway], t - t0 - pathway.lag_min, ka_per_min=ka_list[k],
                               release_min=pathway.release_min)[:, 0, :]
        conc += (amount * f_list[k])[:, None] * per_mg
    return conc


def simulate_population(route: str, dose_mg: float, weight_kg: float = 70.0, *, n_patients: int = 1000,
                        seed: int = 0, bsv_scale: float = 1.0, threads: int = 2, **options) -> Population:
    """Simulate ``n_patients`` patients who differ as published population analyses report.

    Teaching simulation, not dosing guidance.

    Parameters
    ----------
    route, dose_mg, weight_kg, **options
        As for :func:`helpers.simulate` (``t_end_min``, ``dt_min``,
        ``infusion_min``, ``n_doses``, ``interval_min``,
        ``swallowed_fraction``, ``model``, ``sampling_site``). Every patient has the same body
        weight; variability is on top of weight scaling.
    n_patients : int
        Number of simulated patients, 1 to 100 000 (and at most 60 million patient-grid points,
        600 million counting every dose: a few seconds).
    seed : int
        Seed of the random generator, 0 to 2**63 - 1; the same seed gives the same patients.
    bsv_scale : float
        Multiplies every between-subject standard deviation (0 = all
        patients typical; 1 = published magnitudes), in [0, 3].
    threads : int
        Worker threads, 1 to 16 (1 or 2 is sensible on a laptop); in the browser edition,
        where Python cannot start threads, the same work runs serially.

    Returns
    -------
    Population
        ``t_min``, ``conc_ng_ml`` (n_patients x len(t_min)), ``percentile(p)``,
        ``typical`` (the typical patient's Simulation) and each patient's
        parameters.

    Examples
    --------
    Without variability every patient is the typical patient:

    >>> pop = simulate_population("oral", 50, 70, n_patients=3, bsv_scale=0, t_end_min=600)
    >>> bool(np.allclose(pop.conc_ng_ml, pop.typical_conc_ng_ml, rtol=1e-9, atol=1e-9))
    True

    Each patient's AUC to infinity is F_i x dose / CL_i; the percentiles are ordered:

    >>> pop = simulate_population("iv_bolus", 35, 70, n_patients=200, seed=1, t_end_min=600)
    >>> bool(np.all(pop.percentile(5) <= pop.percentile(95)))
    True
    """
    n_patients = check_count("n_patients", n_patients, low=1, high=MAX_PATIENTS)
    seed = check_count("seed", seed, low=0, high=MAX_SEED)
    bsv_scale = check_number("bsv_scale", bsv_scale, low=0.0, high=3.0, low_open=False)
    threads = check_count("threads", threads, low=1, high=16)
    typical = simulate(route, dose_mg, weight_kg, **options)   # validates everything else
    if typical.drug not in _VARIABILITY_DRUGS:
        raise ValueError(f"route must be a route of {' or '.join(_VARIABILITY_DRUGS)} for between-patient "
                         f"variability (data/variability.toml has no numbers for {typical.drug}); got {route!r}")
    if n_patients * typical.t_min.size > _MAX_VALUES:
        raise ValueError(f"n_patients x grid points must be at most {_MAX_VALUES}; got "
                         f"{n_patients} x {typical.t_min.size} (use fewer patients or a coarser dt_min)")
    n_inputs = len(typical.dose_inputs())
    if n_patients * typical.t_min.size * n_inputs > _MAX_WORK:
        raise ValueError(f"n_patients x grid points x doses must be at most {_MAX_WORK}; got {n_patients} x "
                         f"{typical.t_min.size} x {n_inputs} (use fewer patients, doses or grid points)")

    volumes0, clearance0, flows0 = get_model(typical.model).scaled(typical.weight_kg)
    n_cmt = volumes0.shape[-1]
    pathways = typical.pathways
    rng = np.random.default_rng(int(seed))
    # Fixed draw order: CL, V1..V3, Q2..Q3 (as many as the model has), then per pathway ka and F.
    eta = rng.standard_normal((n_patients, 1 + n_cmt + (n_cmt - 1) + 2 * len(pathways))) * bsv_scale
    clearance = clearance0 * np.exp(_omega("disposition.cl") * eta[:, 0])
    volumes = volumes0 * np.exp(np.array([_omega(f"disposition.{k}") for k in _DISPOSITION_KEYS[:n_cmt]])
                                * eta[:, 1:1 + n_cmt])
    flows = flows0 * np.exp(np.array([_omega(f"disposition.{k}") for k in _FLOW_KEYS[:n_cmt - 1]])
                            * eta[:, 1 + n_cmt:2 * n_cmt])
    ka_list, f_list = [], []
    for k, pathway in enumerate(pathways):
        eta_ka, eta_f = eta[:, 2 * n_cmt + 2 * k], eta[:, 2 * n_cmt + 2 * k + 1]
        swallowed = pathway.swallowed
        if pathway.ka_per_min is None:
            ka_list.append(None)
        else:
            omega = _omega("absorption.ka_swallowed" if swallowed else "absorption.ka_mucosal")
            ka_list.append(pathway.ka_per_min * np.exp(omega * eta_ka))
        if pathway.availability >= 1.0:
            f_list.append(np.ones(n_patients))
        else:
            sd = VARIABILITY["absorption.availability_swallowed_logit_sd" if swallowed
                             else "absorption.availability_absorbed_logit_sd"].value
            f_list.append(1.0 / (1.0 + np.exp(-(_logit(pathway.availability) + sd * eta_f))))

    chunks = np.array_split(np.arange(n_patients), min(threads, n_patients))

    def run(rows):
        rows = slice(rows[0], rows[-1] + 1)
        return _concentrations(typical, disposition_modes(volumes[rows], clearance[rows], flows[rows]),
                               [None if ka is None else ka[rows] for ka in ka_list], [f[rows] for f in f_list])

    if len(chunks) == 1:
        conc = run(chunks[0])
    elif not CAN_START_THREADS:   # the browser edition (Pyodide): the same chunks, one after another
        conc = np.concatenate([run(rows) for rows in chunks], axis=0)
    else:
        with ThreadPoolExecutor(max_workers=len(chunks)) as pool:
            conc = np.concatenate(list(pool.map(run, chunks)), axis=0)
    return Population(route=typical.route, dose_mg=typical.dose_mg, weight_kg=typical.weight_kg,
                      n_patients=n_patients, seed=seed, bsv_scale=bsv_scale, typical=typical,
                      t_min=typical.t_min, conc_ng_ml=conc, volumes_l=volumes, clearance_l_min=clearance,
                      flows_l_min=flows, ka_per_min=tuple(ka_list), availability=tuple(f_list))
