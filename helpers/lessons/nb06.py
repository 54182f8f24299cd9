"""Tasks of notebook 06, safety and monitoring."""
import numpy as np

from ..model.curve_metrics import time_to_fall_below
from ..model.simulation import simulate
from .tasks import explorer_settings, relative_match, task


@task("06_im_depot_mg_at_15_min",
      "How many mg of a 35-mg intramuscular dose (70 kg) are still in the muscle 15 min after the injection?")
def _im_depot(answer):
    sim = simulate("intramuscular", 35.0, 70.0, t_end_min=15.0, dt_min=0.5)
    return relative_match(answer, float(sim.amounts_mg["absorption_site"][-1]), 0.05, "your amount")


@task("06_intranasal_time_below_50",
      "After a single 70-mg intranasal dose (70 kg), how many minutes pass until the level falls below 50 ng/mL?")
def _intranasal_time_below(answer):
    sim = simulate("intranasal", 70.0, 70.0, t_end_min=720.0, dt_min=0.5)
    return relative_match(answer, time_to_fall_below(sim, 50.0), 0.1, "your time")


def _infusion_peak_ng_ml(duration_min: float) -> float:
    sim = simulate("iv_infusion", 35.0, 70.0, infusion_min=duration_min, t_end_min=duration_min + 30.0,
                   dt_min=0.5)
    return max(sim.cmax_ng_ml, float(sim.conc_at(duration_min)))


@task("06_infusion_duration_peak_below_100",
      "Set the explorer to a 0.5 mg/kg IV infusion in 70 kg and find the shortest infusion duration "
      "(5-min steps) that keeps the peak at or below 100 ng/mL.")
def _infusion_duration(app):
    settings, hint = explorer_settings(app, "iv_infusion")
    if settings is None:
        return False, hint
    if not np.isclose(settings["dose_mg"], 35.0, rtol=0.01):
        return False, "set the dose back to 0.5 mg/kg (35 mg)."
    duration = settings["infusion_min"]
    if _infusion_peak_ng_ml(duration) > 100.0:
        return False, "the peak is still above 100 ng/mL; make the infusion longer."
    if _infusion_peak_ng_ml(max(duration - 5.0, 1.0)) <= 100.0:   # one slider step shorter
        return False, "the peak stays below 100 ng/mL, but a shorter infusion would too; look for the shortest."
    return True, "this is the shortest duration on the slider that keeps the peak at or below 100 ng/mL."
