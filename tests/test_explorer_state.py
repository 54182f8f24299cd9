"""The explorer's state rules as plain functions, and explore()'s starting values.

Expected simulate() arguments are written out by hand for each example, never computed by the
explorer's own mapping.
"""
import json
import math

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from helpers import ROUTES, explore
from helpers.explorer.settings import DOSE_LADDERS, SLIDERS, nearest_rung
from helpers.explorer.state import apply_change, default_state, shown_controls, simulate_kwargs
from helpers.explorer.validation import state_from_settings

from strategies import control_changes


def test_simulate_kwargs_of_written_out_examples():
    assert simulate_kwargs(default_state()) == {
        "route": "iv_infusion", "dose_mg": 35.0, "weight_kg": 70.0, "infusion_min": 40.0,
        "sampling_site": "venous", "t_end_min": 480.0, "dt_min": 0.4}
    state = state_from_settings(route="sublingual", dose_mg=25, weight_kg=60, n_doses=3, interval_h=6,
                                swallowed_fraction=0.7, window_h=24, sampling_site="arterial")
    assert simulate_kwargs(state) == {
        "route": "sublingual", "dose_mg": 25.0, "weight_kg": 60.0, "n_doses": 3, "interval_min": 360.0,
        "swallowed_fraction": 0.7, "sampling_site": "arterial", "t_end_min": 1440.0, "dt_min": 1.2}
    # one dose: no schedule; an oral dose has no swallowed fraction to set
    state = state_from_settings(route="oral", dose_mg_per_kg=0.45, weight_kg=82, n_doses=1, window_h=12)
    assert simulate_kwargs(state) == {"route": "oral", "dose_mg": 36.9, "weight_kg": 82.0, "sampling_site": "venous",
                                      "t_end_min": 720.0, "dt_min": 0.6}


def test_esketamine_uses_its_own_doses_and_blood():
    state = state_from_settings(route="esketamine_nasal_spray", dose_mg=56)
    assert simulate_kwargs(state) == {"route": "esketamine_nasal_spray", "dose_mg": 56.0, "weight_kg": 70.0,
                                      "t_end_min": 480.0, "dt_min": 0.4}
    shown = shown_controls(state)
    assert shown["fixed_dose"] and not shown["dose"] and not shown["sampling_site"]
    with pytest.raises(ValueError, match="dose_mg must be one of 28, 56, 84"):
        state_from_settings(route="esketamine_nasal_spray", dose_mg=50)


def test_unit_toggle_five_times_keeps_the_dose_in_mg_exactly():
    for settings in ({"dose_mg_per_kg": 0.45, "weight_kg": 82}, {"dose_mg": 40, "weight_kg": 82},
                     {"dose_mg_per_kg": 0.33, "weight_kg": 57}, {"dose_mg": 7, "weight_kg": 13}):
        state = state_from_settings(**settings)
        dose = simulate_kwargs(state)["dose_mg"]
        for _ in range(5):
            for unit in ("mg", "mg_per_kg"):
                state = apply_change(state, "dose_unit", unit)
                assert simulate_kwargs(state)["dose_mg"] == dose


def test_route_window_and_range_changes_keep_every_value_the_learner_set():
    state = state_from_settings(route="intranasal", dose_mg_per_kg=0.75, weight_kg=64, swallowed_fraction=0.8,
                                n_doses=3, interval_h=6, infusion_min=55)
    before = state.to_dict()
    for route in ROUTES:
        state = apply_change(state, "route", route)
    for window in (1, 72, 8):
        state = apply_change(state, "window_h", window)
    state = apply_change(state, "route", "intranasal")
    assert state.to_dict() == {**before, "window_h": 8}
    assert simulate_kwargs(state)["swallowed_fraction"] == 0.8
    # the other split route keeps its own default
    assert simulate_kwargs(apply_change(state, "route", "sublingual"))["swallowed_fraction"] == 0.5


def test_weight_changes_follow_the_unit_shown():
    state = state_from_settings(dose_mg_per_kg=0.5, weight_kg=70)
    assert simulate_kwargs(apply_change(state, "weight_kg", 80.0))["dose_mg"] == 40.0     # mg/kg kept
    state = apply_change(state, "dose_unit", "mg")
    assert simulate_kwargs(apply_change(state, "weight_kg", 80.0))["dose_mg"] == 35.0     # mg kept


