"""Notebook 09: each case's numbers (helpers.lessons.nb09.case_numbers) against the independent reference
solution, and the checked tasks (the right answer accepted, each misconception's hint, never shown).

The oracle never asks the package: the cases' settings are read from cases.toml, the rates of the venous
delay and the effect site from blood_sites.toml, and every level, area and amount comes from the reference
solver (tests/reference_solver.py), which builds its own model from the data files."""
from functools import cache

import numpy as np
import pytest
from scipy.integrate import trapezoid
from test_lessons import assert_never_shown, hint

from helpers import CASES, check, explore
from helpers.lessons.nb09 import case_numbers

from reference_solver import (
    data_file,
    data_value,
    reference_amounts,
    reference_bioavailability,
    reference_disposition,
    reference_metabolite,
)

K_AV = data_value(data_file("blood_sites.toml"), "venous.arterial_to_venous_per_min")
K_E0 = data_value(data_file("blood_sites.toml"), "effect_site.ke0_per_min")
EFFECT_LOW_NG_ML = {key: data_value(table, "low_ng_ml") for key, table in data_file("effect_ranges.toml").items()}
RECTAL, CHILD_DOSE = "09_rectal_mg_reaching_blood", "09_child_dose_matching_adult_peak"
F_RECTAL = 0.30           # helpers/data/routes.toml: rectal bioavailability (Malinovsky 1996)
F_ORAL = 0.20             # oral bioavailability (Yanagihara 2003)
DT = 0.05


def _grid(end_min, dt=DT):
    return np.arange(0.0, end_min + dt / 2, dt)


def reference_blood_ng_ml(route, dose_mg, weight_kg, t_min, site="arterial", **options):
    """The reference level in arterial blood (the model's own) or forearm-venous blood (one first-order delay)."""
    states, central, v1 = reference_amounts(route, dose_mg, weight_kg, t_min, followers=(K_AV,), **options)
    return (states[:, central] / v1 if site == "arterial" else states[:, -1]) * 1000.0


@cache
def _venous(route, dose_mg, weight_kg, end_min, **options):
    t = _grid(end_min)
    return t, reference_blood_ng_ml(route, dose_mg, weight_kg, t, "venous", **options)


def _peak(t, conc):
    return float(conc.max()), float(t[np.argmax(conc)])


def _last_at_or_above(t, conc, level):
    return float(t[np.flatnonzero(conc >= level)[-1]])


def _close(value, expected, rel=0.01, abs_tol=0.0):
    return value == pytest.approx(expected, rel=rel, abs=abs_tol)


# ----------------------------------------------------------------------------- the numbers of each case
def _case_curves(key, **changes):
    """simulate()-like settings of each curve of a case (live first, then the pins), from cases.toml alone."""
    case = data_file("cases.toml")[key]
    routes = data_file("routes.toml")
    window_min = case["settings"]["window_h"] * 60.0
    curves = []
    for spec in [{**case["settings"], **changes}, *case.get("pins", [])]:
        route, weight_kg = spec["route"], float(spec["weight_kg"])
        dose_mg = float(spec["dose_mg"]) if "dose_mg" in spec else spec["dose_mg_per_kg"] * weight_kg
        options = {}
        if "default_infusion_min" in routes[route]:
            options["infusion_min"] = float(spec.get("infusion_min", data_value(routes[route], "default_infusion_min")))
        if routes[route].get("home_use") and spec.get("n_doses", 1) > 1:
            options.update(n_doses=spec["n_doses"], interval_min=spec["interval_h"] * 60.0)
        curves.append((route, dose_mg, weight_kg, options))
    return window_min, case["settings"].get("norketamine", False), curves


def _minutes_above(t, conc, level):
    """Time at or above ``level``, the crossings placed by linear interpolation; also the number of crossings."""
    above = conc >= level
    total = float(np.sum(np.diff(t)[above[:-1] & above[1:]]))
    crossings = np.flatnonzero(above[:-1] != above[1:])
    for i in crossings:
        into = (level - conc[i]) / (conc[i + 1] - conc[i]) * (t[i + 1] - t[i])     # time from t[i] to the crossing
        total += (t[i + 1] - t[i] - into) if conc[i + 1] >= level else into
    return total, len(crossings)


