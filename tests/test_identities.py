"""Analytic identities of a linear model, checked route by route."""
import numpy as np
import pytest
from scipy.integrate import cumulative_trapezoid

from helpers import ROUTES, simulate

from strategies import RACEMIC_ROUTES


@pytest.mark.parametrize("route", RACEMIC_ROUTES)
def test_concentration_is_linear_in_dose(route):
    small = simulate(route, dose_mg=10.0, weight_kg=70.0, t_end_min=600)
    large = simulate(route, dose_mg=37.0, weight_kg=70.0, t_end_min=600)
    assert np.allclose(large.conc_ng_ml, 3.7 * small.conc_ng_ml, rtol=1e-12, atol=1e-12)
    assert large.auc_ng_min_ml == pytest.approx(3.7 * small.auc_ng_min_ml, rel=1e-12)


@pytest.mark.parametrize("route", RACEMIC_ROUTES)
@pytest.mark.parametrize("weight_kg", [15.0, 70.0, 120.0])
def test_repeated_doses_equal_superposed_single_doses(route, weight_kg):
    interval_steps, dt, n_doses = 180, 2.0, 4        # interval 360 min on a 2-min grid
    repeated = simulate(route, dose_mg=25.0, weight_kg=weight_kg, t_end_min=2400, dt_min=dt,
                        n_doses=n_doses, interval_min=interval_steps * dt)
    single = simulate(route, dose_mg=25.0, weight_kg=weight_kg, t_end_min=2400, dt_min=dt)
    superposed = np.zeros_like(single.conc_ng_ml)
    for k in range(n_doses):
        shift = k * interval_steps
        superposed[shift:] += single.conc_ng_ml[:len(superposed) - shift]
    assert np.allclose(repeated.conc_ng_ml, superposed, rtol=1e-10, atol=1e-10 * superposed.max())


@pytest.mark.parametrize("route", RACEMIC_ROUTES)
@pytest.mark.parametrize("weight_kg", [10.0, 70.0, 150.0])
def test_auc_to_infinity_times_clearance_is_bioavailable_dose(route, weight_kg):
    # A window of 20 terminal half-lives makes AUC(0-t) equal AUC(0-inf) well within 0.5%.
    sim = simulate(route, dose_mg=40.0, weight_kg=weight_kg, t_end_min=14 * 24 * 60, dt_min=30.0)
    bioavailable_mg = ROUTES[route].bioavailability * 40.0
    auc_mg_min_per_l = sim.auc_ng_min_ml / 1000.0
    assert auc_mg_min_per_l * sim.clearance_l_min == pytest.approx(bioavailable_mg, rel=0.005)
    # the trapezoid rule on a fine grid agrees with the analytic window AUC
    fine = simulate(route, dose_mg=40.0, weight_kg=weight_kg, t_end_min=1440, dt_min=0.05)
    assert np.trapezoid(fine.conc_ng_ml, fine.t_min) == pytest.approx(fine.auc_ng_min_ml, rel=1e-4)


@pytest.mark.parametrize("weight_kg", [10.0, 70.0, 150.0])
def test_long_infusion_reaches_rate_over_clearance(weight_kg):
    rate_mg_min = 0.05
    infusion_min = 14 * 24 * 60.0
    sim = simulate("iv_infusion", dose_mg=rate_mg_min * infusion_min, weight_kg=weight_kg,
                   infusion_min=infusion_min, t_end_min=infusion_min, dt_min=60.0)
    css_ng_ml = rate_mg_min / sim.clearance_l_min * 1000.0
    assert sim.conc_ng_ml[-1] == pytest.approx(css_ng_ml, rel=1e-3)
    assert np.all(sim.conc_ng_ml <= css_ng_ml * (1 + 1e-9))   # approaches from below


@pytest.mark.parametrize("route", RACEMIC_ROUTES)
def test_eliminated_amount_is_clearance_times_running_auc(route):
    # A repeated bolus jumps, which the trapezoid rule cannot follow; give it one dose. Its one-minute
    # injection bends the curve sharply, so the trapezoid needs a finer grid there.
    n_doses = 1 if route == "iv_bolus" else 2
    sim = simulate(route, dose_mg=30.0, weight_kg=70.0, t_end_min=720, dt_min=0.05 if route == "iv_bolus" else 0.1,
                   n_doses=n_doses, interval_min=240.0)
    cleared_mg = sim.clearance_l_min * cumulative_trapezoid(sim.conc_ng_ml / 1000.0, sim.t_min, initial=0.0)
    assert np.allclose(sim.amounts_mg["eliminated"], cleared_mg, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("route", ["intranasal", "sublingual"])
def test_swallowed_fraction_moves_bioavailability_between_mucosal_and_oral(route):
    chosen = ROUTES[route]
    assert chosen.bioavailability_at(chosen.default_swallowed_fraction) == pytest.approx(chosen.bioavailability)
    assert chosen.bioavailability_at(1.0) == pytest.approx(ROUTES["oral"].bioavailability)
    assert chosen.bioavailability_at(0.0) == pytest.approx(chosen.mucosal_availability)
    for fraction in (0.0, 0.3, 1.0):
        sim = simulate(route, dose_mg=40.0, weight_kg=70.0, t_end_min=14 * 1440, dt_min=30.0,
                       swallowed_fraction=fraction)
        assert sim.auc_ng_min_ml / 1000 * sim.clearance_l_min == pytest.approx(
            chosen.bioavailability_at(fraction) * 40.0, rel=0.005)
