"""The route explorer: controls, curve, readouts, pins and source panel.

Expected curves are rebuilt from what the widgets show (route, the dose the learner reads, every
slider) through the explorer's own plain mapping, :func:`helpers.explorer.state.simulate_kwargs`,
and then simulated independently with :func:`helpers.simulate`.
"""
import base64
import re
import warnings

import numpy as np
import pytest

from helpers import ROUTES, explore, simulate
from helpers.evidence.bibliography import cite
from helpers.evidence.route_notes import notes_for
from helpers.explorer.curves import BAND_GRID_POINTS, BAND_PATIENTS
from helpers.explorer.state import simulate_kwargs
from helpers.explorer.validation import state_from_settings
from helpers.model.population import simulate_population

SLIDERS = ["dose_slider", "weight", "infusion_min", "n_doses", "interval_h", "swallowed_fraction", "window_h"]
CHECKBOXES = ["log_scale", "variability", "norketamine", "effect_site"]
# (log_scale, variability, norketamine, effect_site) combinations swept with every slider
CHECKBOX_STATES = [(False, False, False, False), (True, True, True, True), (False, True, False, True)]


@pytest.fixture
def app():
    return explore(route="iv_infusion", dose_mg_per_kg=0.5, weight_kg=70)


def _extremes(control):
    if hasattr(control, "options") and not hasattr(control, "min"):
        values = [option[1] if isinstance(option, tuple) else option for option in control.options]
        return values[0], values[-1]
    return control.min, control.max


def readout(app, label: str) -> str:
    """The value cell of one readout row, as the learner reads it."""
    match = re.search(rf"<td>{re.escape(label)}</td><td>([^<]*)</td>", app.readouts.value)
    assert match, (label, app.readouts.value[:300])
    return match.group(1)


def _shown_settings(app) -> dict:
    """The settings the widgets show: what a learner reads off the screen."""
    c = app.controls
    route = c["route"].value
    shown = lambda name: c[name].layout.display != "none"
    if shown("fixed_dose"):                       # a device product: one of its fixed doses
        dose_mg = c["fixed_dose"].value
    else:
        dose_mg = c["dose"].value if c["dose_unit"].value == "mg" else c["dose"].value * c["weight"].value
        if app.simulation is not None:           # the readout shows the dose in mg the model used
            dose_mg = float(readout(app, "Dose").split(" mg")[0])
            per_kg = dose_mg / c["weight"].value
            assert c["dose"].value == pytest.approx(per_kg if c["dose_unit"].value == "mg_per_kg" else dose_mg,
                                                    rel=5e-6)
    settings = dict(route=route, dose_mg=dose_mg, weight_kg=c["weight"].value, window_h=c["window_h"].value)
    for name in ("infusion_min", "n_doses", "interval_h", "swallowed_fraction", "sampling_site"):
        if shown(name) and not c[name].disabled:
            settings[name] = c[name].value
    return settings


def _expected_kwargs(app) -> dict:
    """simulate() arguments rebuilt from the widgets alone, through the explorer's plain mapping."""
    return simulate_kwargs(state_from_settings(None, **_shown_settings(app)))


def _assert_line_is_simulation(app):
    try:
        expected = simulate(**_expected_kwargs(app))
    except ValueError as error:              # settings outside the route's model: no curve, and a note
        assert app.simulation is None and len(app.line.get_ydata()) == 0
        assert "No curve for these settings" in app.outputs["notes"].value, str(error)
        return
    assert np.allclose(app.line.get_xdata(), expected.t_min / 60.0)
    assert np.allclose(app.line.get_ydata(), expected.conc_ng_ml, rtol=1e-12, atol=0)
    assert app.simulate_kwargs() == _expected_kwargs(app)


