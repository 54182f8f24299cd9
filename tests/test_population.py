"""simulate_population(): sampled patients obey the model's identities; bands behave."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import trapezoid

from helpers import simulate
from helpers.evidence.bibliography import BIBLIOGRAPHY
from helpers.model.population import VARIABILITY, lognormal_sd, simulate_population

from reference_solver import reference_amounts
from strategies import RACEMIC_ROUTES


@pytest.mark.parametrize("name", sorted(VARIABILITY))
def test_every_variability_number_is_sourced(name):
    parameter = VARIABILITY[name]
    assert parameter.source and all(key in BIBLIOGRAPHY for key in parameter.source)
    assert parameter.status in ("measured", "derived", "borrowed", "assumed")
    assert len(parameter.note) > 20
    assert 0 < parameter.value < 200


def test_lognormal_sd_reproduces_the_coefficient_of_variation():
    # For log-normal X with log-SD w, CV^2 = exp(w^2) - 1 (independent formula).
    for cv in (19.0, 64.0, 132.0):
        assert np.sqrt(np.expm1(lognormal_sd(cv) ** 2)) == pytest.approx(cv / 100, rel=1e-12)


@pytest.mark.parametrize("route", RACEMIC_ROUTES)
@pytest.mark.parametrize("dt_min", [2.0, 0.7])   # 0.7: uneven last step; both > 256 points (table path)
def test_no_variability_gives_the_typical_patient(route, dt_min):
    pop = simulate_population(route, 40.0, 70.0, n_patients=4, bsv_scale=0.0, t_end_min=900, dt_min=dt_min,
                              n_doses=2, interval_min=301.3)
    single = simulate(route, 40.0, 70.0, t_end_min=900, dt_min=dt_min, n_doses=2, interval_min=301.3)
    assert np.allclose(pop.conc_ng_ml, single.conc_ng_ml, rtol=1e-9, atol=1e-9 * single.cmax_ng_ml)


@pytest.mark.parametrize("route", ["iv_bolus", "oral", "intranasal"])
def test_median_curve_approaches_the_typical_curve(route):
    """Shrinking the spread: the median converges to the typical curve; at full spread it stays close."""
    typical = simulate(route, 50.0, 70.0, t_end_min=720).conc_ng_ml
    errors = []
    for scale in (1.0, 0.3, 0.1, 0.03):
        pop = simulate_population(route, 50.0, 70.0, n_patients=2001, seed=3, bsv_scale=scale, t_end_min=720)
        errors.append(np.max(np.abs(pop.percentile(50) - typical)) / typical.max())
    assert errors == sorted(errors, reverse=True)
    assert errors[-1] < 0.01
    assert errors[0] < 0.35


def test_more_patients_estimate_the_median_more_precisely():
    def spread(n):
        medians = [simulate_population("oral", 50.0, 70.0, n_patients=n, seed=s, t_end_min=600).percentile(50)
                   for s in range(4)]
        return np.max(np.std(medians, axis=0))
    assert spread(1600) < 0.6 * spread(100)


def test_fixed_seed_reproduces_exactly_and_other_seeds_differ():
    a = simulate_population("sublingual", 25.0, 70.0, n_patients=50, seed=7, t_end_min=300)
    b = simulate_population("sublingual", 25.0, 70.0, n_patients=50, seed=7, t_end_min=300, threads=1)
    c = simulate_population("sublingual", 25.0, 70.0, n_patients=50, seed=8, t_end_min=300)
    assert np.array_equal(a.conc_ng_ml, b.conc_ng_ml)
    assert not np.allclose(a.conc_ng_ml, c.conc_ng_ml)


@settings(max_examples=15, deadline=None)
@given(route=st.sampled_from(RACEMIC_ROUTES), seed=st.integers(0, 2**31))
def test_percentiles_are_ordered(route, seed):
    pop = simulate_population(route, 30.0, 60.0, n_patients=60, seed=seed, t_end_min=480, dt_min=4.0)
    bands = pop.percentile([5, 25, 50, 75, 95])
    assert np.all(np.diff(bands, axis=0) >= -1e-12)
    assert np.all(pop.conc_ng_ml >= -1e-9)


@pytest.mark.parametrize("route", ["oral", "intranasal", "intramuscular", "sublingual", "rectal"])
def test_each_patients_auc_times_clearance_is_their_absorbed_dose(route):
    """AUC_inf x CL_i = F_i x dose, with AUC from the curve (trapezoid), not from the formula."""
    pop = simulate_population(route, 50.0, 70.0, n_patients=25, seed=11, t_end_min=20000, dt_min=0.5)
    keep = pop.conc_ng_ml[:, -1] < 1e-6 * pop.conc_ng_ml.max(axis=1)   # curve has essentially ended
    assert keep.sum() >= 20
    auc = trapezoid(pop.conc_ng_ml, pop.t_min, axis=1) / 1000.0          # mg min / L
    absorbed = pop.bioavailability * 50.0
    assert np.allclose((auc * pop.clearance_l_min)[keep], absorbed[keep], rtol=5e-3)


@pytest.mark.parametrize("route, options", [("oral", {}), ("intranasal", {}), ("iv_infusion", {}),
                                            ("sublingual", {"n_doses": 2, "interval_min": 200.0}),
                                            ("intramuscular", {"model": "domino1984"})])
def test_sampled_patients_match_an_independent_matrix_exponential_solution(route, options):
    pop = simulate_population(route, 50.0, 70.0, n_patients=40, seed=5, t_end_min=600, dt_min=3.0, **options)
    for i in (0, 17, 39):
        states, central, v1 = reference_amounts(
            route, 50.0, 70.0, pop.t_min, pathways=pop.patient_pathways(i),
            disposition=pop.patient_disposition(i), model=options.get("model", "kamp2020"),
            n_doses=options.get("n_doses", 1), interval_min=options.get("interval_min", 0.0))
        expected = states[:, central] / v1 * 1000.0
        assert np.allclose(pop.conc_ng_ml[i], expected, rtol=1e-6, atol=1e-9 * expected.max())


def test_patients_actually_differ_with_published_spread():
    pop = simulate_population("iv_bolus", 35.0, 70.0, n_patients=4000, seed=2, t_end_min=60)
    log_cl = np.log(pop.clearance_l_min)
    assert np.std(log_cl) == pytest.approx(lognormal_sd(VARIABILITY["disposition.cl"].value), rel=0.05)
    # the injection (constant rate over T) raises each level at rate dose / (T V1_i) at first
    injection_min = pop.typical.pathways[0].release_min
    early = simulate_population("iv_bolus", 35.0, 70.0, n_patients=4000, seed=2, t_end_min=1e-5, dt_min=1e-5)
    slope = early.conc_ng_ml[:, -1] / 1e-5
    assert np.allclose(slope, 35.0 / injection_min / pop.volumes_l[:, 0] * 1000.0, rtol=1e-4)


@pytest.mark.parametrize("kwargs, fragment", [
    ({"n_patients": 0}, "n_patients"), ({"n_patients": 2.5}, "n_patients"), ({"n_patients": True}, "n_patients"),
    ({"seed": 1.5}, "seed"), ({"seed": "a"}, "seed"), ({"seed": -1}, "seed"),
    ({"bsv_scale": -1.0}, "bsv_scale"), ({"threads": 0}, "threads"),
    ({"n_patients": 100000, "t_end_min": 14400, "dt_min": 1.0}, "n_patients x grid"),
    ({"route": "iv_pump"}, "route"), ({"dose_mg": -3.0}, "dose_mg"),
])
def test_bad_inputs_raise_clear_errors(kwargs, fragment):
    args = {"route": "oral", "dose_mg": 50.0, **kwargs}
    with pytest.raises(ValueError, match=fragment):
        simulate_population(args.pop("route"), args.pop("dose_mg"), **args)


def test_percentiles_equal_numpys():
    pop = simulate_population("intranasal", 30.0, n_patients=37, seed=4, t_end_min=300)
    q = [0, 5, 25, 33.3, 50, 75, 95, 100]
    assert np.allclose(pop.percentile(q), np.percentile(pop.conc_ng_ml, q, axis=0), rtol=1e-13, atol=0)
    assert np.allclose(pop.percentile(50), np.median(pop.conc_ng_ml, axis=0), rtol=1e-13, atol=0)


def test_percentile_outside_0_100_is_rejected():
    pop = simulate_population("oral", 50.0, n_patients=5, t_end_min=60)
    with pytest.raises(ValueError, match="percentile"):
        pop.percentile(120)


def test_without_threads_the_same_patients_are_computed_serially(monkeypatch):
    """The browser edition (Pyodide) cannot start threads: the serial path gives identical curves."""
    import helpers.model.population as population
    threaded = simulate_population("sublingual", 25.0, 70.0, n_patients=50, seed=7, t_end_min=300, threads=2)
    monkeypatch.setattr(population, "CAN_START_THREADS", False)
    monkeypatch.setattr(population, "ThreadPoolExecutor", None)      # any use of a thread pool would fail
    serial = simulate_population("sublingual", 25.0, 70.0, n_patients=50, seed=7, t_end_min=300, threads=2)
    assert np.array_equal(serial.conc_ng_ml, threaded.conc_ng_ml)
