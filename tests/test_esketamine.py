"""The esketamine nasal spray: its own published model (Perez-Ruixo 2021), doses as the label gives them.

Oracles: the paper's own Table 4 (typical Caucasian adult 18-60 years, as transcribed in the
nlmixr2lib vignette), the abstract's absolute bioavailability, the independent matrix-exponential
reference solver, mass balance and AUC x CL = F x dose.
"""
import numpy as np
import pytest
from scipy.integrate import trapezoid

from helpers import ROUTES, simulate, simulate_population
from helpers.model.norketamine import METABOLITES, metabolite_disposition

from reference_solver import reference_amounts

ROUTE = "esketamine_nasal_spray"
SESSIONS_MG = (28.0, 56.0, 84.0)
# Perez-Ruixo 2021 Table 4 (model-based, typical subject): esketamine Cmax (ng/mL), AUC 0-24 h (ng h/mL),
# noresketamine Cmax (ng/mL), for 1, 2 and 3 devices 5 min apart.
TABLE_4 = {28.0: (43.8, 147.3, 59.1), 56.0: (72.5, 254.7, 119.7), 84.0: (101.0, 362.2, 180.0)}


@pytest.mark.parametrize("dose_mg", SESSIONS_MG)
def test_reproduces_the_papers_table_4(dose_mg):
    sim = simulate(ROUTE, dose_mg, 70.0, t_end_min=1440, dt_min=0.1)
    cmax, auc_h, noresketamine_cmax = TABLE_4[dose_mg]
    assert sim.cmax_ng_ml == pytest.approx(cmax, rel=0.01)
    assert sim.auc_ng_min_ml / 60 == pytest.approx(auc_h, rel=0.01)
    assert sim.norketamine_ng_ml.max() == pytest.approx(noresketamine_cmax, rel=0.01)


@pytest.mark.parametrize("dose_mg, abstract", [(56.0, 0.54), (84.0, 0.51)])
def test_absolute_bioavailability_as_the_abstract_states(dose_mg, abstract):
    sim = simulate(ROUTE, dose_mg, 70.0, t_end_min=60)
    assert round(sim.bioavailability, 2) == abstract


@pytest.mark.parametrize("dose_mg", SESSIONS_MG)
def test_peak_comes_20_to_40_min_after_the_last_device_as_the_label_says(dose_mg):
    sim = simulate(ROUTE, dose_mg, 70.0, t_end_min=300, dt_min=0.1)
    last_device_min = (dose_mg / 28.0 - 1) * ROUTES[ROUTE].parameters["device_interval_min"].value
    assert 20.0 <= sim.tmax_min - last_device_min <= 40.0


@pytest.mark.parametrize("dose_mg", SESSIONS_MG)
def test_matches_an_independent_matrix_exponential_solution(dose_mg):
    sim = simulate(ROUTE, dose_mg, 70.0, t_end_min=900, dt_min=3.0, n_doses=2, interval_min=420.0)
    table = METABOLITES["esketamine"]
    volumes, clearance, flow = metabolite_disposition(70.0, "esketamine")
    metabolite = (table["fraction_metabolised"].value, table["first_pass_fraction"].value, tuple(volumes),
                  clearance, flow)
    states, central, v1 = reference_amounts(ROUTE, dose_mg, 70.0, sim.t_min, n_doses=2, interval_min=420.0,
                                            metabolite=metabolite)
    expected = states[:, central] / v1 * 1000.0
    assert np.allclose(sim.conc_ng_ml, expected, rtol=1e-6, atol=1e-9 * expected.max())
    noresketamine = states[:, -2] / volumes[0] * 1000.0
    assert np.allclose(sim.norketamine_ng_ml, noresketamine, rtol=1e-6, atol=1e-9 * noresketamine.max())
    assert np.allclose(sim.amounts_mg["eliminated"], states[:, -4], rtol=1e-6, atol=1e-9 * dose_mg)
    assert np.allclose(sim.amounts_mg["first_pass"], states[:, -3], rtol=1e-6, atol=1e-9 * dose_mg)


def test_mass_balance_and_auc_times_clearance_is_the_bioavailable_dose():
    sim = simulate(ROUTE, 56.0, 70.0, t_end_min=14 * 1440, dt_min=5.0)
    total = sum(sim.amounts_mg.values())
    assert np.allclose(total, 56.0, rtol=1e-9)
    assert sim.auc_ng_min_ml / 1000 * sim.clearance_l_min == pytest.approx(sim.bioavailable_dose_mg, rel=5e-3)
    # the systemic clearance of the liver-compartment model is Qh x E = 109 L/h (derived from Table 3)
    assert sim.clearance_l_min * 60 == pytest.approx(109.0, rel=1e-3)


def test_sessions_superpose_and_weight_changes_nothing():
    one = simulate(ROUTE, 56.0, 70.0, t_end_min=2880, dt_min=2.0)
    two = simulate(ROUTE, 56.0, 70.0, t_end_min=2880, dt_min=2.0, n_doses=2, interval_min=1440.0)
    shifted = np.concatenate([np.zeros(720), one.conc_ng_ml[:-720]])
    assert np.allclose(two.conc_ng_ml, one.conc_ng_ml + shifted, rtol=1e-10, atol=1e-10 * one.cmax_ng_ml)
    heavy = simulate(ROUTE, 56.0, 120.0, t_end_min=2880, dt_min=2.0)
    assert np.array_equal(heavy.conc_ng_ml, one.conc_ng_ml)   # weight was not a covariate


def test_effect_site_equals_blood_at_its_peak():
    sim = simulate(ROUTE, 84.0, 70.0, t_end_min=600, dt_min=0.5)
    peak = int(np.argmax(sim.effect_site_ng_ml))
    around = np.linspace(sim.t_min[peak - 1], sim.t_min[peak + 1], 20001)
    ce = sim.site_conc_ng_ml("effect", around)
    top = int(np.argmax(ce))
    assert ce[top] == pytest.approx(float(sim.conc_at(around[top])), rel=1e-5)
    assert trapezoid(sim.effect_site_ng_ml, sim.t_min) < trapezoid(sim.conc_ng_ml, sim.t_min)


@pytest.mark.parametrize("kwargs, fragment", [
    ({"dose_mg": 35.0}, "dose_mg must be one of 28, 56, 84 mg"),
    ({"dose_mg": 112.0}, "dose_mg must be one of 28, 56, 84 mg"),
    ({"dose_mg": 56.0, "model": "kamp2020"}, "model must be None or 'perezruixo2021'"),
    ({"dose_mg": 56.0, "sampling_site": "arterial"}, "sampling_site must be None or 'venous'"),
    ({"dose_mg": 56.0, "swallowed_fraction": 0.3}, "swallowed_fraction applies only"),
])
def test_bad_esketamine_settings_are_refused_clearly(kwargs, fragment):
    with pytest.raises(ValueError, match=fragment):
        simulate(ROUTE, **kwargs)


def test_racemic_routes_cannot_use_the_esketamine_model():
    with pytest.raises(ValueError, match="model must be one of 'kamp2020'"):
        simulate("intranasal", 50.0, model="perezruixo2021")


def test_population_variability_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="between-patient variability"):
        simulate_population(ROUTE, 56.0)
