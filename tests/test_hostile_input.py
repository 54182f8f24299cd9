"""Every public function, driven with hostile values: a clear ValueError/TypeError or a finite answer.

For each function a valid call is known; hypothesis replaces one argument at a time with a hostile
value (NaN, infinities, huge and tiny numbers, huge whole numbers, wrong types, arrays). The call
must either work (finite numbers out) or raise ValueError or TypeError whose message names the
argument, quickly (the documented upper bounds keep every call short), and never warn.
"""
from __future__ import annotations

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import helpers
from helpers import ROUTES, simulate, simulate_population

HOSTILE = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -1e308, 5e-324, 1e-300, 0, -1, -0.0, 10**400,
                     -(10**400), 2**63, "", "x", "50", None, [], [1.0], {}, True, False, 1j,
                     Fraction(1, 3), np.float64("nan"), np.int64(-5), np.array([1.0, 2.0]), np.array(3.0),
                     np.array([]), object()]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.text(max_size=5),
)

SIM = simulate("sublingual", 25.0, 70.0, n_doses=3, interval_min=240.0, t_end_min=720)
POP = simulate_population("oral", 50.0, 70.0, n_patients=20, t_end_min=120)

# (name, callable, valid keyword arguments, the arguments to fuzz)
CALLS = [
    ("simulate", simulate, dict(route="iv_infusion", dose_mg=35.0, weight_kg=70.0, t_end_min=240.0, dt_min=1.0,
                                infusion_min=40.0, n_doses=2, interval_min=120.0),
     ["route", "dose_mg", "weight_kg", "t_end_min", "dt_min", "infusion_min", "n_doses", "interval_min", "model",
      "sampling_site"]),
    ("simulate (split route)", simulate, dict(route="intranasal", dose_mg=35.0, swallowed_fraction=0.3),
     ["swallowed_fraction"]),
    ("simulate_population", simulate_population,
     dict(route="oral", dose_mg=50.0, weight_kg=70.0, n_patients=10, seed=1, bsv_scale=1.0, threads=1,
          t_end_min=120.0),
     ["n_patients", "seed", "bsv_scale", "threads", "dose_mg", "weight_kg"]),
    ("time_grid", helpers.time_grid, dict(t_end_min=60.0, dt_min=1.0), ["t_end_min", "dt_min"]),
    ("terminal_half_life_min", helpers.terminal_half_life_min, dict(weight_kg=70.0, model="kamp2020"),
     ["weight_kg", "model"]),
    ("dosing_interval_stats", helpers.dosing_interval_stats, dict(sim=SIM), ["sim"]),
    ("time_to_fall_below", helpers.time_to_fall_below, dict(sim=SIM, threshold_ng_ml=30.0),
     ["sim", "threshold_ng_ml"]),
    ("auc_ratio_inf", helpers.auc_ratio_inf, dict(sim=SIM), ["sim"]),
    ("cite", helpers.cite, dict(key="kamp2020", style="full"), ["key", "style"]),
    ("reference_list", helpers.reference_list, dict(keys=["kamp2020"]), ["keys"]),
    ("Simulation.conc_at", SIM.conc_at, dict(t_min=30.0), ["t_min"]),
    ("Simulation.time_above_min", SIM.time_above_min, dict(threshold_ng_ml=10.0), ["threshold_ng_ml"]),
    ("Simulation.site_conc_ng_ml", SIM.site_conc_ng_ml, dict(site="venous", t_min=[10.0]), ["site", "t_min"]),
    ("Route.bioavailability_at", ROUTES["sublingual"].bioavailability_at, dict(swallowed_fraction=0.4),
     ["swallowed_fraction"]),
    ("Population.percentile", POP.percentile, dict(p=50.0), ["p"]),
    ("simulation_table", helpers.simulation_table, dict(simulations=[SIM]), ["simulations"]),
    ("norketamine_table", helpers.norketamine_table, dict(simulations=[SIM]), ["simulations"]),
    ("variability_table", helpers.variability_table, dict(populations=[POP]), ["populations"]),
    ("new_figure", helpers.new_figure, dict(width_in=8.0, height_in=4.0, dpi=100), ["width_in", "height_in", "dpi"]),
]
IDS = [name for name, *_ in CALLS]


def _finite(value) -> bool:
    if isinstance(value, (float, np.floating)):
        return math.isfinite(value)
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return bool(np.all(np.isfinite(value)))
    if isinstance(value, (list, tuple)):
        return all(_finite(v) for v in value)
    if hasattr(value, "conc_ng_ml"):
        return _finite(value.conc_ng_ml)
    return True


@pytest.mark.parametrize("name, function, valid, fuzzed", CALLS, ids=IDS)
def test_the_valid_call_works(name, function, valid, fuzzed):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _finite(function(**valid))


@pytest.mark.parametrize("name, function, valid, fuzzed", CALLS, ids=IDS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_hostile_values_get_a_clear_error_or_a_finite_answer(name, function, valid, fuzzed, data):
    argument = data.draw(st.sampled_from(fuzzed), label="argument")
    value = data.draw(HOSTILE, label="value")
    kwargs = dict(valid, **{argument: value})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            result = function(**kwargs)
        except (ValueError, TypeError) as error:
            message = str(error)
            assert argument in message or argument.rstrip("s") in message, (
                f"{name}({argument}={value!r}) raised {type(error).__name__} without naming it: {message}")
            assert len(message) < 600, "messages stay readable"
            return
    assert _finite(result), f"{name}({argument}={value!r}) gave a non-finite result"
