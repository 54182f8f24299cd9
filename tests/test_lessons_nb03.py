"""Notebook 03's checked tasks accept the right answer, give each misconception its hint, and never reveal it."""
import numpy as np
from test_lessons import assert_never_shown, hint, reference_blood_ng_ml

from helpers import BLOOD_SITE_NUMBERS, check

from reference_solver import reference_amounts, reference_conc_ng_ml

T_MIN = np.arange(0.0, 120.0, 0.05)
FALL, BELOW = "03_percent_fall_20_min_second_step", "03_minutes_to_below_dissociation"


def _step_2():
    conc = reference_conc_ng_ml("iv_infusion", 52.5, 70.0, T_MIN, infusion_min=45.0)
    return lambda t: float(np.interp(t, T_MIN, conc))


def test_percent_fall_20_min_second_step():
    conc = reference_conc_ng_ml("iv_infusion", 52.5, 70.0, T_MIN, infusion_min=45.0)
    at_stop, later = np.interp([45.0, 65.0], T_MIN, conc)
    answer = 100 * (1 - later / at_stop)
    assert check(FALL, answer)
    assert not check(FALL, 100 * (1 - np.interp(55.0, T_MIN, conc) / at_stop))
    assert "percentage" in repr(check(FALL, answer / 100))
    assert f"{answer:.0f}" not in repr(check(FALL, 5.0))


def test_percent_fall_misconceptions():
    level = _step_2()
    answer = 100 * (1 - level(65) / level(45))
    assert check(FALL, f"{answer:.1f} %") and check(FALL, f"{answer:.0f}%")
    assert "how much is left" in hint(FALL, 100 - answer)
    assert "20 min after the start" in hint(FALL, 100 * (1 - level(20) / level(45)))
    assert "10 min after the stop" in hint(FALL, 100 * (1 - level(55) / level(45)))
    assert "5 min after the stop" in hint(FALL, 100 * (1 - level(50) / level(45)))
    assert "not as a fraction" in hint(FALL, round(answer / 100, 3))
    assert_never_shown(FALL, answer, [100 - answer, 25, 50.7, 0.6, 90])


def test_minutes_to_below_dissociation():
    conc = reference_conc_ng_ml("iv_infusion", 35.0, 70.0, T_MIN, infusion_min=40.0)
    after_stop = T_MIN[(T_MIN >= 40.0) & (conc < 100.0)][0] - 40.0
    assert check(BELOW, float(after_stop))
    assert "arterial blood, the model's own" in check(BELOW, float(after_stop)).message
    assert not check(BELOW, 15.0)     # source 001's 15 min is not the answer
    assert not check(BELOW, 40.0)
    assert f"{after_stop:.0f}" not in repr(check(BELOW, 60.0))


def test_minutes_to_below_in_venous_blood_and_misconceptions():
    arterial = reference_blood_ng_ml("iv_infusion", 35.0, 70.0, T_MIN, infusion_min=40.0)
    venous = reference_blood_ng_ml("iv_infusion", 35.0, 70.0, T_MIN, "venous", infusion_min=40.0)
    answer = float(T_MIN[(T_MIN >= 40.0) & (arterial < 100.0)][0] - 40.0)
    in_venous = float(T_MIN[(T_MIN >= 40.0) & (venous < 100.0)][0] - 40.0)
    assert "venous blood" in check(BELOW, in_venous).message
    assert "source 001" in hint(BELOW, 15)
    assert "start of the infusion" in hint(BELOW, 40 + answer)
    assert "whole time at or above 100" in hint(BELOW, float(np.sum(arterial >= 100.0) * 0.05))
    assert "hours" in hint(BELOW, round(answer / 60, 3))
    assert_never_shown(BELOW, answer, [15, 40 + answer, 53, 0.29, 90])


K_E0 = BLOOD_SITE_NUMBERS["effect_site.ke0_per_min"].value
EFFECT = "03_effect_site_minutes_below_100"


def _effect_site(route, dose_mg, weight_kg, t_min, **options):
    """The independent solution's effect site: a concentration following arterial blood with rate ke0."""
    states, _, _ = reference_amounts(route, dose_mg, weight_kg, t_min, followers=(K_E0,), **options)
    return states[:, -1] * 1000.0


def _first_below_after(t_min, conc, stop_min, level):
    return float(t_min[(t_min >= stop_min) & (conc < level)][0] - stop_min)


def test_percent_fall_in_venous_blood_is_a_misconception():
    venous = reference_blood_ng_ml("iv_infusion", 52.5, 70.0, T_MIN, "venous", infusion_min=45.0)
    at_stop, later = np.interp([45.0, 65.0], T_MIN, venous)
    assert "venous blood" in hint(FALL, 100 * (1 - later / at_stop))


def test_minutes_to_below_read_at_the_effect_site_is_a_misconception():
    effect = _effect_site("iv_infusion", 35.0, 70.0, T_MIN, infusion_min=40.0)
    assert "effect site" in hint(BELOW, _first_below_after(T_MIN, effect, 40.0, 100.0))


def test_effect_site_minutes_below_100():
    effect = _effect_site("iv_infusion", 35.0, 70.0, T_MIN, infusion_min=40.0)
    answer = _first_below_after(T_MIN, effect, 40.0, 100.0)
    assert effect[T_MIN <= 40.0].max() < effect.max()                 # it keeps rising after the stop
    assert check(EFFECT, answer) and check(EFFECT, f"{answer:.0f} min") and check(EFFECT, f"{answer / 60:.2f} h")
    assert not check(EFFECT, answer * 1.5)
    assert f"{answer:.0f}" not in repr(check(EFFECT, 60.0))


def test_effect_site_minutes_below_100_misconceptions():
    effect = _effect_site("iv_infusion", 35.0, 70.0, T_MIN, infusion_min=40.0)
    arterial = reference_blood_ng_ml("iv_infusion", 35.0, 70.0, T_MIN, infusion_min=40.0)
    venous = reference_blood_ng_ml("iv_infusion", 35.0, 70.0, T_MIN, "venous", infusion_min=40.0)
    answer = _first_below_after(T_MIN, effect, 40.0, 100.0)
    in_arterial = _first_below_after(T_MIN, arterial, 40.0, 100.0)
    in_venous = _first_below_after(T_MIN, venous, 40.0, 100.0)
    assert in_arterial < in_venous < answer / 1.15                    # blood crosses first, and outside the tolerance
    assert "arterial blood" in hint(EFFECT, in_arterial)
    assert "venous (forearm) blood" in hint(EFFECT, in_venous)
    assert "source 001" in hint(EFFECT, 15)
    assert "start of the infusion" in hint(EFFECT, 40 + answer)
    assert "hours" in hint(EFFECT, round(answer / 60, 3))
    assert_never_shown(EFFECT, answer, [in_arterial, in_venous, 15, 40 + answer, 0.51, 90])