def _expected_row(route, dose_mg, weight_kg, options, t, norketamine):
    """The comparison table's numbers for one curve in venous blood, from the reference solution alone."""
    model = data_file("routes.toml")[route].get("model") or "kamp2020"
    drug = data_file("routes.toml")[route].get("drug", "ketamine")
    metabolite = reference_metabolite(weight_kg, drug) if norketamine else None
    states, central, _ = reference_amounts(route, dose_mg, weight_kg, t, followers=(K_AV,), metabolite=metabolite,
                                           **options)
    venous = states[:, -1] * 1000.0
    volumes, clearance, _, eliminated_from = reference_disposition(model, weight_kg)
    assert eliminated_from == 0
    # AUC identities, no quadrature: the arterial area is the amount eliminated / CL (central elimination), and
    # dCv/dt = k (Ca - Cv) gives the venous area over [0, T] as the arterial area - Cv(T) / k.
    eliminated = states[-1, central + len(volumes)]       # the state after the compartments (reference_solver)
    arterial_auc = eliminated / clearance * 1000.0
    row = {"cmax_ng_ml": venous.max(), "tmax_min": t[np.argmax(venous)],
           "auc_ng_h_ml": (arterial_auc - venous[-1] / K_AV) / 60.0,
           "bioavailable_dose_mg": reference_bioavailability(route, dose_mg=dose_mg) * dose_mg
           * options.get("n_doses", 1)}
    if norketamine:
        v_nk = metabolite[2][0]
        row["norketamine_auc_ng_h_ml"] = trapezoid(states[:, -3] / v_nk * 1000.0, t) / 60.0
    return row, venous


CASE_CHANGES = [(key, {}) for key in CASES] + [("child_versus_adult", {"dose_mg": 50.0})]


@pytest.mark.parametrize("key, changes", CASE_CHANGES, ids=[k + ("-changed" if c else "") for k, c in CASE_CHANGES])
def test_comparison_table_rows_against_the_reference_solution(key, changes):
    """Each row of the explorer's comparison table (and case_numbers' copy of it), judged by the reference solver
    on the case's settings as cases.toml gives them."""
    window_min, norketamine, specs = _case_curves(key, **changes)
    shown = explore(case=key, **changes).comparison_table()
    curves = case_numbers(key, **changes).curves
    assert len(curves) == len(shown) == len(specs)
    for curve, table_row, (route, dose_mg, weight_kg, options) in zip(curves, shown, specs):
        sim = curve.simulation
        assert curve.sampling_site == "venous"
        t = sim.t_min
        assert t[0] == 0.0 and t[-1] == pytest.approx(window_min, rel=1e-12) and np.allclose(np.diff(t), t[1])
        dt = float(t[1])
        expected, venous = _expected_row(route, dose_mg, weight_kg, options, t, norketamine)
        place = f"{key} {route} {dose_mg:g} mg {weight_kg:g} kg {options}"
        for row in (curve.row, table_row):
            assert row["cmax_ng_ml"] == pytest.approx(expected["cmax_ng_ml"], rel=1e-6), place
            assert row["tmax_min"] == pytest.approx(expected["tmax_min"], abs=dt + 1e-9), place
            assert row["auc_ng_h_ml"] == pytest.approx(expected["auc_ng_h_ml"], rel=1e-6), place
            assert row["bioavailable_dose_mg"] == pytest.approx(expected["bioavailable_dose_mg"], rel=1e-9), place
            for name, level in EFFECT_LOW_NG_ML.items():
                minutes, crossings = _minutes_above(t, venous, level)
                assert row[f"time_above_{name}_min"] == pytest.approx(minutes, abs=crossings * dt / 2 + 1e-9), \
                    (place, name)
            assert ("norketamine_auc_ng_h_ml" in row) == norketamine, place
            if norketamine:
                assert row["norketamine_auc_ng_h_ml"] == pytest.approx(expected["norketamine_auc_ng_h_ml"],
                                                                       rel=1e-6), place


def test_case_1_infusion_peaks_when_the_pump_stops_in_venous_blood():
    live = case_numbers("depression_infusion").live
    t, venous = _venous("iv_infusion", 35.0, 70.0, 240.0, infusion_min=40.0)
    peak, when = _peak(t, venous)
    assert live.sampling_site == "venous"
    assert _close(live.peak_ng_ml, peak, 0.002) and _close(live.peak_min, when, abs_tol=0.3)
    assert 40.0 <= live.peak_min < 42.0                    # the pump stops at 40 min; the vein lags a little
    above = float(np.sum(venous >= 100.0) * DT)
    assert _close(live.minutes_above(100.0), above, abs_tol=0.3)
    arterial = case_numbers("depression_infusion", sampling_site="arterial").live
    art = reference_blood_ng_ml("iv_infusion", 35.0, 70.0, t, infusion_min=40.0)
    assert arterial.sampling_site == "arterial" and _close(arterial.peak_ng_ml, art.max(), 0.002)
    assert arterial.peak_ng_ml > live.peak_ng_ml


