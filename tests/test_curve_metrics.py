"""curve_metrics against the independent reference solver and analytic identities."""
import numpy as np
import pytest

from helpers import MODELS, dosing_interval_stats, simulate, terminal_half_life_min, time_to_fall_below

from reference_solver import reference_conc_ng_ml


def test_interval_stats_match_reference_solver():
    interval = 480.0
    sim = simulate("sublingual", 60.0, 70.0, n_doses=3, interval_min=interval, t_end_min=3 * interval)
    stats = dosing_interval_stats(sim)
    t = 2 * interval + np.linspace(0.0, interval, 961)
    conc = reference_conc_ng_ml("sublingual", 60.0, 70.0, t, n_doses=3, interval_min=interval)
    assert stats.peak_ng_ml == pytest.approx(conc.max(), rel=1e-3)
    assert stats.trough_ng_ml == pytest.approx(conc.min(), rel=1e-3)
    assert stats.mean_ng_ml == pytest.approx(np.trapezoid(conc, t) / interval, rel=1e-3)
    assert stats.swing == pytest.approx(conc.max() / conc.min() - 1.0, rel=1e-3)


def test_accumulation_ratio_is_a_ratio_of_single_dose_areas():
    # Superposition: the last of n intervals holds the single-dose area from 0 to n x interval.
    interval, n = 240.0, 5
    stats = dosing_interval_stats(simulate("intranasal", 40.0, 70.0, n_doses=n, interval_min=interval,
                                           t_end_min=n * interval))
    area_all = simulate("intranasal", 40.0, 70.0, t_end_min=n * interval).auc_ng_min_ml
    area_first = simulate("intranasal", 40.0, 70.0, t_end_min=interval).auc_ng_min_ml
    assert stats.accumulation_ratio == pytest.approx(area_all / area_first, rel=1e-4)
    assert stats.fraction_of_steady_state == pytest.approx(
        area_all / simulate("intranasal", 40.0, 70.0, t_end_min=2e4, dt_min=100).auc_inf_ng_min_ml, rel=1e-4)


def test_interval_stats_reject_single_dose_and_short_window():
    with pytest.raises(ValueError, match="interval_min"):
        dosing_interval_stats(simulate("oral", 50.0, 70.0))
    with pytest.raises(ValueError, match="t_end_min"):
        dosing_interval_stats(simulate("oral", 50.0, 70.0, n_doses=3, interval_min=480, t_end_min=1000))


def test_time_to_fall_below_matches_reference_crossing():
    t = np.arange(0.0, 400.0, 0.25)
    conc = reference_conc_ng_ml("intramuscular", 35.0, 70.0, t)
    expected = t[np.flatnonzero(conc >= 100.0)[-1]]
    sim = simulate("intramuscular", 35.0, 70.0, t_end_min=400.0)
    assert time_to_fall_below(sim, 100.0) == pytest.approx(expected, abs=0.3)


def test_time_to_fall_below_counts_from_end_of_infusion_and_last_dose():
    infusion = simulate("iv_infusion", 35.0, 70.0, infusion_min=40.0, t_end_min=400.0)
    t = 40.0 + np.arange(0.0, 200.0, 0.25)
    conc = reference_conc_ng_ml("iv_infusion", 35.0, 70.0, t, infusion_min=40.0)
    assert time_to_fall_below(infusion, 100.0) == pytest.approx(t[np.flatnonzero(conc >= 100.0)[-1]] - 40.0,
                                                                abs=0.3)
    default_duration = simulate("iv_infusion", 35.0, 70.0, t_end_min=400.0)   # 40 min by default
    assert time_to_fall_below(default_duration, 100.0) == pytest.approx(time_to_fall_below(infusion, 100.0))
    repeated = simulate("iv_bolus", 35.0, 70.0, n_doses=2, interval_min=300.0, t_end_min=700.0)
    single = simulate("iv_bolus", 35.0, 70.0, t_end_min=400.0)
    assert time_to_fall_below(repeated, 100.0) > time_to_fall_below(single, 100.0)   # leftover first dose


def test_time_to_fall_below_errors():
    with pytest.raises(ValueError, match="threshold_ng_ml"):
        time_to_fall_below(simulate("iv_bolus", 35.0, 70.0), -1.0)
    with pytest.raises(ValueError, match="longer window"):
        time_to_fall_below(simulate("iv_bolus", 35.0, 70.0, t_end_min=10.0), 100.0)


def test_terminal_half_life_is_slowest_eigenvalue_of_rate_matrix():
    volumes, clearance, flows = MODELS["kamp2020"].scaled(30.0)
    v, q = np.asarray(volumes), np.asarray(flows)
    k = np.zeros((3, 3))
    k[0, 0] = -(clearance + q.sum()) / v[0]
    k[1:, 0] = q / v[0]
    k[0, 1:] = q / v[1:]
    k[1, 1], k[2, 2] = -q[0] / v[1], -q[1] / v[2]
    slowest = np.min(np.abs(np.linalg.eigvals(k).real))
    assert terminal_half_life_min(30.0) == pytest.approx(np.log(2) / slowest, rel=1e-9)


def test_time_to_fall_below_reads_another_site():
    # read from an arterial simulation at another site, the crossing is the one of that site's own curve
    arterial = simulate("iv_infusion", 35.0, 70.0, infusion_min=40.0, t_end_min=300.0, dt_min=0.5)
    venous = simulate("iv_infusion", 35.0, 70.0, infusion_min=40.0, t_end_min=300.0, dt_min=0.5,
                      sampling_site="venous")
    assert time_to_fall_below(arterial, 100.0, site="venous") == pytest.approx(time_to_fall_below(venous, 100.0),
                                                                                abs=1e-6)
    effect_min = time_to_fall_below(arterial, 100.0, site="effect")
    assert effect_min > time_to_fall_below(venous, 100.0)                  # the effect site lags the blood
    assert float(arterial.site_conc_ng_ml("effect", 40.0 + effect_min)[0]) == pytest.approx(100.0, abs=1e-6)
    with pytest.raises(ValueError, match="site"):
        time_to_fall_below(arterial, 100.0, site="brain")
