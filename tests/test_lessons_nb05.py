"""Notebook 05's checked tasks accept the right answer, reject wrong ones, and never reveal it."""
import numpy as np

from helpers import ROUTES, check

from reference_solver import reference_conc_ng_ml


def test_equivalent_infusion_rate():
    # average level = F x dose / (CL x interval) = infusion rate / CL
    answer_mg_h = ROUTES["sublingual"].bioavailability * 60.0 / 8.0
    assert check("05_equivalent_infusion_rate", answer_mg_h)
    assert not check("05_equivalent_infusion_rate", 60.0 / 8.0)     # forgot bioavailability
    assert not check("05_equivalent_infusion_rate", None)
    assert f"{answer_mg_h:.2f}" not in repr(check("05_equivalent_infusion_rate", 7.5))


def test_spray_accumulation_ratio():
    # last interval / first interval of the reference curve, by trapezoids
    t = np.linspace(0.0, 1440.0, 2881)
    conc = reference_conc_ng_ml("intranasal", 40.0, 70.0, t, n_doses=8, interval_min=180.0)
    first, last = t <= 180.0, t >= 1260.0
    ratio = np.trapezoid(conc[last], t[last]) / np.trapezoid(conc[first], t[first])
    assert check("05_spray_accumulation_ratio", float(ratio))
    assert not check("05_spray_accumulation_ratio", 1.0)
    assert not check("05_spray_accumulation_ratio", 6.0)
    assert f"{ratio:.2f}" not in repr(check("05_spray_accumulation_ratio", 1.0))
