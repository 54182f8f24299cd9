"""The evaluation engine's outputs are amounts and concentrations: never below zero, even by rounding."""
import numpy as np
import pytest

from helpers import ROUTES, simulate, simulate_population
from helpers.model.engine import Modal, evaluate, evaluate_fast


def test_an_output_that_starts_at_zero_is_not_negative_by_rounding():
    # weights meant to cancel at t = 0 that miss by one unit in the last place, as rounding leaves them
    last = -np.nextafter(0.1 + 0.2, 1.0)
    modal = Modal(("amount",), np.array([0.3, 0.7, 1.1]), np.array([[0.1, 0.2, last]]))
    assert float(np.sum(modal.weights)) < 0.0
    tau = np.linspace(0.0, 10.0, 300)
    for values in (evaluate(modal, tau), evaluate_fast(modal, tau)):
        assert values[0, 0] == 0.0 and values.min() >= 0.0


@pytest.mark.parametrize("route", [key for key, r in ROUTES.items() if r.drug == "ketamine"])
def test_population_and_single_curves_are_never_negative(route):
    population = simulate_population(route, 35.0, 70.0, n_patients=40, seed=3, t_end_min=480.0, dt_min=1.6)
    assert population.conc_ng_ml.min() >= 0.0
    assert population.percentile((5, 95)).min() >= 0.0
    sim = simulate(route, 35.0, 70.0, t_end_min=480.0, dt_min=0.4, sampling_site="venous")
    for curve in (sim.conc_ng_ml, sim.norketamine_ng_ml, sim.effect_site_ng_ml):
        assert curve.min() >= 0.0
