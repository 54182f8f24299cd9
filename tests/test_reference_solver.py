"""The closed form equals an independent matrix-exponential solution, route by route."""
import numpy as np
import pytest

from helpers import simulate

from reference_solver import reference_amounts
from strategies import RACEMIC_ROUTES

RTOL = 1e-6

CASES = [(route, {}) for route in RACEMIC_ROUTES] + [
    ("iv_infusion", {"infusion_min": 7.5}),
    ("iv_bolus", {"model": "domino1984"}),
    ("oral", {"model": "clements1981"}),
    ("intranasal", {"swallowed_fraction": 0.0}),
    ("intranasal", {"swallowed_fraction": 1.0}),
    ("sublingual", {"swallowed_fraction": 0.8, "n_doses": 3, "interval_min": 180.0}),
    ("iv_infusion", {"n_doses": 2, "interval_min": 25.0, "infusion_min": 40.0}),  # overlapping infusions
    ("rectal", {"n_doses": 4, "interval_min": 97.3}),
]


def _close(actual, expected, scale):
    """Relative agreement, with an absolute floor far below anything visible on a plot."""
    return np.allclose(actual, expected, rtol=RTOL, atol=RTOL * 1e-3 * scale)


@pytest.mark.parametrize("route, options", CASES, ids=[f"{r}-{o}" for r, o in CASES])
@pytest.mark.parametrize("weight_kg", [12.0, 70.0, 140.0])
def test_closed_form_matches_matrix_exponential(route, options, weight_kg):
    if options.get("model") in ("domino1984", "clements1981") and weight_kg < 40:
        weight_kg = 45.0
    sim = simulate(route, dose_mg=50.0, weight_kg=weight_kg, t_end_min=900, dt_min=1.5, **options)
    states, central, v1 = reference_amounts(route, 50.0, weight_kg, sim.t_min, **options)
    expected_conc = states[:, central] / v1 * 1000.0
    assert _close(sim.conc_ng_ml, expected_conc, expected_conc.max())
    n_depots = central
    amounts = sim.amounts_mg
    assert _close(amounts["central"], states[:, central], 50.0)
    assert _close(amounts["peripheral"], states[:, central + 1:-2].sum(axis=1), 50.0)
    assert _close(amounts["absorption_site"], states[:, :n_depots].sum(axis=1), 50.0)
    assert _close(amounts["eliminated"], states[:, -2], 50.0)
    assert _close(amounts["first_pass"], states[:, -1], 50.0)
