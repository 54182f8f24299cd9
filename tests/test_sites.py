"""Arterial and venous blood and the effect site: analytic checks and an independent solution."""
import numpy as np
import pytest
from scipy.integrate import trapezoid

from helpers import simulate, simulate_population
from helpers.model.sites import BLOOD_SITE_NUMBERS

from reference_solver import reference_amounts
from strategies import RACEMIC_ROUTES

K_AV = BLOOD_SITE_NUMBERS["venous.arterial_to_venous_per_min"].value
KE0 = BLOOD_SITE_NUMBERS["effect_site.ke0_per_min"].value


@pytest.mark.parametrize("route", RACEMIC_ROUTES)
def test_effect_site_equals_plasma_where_it_peaks(route):
    """dCe/dt = ke0 (Cp - Ce) is zero at the effect-site peak, so Ce = Cp there."""
    sim = simulate(route, 35.0, 70.0, t_end_min=600, dt_min=0.5)
    peak = int(np.argmax(sim.effect_site_ng_ml))
    assert 0 < peak < len(sim.t_min) - 1
    around = np.linspace(sim.t_min[peak - 1], sim.t_min[peak + 1], 20001)    # exact values, 5e-5 min apart
    ce = sim.site_conc_ng_ml("effect", around)
    top = int(np.argmax(ce))
    assert ce[top] == pytest.approx(float(sim.conc_at(around[top])), rel=1e-5)


@pytest.mark.parametrize("route", RACEMIC_ROUTES)
def test_effect_site_and_venous_areas_equal_the_arterial_area(route):
    """A delay moves drug in time but loses none: over a long window the areas agree."""
    sim = simulate(route, 35.0, 70.0, t_end_min=14 * 1440, dt_min=0.5)
    arterial = trapezoid(sim.conc_ng_ml, sim.t_min)
    assert trapezoid(sim.effect_site_ng_ml, sim.t_min) == pytest.approx(arterial, rel=2e-4)
    venous = simulate(route, 35.0, 70.0, t_end_min=14 * 1440, dt_min=0.5, sampling_site="venous")
    assert venous.auc_ng_min_ml == pytest.approx(sim.auc_ng_min_ml, rel=1e-6)
    assert venous.auc_ng_min_ml == pytest.approx(sim.auc_inf_ng_min_ml, rel=5e-3)


def test_after_a_bolus_the_effect_site_and_venous_blood_peak_later_and_lower():
    arterial = simulate("iv_bolus", 35.0, 70.0, t_end_min=120, dt_min=0.05)
    venous = simulate("iv_bolus", 35.0, 70.0, t_end_min=120, dt_min=0.05, sampling_site="venous")
    effect = arterial.effect_site_ng_ml
    for later in (venous.conc_ng_ml, effect):
        assert arterial.t_min[np.argmax(later)] > arterial.tmax_min
        assert later.max() < arterial.cmax_ng_ml
    early = arterial.t_min <= arterial.tmax_min
    assert np.all(venous.conc_ng_ml[early] <= arterial.conc_ng_ml[early])


def test_venous_meets_arterial_during_a_long_infusion_and_exceeds_it_afterwards():
    long = simulate("iv_infusion", 0.05 * 20160, 70.0, infusion_min=20160, t_end_min=20160, dt_min=60,
                    sampling_site="venous")
    assert long.conc_ng_ml[-1] == pytest.approx(long.site_conc_ng_ml("arterial")[-1], rel=1e-6)
    standard = simulate("iv_infusion", 35.0, 70.0, infusion_min=40, t_end_min=240, dt_min=0.5)
    venous = standard.site_conc_ng_ml("venous")
    during, after = standard.t_min == 20.0, standard.t_min == 60.0
    assert venous[during] < standard.conc_ng_ml[during]        # lower while the tissues fill
    assert venous[after] > standard.conc_ng_ml[after]          # higher while they give drug back


CASES = [("iv_bolus", {}), ("iv_infusion", {"infusion_min": 40.0}), ("oral", {}),
         ("sublingual", {"n_doses": 2, "interval_min": 180.0}), ("intranasal", {"swallowed_fraction": 0.2})]


@pytest.mark.parametrize("route, options", CASES, ids=[r for r, _ in CASES])
@pytest.mark.parametrize("weight_kg", [15.0, 70.0])
def test_venous_and_effect_site_match_an_independent_matrix_exponential(route, options, weight_kg):
    sim = simulate(route, 40.0, weight_kg, t_end_min=600, dt_min=2.0, sampling_site="venous", **options)
    states, _, _ = reference_amounts(route, 40.0, weight_kg, sim.t_min, followers=(K_AV, KE0), **options)
    venous, effect = states[:, -2] * 1000.0, states[:, -1] * 1000.0
    assert np.allclose(sim.conc_ng_ml, venous, rtol=1e-6, atol=1e-9 * venous.max())
    assert np.allclose(sim.effect_site_ng_ml, effect, rtol=1e-6, atol=1e-9 * effect.max())
    assert np.allclose(sim.conc_at([33.3, 401.7]), np.interp([33.3, 401.7], sim.t_min, venous), rtol=1e-2)


def test_population_at_the_venous_site_matches_the_reference_for_sampled_patients():
    pop = simulate_population("oral", 50.0, 70.0, n_patients=20, seed=3, t_end_min=600, dt_min=3.0,
                              sampling_site="venous")
    for i in (0, 11, 19):
        states, _, _ = reference_amounts("oral", 50.0, 70.0, pop.t_min, pathways=pop.patient_pathways(i),
                                         disposition=pop.patient_disposition(i), followers=(K_AV,))
        expected = states[:, -1] * 1000.0
        assert np.allclose(pop.conc_ng_ml[i], expected, rtol=1e-6, atol=1e-9 * expected.max())


def test_mass_balance_does_not_depend_on_where_blood_is_sampled():
    arterial = simulate("sublingual", 30.0, 70.0, t_end_min=900)
    venous = simulate("sublingual", 30.0, 70.0, t_end_min=900, sampling_site="venous")
    for name, amount in venous.amounts_mg.items():
        assert np.array_equal(amount, arterial.amounts_mg[name]), name
    total = sum(venous.amounts_mg.values())
    assert np.allclose(total, 30.0, rtol=1e-9)


@pytest.mark.parametrize("kwargs, fragment", [
    ({"sampling_site": "capillary"}, "sampling_site must be one of 'arterial', 'venous'"),
    ({"sampling_site": "venous", "model": "domino1984"}, "sampling_site must be None for model 'domino1984'"),
    ({"sampling_site": 3}, "sampling_site must be one of"),
])
def test_bad_sampling_sites_are_refused_with_the_choices(kwargs, fragment):
    with pytest.raises(ValueError, match=fragment):
        simulate("oral", 50.0, 70.0, **kwargs)


def test_each_simulation_says_which_blood_it_describes():
    assert simulate("oral", 50.0).sampling_site == "arterial"
    assert simulate("oral", 50.0, sampling_site="venous").sampling_site == "venous"
    assert simulate("oral", 50.0, model="domino1984").sampling_site == "not stated"
