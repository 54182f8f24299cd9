"""Tasks of notebook 05, troches and nasal sprays taken repeatedly at home."""
from ..model.curve_metrics import dosing_interval_stats
from ..model.simulation import simulate
from .tasks import relative_match, task

TROCHE_MG, TROCHE_INTERVAL_H = 60.0, 8.0
SPRAY_MG, SPRAY_INTERVAL_H, SPRAY_DOSES = 40.0, 3.0, 8


@task("05_equivalent_infusion_rate",
      "Which constant IV infusion rate (mg/h) gives a 70-kg adult the same average level as a "
      "60-mg troche every 8 h?")
def _equivalent_infusion_rate(answer):
    troche = simulate("sublingual", TROCHE_MG, 70.0, t_end_min=60.0)
    expected_mg_h = troche.bioavailability * TROCHE_MG / TROCHE_INTERVAL_H
    return relative_match(answer, expected_mg_h, 0.05, "your infusion rate")


@task("05_spray_accumulation_ratio",
      "Eight 40-mg nasal sprays, one every 3 h, in a 70-kg adult: what is the accumulation ratio "
      "(mean level in the last interval / mean level in the first)?")
def _spray_accumulation_ratio(answer):
    interval_min = SPRAY_INTERVAL_H * 60.0
    sim = simulate("intranasal", SPRAY_MG, 70.0, n_doses=SPRAY_DOSES, interval_min=interval_min,
                   t_end_min=SPRAY_DOSES * interval_min, dt_min=2.0)
    return relative_match(answer, dosing_interval_stats(sim).accumulation_ratio, 0.03,
                          "your accumulation ratio")