def _assert_overlays_match(app):
    """Bands, norketamine and effect-site curves equal independent recomputations (or are absent when off)."""
    if app.simulation is None:
        assert app.bands == [] and len(app.norketamine_line.get_ydata()) == 0
        return
    kwargs = _expected_kwargs(app)
    pop = None
    if app.controls["variability"].value:
        route, dose, weight = kwargs.pop("route"), kwargs.pop("dose_mg"), kwargs.pop("weight_kg")
        kwargs["dt_min"] = kwargs["t_end_min"] / BAND_GRID_POINTS
        try:
            pop = simulate_population(route, dose, weight, n_patients=BAND_PATIENTS, seed=0, **kwargs)
        except ValueError as error:       # no between-patient numbers for this drug: no bands, and a note
            assert app.bands == [] and "No variability bands" in app.outputs["notes"].value, str(error)
    if pop is not None:
        conc = pop.conc_ng_ml
        assert len(app.bands) == 2
        floor = 0.5 if app.controls["log_scale"].value else 0.0
        p5, p25, p75, p95 = np.maximum(np.percentile(conc, [5, 25, 75, 95], axis=0), floor)
        n = conc.shape[1]
        for band, (low, high) in zip(app.bands, ((p5, p95), (p25, p75))):
            vertices = band.get_paths()[0].vertices
            # the polygon: lower edge forwards, then upper edge backwards
            assert np.allclose(vertices[:n, 1], low)
            assert np.allclose(vertices[n:2 * n, 1][::-1], high)
    else:
        assert app.bands == [] and app.scene.bands is None
    expected = simulate(**_expected_kwargs(app))
    for flag, artist, values in (("norketamine", app.norketamine_line, expected.norketamine_ng_ml),
                                 ("effect_site", app.effect_line, expected.effect_site_ng_ml)):
        drawn = artist.get_ydata()
        if app.controls[flag].value:
            assert np.allclose(drawn, values, rtol=1e-12, atol=1e-12)
        else:
            assert len(drawn) == 0


def test_overlays_are_off_by_default_and_change_the_picture(app):
    assert not app.controls["variability"].value and not app.controls["norketamine"].value
    assert not app.controls["effect_site"].value
    plain = bytes(app.figure.canvas.buffer_rgba())
    app.controls["variability"].value = True
    with_bands = bytes(app.figure.canvas.buffer_rgba())
    assert with_bands != plain
    assert "middle 90% of patients" in app.readouts.value
    app.controls["norketamine"].value = True
    assert bytes(app.figure.canvas.buffer_rgba()) != with_bands
    assert "Norketamine peak" in app.readouts.value
    assert app.norketamine_line.get_linestyle() == "--"
    app.controls["effect_site"].value = True
    assert "Effect-site peak" in app.readouts.value and app.effect_line.get_linestyle() == ":"
    _assert_overlays_match(app)
    for name in ("variability", "norketamine", "effect_site"):
        app.controls[name].value = False
    _assert_overlays_match(app)      # all gone (the y axis may keep its larger limit: hysteresis)
    notes = app.outputs["notes"].value
    assert "simulated patients" not in notes and "norketamine" not in notes and "effect site" not in notes
    assert "Norketamine peak" not in app.readouts.value and "middle 90%" not in app.readouts.value


def test_overlays_follow_route_and_dose_changes(app):
    for name in ("variability", "norketamine", "effect_site"):
        app.controls[name].value = True
    for name, value in [("route", "oral"), ("dose", 1.0), ("route", "sublingual"), ("n_doses", 3),
                        ("log_scale", True), ("window_h", 24), ("projector", True), ("sampling_site", "arterial")]:
        app.controls[name].value = value
        _assert_line_is_simulation(app)
        _assert_overlays_match(app)


@pytest.mark.parametrize("route", list(ROUTES))
@pytest.mark.parametrize("unit", ["mg_per_kg", "mg"])
def test_every_control_at_its_extremes_on_every_route(route, unit):
    app = explore(route=route)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        app.controls["dose_unit"].value = unit
        sliders = [("dose_slider" if unit == "mg_per_kg" else "dose_mg_slider")] + SLIDERS[1:]
        for state in CHECKBOX_STATES:
            for name, value in zip(CHECKBOXES, state):
                app.controls[name].value = value
            for name in sliders:
                control = app.controls[name]
                low, high = _extremes(control)
                for value in (low, high, low):
                    control.value = value
                    assert np.all(np.isfinite(app.line.get_ydata()))
                    _assert_line_is_simulation(app)
                    _assert_overlays_match(app)
        for site in ("arterial", "venous"):
            app.controls["sampling_site"].value = site
            _assert_line_is_simulation(app)
        for projector in (True, False):
            app.controls["projector"].value = projector
            _assert_line_is_simulation(app)


