"""Notebook 01's checked tasks accept the right answer, reject wrong ones, and never reveal it."""
import numpy as np

from helpers import ROUTES, check, explore

from reference_solver import reference_conc_ng_ml

T_MIN = np.arange(0.0, 720.0, 0.05)


def _reference_peak(route, dose_mg):
    conc = reference_conc_ng_ml(route, dose_mg, 70.0, T_MIN)
    return T_MIN[np.argmax(conc)], conc.max()


def test_im_peak_time():
    peak_min, _ = _reference_peak("intramuscular", 35.0)
    assert check("01_im_peak_time", float(peak_min))
    assert not check("01_im_peak_time", float(peak_min) * 2)
    assert not check("01_im_peak_time", None)
    assert f"{peak_min:.0f}" not in repr(check("01_im_peak_time", 1000.0))


def test_oral_dose_matching_iv_exposure():
    answer_mg = 35.0 / ROUTES["oral"].bioavailability      # AUC = F x dose / CL
    assert check("01_oral_dose_matching_iv_exposure", answer_mg)
    assert not check("01_oral_dose_matching_iv_exposure", 35.0)
    assert f"{answer_mg:.0f}" not in repr(check("01_oral_dose_matching_iv_exposure", 35.0))


def test_intranasal_dose_matching_im_peak():
    _, im_peak = _reference_peak("intramuscular", 35.0)
    _, in_peak_per_mg = _reference_peak("intranasal", 1.0)
    app = explore(route="intranasal", weight_kg=70)
    app.controls["dose_unit"].value = "mg"
    app.controls["dose"].value = round(im_peak / in_peak_per_mg * 2) / 2   # nearest slider step
    assert check("01_intranasal_matching_im_peak", app)
    app.controls["dose"].value = 35.0
    assert not check("01_intranasal_matching_im_peak", app)
    app.controls["route"].value = "oral"
    assert "intranasal" in repr(check("01_intranasal_matching_im_peak", app))
    assert not check("01_intranasal_matching_im_peak", 12.0)
