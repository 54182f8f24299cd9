"""Notebook 00's checked tasks accept the right answer, reject wrong ones, and never reveal it."""
import numpy as np

from helpers import ROUTES, check

from reference_solver import reference_conc_ng_ml


def test_oral_mg_reaching_blood():
    answer_mg = 0.20 * 50.0       # oral F 0.20 (Yanagihara 2003) x dose
    assert ROUTES["oral"].bioavailability == 0.20
    assert check("00_oral_mg_reaching_blood", answer_mg)
    assert not check("00_oral_mg_reaching_blood", 50.0)
    assert not check("00_oral_mg_reaching_blood", None)
    assert "10" not in repr(check("00_oral_mg_reaching_blood", 30.0))


def test_intranasal_peak_time():
    t_min = np.arange(0.0, 240.0, 0.05)
    peak_min = float(t_min[np.argmax(reference_conc_ng_ml("intranasal", 35.0, 70.0, t_min))])
    assert check("00_intranasal_peak_time", peak_min)
    assert not check("00_intranasal_peak_time", peak_min * 3)
    assert f"{peak_min:.0f}" not in repr(check("00_intranasal_peak_time", 200.0))
