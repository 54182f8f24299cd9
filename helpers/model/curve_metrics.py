"""Numbers that describe a concentration curve over a dosing schedule.

Peak, trough and mean over a dosing interval, accumulation and approach to
steady state (notebook 05), and how long the level stays above a threshold
after the last dose (notebook 06). Every number is computed from the exact
curve (:meth:`Simulation.conc_at`), not read off a coarse plot.

Teaching simulation, not dosing guidance.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core.checks import check_instance, check_number
from ..core.units import NG_ML_PER_MG_L
from .simulation import LIMITS, Simulation

__all__ = ["DosingIntervalStats", "dosing_interval_stats", "time_to_fall_below"]


_POINTS_PER_INTERVAL = 4001   # fine grid for peak, trough and mean within one dosing interval


@dataclass(frozen=True)
class DosingIntervalStats:
    """Peak, trough and mean level over the first and the last dosing interval.

    Concentrations in ng/mL, times in min after the first dose.
    """

    interval_min: float
    last_interval_start_min: float
    peak_ng_ml: float
    trough_ng_ml: float
    mean_ng_ml: float
    first_interval_mean_ng_ml: float
    steady_state_mean_ng_ml: float

    @property
    def peak_to_trough_ratio(self) -> float:
        """Peak divided by trough in the last interval (1 = perfectly flat)."""
        return self.peak_ng_ml / self.trough_ng_ml if self.trough_ng_ml > 0 else float("inf")

    @property
    def swing(self) -> float:
        """(peak - trough) / trough in the last interval, a fraction (0 = flat)."""
        return self.peak_to_trough_ratio - 1.0

    @property
    def accumulation_ratio(self) -> float:
        """Mean level in the last interval divided by the mean in the first (AUC ratio)."""
        return self.mean_ng_ml / self.first_interval_mean_ng_ml

    @property
    def fraction_of_steady_state(self) -> float:
        """Mean level in the last interval as a fraction of the steady-state mean."""
        return self.mean_ng_ml / self.steady_state_mean_ng_ml


def _interval_profile(sim, start_min: float, interval_min: float):
    t = start_min + np.linspace(0.0, interval_min, _POINTS_PER_INTERVAL)
    conc = sim.conc_at(t)
    mean = float(np.sum(np.diff(t) * (conc[1:] + conc[:-1]) / 2.0) / interval_min)
    return conc, mean


def dosing_interval_stats(sim) -> DosingIntervalStats:
    """Peak, trough, mean, swing and accumulation over the dosing intervals of a repeated-dose simulation.

    The last interval runs from the start of the last dose for one dosing
    interval; the simulated window must cover it. The steady-state mean is
    F x dose / (CL x interval): once every interval looks like the one before,
    each interval's area under the curve equals one dose's total area.

    Parameters
    ----------
    sim : Simulation
        Result of :func:`helpers.simulate` with ``interval_min`` set.

    Returns
    -------
    DosingIntervalStats
        ``peak_ng_ml``, ``trough_ng_ml``, ``mean_ng_ml`` of the last interval,
        ``first_interval_mean_ng_ml``, ``steady_state_mean_ng_ml`` and the
        derived ``swing``, ``peak_to_trough_ratio``,
        ``accumulation_ratio``, ``fraction_of_steady_state``.

    Examples
    --------
    After 40 doses every 8 h (far beyond 5 terminal half-lives of about 3 h)
    the mean level over an interval is F x dose / (CL x interval):
    0.30 x 50 mg / (1.4 L/min x 480 min) = 22.3 ng/mL.

    >>> from helpers import simulate
    >>> sim = simulate("sublingual", 50, 70, n_doses=40, interval_min=480, t_end_min=40 * 480)
    >>> stats = dosing_interval_stats(sim)
    >>> round(stats.steady_state_mean_ng_ml, 1), round(stats.mean_ng_ml, 1)
    (22.3, 22.3)

    A continuous infusion split into back-to-back daily bags is flat at
    rate / CL = (100 mg / 1440 min) / 1.4 L/min = 49.6 ng/mL once at steady state:

    >>> flat = dosing_interval_stats(simulate("iv_infusion", 100, 70, infusion_min=1440, n_doses=10,
    ...                                       interval_min=1440, t_end_min=10 * 1440, dt_min=10))
    >>> round(flat.peak_ng_ml, 1), round(flat.trough_ng_ml, 1), round(flat.swing, 3)
    (49.6, 49.6, 0.0)
    """
    check_instance("sim", sim, Simulation, "the result of helpers.simulate()")
    if sim.interval_min is None:
        raise ValueError("sim must be a repeated-dose simulation: call simulate(..., n_doses=..., "
                         "interval_min=...); got interval_min=None")
    interval = float(sim.interval_min)
    last_start = float(sim.dose_times_min[-1])
    window_needed = last_start + interval
    if sim.t_min[-1] < window_needed * (1 - 1e-9):
        raise ValueError(f"t_end_min must be at least {window_needed:g} min to cover the last dosing "
                         f"interval; got t_end_min={float(sim.t_min[-1]):g}")
    conc, mean = _interval_profile(sim, last_start, interval)
    _, first_mean = _interval_profile(sim, 0.0, interval)
    steady_mean = sim.bioavailability * sim.dose_mg / (sim.clearance_l_min * interval) * NG_ML_PER_MG_L
    return DosingIntervalStats(interval_min=interval, last_interval_start_min=last_start,
                               peak_ng_ml=float(conc.max()), trough_ng_ml=float(conc.min()),
                               mean_ng_ml=mean, first_interval_mean_ng_ml=first_mean,
                               steady_state_mean_ng_ml=float(steady_mean))


def time_to_fall_below(sim, threshold_ng_ml: float, site: str | None = None) -> float:
    """Minutes from the end of the last dose until the level falls below a threshold for good.

    "End of the last dose" is when the last dose is given, or for an infusion
    when it stops. The last crossing on the simulation's grid is refined
    exactly with :meth:`Simulation.conc_at`. Returns 0 if the level is
    already below the threshold then and stays there.

    Parameters
    ----------
    sim : Simulation
        Result of :func:`helpers.simulate`; its window must extend past the crossing.
    threshold_ng_ml : float
        Concentration, ng/mL (> 0).
    site : {"arterial", "venous", "effect"}, optional
        Where the level is read (see :meth:`Simulation.site_conc_ng_ml`); default: the simulation's own blood.

    Examples
    --------
    A 35 mg bolus in 70 kg starts at dose / V1 = 35 mg / 25 L = 1400 ng/mL,
    so it is never above 2000 ng/mL; and it falls below 700 ng/mL (half its
    starting level) at the time where the curve equals 700:

    >>> from helpers import simulate
    >>> bolus = simulate("iv_bolus", 35, 70, t_end_min=600)
    >>> time_to_fall_below(bolus, 2000.0)
    0.0
    >>> t_half = time_to_fall_below(bolus, 700.0)
    >>> bool(0 < t_half < 10), round(float(bolus.conc_at(t_half)), 6)
    (True, 700.0)
    """
    check_instance("sim", sim, Simulation, "the result of helpers.simulate()")
    threshold_ng_ml = check_number("threshold_ng_ml", threshold_ng_ml, low=0.0, high=LIMITS["threshold_ng_ml"][1],
                                   unit="ng/mL")
    if site is None:
        grid, conc_at = sim.conc_ng_ml, sim.conc_at
    else:
        grid = sim.site_conc_ng_ml(site)

        def conc_at(t_min: float) -> float:
            return float(sim.site_conc_ng_ml(site, t_min)[0])
    reference_min = float(sim.dose_times_min[-1]) + (sim.infusion_min or 0.0)
    after = sim.t_min > reference_min
    t = np.concatenate(([reference_min], sim.t_min[after]))
    conc = np.concatenate(([float(conc_at(reference_min))], grid[after]))
    above = np.flatnonzero(conc >= threshold_ng_ml)
    if above.size == 0:
        return 0.0
    last = int(above[-1])
    if last == len(t) - 1:
        raise ValueError(f"the level is still above threshold_ng_ml={threshold_ng_ml:g} at the end of "
                         f"the window (t_end_min={float(sim.t_min[-1]):g}); simulate a longer window")
    low, high = float(t[last]), float(t[last + 1])
    for _ in range(100):   # bisection: conc >= threshold at low, < threshold at high
        middle = 0.5 * (low + high)
        if conc_at(middle) >= threshold_ng_ml:
            low = middle
        else:
            high = middle
        if high - low < 1e-9:
            break
    return 0.5 * (low + high) - reference_min
