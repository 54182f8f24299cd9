"""Notebook 06's checked tasks accept the right answer, reject wrong ones, and never reveal it."""
import numpy as np

from helpers import ROUTES, check, explore

from reference_solver import reference_amounts, reference_conc_ng_ml


def test_im_depot_at_15_min():
    (pathway,) = ROUTES["intramuscular"].pathways()
    answer_mg = 35.0 * np.exp(-pathway.ka_per_min * 15.0)          # first-order emptying of the muscle
    out, _, _ = reference_amounts("intramuscular", 35.0, 70.0, np.array([0.0, 15.0]))
    assert np.isclose(out[-1, 0], answer_mg, rtol=1e-6)            # depot is state 0 in the reference
    assert check("06_im_depot_mg_at_15_min", float(answer_mg))
    assert not check("06_im_depot_mg_at_15_min", 35.0)
    assert not check("06_im_depot_mg_at_15_min", 0.0)
    assert f"{answer_mg:.1f}" not in repr(check("06_im_depot_mg_at_15_min", 35.0))


def test_intranasal_time_below_50():
    t = np.arange(0.0, 400.0, 0.5)
    conc = reference_conc_ng_ml("intranasal", 70.0, 70.0, t)
    answer_min = float(t[np.flatnonzero(conc >= 50.0)[-1]])
    assert check("06_intranasal_time_below_50", answer_min)
    assert not check("06_intranasal_time_below_50", answer_min / 2)
    assert not check("06_intranasal_time_below_50", answer_min * 2)
    assert f"{answer_min:.0f}" not in repr(check("06_intranasal_time_below_50", 10.0))


def _reference_peak(duration_min):
    t = np.arange(0.0, duration_min + 30.0, 0.5)
    return reference_conc_ng_ml("iv_infusion", 35.0, 70.0, t, infusion_min=duration_min).max()


def test_infusion_duration_slider():
    shortest = next(d for d in range(5, 1445, 5) if _reference_peak(float(d)) <= 100.0)
    app = explore(route="iv_infusion", dose_mg_per_kg=0.5, weight_kg=70)
    app.controls["infusion_min"].value = shortest
    assert check("06_infusion_duration_peak_below_100", app)
    app.controls["infusion_min"].value = shortest - 5
    assert not check("06_infusion_duration_peak_below_100", app)
    app.controls["infusion_min"].value = shortest + 5     # one step too long is not the shortest
    assert not check("06_infusion_duration_peak_below_100", app)
    app.controls["infusion_min"].value = shortest + 60
    assert "shortest" in repr(check("06_infusion_duration_peak_below_100", app))
    assert not check("06_infusion_duration_peak_below_100", app)
    app.controls["infusion_min"].value = shortest
    app.controls["route"].value = "intramuscular"
    assert "IV infusion" in repr(check("06_infusion_duration_peak_below_100", app))
    assert not check("06_infusion_duration_peak_below_100", shortest)
