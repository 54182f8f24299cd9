"""Tasks of notebook 01, the route explorer."""
from ..model.simulation import simulate
from .tasks import explorer_settings, relative_match, task


@task("01_im_peak_time", "After 0.5 mg/kg IM in a 70-kg adult, when (in minutes) does the level peak?")
def _im_peak_time(answer):
    expected = simulate("intramuscular", dose_mg=35.0, weight_kg=70.0, t_end_min=240, dt_min=0.5).tmax_min
    return relative_match(answer, expected, 0.2, "your peak time")


@task("01_oral_dose_matching_iv_exposure",
      "Which oral dose (mg) gives a 70-kg adult the same total exposure (AUC) as 35 mg by IV infusion?")
def _oral_dose(answer):
    iv = simulate("iv_infusion", dose_mg=35.0, weight_kg=70.0, t_end_min=7 * 1440, dt_min=5)
    oral_per_mg = simulate("oral", dose_mg=1.0, weight_kg=70.0, t_end_min=7 * 1440, dt_min=5)
    return relative_match(answer, iv.auc_ng_min_ml / oral_per_mg.auc_ng_min_ml, 0.05, "your oral dose")


@task("01_intranasal_matching_im_peak",
      "Set the explorer to an intranasal dose (mg/kg, 70 kg) whose peak matches 0.5 mg/kg IM within 10%.")
def _intranasal_peak(app):
    settings, hint = explorer_settings(app, "intranasal")
    if settings is None:
        return False, hint
    target = simulate("intramuscular", dose_mg=35.0, weight_kg=70.0, t_end_min=720).cmax_ng_ml
    return relative_match(app.simulation.cmax_ng_ml, target, 0.1, "the intranasal peak")
