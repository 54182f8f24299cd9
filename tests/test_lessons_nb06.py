"""Notebook 06's checked tasks accept the right answer, give each misconception its hint, and never reveal it."""
import numpy as np
from test_lessons import assert_never_shown, hint, reference_blood_ng_ml

from helpers import ROUTES, check, explore
from helpers.lessons.tasks import Attempts

from reference_solver import reference_amounts, reference_conc_ng_ml

DEPOT, BELOW_50 = "06_im_depot_mg_at_15_min", "06_intranasal_time_below_50"
DURATION = "06_infusion_duration_peak_below_100"


def test_im_depot_at_15_min():
    (pathway,) = ROUTES["intramuscular"].pathways()
    answer_mg = 35.0 * np.exp(-pathway.ka_per_min * 15.0)          # first-order emptying of the muscle
    out, _, _ = reference_amounts("intramuscular", 35.0, 70.0, np.array([0.0, 15.0]))
    assert np.isclose(out[-1, 0], answer_mg, rtol=1e-6)            # depot is state 0 in the reference
    assert check(DEPOT, float(answer_mg))
    assert not check(DEPOT, 35.0)
    assert not check(DEPOT, 0.0)
    assert f"{answer_mg:.1f}" not in repr(check(DEPOT, 35.0))


def test_im_depot_misconceptions():
    out, central, _ = reference_amounts("intramuscular", 35.0, 70.0, np.array([0.0, 15.0, 20.0]))
    depot, in_body, depot_20 = out[1, 0], out[1, central:central + 3].sum(), out[2, 0]
    assert ROUTES["intramuscular"].bioavailability == 0.93
    assert check(DEPOT, f"{depot:.1f} mg") and check(DEPOT, f"{depot * 1000:.0f} µg")
    assert "releasing drug" in hint(DEPOT, 35)
    assert "some of it is still there" in hint(DEPOT, 0)
    assert "already left the muscle" in hint(DEPOT, 35 - depot)
    assert "in the body" in hint(DEPOT, in_body)
    assert "20 min" in hint(DEPOT, depot_20)
    assert "bioavailability does not enter" in hint(DEPOT, 0.93 * depot)
    assert_never_shown(DEPOT, depot, [35, 0, 12.7, 9.4, 19.2, 20.8, 30])


def test_intranasal_time_below_50():
    t = np.arange(0.0, 400.0, 0.5)
    conc = reference_conc_ng_ml("intranasal", 70.0, 70.0, t)
    answer_min = float(t[np.flatnonzero(conc >= 50.0)[-1]])
    assert check(BELOW_50, answer_min)
    assert not check(BELOW_50, answer_min / 2)
    assert not check(BELOW_50, answer_min * 2)
    assert f"{answer_min:.0f}" not in repr(check(BELOW_50, 10.0))


def test_intranasal_time_below_50_misconceptions():
    t = np.arange(0.0, 400.0, 0.25)
    arterial = reference_blood_ng_ml("intranasal", 70.0, 70.0, t)
    venous = reference_blood_ng_ml("intranasal", 70.0, 70.0, t, "venous")
    answer = float(t[np.flatnonzero(arterial >= 50.0)[-1]])
    hours, minutes = divmod(round(answer), 60)
    assert check(BELOW_50, f"{hours}:{minutes:02d}") and check(BELOW_50, f"{answer / 60:.2f} h")
    assert "venous blood" in check(BELOW_50, float(t[np.flatnonzero(venous >= 50.0)[-1]])).message
    assert "below 100 ng/mL" in hint(BELOW_50, float(t[np.flatnonzero(arterial >= 100.0)[-1]]))
    assert "time of the peak" in hint(BELOW_50, float(t[np.argmax(arterial)]))
    assert "hours" in hint(BELOW_50, round(answer / 60, 2))
    # Question 2's table is in venous blood: its below-100 time and peak time get their hints too
    assert "below 100 ng/mL" in hint(BELOW_50, float(t[np.flatnonzero(venous >= 100.0)[-1]]))
    assert "time of the peak" in hint(BELOW_50, float(t[np.argmax(venous)]))
    assert_never_shown(BELOW_50, answer, [54, 12.5, 2.04, 300, 60])


def _reference_peak(duration_min, site="arterial"):
    t = np.arange(0.0, duration_min + 30.0, 0.5)
    return reference_blood_ng_ml("iv_infusion", 35.0, 70.0, t, site, infusion_min=duration_min).max()


def _shortest(site):
    return next(d for d in range(5, 1445, 5) if _reference_peak(float(d), site) <= 100.0)


def test_infusion_duration_slider():
    shortest = _shortest("venous")        # the blood the explorer shows (and the task expects)
    app = explore(route="iv_infusion", dose_mg_per_kg=0.5, weight_kg=70)
    app.controls["infusion_min"].value = shortest
    assert check(DURATION, app)
    app.controls["infusion_min"].value = shortest - 5
    assert not check(DURATION, app)
    app.controls["infusion_min"].value = shortest + 5     # one step too long is not the shortest
    assert not check(DURATION, app)
    app.controls["infusion_min"].value = shortest + 60
    assert "shortest" in repr(check(DURATION, app))
    assert not check(DURATION, app)
    app.controls["infusion_min"].value = shortest
    app.controls["route"].value = "intramuscular"
    assert "IV infusion" in repr(check(DURATION, app))
    assert not check(DURATION, shortest)


def test_infusion_duration_rejects_every_wrong_set_up():
    shortest = _shortest("venous")
    for name, value, words in (("weight", 80.0, "body weight back to 70 kg"), ("dose", 0.6, "dose back to 0.5 mg/kg"),
                               ("sampling_site", "arterial", "sampling site back to venous")):
        app = explore(route="iv_infusion", dose_mg_per_kg=0.5, weight_kg=70)
        app.controls["infusion_min"].value = shortest
        assert check(DURATION, app)
        app.controls[name].value = value
        assert words in hint(DURATION, app), name
    app, tries = explore(route="iv_infusion", dose_mg_per_kg=0.5, weight_kg=70), Attempts()
    assert "still above 100" in hint(DURATION, app, tries)
    assert "still above 100" in hint(DURATION, explore(route="iv_infusion", dose_mg_per_kg=0.5, weight_kg=70), tries)
    assert "How to work it out" in hint(DURATION, app, tries)          # third wrong try
    assert_never_shown(DURATION, float(shortest), [app, explore(route="oral")])
