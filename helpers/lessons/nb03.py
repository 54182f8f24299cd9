"""Tasks of notebook 03, IV infusion for depression."""
from dataclasses import replace

from ..model.curve_metrics import time_to_fall_below
from ..model.simulation import simulate
from .answers import MINUTES, PERCENT
from .nb00 import ARTERIAL_NOTE
from .tasks import Expected, Misconception, in_either_blood, number_task

STEP_2 = {"dose_mg": 0.75 * 70.0, "weight_kg": 70.0, "infusion_min": 45.0}
STANDARD = {"dose_mg": 35.0, "weight_kg": 70.0, "infusion_min": 40.0}
THRESHOLD_NG_ML = 100.0


def _fall_percent(sim, stop_min: float, after_min: float) -> float:
    return 100.0 * (1.0 - float(sim.conc_at(stop_min + after_min)) / float(sim.conc_at(stop_min)))


@number_task("03_percent_fall_20_min_second_step",
             "By what percentage has the arterial level fallen 20 minutes after the pump stops, for Cusin's second "
             "step (0.75 mg/kg over 45 min, 70 kg)?",
             unit=PERCENT, rel_tol=0.05,
             why="Most of this fast fall is drug moving from the blood into the tissues (distribution), not "
                 "elimination.",
             method="the pump stops at 45 min, so compare the level 20 minutes later with the level at the stop: "
                    "fall = 100 x (1 − level at 65 min / level at 45 min). With code: step_2.conc_at(65) and "
                    "step_2.conc_at(45); without code: read both levels from the explorer's curve (IV infusion, "
                    "0.75 mg/kg over 45 min, 70 kg, arterial blood).")
def _percent_fall():
    step_2 = simulate("iv_infusion", **STEP_2, t_end_min=240, dt_min=0.5)
    venous = simulate("iv_infusion", **STEP_2, t_end_min=240, dt_min=0.5, sampling_site="venous")
    expected = _fall_percent(step_2, 45.0, 20.0)     # arterial only: venous blood's fall is close to the
    # arterial fall 10 min after the stop, a slip this task must catch; notebook 03's explorer opens on arterial blood
    found = [Misconception(100.0 - expected, "that is how much is left, as a percentage of the level at the "
                                             "stop; the task asks how much the level has fallen."),
             Misconception(100.0 * (1.0 - float(step_2.conc_at(20.0)) / float(step_2.conc_at(45.0))),
                           "that compares with 20 min after the start; the pump stops at 45 min, so look 20 min "
                           "after that."),
             Misconception(_fall_percent(venous, 45.0, 20.0),
                           "that is the fall in venous blood (the forearm vein); this task asks about arterial "
                           "blood, the model's own: set Blood sampled to Arterial."),
             ]
    for minutes in (5.0, 10.0, 15.0, 30.0):
        found.append(Misconception(_fall_percent(step_2, 45.0, minutes),
                                   f"that is the fall {minutes:.0f} min after the stop; the task asks 20 min after."))
    return Expected(expected, tuple(found))


@number_task("03_minutes_to_below_dissociation",
             "How many minutes after the pump stops (0.5 mg/kg over 40 min, 70 kg) does the blood level fall "
             "below 100 ng/mL?",
             unit=MINUTES, rel_tol=0.1,
             why="After the stop the level falls fast as drug spreads into the tissues, so it soon crosses the "
                 "lower edge of the dissociation range; later in venous blood than in arterial blood.",
             method="find the first time after the stop (40 min) at which the level is below 100 ng/mL and "
                    "subtract 40. With code: try standard.conc_at(40 + minutes) in the scratch cell, or use "
                    "time_to_fall_below(standard, 100). Without code: read where the explorer's IV infusion curve "
                    "(0.5 mg/kg, 40 min, 70 kg) crosses 100 ng/mL after the stop.")
def _minutes_below():
    sim = simulate("iv_infusion", **STANDARD, t_end_min=240, dt_min=0.5)
    expected = time_to_fall_below(sim, THRESHOLD_NG_ML)
    return replace(in_either_blood(lambda site: time_to_fall_below(
        simulate("iv_infusion", **STANDARD, t_end_min=240, dt_min=0.5, sampling_site=site), THRESHOLD_NG_ML), (
        Misconception(15.0, "15 minutes is source 001's time for side effects to fade, not a reading of the "
                            "curve: look at the level itself.", rel_tol=0.02),
        Misconception(40.0 + expected, "that counts from the start of the infusion; count from when the pump "
                                       "stops (40 min)."),
        Misconception(sim.time_above_min(THRESHOLD_NG_ML), "that is the whole time at or above 100 ng/mL; the task "
                                                           "asks how long after the stop the level falls below it."),
        Misconception(time_to_fall_below(sim, THRESHOLD_NG_ML, site="effect"),
                      "that is the effect site (the dotted curve), which lags the blood; this task asks about the "
                      "blood level."),
    )), note=ARTERIAL_NOTE)


@number_task("03_effect_site_minutes_below_100",
             "How many minutes after the pump stops (0.5 mg/kg over 40 min, 70 kg) does the effect-site level "
             "fall below 100 ng/mL?",
             unit=MINUTES, rel_tol=0.1,
             why="The effect site lags the blood: it keeps rising for a moment after the stop and then falls more "
                 "slowly, so it crosses 100 ng/mL well after the blood does.",
             method="tick Show effect site in the explorer (IV infusion, 0.5 mg/kg over 40 min, 70 kg), find where "
                    "the dotted curve crosses 100 ng/mL after the stop and subtract 40 min; it is the same curve "
                    "whichever blood is sampled. With code: try standard.site_conc_ng_ml('effect', 40 + minutes) "
                    "in the scratch cell.")
def _effect_minutes_below():
    grid = {"t_end_min": 240.0, "dt_min": 0.5}
    arterial = simulate("iv_infusion", **STANDARD, **grid)
    venous = simulate("iv_infusion", **STANDARD, **grid, sampling_site="venous")
    expected = time_to_fall_below(arterial, THRESHOLD_NG_ML, site="effect")
    blood = "that is when the {} level falls below 100 ng/mL; the effect site (the dotted curve) lags the blood."
    return Expected(expected, (
        Misconception(time_to_fall_below(arterial, THRESHOLD_NG_ML), blood.format("arterial blood")),
        Misconception(time_to_fall_below(venous, THRESHOLD_NG_ML), blood.format("venous (forearm) blood")),
        Misconception(15.0, "15 minutes is source 001's time for side effects to fade, not a reading of the "
                            "effect-site curve.", rel_tol=0.02),
        Misconception(40.0 + expected, "that counts from the start of the infusion; count from when the pump "
                                       "stops (40 min)."),
    ))
