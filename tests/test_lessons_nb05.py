"""Notebook 05's checked tasks accept the right answer, give each misconception its hint, and never reveal it."""
import numpy as np
from test_lessons import assert_never_shown, hint, reference_blood_ng_ml

from helpers import ROUTES, check

from reference_solver import reference_conc_ng_ml

RATE, RATIO = "05_equivalent_infusion_rate", "05_spray_accumulation_ratio"


def test_equivalent_infusion_rate():
    # average level = F x dose / (CL x interval) = infusion rate / CL
    answer_mg_h = ROUTES["sublingual"].bioavailability * 60.0 / 8.0
    assert check(RATE, answer_mg_h)
    assert not check(RATE, 60.0 / 8.0)     # forgot bioavailability
    assert not check(RATE, None)
    assert f"{answer_mg_h:.2f}" not in repr(check(RATE, 7.5))


def test_infusion_rate_misconceptions():
    assert ROUTES["sublingual"].bioavailability == 0.30 and ROUTES["intranasal"].bioavailability == 0.45
    answer = 0.30 * 60 / 8
    for typed in (f"{answer} mg/h", f"{answer * 24:.0f} mg/day", f"{answer / 60:.4f} mg/min",
                  f"{answer * 1000:.0f} µg/h"):
        assert check(RATE, typed), typed
    assert "bioavailability was left out" in hint(RATE, 60 / 8)
    assert "one troche" in hint(RATE, 0.30 * 60)
    assert "mg per day" in hint(RATE, 0.30 * 60 * 3)
    assert "mg per minute" in hint(RATE, round(answer / 60, 4))
    assert "intranasal" in hint(RATE, 0.45 * 60 / 8)
    assert "oral" in hint(RATE, 0.20 * 60 / 8)
    assert "percentage" in hint(RATE, 30 * 60 / 8)
    assert_never_shown(RATE, answer, [7.5, 18, 54, 0.0375, 3.375, 1.5, 225, 4])


def _interval_means(interval_min, n_doses=8, t_end_min=1440.0, points=2881):
    t = np.linspace(0.0, t_end_min, points)
    conc = reference_conc_ng_ml("intranasal", 40.0, 70.0, t, n_doses=n_doses, interval_min=interval_min)
    last_start = (n_doses - 1) * interval_min
    first, last = t <= interval_min, (t >= last_start) & (t <= last_start + interval_min)
    return t, conc, np.trapezoid(conc[first], t[first]), np.trapezoid(conc[last], t[last]), last


def test_spray_accumulation_ratio():
    # last interval / first interval of the reference curve, by trapezoids
    t = np.linspace(0.0, 1440.0, 2881)
    conc = reference_conc_ng_ml("intranasal", 40.0, 70.0, t, n_doses=8, interval_min=180.0)
    first, last = t <= 180.0, t >= 1260.0
    ratio = np.trapezoid(conc[last], t[last]) / np.trapezoid(conc[first], t[first])
    assert check(RATIO, float(ratio))
    assert not check(RATIO, 1.0)
    assert not check(RATIO, 6.0)
    assert f"{ratio:.2f}" not in repr(check(RATIO, 1.0))


def test_spray_accumulation_ratio_in_venous_blood():
    # the notebook reads levels in venous blood: the same ratio there (arterial through the arm delay) is accepted
    t = np.linspace(0.0, 1440.0, 2881)
    venous = reference_blood_ng_ml("intranasal", 40.0, 70.0, t, "venous", n_doses=8, interval_min=180.0)
    arterial = reference_blood_ng_ml("intranasal", 40.0, 70.0, t, n_doses=8, interval_min=180.0)
    first, last = t <= 180.0, t >= 1260.0

    def ratio(conc):
        return np.trapezoid(conc[last], t[last]) / np.trapezoid(conc[first], t[first])

    assert abs(ratio(venous) / ratio(arterial) - 1) > 0.005          # the two bloods really differ
    result = check(RATIO, float(ratio(venous)))
    assert result and "venous blood" in result.message
    in_last = t >= 1260.0
    assert "peak-to-trough" in hint(RATIO, venous[in_last].max() / venous[in_last].min())


def test_accumulation_ratio_misconceptions():
    _, conc, first, last, in_last = _interval_means(180.0, points=1441)
    ratio = last / first
    assert check(RATIO, f"{ratio:.2f}x") and check(RATIO, f"{ratio * 100:.0f} %")
    assert "no build-up" in hint(RATIO, 1.0)
    assert "last over the first" in hint(RATIO, 1 / ratio)
    assert "peak-to-trough" in hint(RATIO, conc[in_last].max() / conc[in_last].min())
    _, _, first_8h, last_8h, _ = _interval_means(480.0, t_end_min=8 * 480.0, points=961)
    assert "8 h apart" in hint(RATIO, last_8h / first_8h)
    _, _, first_3min, last_3min, _ = _interval_means(3.0, t_end_min=30.0, points=601)   # interval_min=3 by mistake
    assert "3 h is 180 min" in hint(RATIO, last_3min / first_3min)
    assert_never_shown(RATIO, ratio, [1.0, 1 / ratio, 3.5, 1.13, 20, 6.0])
