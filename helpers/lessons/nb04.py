"""Tasks of notebook 04, bolus versus infusion."""
import numpy as np

from ..core.units import MIN_PER_H, NG_ML_PER_MG_L
from ..evidence.effects import EFFECT_RANGES
from ..model.simulation import simulate
from .answers import MINUTES, NG_PER_ML
from .tasks import Expected, Misconception, number_task

RATE_MG_PER_KG_H = 0.15
WEIGHT_KG = 70.0


def minutes_at_or_above(t_min, conc_ng_ml, level_ng_ml: float) -> float:
    """Minutes a curve on a time grid spends at or above a level (the grid estimate of Simulation.time_above_min)."""
    above = np.asarray(conc_ng_ml) >= level_ng_ml
    steps = np.diff(t_min)
    return float(np.sum(steps * (above[:-1] & above[1:])) + 0.5 * np.sum(steps * (above[:-1] ^ above[1:])))


@number_task("04_bolus_minutes_above_dissociation",
             "For how many minutes is the venous level (forearm vein, the explorer's starting choice) at or above "
             "100 ng/mL after a 0.5 mg/kg IV bolus (70 kg)?",
             unit=MINUTES, rel_tol=0.1,
             why="After the one-minute injection the venous level rises within minutes far above the dissociation "
                 "range, then falls as the drug spreads into the tissues; it stays at or above 100 ng/mL only until "
                 "that first fall below it.",
             method="in the explorer choose IV bolus, 0.5 mg/kg, 70 kg, keep Blood sampled on Venous and read "
                    "'Above 100 ng/mL' in the readouts (it is in hours and minutes; type it in minutes or as h:mm); "
                    "with code, bolus_venous.time_above_min(100).")
def _bolus_above():
    grid = {"t_end_min": 360.0, "dt_min": 0.1}
    venous = simulate("iv_bolus", dose_mg=35.0, weight_kg=WEIGHT_KG, sampling_site="venous", **grid)
    arterial = simulate("iv_bolus", dose_mg=35.0, weight_kg=WEIGHT_KG, **grid)
    infusion = simulate("iv_infusion", dose_mg=35.0, weight_kg=WEIGHT_KG, infusion_min=200.0, sampling_site="venous",
                        **grid)
    analgesia, dissociation = EFFECT_RANGES["analgesia"], EFFECT_RANGES["dissociation"]
    low, high = analgesia.low_ng_ml, analgesia.high_ng_ml
    return Expected(venous.time_above_min(100.0), (
        Misconception(arterial.time_above_min(100.0),
                      "that is the time in arterial blood, the model's own; the task asks about venous blood (the "
                      "forearm vein), where the shaded ranges were measured: keep Blood sampled on Venous."),
        Misconception(minutes_at_or_above(arterial.t_min, arterial.effect_site_ng_ml, 100.0),
                      "that is the effect site (the dotted curve), which lags the blood; the task asks about the "
                      "venous blood level."),
        Misconception(venous.time_above_min(dissociation.high_ng_ml),
                      f"that is the time above {dissociation.high_ng_ml:.0f} ng/mL, the top of the dissociation "
                      f"range; the task asks for 100 ng/mL, its bottom."),
        Misconception(venous.time_above_min(low) - venous.time_above_min(high),
                      f"that is the time inside the analgesia range ({low:.0f}-{high:.0f} ng/mL); the task asks "
                      f"for the time at or above 100 ng/mL."),
        Misconception(venous.time_above_min(low), f"that is the time above {low:.0f} ng/mL; the task asks for "
                                                  f"100 ng/mL."),
        Misconception(infusion.time_above_min(100.0), "that is the slow infusion; the task asks about the bolus.",
                      abs_tol=0.5),
    ), note="venous blood, as the explorer shows it")


@number_task("04_infusion_steady_level",
             "Which level (ng/mL) does an illustrative 0.15 mg/kg/h infusion approach in a 70-kg adult "
             "(rate / clearance)?",
             unit=NG_PER_ML, rel_tol=0.05,
             why="At steady state as much leaves the blood per hour as the pump delivers: level = rate / clearance.",
             method="rate = 0.15 mg/kg/h x 70 kg (in mg/h); divide by the clearance in L/h (this gives mg/L) and "
                    "multiply by 1000 (1 mg/L = 1000 ng/mL).")
def _steady_level():
    clearance_l_h = simulate("iv_infusion", dose_mg=1.0, weight_kg=WEIGHT_KG, t_end_min=1,
                             dt_min=1).clearance_l_min * MIN_PER_H

    def level(rate_mg_h, clearance):
        return rate_mg_h / clearance * NG_ML_PER_MG_L
    rate_mg_h = RATE_MG_PER_KG_H * WEIGHT_KG
    mixed = "the rate is per hour but the clearance per minute (or the other way round): use both per hour."
    return Expected(level(rate_mg_h, clearance_l_h), (
        Misconception(level(RATE_MG_PER_KG_H, clearance_l_h), "the rate is per kg: multiply 0.15 mg/kg/h by the "
                                                              "70 kg body weight first."),
        Misconception(level(rate_mg_h, clearance_l_h / MIN_PER_H), mixed),
        Misconception(level(rate_mg_h / MIN_PER_H, clearance_l_h), mixed),
        Misconception(level(0.1 * WEIGHT_KG, clearance_l_h), "that is the 0.1 mg/kg/h infusion of Question 3; this "
                                                             "one runs at 0.15 mg/kg/h."),
    ))
