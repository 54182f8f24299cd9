"""Tasks of notebook 00, start here."""
from dataclasses import replace

from ..model.routes import ROUTES
from ..model.simulation import simulate
from .answers import MG, MINUTES
from .tasks import (
    Expected,
    Misconception,
    in_either_blood,
    number_task,
    other_route_misconceptions,
    peak_misconceptions,
)

#: What an arterial answer is, in the check's message (this notebook's tables are in venous blood).
ARTERIAL_NOTE = "arterial blood, the model's own (simulate()'s default)"


@number_task("00_oral_mg_reaching_blood",
             "Of a 50 mg oral dose, how many mg reach the blood unchanged (bioavailability x dose)?",
             unit=MG, rel_tol=0.05,
             why="Only the bioavailable fraction F of a swallowed dose reaches the blood unchanged: F x dose.",
             method="look up the oral bioavailability F in the list of Question 1, write the percentage as a "
                    "fraction (for example 37% is 0.37) and multiply it by the 50 mg dose.")
def _oral_mg():
    dose_mg, f_oral = 50.0, ROUTES["oral"].bioavailability
    return Expected(f_oral * dose_mg, (
        Misconception(dose_mg, "that is the whole dose: only the fraction F of a swallowed dose reaches the blood "
                               "unchanged."),
        Misconception((1 - f_oral) * dose_mg, "that is the part lost on the way (first pass); the task asks for "
                                              "the part that reaches the blood."),
        Misconception(100 * f_oral * dose_mg, "it looks as if F was used as a percentage; use it as a fraction "
                                              "(for example 37% is 0.37)."),
        Misconception(f_oral, "that is the bioavailability itself; multiply it by the dose in mg."),
        Misconception(100 * f_oral, "that is the bioavailability as a percentage; multiply the fraction by the "
                                    "50 mg dose."),
        *other_route_misconceptions("oral", lambda f: f * dose_mg),
    ))


@number_task("00_intranasal_peak_time",
             "After 0.5 mg/kg intranasal in a 70-kg adult, when (in minutes) does the level peak (Tmax)?",
             unit=MINUTES, rel_tol=0.2,
             why="Tmax is the time of the curve's highest point; the nasal lining absorbs quickly, so the spray "
                 "peaks early.",
             method="in the explorer choose Intranasal, keep 0.5 mg/kg and 70 kg, and read the time to peak "
                    "(Tmax) in the readouts; type it in minutes, or as h:mm, or with its unit (for example "
                    "'1 h 5 min').")
def _intranasal_tmax():
    return replace(in_either_blood(lambda site: simulate("intranasal", dose_mg=35.0, weight_kg=70.0, t_end_min=240,
                                                         dt_min=0.5, sampling_site=site).tmax_min,
                                   peak_misconceptions("intranasal", 35.0, 70.0)), note=ARTERIAL_NOTE)
