"""Notebook 09: each case's numbers (helpers.lessons.nb09.case_numbers) against the independent reference
solution, and the checked tasks (the right answer accepted, each misconception's hint, never shown)."""
from functools import cache

import numpy as np
import pytest
from scipy.integrate import trapezoid
from test_lessons import K_AV, assert_never_shown, hint, reference_blood_ng_ml

from helpers import BLOOD_SITE_NUMBERS, CASES, check, explore
from helpers.lessons.nb09 import case_numbers
from helpers.model.norketamine import NORKETAMINE, metabolite_disposition

from reference_solver import reference_amounts

K_E0 = BLOOD_SITE_NUMBERS["effect_site.ke0_per_min"].value
RECTAL, CHILD_DOSE = "09_rectal_mg_reaching_blood", "09_child_dose_matching_adult_peak"
F_RECTAL = 0.30           # helpers/data/routes.toml: rectal bioavailability (Malinovsky 1996)
F_ORAL = 0.20             # oral bioavailability (Yanagihara 2003)
DT = 0.05


def _grid(end_min, dt=DT):
    return np.arange(0.0, end_min + dt / 2, dt)


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
def test_rows_are_the_explorers_comparison_table():
    for key in CASES:
        rows = explore(case=key).comparison_table()
        assert [c.row for c in case_numbers(key).curves] == rows, key
    changed = explore(case="child_versus_adult", dose_mg=50).comparison_table()
    assert [c.row for c in case_numbers("child_versus_adult", dose_mg=50).curves] == changed


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
    volumes, clearance, flow = metabolite_disposition(70.0)
    metabolite = (NORKETAMINE["fraction_metabolised"].value, NORKETAMINE["first_pass_fraction"].value,
                  tuple(volumes), clearance, flow)
    for curve, route in ((oral, "oral"), (iv, "iv_bolus")):
        states, _, _ = reference_amounts(route, 35.0, 70.0, t, metabolite=metabolite, followers=(K_AV,))
        ketamine = trapezoid(states[:, -1] * 1000.0, t)
        norketamine = trapezoid(states[:, -3] / volumes[0] * 1000.0, t)
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
