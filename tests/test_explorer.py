"""The route explorer: controls, curve, readouts, pins and source panel."""
import warnings

import numpy as np
import pytest

from helpers import ROUTES, simulate
from helpers.evidence.bibliography import cite
from helpers.evidence.route_notes import ROUTE_NOTES
from helpers.explorer.app import BAND_PATIENTS, GRID_POINTS, HOME_ROUTES, explore
from helpers.model.population import simulate_population

SLIDERS = ["dose", "weight", "infusion_min", "n_doses", "interval_h", "swallowed_fraction", "window_h"]
CHECKBOXES = ["log_scale", "variability", "norketamine"]
# (log_scale, variability, norketamine) combinations swept with every slider
CHECKBOX_STATES = [(False, False, False), (True, True, True), (False, True, False)]


@pytest.fixture
def app():
    return explore(route="iv_infusion", dose_mg_per_kg=0.5, weight_kg=70)


def _extremes(control):
    if hasattr(control, "options") and not hasattr(control, "min"):
        values = [option[1] if isinstance(option, tuple) else option for option in control.options]
        return values[0], values[-1]
    return control.min, control.max


def _expected_kwargs(app):
    """simulate() arguments rebuilt from the control values alone."""
    c = app.controls
    route = c["route"].value
    weight = c["weight"].value
    dose_mg = c["dose"].value * (weight if c["dose_unit"].value == "mg_per_kg" else 1.0)
    window_min = c["window_h"].value * 60.0
    kwargs = dict(route=route, dose_mg=dose_mg, weight_kg=weight, t_end_min=window_min,
                  dt_min=window_min / GRID_POINTS)
    if route == "iv_infusion":
        kwargs["infusion_min"] = c["infusion_min"].value
    if route in HOME_ROUTES and c["n_doses"].value > 1:
        kwargs.update(n_doses=c["n_doses"].value, interval_min=c["interval_h"].value * 60.0)
    if ROUTES[route].has_swallowed_part:
        kwargs["swallowed_fraction"] = c["swallowed_fraction"].value
    return kwargs


def _assert_line_is_simulation(app):
    expected = simulate(**_expected_kwargs(app))
    assert np.allclose(app.line.get_xdata(), expected.t_min / 60.0)
    assert np.allclose(app.line.get_ydata(), expected.conc_ng_ml, rtol=1e-12, atol=0)


def _assert_overlays_match(app):
    """Bands and norketamine curve equal independent recomputations (or are absent when off)."""
    kwargs = _expected_kwargs(app)
    if app.controls["variability"].value:
        route, dose, weight = kwargs.pop("route"), kwargs.pop("dose_mg"), kwargs.pop("weight_kg")
        pop = simulate_population(route, dose, weight, n_patients=BAND_PATIENTS, seed=0, **kwargs)
        conc = pop.conc_ng_ml
        assert len(app.bands) == 2
        floor = 0.5 if app.controls["log_scale"].value else 0.0
        p5, p25, p75, p95 = np.maximum(np.percentile(conc, [5, 25, 75, 95], axis=0), floor)
        n = conc.shape[1]
        for band, (low, high) in zip(app.bands, ((p5, p95), (p25, p75))):
            vertices = band.get_paths()[0].vertices
            # fill_between's polygon: lower edge forwards, then upper edge backwards
            assert np.allclose(vertices[1:n + 1, 1], low)
            assert np.allclose(vertices[n + 2:2 * n + 2, 1][::-1], high)
    else:
        assert app.bands == [] and app.population is None
    nk = app.norketamine_line.get_ydata()
    if app.controls["norketamine"].value:
        assert np.allclose(nk, simulate(**_expected_kwargs(app)).norketamine_ng_ml, rtol=1e-12, atol=0)
    else:
        assert len(nk) == 0


def test_overlays_are_off_by_default_and_change_the_picture(app):
    assert not app.controls["variability"].value and not app.controls["norketamine"].value
    plain = bytes(app.figure.canvas.buffer_rgba())
    app.controls["variability"].value = True
    with_bands = bytes(app.figure.canvas.buffer_rgba())
    assert with_bands != plain
    assert "middle 90% of patients" in app.readouts.value
    app.controls["norketamine"].value = True
    assert bytes(app.figure.canvas.buffer_rgba()) != with_bands
    assert "Norketamine peak" in app.readouts.value
    assert app.norketamine_line.get_linestyle() == "--"
    _assert_overlays_match(app)
    app.controls["variability"].value = False
    app.controls["norketamine"].value = False
    _assert_overlays_match(app)      # both gone (the y axis may keep its larger limit: hysteresis)
    assert app.overlay_note.get_text() == ""
    assert "Norketamine peak" not in app.readouts.value and "middle 90%" not in app.readouts.value