def test_case_2_stopped_drip_blood_and_effect_site():
    numbers = case_numbers("stopped_infusion")
    stopped, full, muscle = numbers.curves
    t = _grid(120.0)
    venous = reference_blood_ng_ml("iv_infusion", 17.5, 70.0, t, "venous", infusion_min=20.0)
    assert stopped.dose_ends_min == 20.0
    assert _close(stopped.dose_ends_min + stopped.falls_below_min(100.0), _last_at_or_above(t, venous, 100.0),
                  abs_tol=DT + 0.01)
    assert stopped.falls_below_min(100.0) < 15.0           # source 001: effects fade within about 15 minutes
    states, _, _ = reference_amounts("iv_infusion", 17.5, 70.0, t, infusion_min=20.0, followers=(K_E0,))
    effect = states[:, -1] * 1000.0
    peak, when = _peak(t, effect)
    effect_peak, effect_when = stopped.effect_peak()
    assert _close(effect_peak, peak, 0.005) and _close(effect_when, when, abs_tol=0.3)
    assert _close(stopped.effect_falls_below_min(100.0), _last_at_or_above(t, effect, 100.0), abs_tol=DT + 0.01)
    assert stopped.effect_falls_below_min(100.0) > stopped.dose_ends_min + stopped.falls_below_min(100.0)  # lags
    full_venous = reference_blood_ng_ml("iv_infusion", 35.0, 70.0, t, "venous", infusion_min=40.0)
    assert _close(40.0 + full.falls_below_min(100.0), _last_at_or_above(t, full_venous, 100.0), abs_tol=DT + 0.01)
    im = reference_blood_ng_ml("intramuscular", 17.5, 70.0, t, "venous")
    assert _close(muscle.peak_ng_ml, im.max(), 0.005) and muscle.minutes_above(100.0) == 0.0


def test_case_3_same_dose_same_total_exposure_different_peak():
    bolus, infusion = case_numbers("bolus_versus_infusion").curves
    t, venous = _venous("iv_bolus", 70.0, 70.0, 30.0)
    assert _close(bolus.peak_ng_ml, venous.max(), 0.005) and bolus.peak_min > 1.0   # after the 1-min injection
    cl_l_per_h = 84.0                                       # Kamp 2020 at 70 kg
    for curve in (bolus, infusion):
        assert _close(curve.auc_inf_ng_h_ml, 70.0 / cl_l_per_h * 1000.0, 1e-6)
    assert bolus.auc_ng_h_ml > infusion.auc_ng_h_ml         # over 12 h the infusion's last drug arrives late
    assert 9.0 < bolus.peak_ng_ml / infusion.peak_ng_ml < 12.0


def test_case_4_troches_swing_on_day_3():
    numbers = case_numbers("troches_at_home")
    t = _grid(72 * 60.0, 0.5)
    venous = reference_blood_ng_ml("sublingual", 25.0, 70.0, t, "venous", n_doses=9, interval_min=480.0)
    last = t >= 64 * 60.0
    stats = numbers.live.last_interval()
    assert _close(stats.peak_ng_ml, venous[last].max(), 0.005)
    assert _close(stats.trough_ng_ml, venous[last].min(), 0.01)
    assert stats.peak_ng_ml / stats.trough_ng_ml > 10.0
    low, high = numbers.peak_range_ng_ml
    assert low < numbers.live.peak_ng_ml < high


def test_case_5_spray_rises_faster_and_higher():
    spray, lozenge = case_numbers("nasal_spray_schedule").curves
    for curve, route in ((spray, "intranasal"), (lozenge, "sublingual")):
        t, venous = _venous(route, 25.0, 70.0, 240.0)       # before the second dose: a single dose
        peak, when = _peak(t, venous)
        got_peak, got_when = curve.first_dose_peak()
        assert _close(got_peak, peak, 0.002) and _close(got_when, when, abs_tol=0.2), route
    assert spray.first_dose_peak()[1] < lozenge.first_dose_peak()[1]


