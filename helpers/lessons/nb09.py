"""Notebook 09, clinical cases: each case's numbers as the route explorer shows them, and the checked tasks.

:func:`case_numbers` loads a case (:data:`helpers.CASES`) exactly as ``explore(case=key)`` or the
explorer's *Case* menu does, without building the dashboard, and gives every curve's numbers: the
comparison table's row (peak, time to peak, AUC over the window, what reaches the blood, time above
each effect range, norketamine) and a few readings a case asks about (when the level falls below a
line after the last dose ends, the effect-site peak, the first dose's peak, the last dosing
interval's peak and trough). Levels are read in the blood the explorer shows, forearm-venous by
default (``curve.sampling_site`` says which), so they compare with the shaded effect ranges.

Teaching simulation, not dosing guidance.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..explorer.session import session
from ..model.curve_metrics import DosingIntervalStats, dosing_interval_stats, time_to_fall_below
from ..model.simulation import Simulation, simulate
from .answers import MG
from .tasks import (
    EXPLORER_BLOOD,
    Expected,
    Misconception,
    Verdict,
    explorer_task,
    number_task,
    other_route_misconceptions,
)

__all__ = ["CurveNumbers", "CaseNumbers", "case_numbers"]

_FINE_POINTS = 4001        # samples of the first dosing interval, for its peak


@dataclass(frozen=True, eq=False)
class CurveNumbers:
    """One curve of a case: the explorer's comparison-table row and readings from the same simulation."""

    label: str
    pinned: bool
    simulation: Simulation
    row: dict

    @property
    def sampling_site(self) -> str:
        """The blood the levels are read in ("venous" or "arterial")."""
        return self.simulation.sampling_site

    @property
    def peak_ng_ml(self) -> float:
        return self.row["cmax_ng_ml"]

    @property
    def peak_min(self) -> float:
        return self.row["tmax_min"]

    @property
    def auc_ng_h_ml(self) -> float:
        """Area under the curve over the case's time window (the table's AUC)."""
        return self.row["auc_ng_h_ml"]

    @property
    def auc_inf_ng_h_ml(self) -> float:
        """Area under the curve to infinity: F x dose / clearance, whatever the speed of giving."""
        return self.simulation.auc_inf_ng_min_ml / 60.0

    @property
    def reaches_blood_mg(self) -> float:
        return self.row["bioavailable_dose_mg"]

    @property
    def bioavailability(self) -> float:
        """The fraction of each dose that reaches the blood as ketamine."""
        return self.simulation.bioavailability

    @property
    def norketamine_auc_ng_h_ml(self) -> float | None:
        """The metabolite's AUC over the window, when the case shows norketamine."""
        return self.row.get("norketamine_auc_ng_h_ml")

    def minutes_above(self, level_ng_ml: float) -> float:
        """Minutes at or above a level (the table's and readouts' *Above ... ng/mL*)."""
        return self.simulation.time_above_min(level_ng_ml)

    def falls_below_min(self, level_ng_ml: float) -> float:
        """Minutes from the end of the last dose (an infusion: when the pump stops) until the level is below
        ``level_ng_ml`` for good."""
        return time_to_fall_below(self.simulation, level_ng_ml)

    @property
    def dose_ends_min(self) -> float:
        """When the last dose ends (an infusion: when the pump stops), min after the first dose."""
        return float(self.simulation.dose_times_min[-1]) + (self.simulation.infusion_min or 0.0)

    def effect_peak(self) -> tuple[float, float]:
        """The effect-site peak (ng/mL) and its time (min), as the readouts give it when the effect site is shown."""
        sim = self.simulation
        effect = sim.effect_site_ng_ml
        at = int(np.argmax(effect))
        return float(effect[at]), float(sim.t_min[at])

    def effect_falls_below_min(self, level_ng_ml: float) -> float:
        """Minutes after the first dose when the effect-site level falls below ``level_ng_ml`` for good (nan if
        it never reaches it)."""
        if not np.any(self.simulation.effect_site_ng_ml >= level_ng_ml):
            return math.nan
        return self.dose_ends_min + time_to_fall_below(self.simulation, level_ng_ml, site="effect")

    def first_dose_peak(self) -> tuple[float, float]:
        """The highest level (ng/mL) before the second dose, and its time (min)."""
        sim = self.simulation
        end = float(sim.interval_min) if sim.n_doses > 1 else float(sim.t_min[-1])
        t = np.linspace(0.0, end, _FINE_POINTS)
        conc = sim.conc_at(t)
        at = int(np.argmax(conc))
        return float(conc[at]), float(t[at])

    def last_interval(self) -> DosingIntervalStats:
        """Peak, trough and mean over the last dosing interval of a repeated schedule."""
        return dosing_interval_stats(self.simulation)


