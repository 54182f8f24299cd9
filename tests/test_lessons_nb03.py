"""Notebook 03's checked tasks accept the right answer, reject wrong ones, and never reveal it."""
import numpy as np

from helpers import check

from reference_solver import reference_conc_ng_ml

T_MIN = np.arange(0.0, 120.0, 0.05)


def test_percent_fall_20_min_second_step():
    conc = reference_conc_ng_ml("iv_infusion", 52.5, 70.0, T_MIN, infusion_min=45.0)
    at_stop, later = np.interp([45.0, 65.0], T_MIN, conc)
    answer = 100 * (1 - later / at_stop)
    assert check("03_percent_fall_20_min_second_step", answer)
    assert not check("03_percent_fall_20_min_second_step", 100 * (1 - np.interp(55.0, T_MIN, conc) / at_stop))
    assert "percentage" in repr(check("03_percent_fall_20_min_second_step", answer / 100))
    assert f"{answer:.0f}" not in repr(check("03_percent_fall_20_min_second_step", 5.0))


def test_minutes_to_below_dissociation():
    conc = reference_conc_ng_ml("iv_infusion", 35.0, 70.0, T_MIN, infusion_min=40.0)
    after_stop = T_MIN[(T_MIN >= 40.0) & (conc < 100.0)][0] - 40.0
    assert check("03_minutes_to_below_dissociation", float(after_stop))
    assert not check("03_minutes_to_below_dissociation", 15.0)     # source 001's 15 min is not the answer
    assert not check("03_minutes_to_below_dissociation", 40.0)
    assert f"{after_stop:.0f}" not in repr(check("03_minutes_to_below_dissociation", 60.0))