def test_overlays_follow_route_and_dose_changes(app):
    app.controls["variability"].value = True
    app.controls["norketamine"].value = True
    for name, value in [("route", "oral"), ("dose", 1.0), ("route", "sublingual"), ("n_doses", 3),
                        ("log_scale", True), ("window_h", 24), ("projector", True)]:
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
        for state in CHECKBOX_STATES:
            for name, value in zip(CHECKBOXES, state):
                app.controls[name].value = value
            for name in SLIDERS:
                control = app.controls[name]
                low, high = _extremes(control)
                for value in (low, high, low):
                    control.value = value
                    assert np.all(np.isfinite(app.line.get_ydata()))
                    _assert_line_is_simulation(app)
                    _assert_overlays_match(app)
        for projector in (True, False):
            app.controls["projector"].value = projector
            _assert_line_is_simulation(app)


def test_line_follows_every_kind_of_change(app):
    changes = [("dose", 1.2), ("weight", 35.0), ("infusion_min", 120), ("route", "sublingual"),
               ("n_doses", 4), ("interval_h", 6.0), ("swallowed_fraction", 0.8), ("window_h", 48),
               ("dose_unit", "mg"), ("dose", 80.0), ("route", "oral"), ("log_scale", True)]
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


def test_unit_toggle_keeps_the_dose_in_mg(app):
    app.controls["dose"].value = 0.45
    app.controls["weight"].value = 82
    dose_mg = app.dose_mg
    app.controls["dose_unit"].value = "mg"
    assert app.controls["dose"].value == pytest.approx(dose_mg)
    assert app.controls["dose"].description == "Dose (mg)"
    assert app.dose_mg == pytest.approx(dose_mg)
    app.controls["dose_unit"].value = "mg_per_kg"
    assert app.controls["dose"].value == pytest.approx(0.45)
    assert app.dose_mg == pytest.approx(dose_mg)


def test_pin_keeps_a_labelled_curve_and_clear_removes_it(app):
    app.controls["dose"].value = 0.5
    app.pin()
    app.controls["route"].value = "oral"
    app.controls["pin"].click()
    labels = [line.get_label() for line in app._pin_lines]
    assert labels == ["IV infusion 35 mg, 70 kg, over 40 min", "Oral 35 mg, 70 kg"]
    pinned = app._pin_lines[0].get_ydata()
    assert np.allclose(pinned, simulate("iv_infusion", 35.0, 70.0, infusion_min=40,
                                        t_end_min=480, dt_min=0.4).conc_ng_ml)
    legend_texts = [t.get_text() for t in app.ax.get_legend().get_texts()]
    assert legend_texts == labels
    app.controls["clear_pins"].click()
    assert app._pin_lines == [] and app.ax.get_legend() is None


@pytest.mark.parametrize("route", list(ROUTES))
def test_controls_that_do_not_apply_are_hidden(route, app):
    app.controls["route"].value = route
    hidden = {name for name in SLIDERS if app.controls[name].layout.display == "none"}
    expected = set()
    if route != "iv_infusion":
        expected.add("infusion_min")
    if route not in HOME_ROUTES:
        expected |= {"n_doses", "interval_h"}
    if not ROUTES[route].has_swallowed_part:
        expected.add("swallowed_fraction")
    assert hidden == expected
    if route in HOME_ROUTES:
        app.controls["n_doses"].value = 1
        assert app.controls["interval_h"].disabled
        app.controls["n_doses"].value = 2
        assert not app.controls["interval_h"].disabled


@pytest.mark.parametrize("route", list(ROUTES))
def test_source_panel_names_the_routes_sources(route, app):
    app.controls["route"].value = route
    panel = app.source_panel.value
    assert ROUTES[route].label in panel
    for note in ROUTE_NOTES[route]:
        assert cite(note["source"]) in panel
    for study in {"intramuscular": ["clements1982"], "intranasal": ["yanagihara2003"],
                  "sublingual": ["chong2009", "yanagihara2003"], "oral": ["chong2009", "clements1982"],
                  "rectal": ["yanagihara2003"]}.get(route, []):
        assert cite(study) in panel
    assert "source 001" in panel
    if any(note.get("claim") for note in ROUTE_NOTES[route]):
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
    import base64
    import re
    app.controls["route"].value = "oral"
    match = re.search(r"alt='([^']*)' src='data:image/png;base64,([^']*)'", app.plot.value)
    assert match, app.plot.value[:200]
    alt, data = match.groups()
    assert "Oral 35 mg, 70 kg" in alt and f"{app.simulation.cmax_ng_ml:,.0f} ng/mL" in alt
    assert base64.b64decode(data) == app.png