@dataclass(frozen=True, eq=False)
class CaseNumbers:
    """The numbers of a case: its curves (the live one first, then the pins) and its variability bands."""

    key: str
    curves: tuple[CurveNumbers, ...]
    peak_range_ng_ml: tuple[float, float] | None = None

    @property
    def live(self) -> CurveNumbers:
        return self.curves[0]

    @property
    def pins(self) -> tuple[CurveNumbers, ...]:
        return self.curves[1:]


def case_numbers(key: str, **changes) -> CaseNumbers:
    """The numbers the route explorer shows for a clinical case (and for the case with ``changes`` made).

    ``changes`` are keywords of :func:`helpers.explore` applied on top of the case, as
    ``explore(case=key, **changes)`` does: for example ``sampling_site="arterial"`` or ``dose_mg=50``.
    The rows are the explorer's comparison table, ``explore(case=key).comparison_table()``.

    Examples
    --------
    >>> numbers = case_numbers("swallowed_dose")
    >>> [curve.label for curve in numbers.curves]
    ['Oral 35 mg, 70 kg, venous blood', 'IV bolus 35 mg, 70 kg, venous blood']
    >>> round(numbers.live.reaches_blood_mg, 1), numbers.live.sampling_site
    (7.0, 'venous')
    """
    explorer = session(case=key, **changes)          # the explorer's own numbers, without its widgets
    scene = explorer.scene
    if scene.live is None:
        raise ValueError(f"case {key!r} with {changes} has no curve: {scene.error}")
    curves = tuple(CurveNumbers(curve.label, curve.pinned, curve.simulation, row)
                   for curve, row in zip(scene.curves, explorer.comparison_table()))
    bands = None if scene.bands is None else tuple(float(v) for v in scene.bands.peak_range_ng_ml)
    return CaseNumbers(key, curves, bands)


# ----------------------------------------------------------------------------- checked tasks
CHILD_KG, ADULT_KG = 20.0, 100.0
RECTAL_MG_PER_KG, NASAL_MG_PER_KG = 9.0, 3.0
INFUSION_MIN, DOSE_MG_PER_KG = 40.0, 0.5
_PEAK_GRID = {"t_end_min": 240.0, "dt_min": 0.1}


@number_task("09_rectal_mg_reaching_blood",
             "Case 7: of the 9 mg/kg rectal dose given to the 20-kg child, how many mg reach the blood as "
             "ketamine?",
             unit=MG, rel_tol=0.05,
             why="Only the bioavailable fraction of a rectal dose reaches the blood: the rest is not absorbed or is "
                 "broken down by the liver on the way.",
             method="the dose in mg is 9 mg/kg x 20 kg; multiply it by the rectal bioavailability (source panel, "
                    "or the 'Reaches blood' column of the pinned rectal curve in case 7's comparison table).")