def test_line_follows_every_kind_of_change(app):
    changes = [("dose", 1.2), ("weight", 35.0), ("infusion_min", 120), ("route", "sublingual"), ("window_h", 48),
               ("n_doses", 4), ("interval_h", 6.0), ("swallowed_fraction", 0.8), ("window_h", 24),
               ("dose_unit", "mg"), ("dose", 80.0), ("route", "oral"), ("log_scale", True),
               ("sampling_site", "arterial"), ("dose_mg_slider", 15.0), ("dose_slider", 0.3)]
    for name, value in changes:
        before_pixels = bytes(app.figure.canvas.buffer_rgba())
        before_png = app.png
        app.controls[name].value = value
        _assert_line_is_simulation(app)
        if name != "dose_unit":   # a unit change keeps the same dose, hence the same curve
            assert bytes(app.figure.canvas.buffer_rgba()) != before_pixels, name
            assert app.png != before_png, name
        else:
            assert bytes(app.figure.canvas.buffer_rgba()) == before_pixels


def test_pixels_show_the_new_curve_not_a_stale_one(app):
    app.controls["dose"].value = 0.5
    first = np.asarray(app.figure.canvas.buffer_rgba()).copy()
    app.controls["dose"].value = 0.45      # small enough to keep the axis limits
    app.controls["dose"].value = 0.5
    assert np.array_equal(np.asarray(app.figure.canvas.buffer_rgba()), first)


def test_readouts_follow_the_simulation(app):
    app.controls["route"].value = "intramuscular"
    sim = app.simulation
    text = app.readouts.value
    assert f"{sim.cmax_ng_ml:,.0f} ng/mL" in text
    assert f"{sim.bioavailable_dose_mg:,.1f} mg" in text
    assert f"({ROUTES['intramuscular'].bioavailability:.0%})" in text
    assert readout(app, "Dose") == "35 mg (0.5 mg/kg)"
    assert "venous blood" in text


def test_unit_toggle_keeps_the_dose_in_mg(app):
    app.controls["dose"].value = 0.45
    app.controls["weight"].value = 82
    dose_mg = app.dose_mg
    assert dose_mg == pytest.approx(0.45 * 82)
    app.controls["dose_unit"].value = "mg"
    assert app.controls["dose"].value == 36.9
    assert app.controls["dose_mg_slider"].description == "Dose (mg)"
    assert app.controls["dose_mg_slider"].layout.display == ""     # not None: the browser edition ignores None
    assert app.controls["dose_slider"].layout.display == "none"
    assert app.dose_mg == dose_mg
    app.controls["dose_unit"].value = "mg_per_kg"
    assert app.controls["dose"].value == 0.45
    assert app.dose_mg == dose_mg
    for _ in range(5):
        for unit in ("mg", "mg_per_kg"):
            app.controls["dose_unit"].value = unit
            assert app.dose_mg == dose_mg and readout(app, "Dose") == "36.9 mg (0.45 mg/kg)"


def test_unit_toggle_keeps_a_dose_typed_in_mg_exactly(app):
    app.controls["weight"].value = 82
    app.controls["dose_unit"].value = "mg"
    app.controls["dose"].value = 40
    for _ in range(5):
        for unit in ("mg_per_kg", "mg"):
            app.controls["dose_unit"].value = unit
            assert app.simulate_kwargs()["dose_mg"] == 40.0
            assert readout(app, "Dose") == "40 mg (0.488 mg/kg)"
    app.controls["dose_unit"].value = "mg_per_kg"
    assert app.controls["dose"].value == 0.487805


