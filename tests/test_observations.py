"""The model against published observations (helpers/data/observations.toml).

Every comparable, non-calibration observation must lie within its stated
tolerance. Rows marked ``expected_miss`` are known misses traced to a model
parameter: they run as strict expected failures, so they stay visible in the
test report and fail loudly if the model changes and they start to pass.
Adding an observation to the data file adds a test here.
"""
import numpy as np
import pytest

from helpers import simulate
from helpers.evidence.bibliography import BIBLIOGRAPHY, PAPERS
from helpers.evidence.observations import OBSERVATIONS, QUANTITIES, Observation, compare, load_observations, predict
from helpers.presentation.validation import comparison_table_html

VALIDATION = [obs for obs in OBSERVATIONS if obs.is_validation]
ROUTE_FAMILIES = {"iv_infusion": "IV infusion", "iv_bolus": "IV bolus",
                  "intramuscular": "intramuscular", "intranasal": "intranasal",
                  "sublingual": "sublingual or buccal", "oral": "oral"}


def _param(obs):
    marks = ()
    if obs.expected_miss:
        marks = pytest.mark.xfail(strict=True, reason=obs.expected_miss_reason)
    return pytest.param(obs, id=obs.id, marks=marks)


@pytest.mark.parametrize("obs", [_param(obs) for obs in VALIDATION])
def test_prediction_within_tolerance(obs):
    row = compare(obs)
    assert row.within_tolerance, (
        f"{obs.id}: model {row.predicted:.3g} vs observed {obs.value:.3g} "
        f"(ratio {row.ratio:.2f}, tolerance {obs.tolerance_ratio})")


def test_file_loads_and_ids_are_unique():
    assert len(load_observations()) == len(OBSERVATIONS) > 0
    assert len({obs.id for obs in OBSERVATIONS}) == len(OBSERVATIONS)


@pytest.mark.parametrize("obs", OBSERVATIONS, ids=lambda o: o.id)
def test_every_observation_is_documented(obs):
    for text in (obs.population, obs.spread, obs.where, obs.url, obs.tolerance_reason,
                 obs.comparable_reason, obs.weight_note):
        assert text.strip()
    assert obs.quantity in QUANTITIES
    assert obs.study in BIBLIOGRAPHY
    if obs.enantiomer != "racemic":
        assert not obs.comparable, "S-ketamine data cannot test a racemic model"


# Papers for which no PMID or DOI could be found (see their bibliography notes).
NO_IDENTIFIER_FOUND = {"chong2006": "one-page conference abstract",
                       "zarate2006": "primary paper not read; identifiers not seen"}


def test_study_keys_are_papers_with_an_identifier():
    for key in {obs.study for obs in OBSERVATIONS}:
        entry = PAPERS[key]
        assert entry.get("pmid") or entry.get("doi") or key in NO_IDENTIFIER_FOUND, key


def test_at_least_eight_validation_studies():
    assert len({obs.study for obs in VALIDATION}) >= 8


def test_validation_covers_the_six_route_families():
    covered = {obs.route for obs in VALIDATION}
    missing = [label for key, label in ROUTE_FAMILIES.items() if key not in covered]
    assert not missing, f"no validation observation for {missing}"


def test_calibration_rows_are_not_counted():
    calibration = [obs for obs in OBSERVATIONS if obs.calibration]
    assert {obs.id for obs in calibration} >= {"hirlinger1984_im05_tmax", "hirlinger1984_im1_tmax",
                                             "malinovsky1996_pr9_tmax"}
    assert not any(obs.is_validation for obs in calibration)


def test_expected_misses_really_miss():
    for obs in VALIDATION:
        if obs.expected_miss:
            assert not compare(obs).within_tolerance, f"{obs.id} now passes: remove expected_miss"


@pytest.mark.parametrize("obs", [o for o in OBSERVATIONS if o.quantity != "terminal_half_life_min"],
                         ids=lambda o: o.id)
def test_every_comparison_reads_the_model_in_the_blood_the_study_sampled(obs):
    """Compare like with like: the prediction equals the model read at the study's site, not the other."""
    row = compare(obs)
    assert row.site == obs.sampling_site
    other = "arterial" if obs.sampling_site == "venous" else "venous"
    common = dict(route=obs.route, dose_mg=obs.total_dose_mg, weight_kg=obs.weight_kg,
                  infusion_min=obs.infusion_min)
    window = max(720.0, 2 * (obs.infusion_min or 0.0)) if obs.t_min is None else obs.t_min
    step = 0.1 if obs.t_min is None else min(1.0, obs.t_min)
    here, there = (simulate(**common, t_end_min=window, dt_min=step, sampling_site=site)
                   for site in (obs.sampling_site, other))
    seen = here.t_min >= (obs.first_sample_min or 0.0)
    if obs.quantity == "conc_ng_ml_at_t":
        expected, wrong = here.conc_ng_ml[-1], there.conc_ng_ml[-1]
    elif obs.quantity == "cmax_ng_ml":
        expected, wrong = here.conc_ng_ml[seen].max(), there.conc_ng_ml[seen].max()
    else:
        expected = here.t_min[seen][np.argmax(here.conc_ng_ml[seen])]
        wrong = there.t_min[seen][np.argmax(there.conc_ng_ml[seen])]
    assert row.predicted == pytest.approx(expected, rel=1e-9)
    assert row.predicted != pytest.approx(wrong, rel=1e-6) or obs.quantity == "conc_ng_ml_at_t"


def test_every_observation_declares_its_sampling_site_and_why_when_assumed():
    for obs in OBSERVATIONS:
        assert obs.sampling_site in ("arterial", "venous"), obs.id
        assert obs.sampling_site_stated or len(obs.sampling_site_note) > 30, obs.id


def test_table_has_a_row_per_observation():
    html = comparison_table_html([compare(obs) for obs in OBSERVATIONS[:3]])
    assert html.count("<tr") == 4


@pytest.mark.parametrize("table, message", [
    ({"id": "x"}, "lacks"),
    ({**OBSERVATIONS[0].__dict__, "quantity": "auc"}, "quantity"),
    ({**OBSERVATIONS[0].__dict__, "study": "nobody2000"}, "study"),
    ({**OBSERVATIONS[0].__dict__, "tolerance_ratio": 0.5}, "tolerance_ratio"),
    ({**OBSERVATIONS[0].__dict__, "colour": "red"}, "unknown"),
])
def test_bad_tables_are_rejected(table, message):
    table = {k: v for k, v in table.items() if v is not None}
    with pytest.raises(ValueError, match=message):
        Observation.from_table(table)


def test_predict_rejects_non_observations():
    with pytest.raises(ValueError, match="Observation"):
        predict({"id": "x"})
