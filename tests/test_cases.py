"""Clinical cases: each loads into the explorer within its controls' ranges, cites real sources,
and paraphrases (never copies) the course documents."""
import html
import os
import re
from pathlib import Path

import numpy as np
import pytest

import helpers
from helpers import BIBLIOGRAPHY, CASES, ROUTES, explore, simulate
from helpers.evidence.cases import CURVE_SETTINGS

SOURCES_DIR = Path(os.environ.get("KRL_COURSE_SOURCES", "/work/shared/sources"))


def _in_range_and_on_step(control, value):
    if hasattr(control, "min"):
        assert control.min <= value <= control.max, (control.description, value)
        steps = (value - control.min) / control.step
        assert steps == pytest.approx(round(steps), abs=1e-9), (control.description, value)
    else:
        assert value in [option[1] for option in control.options], (control.description, value)


def test_cases_are_the_public_mapping_and_cover_the_course_settings():
    assert helpers.CASES is CASES and len(CASES) >= 7
    settings = [case.settings for case in CASES.values()]
    pins = [pin for case in CASES.values() for pin in case.pins]
    # the depression infusion: 0.5 mg/kg over 40 min
    assert any(s["route"] == "iv_infusion" and s.get("dose_mg_per_kg") == 0.5 and s.get("infusion_min") == 40
               for s in settings)
    # stopping an infusion: a shorter infusion compared with the full one
    assert any(s["route"] == "iv_infusion" and s.get("infusion_min", 40) < 40 and
               any(p["route"] == "iv_infusion" and p.get("infusion_min") == 40 for p in case.pins)
               for case in CASES.values() for s in [case.settings])
    # a bolus against an infusion
    assert any(ROUTES[case.settings["route"]].is_intravenous and not ROUTES[case.settings["route"]].is_infusion
               and any(ROUTES[p["route"]].is_infusion for p in case.pins) for case in CASES.values())
    # troches and sprays several times a day
    for route in ("sublingual", "intranasal"):
        assert any(s["route"] == route and s.get("n_doses", 1) > 1 for s in settings)
    # a child's intranasal or rectal premedication, and a 20-kg child against a 100-kg adult
    assert any(s["route"] in ("intranasal", "rectal") and s["weight_kg"] <= 30 for s in settings)
    assert any(case.settings["weight_kg"] == 20 and any(p["weight_kg"] == 100 for p in case.pins)
               for case in CASES.values())
    assert pins


@pytest.mark.parametrize("key", list(CASES))
def test_every_case_loads_inside_the_controls_ranges(key):
    case = CASES[key]
    assert case.title and case.vignette and case.numbers
    for source in case.sources:
        assert source in BIBLIOGRAPHY
    app = explore(case=key)
    c = app.controls
    s = case.settings
    assert c["route"].value == s["route"]
    assert c["weight"].value == s["weight_kg"]
    _in_range_and_on_step(c["weight"], s["weight_kg"])
    unit = "mg_per_kg" if "dose_mg_per_kg" in s else "mg"
    assert c["dose_unit"].value == unit and c["dose"].value == s["dose_mg_per_kg" if unit == "mg_per_kg" else "dose_mg"]
    ladder = c["dose_slider" if unit == "mg_per_kg" else "dose_mg_slider"]
    assert ladder.value == c["dose"].value                 # on a rung: the slider shows the case's dose
    for name in ("infusion_min", "n_doses", "interval_h", "swallowed_fraction", "window_h"):
        if name in s:
            _in_range_and_on_step(c[name], s[name])
            assert c[name].value == s[name]
    for flag in ("effect_site", "variability", "norketamine", "log_scale"):
        assert c[flag].value == s.get(flag, False)
    # each pin is the simulation of its settings, in the same blood as the case
    assert len(app.canvas.pin_lines) == len(case.pins)
    for line, pin in zip(app.canvas.pin_lines, case.pins):
        assert set(pin) <= set(CURVE_SETTINGS)
        dose = pin.get("dose_mg", pin.get("dose_mg_per_kg", 0) * pin["weight_kg"])
        kwargs = {"route": pin["route"], "dose_mg": dose, "weight_kg": pin["weight_kg"],
                  "sampling_site": s.get("sampling_site", "venous")}
        if "infusion_min" in pin:
            kwargs["infusion_min"] = pin["infusion_min"]
        if pin.get("n_doses", 1) > 1:
            kwargs.update(n_doses=pin["n_doses"], interval_min=pin["interval_h"] * 60)
        window = s["window_h"] * 60.0
        expected = simulate(**kwargs, t_end_min=window, dt_min=window / 1200)
        assert np.allclose(line.get_ydata(), expected.conc_ng_ml, rtol=1e-9)
    # the vignette is shown with its sources
    notes = app.outputs["notes"].value
    assert html.escape(case.title) in notes and all(html.escape(helpers.cite(k)) in notes for k in case.sources)


def test_the_case_picker_loads_a_case():
    app = explore(route="oral")
    key = "child_premedication"
    app.controls["case"].value = key
    assert app.state == explore(case=key).state
    assert html.escape(CASES[key].title) in app.outputs["notes"].value
    assert app.controls["case"].value == ""                # ready to pick again
    app.controls["weight"].value = 25                       # exploring on from the case keeps its text
    assert html.escape(CASES[key].title) in app.outputs["notes"].value


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


@pytest.mark.skipif(not SOURCES_DIR.is_dir(), reason="the course's source documents are not on this machine")
def test_vignettes_paraphrase_the_sources_instead_of_copying_them():
    source_text = " ".join(" ".join(_words(p.read_text(errors="ignore"))) for p in SOURCES_DIR.glob("*.txt"))
    for case in CASES.values():
        words = _words(case.vignette + " " + case.numbers)
        for i in range(len(words) - 7):
            run = " ".join(words[i:i + 8])
            assert run not in source_text, f"case {case.key!r} copies '{run}' from a source document"