def test_route_and_window_changes_keep_every_value_the_learner_set(app):
    app.controls["route"].value = "intranasal"
    app.controls["swallowed_fraction"].value = 0.8
    app.controls["dose"].value = 0.75
    app.controls["weight"].value = 64
    before = dict(app.state)
    for route in ["iv_bolus", "sublingual", "oral", "intranasal"]:
        app.controls["route"].value = route
        app.controls["window_h"].value = 24
        app.controls["window_h"].value = before["window_h"]
    after = dict(app.state)
    assert after == before
    assert app.controls["swallowed_fraction"].value == 0.8 and app.simulate_kwargs()["swallowed_fraction"] == 0.8
    app.controls["route"].value = "sublingual"       # another route keeps its own default
    assert app.controls["swallowed_fraction"].value == ROUTES["sublingual"].default_swallowed_fraction


def test_swallowed_fraction_slider_shows_what_the_model_uses():
    app = explore(route="intranasal")
    assert app.controls["swallowed_fraction"].value == ROUTES["intranasal"].default_swallowed_fraction == 0.46
    assert app.simulate_kwargs()["swallowed_fraction"] == 0.46
    control = app.controls["swallowed_fraction"]
    steps = (control.value - control.min) / control.step
    assert steps == pytest.approx(round(steps), abs=1e-9)


def test_pin_keeps_a_labelled_curve_and_clear_removes_it(app):
    app.controls["dose"].value = 0.5
    app.pin()
    app.controls["route"].value = "oral"
    app.controls["pin"].click()
    labels = [line.get_label() for line in app.canvas.pin_lines]
    assert labels == ["IV infusion 35 mg, 70 kg, over 40 min, venous blood", "Oral 35 mg, 70 kg, venous blood"]
    pinned = app.canvas.pin_lines[0].get_ydata()
    assert np.allclose(pinned, simulate("iv_infusion", 35.0, 70.0, infusion_min=40, t_end_min=480, dt_min=0.4,
                                        sampling_site="venous").conc_ng_ml)
    table = app.outputs["table"].value
    alt = re.search(r"alt='([^']*)'", app.plot.value).group(1)
    for label in labels:
        assert label in table and label in alt
    app.controls["clear_pins"].click()
    assert app.canvas.pin_lines == [] and app.state["pins"] == []
    assert "Pinned" not in re.search(r"alt='([^']*)'", app.plot.value).group(1)


def test_pins_follow_the_time_window(app):
    app.pin()
    app.controls["window_h"].value = 24
    pinned = app.canvas.pin_lines[0]
    assert pinned.get_xdata()[-1] == pytest.approx(24.0)
    assert np.allclose(pinned.get_ydata(), simulate("iv_infusion", 35.0, 70.0, infusion_min=40, t_end_min=1440,
                                                    dt_min=1.2, sampling_site="venous").conc_ng_ml)


@pytest.mark.parametrize("route", list(ROUTES))
def test_controls_that_do_not_apply_are_hidden(route, app):
    app.controls["route"].value = route
    hidden = {name for name in SLIDERS if app.controls[name].layout.display == "none"}
    expected = {"dose_slider"} if ROUTES[route].fixed_doses_mg else set()
    if not ROUTES[route].is_infusion:
        expected.add("infusion_min")
    if not ROUTES[route].home_use:
        expected |= {"n_doses", "interval_h"}
    if not ROUTES[route].has_swallowed_part:
        expected.add("swallowed_fraction")
    assert hidden == expected
    if ROUTES[route].home_use:
        app.controls["n_doses"].value = 1
        assert app.controls["interval_h"].disabled
        app.controls["n_doses"].value = 2
        assert not app.controls["interval_h"].disabled


@pytest.mark.parametrize("route", list(ROUTES))
def test_source_panel_names_the_routes_sources(route, app):
    app.controls["route"].value = route
    panel = app.source_panel.value
    assert ROUTES[route].label in panel
    for note in notes_for(route):
        assert cite(note["source"]) in panel
    for study in {"intramuscular": ["clements1982"], "intranasal": ["yanagihara2003"],
                  "sublingual": ["chong2009", "yanagihara2003"], "oral": ["chong2009", "clements1982"],
                  "rectal": ["yanagihara2003"]}.get(route, []):
        assert cite(study) in panel
    assert "source 001" in panel
    if any(note.get("claim") for note in notes_for(route)):
        assert "<b>Claim</b>" in panel