def test_controls_that_apply_follow_the_route():
    for route in ROUTES:
        shown = shown_controls(state_from_settings(route=route))
        assert shown["infusion_min"] == ROUTES[route].is_infusion
        assert shown["n_doses"] == shown["interval_h"] == ROUTES[route].home_use
        assert shown["swallowed_fraction"] == ROUTES[route].has_swallowed_part


def test_dose_ladder_makes_usual_doses_easy_to_set_by_mouse():
    rungs = DOSE_LADDERS["mg_per_kg"]
    usual = [r for r in rungs if 0.1 <= r <= 2.0]
    assert len(usual) >= len(rungs) / 2          # 0.1-2 mg/kg covers at least half the slider
    assert 0.15 <= rungs.index(0.5) / (len(rungs) - 1) <= 0.4
    for low, high in zip(rungs, rungs[1:]):      # about logarithmic: no jump bigger than 1.5x
        assert 1.0 < high / low <= 1.5 + 1e-9
    for value in (0.1, 0.15, 0.25, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0):
        assert value in rungs
    assert nearest_rung(rungs, 0.42) in (0.4, 0.45)
    mg = DOSE_LADDERS["mg"]
    for value in (10.0, 25.0, 35.0, 50.0, 100.0, 200.0):
        assert value in mg


def test_every_slider_default_is_on_its_step():
    state = default_state()
    for name, spec in SLIDERS.items():
        values = state.swallowed_fraction.values() if name == "swallowed_fraction" else [getattr(state, name)]
        for value in values:
            steps = (value - spec.low) / spec.step
            assert math.isclose(steps, round(steps), abs_tol=1e-9), (name, value)


def test_explore_accepts_a_starting_value_for_every_control():
    app = explore(route="sublingual", dose_mg=30, weight_kg=55, n_doses=4, interval_h=6.5, swallowed_fraction=0.35,
                  window_h=36, sampling_site="arterial", effect_site=True, variability=True, norketamine=True,
                  log_scale=True, projector=True)
    c = app.controls
    assert (c["route"].value, c["dose_unit"].value, c["dose"].value, c["weight"].value) == ("sublingual", "mg", 30, 55)
    assert (c["n_doses"].value, c["interval_h"].value, c["swallowed_fraction"].value) == (4, 6.5, 0.35)
    assert (c["window_h"].value, c["sampling_site"].value) == (36, "arterial")
    assert all(c[name].value for name in ("effect_site", "variability", "norketamine", "log_scale", "projector"))
    assert app.simulate_kwargs() == {"route": "sublingual", "dose_mg": 30.0, "weight_kg": 55.0, "n_doses": 4,
                                     "interval_min": 390.0, "swallowed_fraction": 0.35, "sampling_site": "arterial",
                                     "t_end_min": 2160.0, "dt_min": 1.8}
    app = explore(route="iv_infusion", dose_mg_per_kg=0.25, infusion_min=20)
    assert app.simulate_kwargs()["infusion_min"] == 20.0 and app.controls["infusion_min"].value == 20
    json.dumps(app.state)


