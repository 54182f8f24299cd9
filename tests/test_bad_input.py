"""Every bad argument raises a ValueError naming the parameter, the value and the valid range."""
import math
import re

import numpy as np
import pytest

from helpers import simulate

BAD_CALLS = [
    (dict(route="inhaled", dose_mg=10), "route", "'inhaled'", "'iv_bolus'"),
    (dict(route=None, dose_mg=10), "route", "None", "'oral'"),
    (dict(route="oral", dose_mg=0), "dose_mg", "0", "(0, 20000]"),
    (dict(route="oral", dose_mg=-5), "dose_mg", "-5", "(0, 20000]"),
    (dict(route="oral", dose_mg=math.nan), "dose_mg", "nan", "(0, 20000]"),
    (dict(route="oral", dose_mg=math.inf), "dose_mg", "inf", "(0, 20000]"),
    (dict(route="oral", dose_mg="50"), "dose_mg", "'50'", "(0, 20000]"),
    (dict(route="oral", dose_mg=np.array([1.0, 2.0])), "dose_mg", "array", "(0, 20000]"),
    (dict(route="oral", dose_mg=10, weight_kg=0), "weight_kg", "0", "[10, 150]"),
    (dict(route="oral", dose_mg=10, weight_kg=-70), "weight_kg", "-70", "[10, 150]"),
    (dict(route="oral", dose_mg=10, weight_kg=math.nan), "weight_kg", "nan", "[10, 150]"),
    (dict(route="oral", dose_mg=10, weight_kg=math.inf), "weight_kg", "inf", "[10, 150]"),
    (dict(route="oral", dose_mg=10, weight_kg=9.9), "weight_kg", "9.9", "[10, 150]"),
    (dict(route="oral", dose_mg=10, weight_kg=151), "weight_kg", "151", "[10, 150]"),
    (dict(route="oral", dose_mg=10, weight_kg=30, model="domino1984"), "weight_kg", "30", "[40, 150]"),
    (dict(route="oral", dose_mg=10, model="marsh"), "model", "'marsh'", "'kamp2020'"),
    (dict(route="oral", dose_mg=10, t_end_min=0), "t_end_min", "0", "[1e-06, 20160]"),
    (dict(route="oral", dose_mg=10, t_end_min=-60), "t_end_min", "-60", "[1e-06, 20160]"),
    (dict(route="oral", dose_mg=10, t_end_min=math.nan), "t_end_min", "nan", "[1e-06, 20160]"),
    (dict(route="oral", dose_mg=10, dt_min=0), "dt_min", "0", "(0, 720]"),
    (dict(route="oral", dose_mg=10, dt_min=-1), "dt_min", "-1", "(0, 720]"),
    (dict(route="oral", dose_mg=10, dt_min=1000), "dt_min", "1000", "(0, 720]"),
    (dict(route="oral", dose_mg=10, t_end_min=2e4, dt_min=0.01), "t_end_min / dt_min", "20000.0", "1000000"),
    (dict(route="oral", dose_mg=10, infusion_min=40), "infusion_min", "40", "'iv_infusion'"),
    (dict(route="iv_infusion", dose_mg=10, infusion_min=0), "infusion_min", "0", "[0.1, 20160]"),
    (dict(route="iv_infusion", dose_mg=10, infusion_min=-40), "infusion_min", "-40", "[0.1, 20160]"),
    (dict(route="iv_infusion", dose_mg=10, infusion_min=math.inf), "infusion_min", "inf", "[0.1, 20160]"),
    (dict(route="oral", dose_mg=10, n_doses=0), "n_doses", "0", "[1, 1000]"),
    (dict(route="oral", dose_mg=10, n_doses=-2), "n_doses", "-2", "[1, 1000]"),
    (dict(route="oral", dose_mg=10, n_doses=2.5), "n_doses", "2.5", "[1, 1000]"),
    (dict(route="oral", dose_mg=10, n_doses=3), "interval_min", "None", "(0, 10080]"),
    (dict(route="oral", dose_mg=10, n_doses=3, interval_min=0), "interval_min", "0", "(0, 10080]"),
    (dict(route="oral", dose_mg=10, n_doses=3, interval_min=-480), "interval_min", "-480", "(0, 10080]"),
    (dict(route="oral", dose_mg=10, n_doses=3, interval_min=math.nan), "interval_min", "nan", "(0, 10080]"),
    (dict(route="oral", dose_mg=10, swallowed_fraction=0.5), "swallowed_fraction", "0.5", "intranasal"),
    (dict(route="sublingual", dose_mg=10, swallowed_fraction=1.5), "swallowed_fraction", "1.5", "[0, 1]"),
    (dict(route="intranasal", dose_mg=10, swallowed_fraction=-0.1), "swallowed_fraction", "-0.1", "[0, 1]"),
    # upper bounds (issue 13's fuzz found hangs, MemoryErrors and overflow without them)
    (dict(route="oral", dose_mg=1e308), "dose_mg", "1e+308", "(0, 20000]"),
    (dict(route="oral", dose_mg=10**400), "dose_mg", "401 digits", "(0, 20000]"),
    (dict(route="oral", dose_mg=10, n_doses=10**7, interval_min=60), "n_doses", "10000000", "[1, 1000]"),
    (dict(route="oral", dose_mg=10, n_doses=10**12, interval_min=60), "n_doses", "1000000000000", "[1, 1000]"),
    (dict(route="oral", dose_mg=10, n_doses=1e308, interval_min=60), "n_doses", "1e+308", "[1, 1000]"),
    (dict(route="oral", dose_mg=10, t_end_min=1e15, dt_min=1e12), "t_end_min", "1000000000000000.0", "[1e-06, 20160]"),
    (dict(route="iv_infusion", dose_mg=10, infusion_min=1e-5), "infusion_min", "1e-05", "[0.1, 20160]"),
    (dict(route="oral", dose_mg=10, n_doses=2, interval_min=1e9), "interval_min", "1000000000.0", "(0, 10080]"),
    (dict(route="sublingual", dose_mg=10, n_doses=1000, interval_min=20, t_end_min=20160, dt_min=1),
     "n_doses x pathways x grid points", "1000 x 2 x 20161", "10000000"),
    (dict(route="esketamine_nasal_spray", dose_mg=10**400), "dose_mg", "401 digits", "28, 56, 84 mg"),
]


@pytest.mark.parametrize("kwargs, parameter, shown_value, valid", BAD_CALLS,
                         ids=[f"{p}={v}" for _, p, v, _ in BAD_CALLS])
def test_bad_input_names_parameter_value_and_valid_range(kwargs, parameter, shown_value, valid):
    with pytest.raises(ValueError) as error:
        simulate(**kwargs)
    message = str(error.value)
    assert message.startswith(parameter) or f"{parameter}=" in message or f" {parameter} " in message
    assert shown_value in message
    assert valid in message


def test_unknown_route_lists_every_valid_key():
    with pytest.raises(ValueError, match=re.escape("'iv_bolus', 'iv_infusion', 'intramuscular', "
                                                   "'intranasal', 'sublingual', 'oral', 'rectal'")):
        simulate("subcutaneous", dose_mg=10)
