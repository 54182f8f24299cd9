"""Notebook 04's checked tasks accept the right answer, give each misconception its hint, and never reveal it."""
import numpy as np
from test_lessons import assert_never_shown, fresh_tries, hint, reference_blood_ng_ml  # noqa: F401 (autouse)

from helpers import check

from reference_solver import reference_conc_ng_ml

CL_L_PER_H_70KG = 84.0     # Kamp 2020, helpers/data/disposition_models.toml
BOLUS, STEADY = "04_bolus_minutes_above_dissociation", "04_infusion_steady_level"
T_MIN = np.arange(0.0, 360.0, 0.02)


def _minutes_above(conc, level):
    return float(np.sum(conc >= level) * 0.02)


def test_bolus_minutes_above_dissociation():
    t_min = np.arange(0.0, 360.0, 0.01)
    conc = reference_conc_ng_ml("iv_bolus", 35.0, 70.0, t_min)
    answer = float(t_min[conc >= 100.0][-1])    # the level only falls after a bolus
    assert check(BOLUS, answer)
    assert not check(BOLUS, answer * 2)
    assert f"{answer:.0f}" not in repr(check(BOLUS, 200.0))


def test_bolus_in_venous_blood_and_misconceptions():
    arterial = reference_blood_ng_ml("iv_bolus", 35.0, 70.0, T_MIN)
    venous = reference_blood_ng_ml("iv_bolus", 35.0, 70.0, T_MIN, "venous")
    answer = _minutes_above(arterial, 100)
    assert "arterial blood" in check(BOLUS, f"{answer:.0f} min").message
    assert "venous blood" in check(BOLUS, f"0:{_minutes_above(venous, 100):02.0f}").message
    assert "top of the dissociation range" in hint(BOLUS, _minutes_above(arterial, 250))
    assert "inside the analgesia range" in hint(BOLUS, _minutes_above(arterial, 70) - _minutes_above(arterial, 160))
    assert "above 70 ng/mL" in hint(BOLUS, _minutes_above(arterial, 70))
    assert "slow infusion" in hint(BOLUS, 0)                    # 0.15 mg/kg/h never reaches 100 ng/mL
    assert "hours" in hint(BOLUS, round(answer / 60, 3))
    assert_never_shown(BOLUS, answer, [0, 10.5, 48, 64, 0.59, 150])


def test_infusion_steady_level():
    answer = 0.15 * 70.0 / CL_L_PER_H_70KG * 1000.0      # Css = rate / CL, ng/mL
    assert check(STEADY, answer)
    assert not check(STEADY, answer * 1.5)
    assert f"{answer:.0f}" not in repr(check(STEADY, 10.0))


def test_steady_level_misconceptions():
    answer = 0.15 * 70.0 / CL_L_PER_H_70KG * 1000.0
    for typed in (f"{answer:.0f} ng/mL", f"{answer / 1000:.3f} mg/L", f"{answer / 1000:.3f} µg/mL"):
        assert check(STEADY, typed), typed
    assert "per kg" in hint(STEADY, 0.15 / CL_L_PER_H_70KG * 1000)
    assert "clearance per minute" in hint(STEADY, 10.5 / (CL_L_PER_H_70KG / 60) * 1000)
    assert "clearance per minute" in hint(STEADY, 10.5 / 60 / CL_L_PER_H_70KG * 1000)
    assert "Question 3" in hint(STEADY, 0.1 * 70 / CL_L_PER_H_70KG * 1000)
    assert "mg/L" in hint(STEADY, answer / 1000)
    assert_never_shown(STEADY, answer, [1.79, 7500, 2.08, 83, 0.125, 300])
