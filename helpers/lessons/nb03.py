"""Tasks of notebook 03, IV infusion for depression."""

from ..model.curve_metrics import time_to_fall_below
from ..model.simulation import simulate
from .tasks import relative_match, task


def _is_fraction(answer) -> bool:
    return isinstance(answer, (int, float)) and not isinstance(answer, bool) and 0 < answer < 1


@task("03_percent_fall_20_min_second_step",
      "By what percentage has the level fallen 20 minutes after the pump stops, for Cusin's second "
      "step (0.75 mg/kg over 45 min, 70 kg)?")
def _percent_fall(answer):
    sim = simulate("iv_infusion", dose_mg=0.75 * 70.0, weight_kg=70.0, infusion_min=45.0,
                   t_end_min=240, dt_min=0.5)
    expected = 100.0 * (1.0 - sim.conc_at(65.0) / sim.conc_at(45.0))
    if _is_fraction(answer):
        return False, "give the fall as a percentage (for example 30 for 30%), not as a fraction."
    return relative_match(answer, expected, 0.05, "your percentage")


@task("03_minutes_to_below_dissociation",
      "How many minutes after the pump stops (0.5 mg/kg over 40 min, 70 kg) does the level fall "
      "below 100 ng/mL?")
def _minutes_below(answer):
    sim = simulate("iv_infusion", dose_mg=35.0, weight_kg=70.0, infusion_min=40.0,
                   t_end_min=240, dt_min=0.5)
    return relative_match(answer, time_to_fall_below(sim, 100.0), 0.1, "your time")