@pytest.mark.parametrize("kwargs, error, words", [
    ({"route": "inhaled"}, ValueError, ["route", "'inhaled'", "'oral'"]),
    ({"dose_mg_per_kg": 0}, ValueError, ["dose_mg_per_kg", "[0.05, 10]", "got 0"]),
    ({"dose_mg_per_kg": 11}, ValueError, ["dose_mg_per_kg", "[0.05, 10]"]),
    ({"dose_mg": 2000}, ValueError, ["dose_mg", "[0.5, 1500]", "2000"]),
    ({"dose_mg": 35, "dose_mg_per_kg": 0.5}, ValueError, ["dose_mg_per_kg", "dose_mg", "not both"]),
    ({"weight_kg": 200}, ValueError, ["weight_kg", "[10, 150]", "200"]),
    ({"weight_kg": 70.5}, ValueError, ["weight_kg", "multiple of 1 kg", "70.5"]),
    ({"infusion_min": 42}, ValueError, ["infusion_min", "multiple of 5", "42"]),
    ({"n_doses": 13}, ValueError, ["n_doses", "[1, 12]", "13"]),
    ({"n_doses": 2.5}, ValueError, ["n_doses", "whole number", "2.5"]),
    ({"interval_h": 0.5}, ValueError, ["interval_h", "[1, 24]", "0.5"]),
    ({"interval_h": 7.25}, ValueError, ["interval_h", "multiple of 0.5", "7.25"]),
    ({"route": "oral", "swallowed_fraction": 0.5}, ValueError, ["swallowed_fraction", "'oral'"]),
    ({"route": "intranasal", "swallowed_fraction": 0.455}, ValueError, ["swallowed_fraction", "multiple of 0.01"]),
    ({"window_h": 5}, ValueError, ["window_h", "5", "72"]),
    ({"sampling_site": "capillary"}, ValueError, ["sampling_site", "'venous'", "'capillary'"]),
    ({"projector": "yes"}, ValueError, ["projector", "True or False", "'yes'"]),
    ({"log_scale": 1}, ValueError, ["log_scale", "True or False"]),
    ({"case": "no_such_case"}, ValueError, ["case", "depression_infusion", "no_such_case"]),
    ({"state": 42}, ValueError, ["state", "int"]),
    ({"colour": "red"}, TypeError, ["colour", "route", "weight_kg"]),
])
def test_bad_starting_values_name_the_parameter_value_and_range(kwargs, error, words):
    with pytest.raises(error) as raised:
        explore(**kwargs)
    for word in words:
        assert word in str(raised.value), (word, str(raised.value))


def test_settings_can_be_changed_together_from_code():
    app = explore()
    app.set(route="oral", dose_mg_per_kg=1.0, window_h=12)
    assert app.simulate_kwargs()["route"] == "oral" and app.dose_mg == 70.0
    with pytest.raises(ValueError, match="weight_kg"):
        app.set(weight_kg=5)
    assert app.simulate_kwargs()["route"] == "oral"      # nothing half-applied


# ---------------------------------------------------------------------------- one validator for every path


def _curves(app) -> list:
    return [c.simulation.conc_ng_ml.tobytes() for c in app.scene.curves]


def _set(app, name, value) -> None:
    control = app.controls[name]
    if name == "fixed_dose" and value not in [v for _, v in control.options]:
        return                                     # the widget offers only its current options
    control.value = value


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(control_changes())
def test_any_sequence_of_control_changes_reloads_from_its_state_and_its_share_code(changes):
    app = explore(route="oral", weight_kg=70)
    for name, value in changes:
        _set(app, name, value)
        if name == "route" and app.scene.live is not None and len(app.explorer_state.pins) < 3:
            app.pin()
    again = explore(state=app.state)
    shared = explore(state=app.share_code())
    assert again.state == app.state == shared.state
    assert _curves(again) == _curves(app) == _curves(shared)
    for other in (again, shared):
        other.close()
    app.close()


def test_a_hidden_control_cannot_make_a_state_the_explorer_refuses():
    app = explore(route="intramuscular")
    app.controls["swallowed_fraction"].value = 0.3             # hidden: intramuscular has no swallowed part
    assert "swallowed_fraction applies only to routes with a swallowed part" in app.outputs["message"].value
    assert explore(state=app.state).state == app.state
    app.controls["route"].value = "esketamine_nasal_spray"
    app.controls["route"].value = "oral"
    app.controls["fixed_dose"].value = 56.0                     # the device doses are still in the hidden menu
    assert "fixed_dose_mg applies only to routes given as fixed device doses" in app.outputs["message"].value
    assert explore(state=app.state).state == app.state


def test_a_dose_typed_in_mg_and_shown_in_mg_per_kg_reloads():
    app = explore(route="oral", weight_kg=70)
    app.controls["dose_unit"].value = "mg"
    app.controls["dose"].value = 1450
    app.controls["dose_unit"].value = "mg_per_kg"
    assert app.controls["dose"].value == pytest.approx(20.7143, rel=1e-5)   # beyond the mg/kg ladder, kept
    assert explore(state=app.state).dose_mg == 1450.0
    app.controls["weight"].value = 100            # 20.7 mg/kg at 100 kg would be 2071 mg: refused, nothing changes
    assert "dose_mg must be in [0.5, 1500] mg" in app.outputs["message"].value
    assert app.controls["weight"].value == 70 and app.dose_mg == 1450.0