def test_bad_starting_values_are_rejected():
    with pytest.raises(ValueError, match="route"):
        explore(route="inhaled")
    with pytest.raises(ValueError, match="weight_kg"):
        explore(weight_kg=200)
    with pytest.raises(ValueError, match="dose_mg_per_kg"):
        explore(dose_mg_per_kg=0)
    with pytest.raises(ValueError, match="window_h"):
        explore(window_h=5)


def test_displays_as_a_widget_with_a_readable_text_form(app):
    bundle = app._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"] == "RouteExplorer(IV infusion 35 mg, 70 kg, over 40 min)"
    assert "Teaching simulation, not dosing guidance" in app.widget.children[0].value


def test_plot_image_has_alt_text_describing_the_current_curve(app):
    app.controls["route"].value = "oral"
    match = re.search(r"alt='([^']*)' src='data:image/png;base64,([^']*)'", app.plot.value)
    assert match, app.plot.value[:200]
    alt, data = match.groups()
    assert "Oral 35 mg, 70 kg" in alt and f"{app.simulation.cmax_ng_ml:,.0f} ng/mL" in alt
    assert base64.b64decode(data) == app.png


def test_a_childs_weight_on_a_route_with_child_data_gets_a_note():
    app = explore(route="intramuscular", dose_mg_per_kg=0.5, weight_kg=20)
    child = ROUTES["intramuscular"].parameters["children_bioavailability"]
    notes = app.outputs["notes"].value
    assert "adult" in notes and f"{child.value:.0%}" in notes and cite(child.source[0]) in notes
    app.controls["weight"].value = 70
    assert f"{child.value:.0%}" not in app.outputs["notes"].value
    app.controls["weight"].value = 20
    app.controls["route"].value = "iv_bolus"          # no child data for this route: no note
    assert "adult" not in app.outputs["notes"].value


def test_blood_sampled_defaults_to_venous_and_says_why(app):
    assert app.controls["sampling_site"].value == "venous" and app.simulate_kwargs()["sampling_site"] == "venous"
    assert "venous" in app.outputs["site_note"].value.lower() and "route studies" in app.outputs["site_note"].value
    venous = app.simulation.conc_ng_ml.copy()
    app.controls["sampling_site"].value = "arterial"
    arterial = app.simulation.conc_ng_ml
    assert np.allclose(arterial, simulate("iv_infusion", 35.0, 70.0, infusion_min=40, t_end_min=480, dt_min=0.4,
                                          sampling_site="arterial").conc_ng_ml)
    assert arterial.max() > venous.max()   # venous lags while the infusion runs


def _every_layout(widget):
    stack, seen = [widget], set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        stack += list(getattr(item, "children", ()) or ())
        yield item


def test_a_control_hidden_once_is_shown_again_with_a_value_every_front_end_honours():
    """Walk every route there and back, both dose units: no widget is ever shown with display None (the
    browser edition's widget manager ignores None, so a control hidden once would stay hidden there)."""
    app = explore(route="iv_infusion")
    hidden_once = {}
    for route in list(ROUTES) + ["iv_infusion"]:
        app.controls["route"].value = route
        for unit in ("mg", "mg_per_kg"):
            if app.controls["dose_unit"].layout.display != "none":
                app.controls["dose_unit"].value = unit
            hidden_once.update({id(w): w for w in _every_layout(app.widget) if w.layout.display == "none"})
            assert all(w.layout.display in ("", "none") for w in hidden_once.values())
    assert len(hidden_once) >= 8                                   # infusion, schedule, swallowed, units...
    shown = {name: app.controls[name].layout.display for name in ("infusion_min", "dose_slider")}
    assert shown == {"infusion_min": "", "dose_slider": ""}          # back on the infusion, per kg
    app.close()
    assert app.controls["route"].comm is None                      # closed: freed by ipywidgets