def _rectal_mg():
    dose_mg = RECTAL_MG_PER_KG * CHILD_KG
    rectal = simulate("rectal", dose_mg, CHILD_KG, t_end_min=1.0, dt_min=1.0)
    nasal = simulate("intranasal", NASAL_MG_PER_KG * CHILD_KG, CHILD_KG, t_end_min=1.0, dt_min=1.0)
    f = rectal.bioavailability
    return Expected(f * dose_mg, (
        Misconception(dose_mg, "that is the whole dose; only the bioavailable fraction reaches the blood."),
        Misconception((1 - f) * dose_mg, "that is the part that does not reach the blood; the task asks for the "
                                         "part that does."),
        Misconception(f * RECTAL_MG_PER_KG, "that is per kg of body weight: multiply by the child's 20 kg."),
        Misconception(nasal.bioavailable_dose_mg, "that is the nasal dose of case 7 (3 mg/kg); the task asks "
                                                  "about the rectal one (9 mg/kg)."),
        *other_route_misconceptions("rectal", lambda other_f: other_f * dose_mg),
    ))


def _infusion(dose_mg: float, weight_kg: float, sampling_site) -> Simulation:
    return simulate("iv_infusion", dose_mg, weight_kg, infusion_min=INFUSION_MIN, sampling_site=sampling_site,
                    **_PEAK_GRID)


@explorer_task("09_child_dose_matching_adult_peak",
               "Case 8: set the explorer to the 20-kg child's 40-minute infusion and find the dose (mg) whose peak "
               "matches the 100-kg adult's peak (0.5 mg/kg = 50 mg over 40 min, pinned) within 5%.",
               setup={"route": "iv_infusion", "dose_mg": DOSE_MG_PER_KG * CHILD_KG, "weight_kg": CHILD_KG,
                      "infusion_min": INFUSION_MIN, "sampling_site": EXPLORER_BLOOD},
               vary=("dose_mg",),
               why="In the model the volumes scale with body weight but clearance with weight to the power 0.75, so "
                   "a child clears more drug per kg and the same mg/kg peaks lower: matching the adult's peak takes "
                   "more mg per kg than 0.5, yet far less than the adult's 50 mg.",
               method="load case 8 from the Case menu (the child's curve is live, the adult's pinned); switch the dose "
                      "unit to mg and change only the dose until the live Peak in the comparison table is within "
                      "5% of the pinned adult's Peak. Keep 20 kg, 40 min and venous blood.")
def _child_dose(kwargs):
    adult = _infusion(DOSE_MG_PER_KG * ADULT_KG, ADULT_KG, kwargs.get("sampling_site"))
    child = _infusion(kwargs["dose_mg"], CHILD_KG, kwargs.get("sampling_site"))
    dose_mg = kwargs["dose_mg"]
    if abs(child.cmax_ng_ml - adult.cmax_ng_ml) <= 0.05 * adult.cmax_ng_ml:
        return Verdict(True, "the child's peak is within 5% of the adult's.")
    # the same AUC (F x dose / clearance) takes the adult's dose scaled by the two clearances (data, not a literal)
    same_exposure_mg = DOSE_MG_PER_KG * ADULT_KG * child.clearance_l_min / adult.clearance_l_min
    if math.isclose(dose_mg, DOSE_MG_PER_KG * CHILD_KG, rel_tol=0.03):
        return Verdict(False, "that is the same mg per kg as the adult, the case's starting dose: the peaks do not "
                              "match. Change the dose until the two Peak values in the table match.")
    if math.isclose(dose_mg, DOSE_MG_PER_KG * ADULT_KG, rel_tol=0.03):
        return Verdict(False, "that is the adult's dose in mg: a 20-kg body holds and clears far less than a "
                              "100-kg one, so the peaks do not match. Compare the two Peak values in the table.")
    if math.isclose(dose_mg, same_exposure_mg, rel_tol=0.03):
        return Verdict(False, "that dose gives the child the adult's exposure (AUC; clearance scales with weight "
                              "to the power 0.75), not the adult's peak: the peak of a 40-minute infusion also "
                              "depends on the volumes, which scale with weight itself. Compare the two Peak values, "
                              "not the AUCs.")
    return Verdict(False, "the child's peak is not within 5% of the adult's. Compare the live Peak with the pinned "
                          "adult's Peak in the comparison table.")
