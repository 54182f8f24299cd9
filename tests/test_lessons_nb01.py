"""Notebook 01's checked tasks accept the right answer, give each misconception its hint, and never reveal it."""
from functools import cache

import numpy as np
from test_lessons import assert_never_shown, hint, reference_blood_ng_ml

from helpers import ROUTES, check, explore
from helpers.lessons.tasks import Attempts

T_MIN = np.arange(0.0, 240.0, 0.25)      # every peak here is within 4 h; a 20% tolerance needs no finer grid
IM_TMAX, ORAL_DOSE, IN_MATCH = "01_im_peak_time", "01_oral_dose_matching_iv_exposure", "01_intranasal_matching_im_peak"


@cache
def _reference_peak(route, dose_mg, site="arterial", **options):
    conc = reference_blood_ng_ml(route, dose_mg, 70.0, T_MIN, site, **options)
    return float(T_MIN[np.argmax(conc)]), float(conc.max())


def test_im_peak_time():
    peak_min, _ = _reference_peak("intramuscular", 35.0)
    assert check(IM_TMAX, float(peak_min))
    assert "arterial blood, the model's own" in check(IM_TMAX, float(peak_min)).message   # tables: venous
    assert not check(IM_TMAX, float(peak_min) * 2)
    assert not check(IM_TMAX, None)
    assert f"{peak_min:.0f}" not in repr(check(IM_TMAX, 1000.0))


def test_im_peak_time_in_venous_blood_as_the_explorer_shows():
    venous_min, _ = _reference_peak("intramuscular", 35.0, "venous")
    result = check(IM_TMAX, venous_min)
    assert result and "venous blood, as the explorer shows" in result.message


def test_im_peak_time_misconceptions():
    peak_min, peak_ng_ml = _reference_peak("intramuscular", 35.0)
    oral_min, _ = _reference_peak("oral", 35.0)
    for typed in (f"{peak_min:.0f} min", f"{peak_min / 60:.2f} h", f"0:{round(peak_min):02d}"):
        assert check(IM_TMAX, typed), typed
    assert "arterial blood" in check(IM_TMAX, peak_min).message
    assert "peak level (Cmax" in hint(IM_TMAX, round(peak_ng_ml))
    assert "IV infusion" in hint(IM_TMAX, 40)
    assert "oral" in hint(IM_TMAX, oral_min)
    assert "hours" in hint(IM_TMAX, round(peak_min / 60, 2))
    assert_never_shown(IM_TMAX, peak_min, [peak_ng_ml, 40, oral_min, 0.26, 300, 1.0])


def test_oral_dose_matching_iv_exposure():
    answer_mg = 35.0 / ROUTES["oral"].bioavailability      # AUC = F x dose / CL
    assert check(ORAL_DOSE, answer_mg)
    assert not check(ORAL_DOSE, 35.0)
    assert f"{answer_mg:.0f}" not in repr(check(ORAL_DOSE, 35.0))


def test_oral_dose_misconceptions():
    assert ROUTES["oral"].bioavailability == 0.20 and ROUTES["intranasal"].bioavailability == 0.45
    answer_mg = 35.0 / 0.20
    assert check(ORAL_DOSE, f"{answer_mg:.0f} mg") and check(ORAL_DOSE, f"{answer_mg / 1000:.3f} g")
    assert "much less exposure" in hint(ORAL_DOSE, 35)
    assert "divide by F" in hint(ORAL_DOSE, 35 * 0.20)
    assert "percentage" in hint(ORAL_DOSE, 35 / 20)
    assert "dose per kg" in hint(ORAL_DOSE, answer_mg / 70)
    assert "intranasal" in hint(ORAL_DOSE, 35 / 0.45)
    assert "sublingual or rectal" in hint(ORAL_DOSE, 35 / 0.30)
    assert "unit of dose per kg" in check(ORAL_DOSE, "2.5 mg/kg").message
    assert_never_shown(ORAL_DOSE, answer_mg, [35, 7, 1.75, 2.5, 77.8, 116.7, 400])


def _matching_dose_mg():
    """The intranasal dose whose peak equals the 0.5 mg/kg IM peak, both in the explorer's venous blood."""
    _, im_peak = _reference_peak("intramuscular", 35.0, "venous")
    _, in_peak_per_mg = _reference_peak("intranasal", 1.0, "venous")
    return im_peak / in_peak_per_mg


def test_intranasal_dose_matching_im_peak():
    app = explore(route="intranasal", weight_kg=70)
    app.controls["dose_unit"].value = "mg"
    app.controls["dose"].value = round(_matching_dose_mg() * 2) / 2   # nearest 0.5-mg step
    assert check(IN_MATCH, app)
    app.controls["dose"].value = 35.0
    assert not check(IN_MATCH, app)
    app.controls["route"].value = "oral"
    assert "intranasal" in repr(check(IN_MATCH, app))
    assert not check(IN_MATCH, 12.0)


def test_intranasal_match_in_mg_per_kg():
    app = explore(route="intranasal", weight_kg=70)
    app.controls["dose"].value = round(_matching_dose_mg() / 70, 2)
    assert check(IN_MATCH, app).status == "correct"


def test_intranasal_match_rejects_every_wrong_set_up():
    # The set-up the issue found marked correct: two doses of 0.35 mg/kg an hour apart, nothing swallowed.
    # Its peak does match the IM peak within 10%, so only the other settings can reject it.
    _, im_peak = _reference_peak("intramuscular", 35.0, "venous")
    _, wrong_peak = _reference_peak("intranasal", 0.35 * 70, "venous", n_doses=2, interval_min=60.0,
                                    swallowed_fraction=0.0)
    assert abs(wrong_peak / im_peak - 1) < 0.1
    app = explore(route="intranasal", weight_kg=70)
    c = app.controls
    c["dose"].value, c["n_doses"].value, c["interval_h"].value, c["swallowed_fraction"].value = 0.35, 2, 1.0, 0.0
    message = hint(IN_MATCH, app)
    assert "single dose" in message and "swallowed fraction" in message

    right_mg = round(_matching_dose_mg() * 2) / 2
    for name, value, words in (("weight", 80.0, "body weight back to 70 kg"),
                               ("swallowed_fraction", 0.2, "swallowed fraction"), ("n_doses", 3, "single dose"),
                               ("sampling_site", "arterial", "sampling site back to venous")):
        app = explore(route="intranasal", weight_kg=70)
        app.controls["dose_unit"].value = "mg"
        app.controls["dose"].value = right_mg
        assert check(IN_MATCH, app)
        app.controls[name].value = value
        assert words in hint(IN_MATCH, app), name


def test_intranasal_match_hints_and_method():
    app, tries = explore(route="intranasal", weight_kg=70), Attempts()
    assert "same dose" in hint(IN_MATCH, app, tries)                # 0.5 mg/kg, as the injection
    app.controls["dose"].value = 2.0
    message = hint(IN_MATCH, app, tries)
    assert "not within 10%" in message and "How to work it out" not in message
    assert "How to work it out" in hint(IN_MATCH, app, tries)       # third wrong try
    assert_never_shown(IN_MATCH, _matching_dose_mg(), [app, explore(route="oral")])
