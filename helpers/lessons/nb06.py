"""Tasks of notebook 06, safety and monitoring."""
from ..model.curve_metrics import time_to_fall_below
from ..model.simulation import simulate
from .answers import MG, MINUTES
from .tasks import EXPLORER_BLOOD, Expected, Misconception, Verdict, explorer_task, in_either_blood, number_task

DEPOT_DOSE_MG, DEPOT_MIN = 35.0, 15.0
DURATION_STEP_MIN = 5.0


@number_task("06_im_depot_mg_at_15_min",
             "How many mg of a 35-mg intramuscular dose (70 kg) are still in the muscle 15 min after the "
             "injection?",
             unit=MG, rel_tol=0.05,
             why="The muscle empties at a constant fractional rate (first-order absorption), so the amount left "
                 "falls exponentially.",
             method="simulate 35 mg intramuscular in 70 kg for at least 15 min and read "
                    "amounts_mg['absorption_site'] at 15 min, as Question 3 does at 20 min; without code, read the "
                    "intramuscular curve of Question 3's figure at 15 min.")
def _im_depot():
    sim = simulate("intramuscular", DEPOT_DOSE_MG, 70.0, t_end_min=30.0, dt_min=0.5)
    at = {name: float(values[sim.t_min == DEPOT_MIN][0]) for name, values in sim.amounts_mg.items()}
    at_20 = {name: float(values[sim.t_min == 20.0][0]) for name, values in sim.amounts_mg.items()}
    depot = at["absorption_site"]
    return Expected(depot, (
        Misconception(DEPOT_DOSE_MG, "not all of it is still there: the muscle has been releasing drug into the "
                                     "blood since the injection."),
        Misconception(0.0, "some of it is still there: absorption from the muscle takes time.", abs_tol=0.5),
        Misconception(DEPOT_DOSE_MG - depot, "that is the amount that has already left the muscle; the task asks "
                                             "what is still in it."),
        Misconception(at["central"] + at["peripheral"], "that is the amount in the body (blood and tissues); the "
                                                        "task asks what is still in the muscle."),
        Misconception(at_20["absorption_site"], "that is the amount 20 min after the injection (Question 3); the "
                                                "task asks 15 min."),
        Misconception(depot * sim.bioavailability, "in the model the muscle holds the whole injected dose at "
                                                   "first, so the bioavailability does not enter here."),
    ))


@number_task("06_intranasal_time_below_50",
             "After a single 70-mg intranasal dose (70 kg), how many minutes pass until the level falls below "
             "50 ng/mL?",
             unit=MINUTES, rel_tol=0.1,
             why="The level rises while the nose absorbs the dose, then falls; the time counts from the dose until "
                 "the level is below 50 ng/mL for good.",
             method="with code, time_to_fall_below(simulate('intranasal', 70, 70, t_end_min=720), 50); without "
                    "code, set the explorer to Intranasal, 1 mg/kg, 70 kg and read where the curve drops below "
                    "50 ng/mL (the table of Question 2 lists it too, in venous blood).")
def _intranasal_time_below():
    def curve(dose_mg: float, site: str | None = None):
        return simulate("intranasal", dose_mg, 70.0, t_end_min=720.0, dt_min=0.5, sampling_site=site)

    below_100 = ("that is when the level falls below 100 ng/mL (in a linear model also when half the dose falls "
                 "below 50 ng/mL); the task asks for 70 mg and 50 ng/mL.")
    peak = "that is the time of the peak; the task asks when the level has fallen below 50 ng/mL."
    found = []
    for site in ("arterial", "venous"):     # simulate()'s default and the blood of the notebook's table
        sim = curve(70.0, site)
        found += [Misconception(time_to_fall_below(sim, 100.0), below_100), Misconception(sim.tmax_min, peak),
                  Misconception(time_to_fall_below(curve(35.0, site), 50.0),
                                "that is for 35 mg (0.5 mg/kg); the task's dose is 70 mg.")]
    return in_either_blood(lambda site: time_to_fall_below(curve(70.0, site), 50.0), tuple(found))


def _infusion_peak_ng_ml(kwargs: dict, duration_min: float) -> float:
    sim = simulate(**{**kwargs, "infusion_min": duration_min, "t_end_min": duration_min + 30.0, "dt_min": 0.5})
    return max(sim.cmax_ng_ml, float(sim.conc_at(duration_min)))


@explorer_task("06_infusion_duration_peak_below_100",
               "Set the explorer to a 0.5 mg/kg IV infusion in 70 kg and find the shortest infusion duration "
               "(5-min steps) that keeps the peak at or below 100 ng/mL.",
               setup={"route": "iv_infusion", "dose_mg": 35.0, "weight_kg": 70.0, "sampling_site": EXPLORER_BLOOD},
               vary=("infusion_min",),
               why="Spreading the same dose over a longer time lowers the peak.",
               method="keep IV infusion, 0.5 mg/kg and 70 kg; move Infusion duration one step (5 min) at a time "
                      "and watch the Cmax readout: find the shortest duration whose Cmax is at or below 100 ng/mL.")
def _infusion_duration(kwargs):
    duration = kwargs["infusion_min"]
    if _infusion_peak_ng_ml(kwargs, duration) > 100.0:
        return Verdict(False, "the peak is still above 100 ng/mL; the same dose spread over a longer time peaks "
                              "lower.")
    shorter = max(duration - DURATION_STEP_MIN, 1.0)
    if duration > DURATION_STEP_MIN and _infusion_peak_ng_ml(kwargs, shorter) <= 100.0:
        return Verdict(False, "the peak stays at or below 100 ng/mL, but a shorter infusion would too; look for the "
                              "shortest.")
    return Verdict(True, "this is the shortest duration on the slider that keeps the peak at or below 100 ng/mL.")
