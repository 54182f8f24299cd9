"""Tasks of notebook 04, bolus versus infusion."""
from ..model.simulation import simulate
from .tasks import relative_match, task


@task("04_bolus_minutes_above_dissociation",
      "For how many minutes is the level at or above 100 ng/mL after a 0.5 mg/kg IV bolus (70 kg)?")
def _bolus_above(answer):
    sim = simulate("iv_bolus", dose_mg=35.0, weight_kg=70.0, t_end_min=360, dt_min=0.1)
    return relative_match(answer, sim.time_above_min(100.0), 0.1, "your time")


@task("04_infusion_steady_level",
      "Which level (ng/mL) does an illustrative 0.15 mg/kg/h infusion approach in a 70-kg adult "
      "(rate / clearance)?")
def _steady_level(answer):
    rate_mg_min = 0.15 * 70.0 / 60.0
    clearance = simulate("iv_infusion", dose_mg=1.0, weight_kg=70.0, t_end_min=1, dt_min=1).clearance_l_min
    return relative_match(answer, rate_mg_min / clearance * 1000.0, 0.05, "your level")
