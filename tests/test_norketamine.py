"""Norketamine: closed form vs an independent matrix exponential, mass balance, AUC ratios vs literature."""
import numpy as np
import pytest
from scipy.integrate import trapezoid

from helpers import simulate
from helpers.evidence.bibliography import BIBLIOGRAPHY
from helpers.model.norketamine import NORKETAMINE, auc_ratio_inf, metabolite_disposition, norketamine_amounts_mg

from reference_solver import reference_amounts
from strategies import RACEMIC_ROUTES

FM = NORKETAMINE["fraction_metabolised"].value
F_FP = NORKETAMINE["first_pass_fraction"].value


def _metabolite(weight_kg):
    volumes, clearance, flow = metabolite_disposition(weight_kg)
    return FM, F_FP, tuple(volumes), clearance, flow


@pytest.mark.parametrize("name", sorted(NORKETAMINE))
def test_every_norketamine_number_is_sourced(name):
    parameter = NORKETAMINE[name]
    assert parameter.source and all(key in BIBLIOGRAPHY for key in parameter.source)
    assert len(parameter.note) > 20


def test_otto_numbers_as_published():
    # Otto 2021 S-norketamine: V 98.6 L, CL 57.7 L/h, Vp 160 L, Q 42.8 L/h (70 kg), estimated with fm = 1
    # (all clearance forms norketamine), so they are used with that same fm.
    assert [NORKETAMINE[k].value for k in ("v_l_70kg", "cl_l_per_h_70kg", "vp_l_70kg", "q_l_per_h_70kg")] \
        == [98.6, 57.7, 160.0, 42.8]
    assert FM == 1.0


CASES = [(route, {}) for route in RACEMIC_ROUTES] + [
    ("sublingual", {"swallowed_fraction": 0.9, "n_doses": 3, "interval_min": 150.0}),
    ("iv_infusion", {"infusion_min": 120.0}),
    ("oral", {"model": "clements1981"}),
]


@pytest.mark.parametrize("route, options", CASES, ids=[f"{r}-{o}" for r, o in CASES])
@pytest.mark.parametrize("weight_kg", [20.0, 70.0])
def test_closed_form_matches_matrix_exponential(route, options, weight_kg):
    if "model" in options:
        weight_kg = max(weight_kg, 45.0)
    sim = simulate(route, 40.0, weight_kg, t_end_min=900, dt_min=3.0, **options)
    states, _, _ = reference_amounts(route, 40.0, weight_kg, sim.t_min, metabolite=_metabolite(weight_kg),
                                     **options)
    expected = states[:, -2] / metabolite_disposition(weight_kg)[0][0] * 1000.0
    assert np.allclose(sim.norketamine_ng_ml, expected, rtol=1e-6, atol=1e-9 * expected.max())
    amounts = norketamine_amounts_mg(sim)
    assert np.allclose(amounts["peripheral"], states[:, -1], rtol=1e-6, atol=1e-9 * 40.0)


@pytest.mark.parametrize("route", RACEMIC_ROUTES)
def test_mass_balance_formed_equals_present_plus_eliminated(route):
    """Formed (from simulate's own ketamine bookkeeping) = in body + eliminated (from this module)."""
    sim = simulate(route, 30.0, 70.0, t_end_min=3000, dt_min=5.0, n_doses=2, interval_min=400.0)
    ketamine = sim.amounts_mg
    formed = FM * ketamine["eliminated"] + F_FP * ketamine["first_pass"]
    nk = norketamine_amounts_mg(sim)
    assert np.allclose(nk["central"] + nk["peripheral"] + nk["eliminated"], formed, rtol=1e-8, atol=1e-10)
    assert np.all(np.diff(nk["eliminated"]) >= -1e-12)


@pytest.mark.parametrize("route", RACEMIC_ROUTES)
def test_auc_ratio_to_infinity_is_the_teaching_relation(route):
    """AUC_NK / AUC_K = (fm F + f_fp (1 - F)) / F x CL_K / CL_NK, checked on the curves."""
    sim = simulate(route, 30.0, 70.0, t_end_min=20000, dt_min=1.0)
    ratio = trapezoid(sim.norketamine_ng_ml, sim.t_min) / trapezoid(sim.conc_ng_ml, sim.t_min)
    cl_nk = NORKETAMINE["cl_l_per_h_70kg"].value / 60.0
    f = sim.bioavailability
    expected = (FM * f + F_FP * (1 - f)) / f * sim.clearance_l_min / cl_nk
    assert ratio == pytest.approx(expected, rel=5e-3)
    assert auc_ratio_inf(sim) == pytest.approx(expected, rel=1e-12)


def _ratio_0_8h(route, **options):
    sim = simulate(route, 25.0, 70.0, t_end_min=480, dt_min=0.5, **options)
    return trapezoid(sim.norketamine_ng_ml, sim.t_min) / trapezoid(sim.conc_ng_ml, sim.t_min)


def test_auc_ratios_by_route_against_chong_2009():
    """Chong 2009 (25 mg racemic): NK/K AUC(0-8 h) about 5 swallowed and 2.1 sublingual; lower after IV.

    The oral ratio is reproduced within 30%. The sublingual ratio is over-predicted
    (about 3.5 at the assumed swallowed fraction 0.5) because the route model counts
    all mucosal loss as first pass that forms norketamine. The test keeps this
    documented gap bounded (within 2x).
    """
    oral, sublingual, iv = _ratio_0_8h("oral"), _ratio_0_8h("sublingual"), _ratio_0_8h("iv_infusion")
    assert 5.0 / 1.3 <= oral <= 5.0 * 1.3
    assert 2.1 / 2 <= sublingual <= 2.1 * 2
    assert iv < sublingual < oral
    assert iv < 1.5
    # Less swallowed -> less first pass -> less norketamine per ketamine
    assert _ratio_0_8h("sublingual", swallowed_fraction=0.0) < sublingual


def test_norketamine_is_linear_in_dose_and_zero_before_the_dose():
    a = simulate("oral", 10.0, 70.0, t_end_min=600)
    b = simulate("oral", 35.0, 70.0, t_end_min=600)
    assert np.allclose(b.norketamine_ng_ml, 3.5 * a.norketamine_ng_ml, rtol=1e-10, atol=1e-12)
    assert a.norketamine_ng_ml[0] == 0.0
