"""Tasks of notebook 01, the route explorer."""
from dataclasses import replace

from ..model.routes import ROUTES
from ..model.simulation import simulate
from .answers import MG, MINUTES
from .nb00 import ARTERIAL_NOTE
from .tasks import (
    EXPLORER_BLOOD,
    Expected,
    Misconception,
    Verdict,
    explorer_task,
    in_either_blood,
    number_task,
    other_route_misconceptions,
    peak_misconceptions,
)

PEAK_GRID = {"t_end_min": 720.0, "dt_min": 0.25}


@number_task("01_im_peak_time", "After 0.5 mg/kg IM in a 70-kg adult, when (in minutes) does the level peak?",
             unit=MINUTES, rel_tol=0.2,
             why="Tmax is when the curve is highest: from then on less drug arrives from the muscle than leaves "
                 "the blood.",
             method="in the explorer choose Intramuscular, keep 0.5 mg/kg and 70 kg, and read the time to peak "
                    "(Tmax) in the readouts; type it in minutes, or as h:mm, or with its unit.")
def _im_peak_time():
    return replace(in_either_blood(lambda site: simulate("intramuscular", dose_mg=35.0, weight_kg=70.0,
                                                         t_end_min=240, dt_min=0.5, sampling_site=site).tmax_min,
                                   peak_misconceptions("intramuscular", 35.0, 70.0)), note=ARTERIAL_NOTE)


@number_task("01_oral_dose_matching_iv_exposure",
             "Which oral dose (mg) gives a 70-kg adult the same total exposure (AUC) as 35 mg by IV infusion?",
             unit=MG, rel_tol=0.05,
             why="AUC is proportional to the amount that reaches the blood (F x dose), so the oral dose is the IV "
                 "dose divided by the oral bioavailability.",
             method="AUC = F x dose / CL, and the clearance CL is the same whatever the route. Set "
                    "F(oral) x oral dose equal to 1 x 35 mg (IV) and solve for the oral dose.")
def _oral_dose():
    iv = simulate("iv_infusion", dose_mg=35.0, weight_kg=70.0, t_end_min=7 * 1440, dt_min=5)
    oral_per_mg = simulate("oral", dose_mg=1.0, weight_kg=70.0, t_end_min=7 * 1440, dt_min=5)
    f_oral = ROUTES["oral"].bioavailability
    expected = iv.auc_ng_min_ml / oral_per_mg.auc_ng_min_ml
    return Expected(expected, (
        Misconception(35.0, "the same dose by mouth gives much less exposure: only the fraction F of a swallowed "
                            "dose reaches the blood."),
        Misconception(35.0 * f_oral, "that is how much of 35 mg swallowed reaches the blood; the task asks which "
                                     "oral dose delivers as much as 35 mg IV: divide by F instead of multiplying."),
        Misconception(35.0 / (100 * f_oral), "it looks as if F was used as a percentage; use it as a fraction."),
        Misconception(expected / 70.0, "that looks like a dose per kg; the task asks for the whole dose in mg."),
        *other_route_misconceptions("oral", lambda f: 35.0 / f),
    ))


@explorer_task("01_intranasal_matching_im_peak",
               "Set the explorer to an intranasal dose (70 kg) whose peak matches 0.5 mg/kg IM within 10%.",
               setup={"route": "intranasal", "dose_mg": 35.0, "weight_kg": 70.0, "sampling_site": EXPLORER_BLOOD},
               vary=("dose_mg",),
               why="Less of a nasal dose reaches the blood than of an injection, so matching the peak takes a "
                   "larger dose.",
               method="set Intramuscular, 0.5 mg/kg, 70 kg and note its peak (Cmax readout, or pin the curve); "
                      "switch the route to Intranasal and move only the dose until its Cmax is within 10% of "
                      "the intramuscular one. Leave every other control as it started (one dose, the starting "
                      "swallowed fraction).")
def _intranasal_peak(kwargs):
    target = simulate("intramuscular", dose_mg=35.0, weight_kg=70.0, sampling_site=kwargs.get("sampling_site"),
                      **PEAK_GRID).cmax_ng_ml   # in the same blood as the explorer's curve
    peak = simulate(**{**kwargs, **PEAK_GRID}).cmax_ng_ml
    if abs(peak - target) <= 0.1 * target:
        return Verdict(True, "the intranasal peak is within 10% of the intramuscular peak.")
    if abs(kwargs["dose_mg"] - 35.0) <= 0.35:
        return Verdict(False, "at the same dose the spray's peak does not match the injection's: less of a nasal "
                              "dose reaches the blood. Change the dose until the two peaks match.")
    return Verdict(False, "the intranasal peak is not within 10% of the intramuscular peak. Compare the Cmax "
                          "readout with the intramuscular Cmax (or pin both curves).")
