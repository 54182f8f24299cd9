"""Notebook 00's checked tasks accept the right answer, give each misconception its hint, and never reveal it."""
from fractions import Fraction
from functools import cache

import numpy as np
from test_lessons import assert_never_shown, hint

from helpers import ROUTES, check

from reference_solver import reference_conc_ng_ml

ORAL = "00_oral_mg_reaching_blood"
IN_TMAX = "00_intranasal_peak_time"


def test_oral_mg_reaching_blood():
    answer_mg = 0.20 * 50.0       # oral F 0.20 (Yanagihara 2003) x dose
    assert ROUTES["oral"].bioavailability == 0.20
    assert check(ORAL, answer_mg)
    assert not check(ORAL, 50.0)
    assert not check(ORAL, None)
    assert "10" not in repr(check(ORAL, 30.0))


def test_oral_mg_in_any_form():
    for typed in ("10", "10 mg", "10.4 mg", "about 10 mg", "10,000 µg", "0.01 g", np.float32(10.0),
                  np.array([10.0]), Fraction(21, 2)):
        assert check(ORAL, typed), typed


def test_oral_mg_misconceptions():
    assert ROUTES["sublingual"].bioavailability == ROUTES["rectal"].bioavailability == 0.30
    assert "whole dose" in hint(ORAL, 50)
    assert "first pass" in hint(ORAL, (1 - 0.20) * 50)
    assert "as a percentage" in hint(ORAL, 20 * 50)            # F taken as 20, not 0.20
    assert "bioavailability itself" in hint(ORAL, 0.2)
    assert "multiply the fraction" in hint(ORAL, 20)
    assert "sublingual or rectal" in hint(ORAL, 0.30 * 50)
    assert "intranasal" in hint(ORAL, 0.45 * 50)
    assert "intramuscular" in hint(ORAL, 0.93 * 50)
    assert "micrograms" in hint(ORAL, 10_000)                    # µg typed as mg
    assert "not within 5%" in hint(ORAL, 13)
    assert_never_shown(ORAL, 10.0, [50, 40, 1000, 0.2, 20, 15, 22.5, 13, 7])


@cache
def _peak(route, **options):
    t_min = np.arange(0.0, 240.0, 0.25)
    conc = reference_conc_ng_ml(route, 35.0, 70.0, t_min, **options)
    return float(t_min[np.argmax(conc)]), float(conc.max())


def test_intranasal_peak_time():
    peak_min, _ = _peak("intranasal")
    assert check(IN_TMAX, peak_min)
    assert "arterial blood, the model's own" in check(IN_TMAX, peak_min).message
    assert not check(IN_TMAX, peak_min * 3)
    assert f"{peak_min:.0f}" not in repr(check(IN_TMAX, 200.0))


def test_intranasal_peak_time_in_any_unit():
    peak_min, _ = _peak("intranasal")
    minutes, seconds = divmod(round(peak_min * 60), 60)
    for typed in (f"{peak_min:.1f} min", f"{peak_min / 60:.3f} h", f"0:{round(peak_min):02d}",
                  f"0 h {round(peak_min)} min", f"{peak_min * 60:.0f} s", f"{minutes} min"):
        assert check(IN_TMAX, typed), typed


def test_intranasal_peak_time_misconceptions():
    peak_min, peak_ng_ml = _peak("intranasal")
    im_peak_min, _ = _peak("intramuscular")
    oral_peak_min, _ = _peak("oral")
    assert "peak level (Cmax" in hint(IN_TMAX, peak_ng_ml)
    assert "IV infusion" in hint(IN_TMAX, 40.0)          # the explorer's starting route peaks when the pump stops
    assert im_peak_min > 1.25 * peak_min                  # outside the 20% tolerance, so it is a distinct slip
    assert "intramuscular" in hint(IN_TMAX, im_peak_min)
    assert "oral" in hint(IN_TMAX, oral_peak_min)
    assert "hours" in hint(IN_TMAX, round(peak_min / 60, 2))
    assert "not within 20%" in hint(IN_TMAX, 120.0)
    assert_never_shown(IN_TMAX, peak_min, [peak_ng_ml, 40.0, oral_peak_min, 0.21, 120.0, 3.0])
