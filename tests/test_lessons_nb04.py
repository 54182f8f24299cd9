"""Notebook 04's checked tasks accept the right answer, give each misconception its hint, and never reveal it."""
import numpy as np
from test_lessons import assert_never_shown, hint, reference_blood_ng_ml

from helpers import BLOOD_SITE_NUMBERS, check

from reference_solver import reference_amounts

CL_L_PER_H_70KG = 84.0     # Kamp 2020, helpers/data/disposition_models.toml
BOLUS, STEADY = "04_bolus_minutes_above_dissociation", "04_infusion_steady_level"
T_MIN = np.arange(0.0, 360.0, 0.02)
K_E0 = BLOOD_SITE_NUMBERS["effect_site.ke0_per_min"].value


def _minutes_above(conc, level):
    return float(np.sum(conc >= level) * 0.02)


def _effect_site(t_min):
    """The independent solution's effect site after the bolus: a concentration following arterial blood (ke0)."""
    states, _, _ = reference_amounts("iv_bolus", 35.0, 70.0, t_min, followers=(K_E0,))
    return states[:, -1] * 1000.0


def test_bolus_minutes_above_dissociation_in_venous_blood():
    t_min = np.arange(0.0, 360.0, 0.01)
    venous = reference_blood_ng_ml("iv_bolus", 35.0, 70.0, t_min, "venous")
    above = t_min[venous >= 100.0]
    answer = float(above[-1] - above[0])        # the venous level rises once and falls once after a bolus
    assert above[0] > 0.5                         # it starts below 100 ng/mL: the vein lags the artery
    result = check(BOLUS, answer)
    assert result and "venous blood" in result.message
    assert check(BOLUS, f"0:{answer:02.0f}")
    assert not check(BOLUS, answer * 2)
    assert f"{answer:.0f}" not in repr(check(BOLUS, 200.0))


def test_bolus_misconceptions():
    venous = reference_blood_ng_ml("iv_bolus", 35.0, 70.0, T_MIN, "venous")
    arterial = reference_blood_ng_ml("iv_bolus", 35.0, 70.0, T_MIN)
    answer = _minutes_above(venous, 100)
    assert abs(_minutes_above(arterial, 100) / answer - 1) > 0.1          # arterial blood is not accepted
    assert "arterial blood" in hint(BOLUS, f"{_minutes_above(arterial, 100):.1f} min")
    assert "effect site" in hint(BOLUS, _minutes_above(_effect_site(T_MIN), 100))
    assert "top of the dissociation range" in hint(BOLUS, _minutes_above(venous, 250))
    assert "inside the analgesia range" in hint(BOLUS, _minutes_above(venous, 70) - _minutes_above(venous, 160))
    assert "above 70 ng/mL" in hint(BOLUS, _minutes_above(venous, 70))
    assert "slow infusion" in hint(BOLUS, 0)                    # 0.15 mg/kg/h never reaches 100 ng/mL
    assert "hours" in hint(BOLUS, round(answer / 60, 3))
    assert_never_shown(BOLUS, answer, [0, 15, 35.4, 46, 68, 0.68, 150])


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
