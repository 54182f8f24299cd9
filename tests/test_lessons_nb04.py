"""Notebook 04's checked tasks accept the right answer, reject wrong ones, and never reveal it."""
import numpy as np

from helpers import check

from reference_solver import reference_conc_ng_ml

CL_L_PER_H_70KG = 84.0     # Kamp 2020, helpers/data/disposition_models.toml


def test_bolus_minutes_above_dissociation():
    t_min = np.arange(0.0, 360.0, 0.01)
    conc = reference_conc_ng_ml("iv_bolus", 35.0, 70.0, t_min)
    answer = float(t_min[conc >= 100.0][-1])    # the level only falls after a bolus
    assert check("04_bolus_minutes_above_dissociation", answer)
    assert not check("04_bolus_minutes_above_dissociation", answer * 2)
    assert f"{answer:.0f}" not in repr(check("04_bolus_minutes_above_dissociation", 200.0))


def test_infusion_steady_level():
    answer = 0.15 * 70.0 / CL_L_PER_H_70KG * 1000.0      # Css = rate / CL, ng/mL
    assert check("04_infusion_steady_level", answer)
    assert not check("04_infusion_steady_level", answer * 1.5)
    assert f"{answer:.0f}" not in repr(check("04_infusion_steady_level", 10.0))
