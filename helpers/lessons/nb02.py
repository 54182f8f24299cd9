"""Tasks of notebook 02, bioavailability and first pass."""
from ..model.routes import ROUTES
from ..model.simulation import simulate
from .tasks import relative_match, task


@task("02_intranasal_auc",
      "What is the total exposure (AUC to infinity, ng h/mL) after 50 mg intranasal in a 70-kg adult?")
def _intranasal_auc(answer):
    sim = simulate("intranasal", dose_mg=50.0, weight_kg=70.0, t_end_min=60, dt_min=1)
    return relative_match(answer, sim.auc_inf_ng_min_ml / 60.0, 0.05, "your AUC")


@task("02_sublingual_swallowed_fraction",
      "Which swallowed fraction gives a sublingual dose an overall bioavailability of 28%?")
def _swallowed_fraction(answer):
    route = ROUTES["sublingual"]
    mucosal, oral = route.bioavailability_at(0.0), route.bioavailability_at(1.0)
    expected = (mucosal - 0.28) / (mucosal - oral)
    if isinstance(answer, (int, float)) and not isinstance(answer, bool) and answer > 1.0:
        return False, "give the swallowed fraction as a number between 0 and 1, not a percentage."
    return relative_match(answer, expected, 0.05, "your swallowed fraction")
