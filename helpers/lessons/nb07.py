"""Tasks of notebook 07, children and body weight."""
from ..model.disposition import MODELS
from ..model.routes import ROUTES
from ..model.simulation import simulate
from .tasks import relative_match, task

#: Intramuscular bioavailability in children (Hornik 2018, data/routes.toml); simulate() uses the adult 0.93.
CHILD_IM_BIOAVAILABILITY = ROUTES["intramuscular"].parameters["children_bioavailability"].value


@task("07_clearance_per_kg_ratio",
      "In the default model, how many times more clearance per kg does a 10-kg child have than a 70-kg adult?")
def _clearance_per_kg_ratio(answer):
    _, child_cl, _ = MODELS["kamp2020"].scaled(10.0)
    _, adult_cl, _ = MODELS["kamp2020"].scaled(70.0)
    return relative_match(answer, float(child_cl) / 10.0 / (float(adult_cl) / 70.0), 0.02, "your ratio")


@task("07_child_im_dose_matching_iv_auc",
      "If a 20-kg child absorbs only 41% of an IM dose, which IM dose (mg/kg) gives the same exposure (AUC) "
      "as 1 mg/kg IV?")
def _child_im_dose(answer):
    iv = simulate("iv_bolus", 20.0, 20.0, t_end_min=60.0)
    expected_mg_per_kg = iv.bioavailability * 1.0 / CHILD_IM_BIOAVAILABILITY
    return relative_match(answer, expected_mg_per_kg, 0.05, "your IM dose")