def test_case_6_swallowed_dose_and_norketamine():
    oral, iv = case_numbers("swallowed_dose").curves
    assert _close(oral.reaches_blood_mg, F_ORAL * 35.0, 1e-9)
    t = _grid(480.0, 0.1)
    metabolite = reference_metabolite(70.0)          # norketamine.toml, scaled by the oracle's own code
    v_nk = metabolite[2][0]
    for curve, route in ((oral, "oral"), (iv, "iv_bolus")):
        states, _, _ = reference_amounts(route, 35.0, 70.0, t, metabolite=metabolite, followers=(K_AV,))
        ketamine = trapezoid(states[:, -1] * 1000.0, t)
        norketamine = trapezoid(states[:, -3] / v_nk * 1000.0, t)
        assert _close(curve.norketamine_auc_ng_h_ml / curve.auc_ng_h_ml, norketamine / ketamine, 0.01), route
    assert oral.norketamine_auc_ng_h_ml / oral.auc_ng_h_ml > 4 * iv.norketamine_auc_ng_h_ml / iv.auc_ng_h_ml


def test_case_7_and_8_children():
    nasal, rectal = case_numbers("child_premedication").curves
    for curve, route, dose in ((nasal, "intranasal", 60.0), (rectal, "rectal", 180.0)):
        t, venous = _venous(route, dose, 20.0, 240.0)
        peak, when = _peak(t, venous)
        assert _close(curve.peak_ng_ml, peak, 0.002) and _close(curve.peak_min, when, abs_tol=0.3), route
    assert rectal.peak_ng_ml < 1.2 * nasal.peak_ng_ml       # three times the dose, not three times the peak
    child, adult = case_numbers("child_versus_adult").curves
    for curve, dose, weight in ((child, 10.0, 20.0), (adult, 50.0, 100.0)):
        t, venous = _venous("iv_infusion", dose, weight, 120.0, infusion_min=40.0)
        assert _close(curve.peak_ng_ml, venous.max(), 0.002)
    assert child.peak_ng_ml < adult.peak_ng_ml
    t, venous = _venous("iv_infusion", 50.0, 20.0, 120.0, infusion_min=40.0)
    assert _close(case_numbers("child_versus_adult", dose_mg=50).live.peak_ng_ml, venous.max(), 0.002)


# ----------------------------------------------------------------------------- checked tasks
def test_rectal_mg_reaching_blood():
    answer = F_RECTAL * 9.0 * 20.0
    assert check(RECTAL, answer) and check(RECTAL, f"{answer:.0f} mg") and check(RECTAL, f"{answer / 1000} g")
    assert "whole dose" in hint(RECTAL, 180)
    assert "does not reach" in hint(RECTAL, 180 - answer)
    assert "per kg" in hint(RECTAL, F_RECTAL * 9.0)
    assert "nasal dose of case 7" in hint(RECTAL, 0.45 * 3.0 * 20.0)
    assert "intranasal" in hint(RECTAL, 0.45 * 180)
    assert "oral" in hint(RECTAL, F_ORAL * 180)
    assert_never_shown(RECTAL, answer, [10, 100, 0.054, 60])


@cache
def _matching_child_dose_mg():
    _, adult = _venous("iv_infusion", 50.0, 100.0, 120.0, infusion_min=40.0)
    _, child = _venous("iv_infusion", 10.0, 20.0, 120.0, infusion_min=40.0)
    return 10.0 * adult.max() / child.max()                 # the model is linear in the dose


def test_child_dose_matching_adult_peak():
    app = explore(case="child_versus_adult")
    box = check(CHILD_DOSE, app)
    assert not box and "same mg per kg" in box.message
    app.controls["dose_unit"].value = "mg"
    app.controls["dose"].value = round(_matching_child_dose_mg() * 2) / 2      # the nearest 0.5-mg step
    assert check(CHILD_DOSE, app)
    app.controls["dose"].value = 50.0
    assert "adult's dose in mg" in check(CHILD_DOSE, app).message
    app.controls["dose"].value = round(50.0 * 0.2 ** 0.75, 1)               # the adult's AUC, not its peak
    assert "exposure (AUC" in check(CHILD_DOSE, app).message
    app.controls["dose"].value = 2 * _matching_child_dose_mg()
    result = check(CHILD_DOSE, app)
    assert not result and f"{_matching_child_dose_mg():.1f}" not in result.message
    app.controls["weight"].value = 30
    assert "20 kg" in check(CHILD_DOSE, app).message                         # the set-up is checked first
    assert not check(CHILD_DOSE, 13.0)
