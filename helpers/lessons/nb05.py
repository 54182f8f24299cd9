"""Tasks of notebook 05, troches and nasal sprays taken repeatedly at home."""
from ..model.curve_metrics import dosing_interval_stats
from ..model.simulation import simulate
from .answers import MG_PER_H, RATIO
from .tasks import Expected, Misconception, in_either_blood, number_task, other_route_misconceptions

TROCHE_MG, TROCHE_INTERVAL_H = 60.0, 8.0
SPRAY_MG, SPRAY_INTERVAL_H, SPRAY_DOSES = 40.0, 3.0, 8


@number_task("05_equivalent_infusion_rate",
             "Which constant IV infusion rate (mg/h) gives a 70-kg adult the same average level as a "
             "60-mg troche every 8 h?",
             unit=MG_PER_H, rel_tol=0.05,
             why="At steady state the average level is the amount reaching the blood per hour divided by the "
                 "clearance, for a troche schedule as for an infusion.",
             method="amount reaching the blood per troche = sublingual bioavailability F x 60 mg; spread it over "
                    "the 8 hours between troches (divide by 8) to get mg/h. An infusion at that rate gives the "
                    "same average level.")
def _equivalent_infusion_rate():
    troche = simulate("sublingual", TROCHE_MG, 70.0, t_end_min=60.0)
    f = troche.bioavailability
    return Expected(f * TROCHE_MG / TROCHE_INTERVAL_H, (
        Misconception(TROCHE_MG / TROCHE_INTERVAL_H, "it looks as if the bioavailability was left out: only part of "
                                                     "each troche reaches the blood."),
        Misconception(f * TROCHE_MG, "that is the amount of one troche that reaches the blood; spread it over the "
                                     "8 hours until the next one."),
        Misconception(100 * f * TROCHE_MG / TROCHE_INTERVAL_H, "it looks as if F was used as a percentage; use "
                                                               "it as a fraction."),
        *other_route_misconceptions("sublingual", lambda other: other * TROCHE_MG / TROCHE_INTERVAL_H),
    ))


def _spray_stats(interval_min: float, t_end_min: float, sampling_site: str | None = None):
    sim = simulate("intranasal", SPRAY_MG, 70.0, n_doses=SPRAY_DOSES, interval_min=interval_min,
                   t_end_min=t_end_min, dt_min=min(2.0, interval_min / 20), sampling_site=sampling_site)
    return dosing_interval_stats(sim)


@number_task("05_spray_accumulation_ratio",
             "Eight 40-mg nasal sprays, one every 3 h, in a 70-kg adult: what is the accumulation ratio "
             "(mean level in the last interval / mean level in the first)?",
             unit=RATIO, rel_tol=0.03,
             why="With doses about one half-life apart, each spray adds to what is left of the earlier ones until "
                 "as much is eliminated per interval as is taken in.",
             method="simulate the eight sprays with interval_min=180 (3 h = 180 min) and t_end_min=8 * 180, then "
                    "read dosing_interval_stats(sim).accumulation_ratio: the mean level of the last interval "
                    "divided by the mean level of the first.")
def _spray_accumulation_ratio():
    interval_min = SPRAY_INTERVAL_H * 60.0
    stats = _spray_stats(interval_min, SPRAY_DOSES * interval_min)
    expected = stats.accumulation_ratio
    eight_hours = _spray_stats(8 * 60.0, SPRAY_DOSES * 8 * 60.0)
    three_minutes = _spray_stats(SPRAY_INTERVAL_H, SPRAY_DOSES * interval_min)
    venous = _spray_stats(interval_min, SPRAY_DOSES * interval_min, "venous")
    swing = ("that is the peak-to-trough ratio of the last interval; the accumulation ratio compares the mean "
             "levels of the last and first intervals.")

    def ratio(site: str) -> float:     # simulate()'s default (arterial) or the explorer's venous blood
        return _spray_stats(interval_min, SPRAY_DOSES * interval_min, site).accumulation_ratio

    return in_either_blood(ratio, (
        Misconception(1.0, "a ratio of 1 would mean no build-up at all; with doses only 3 h apart, each spray "
                           "adds to what is left of the earlier ones.", rel_tol=0.01),
        Misconception(1.0 / expected, "that is the first interval's mean over the last one's; the ratio is the "
                                      "last over the first."),
        Misconception(stats.peak_to_trough_ratio, swing),
        Misconception(venous.peak_to_trough_ratio, swing),
        Misconception(eight_hours.accumulation_ratio, "that is the ratio for sprays 8 h apart; these come every "
                                                      "3 h (interval_min=180)."),
        Misconception(three_minutes.accumulation_ratio, "interval_min is in minutes: 3 h is 180 min."),
    ))
