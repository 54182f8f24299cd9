"""Tasks of notebook 00, start here."""
from ..model.routes import ROUTES
from ..model.simulation import simulate
from .tasks import relative_match, task


@task("00_oral_mg_reaching_blood",
      "Of a 50 mg oral dose, how many mg reach the blood unchanged (bioavailability x dose)?")
def _oral_mg(answer):
    return relative_match(answer, ROUTES["oral"].bioavailability * 50.0, 0.05, "your amount in mg")


@task("00_intranasal_peak_time",
      "After 0.5 mg/kg intranasal in a 70-kg adult, when (in minutes) does the level peak (Tmax)?")
def _intranasal_tmax(answer):
    expected = simulate("intranasal", dose_mg=35.0, weight_kg=70.0, t_end_min=240, dt_min=0.5).tmax_min
    return relative_match(answer, expected, 0.2, "your peak time")
