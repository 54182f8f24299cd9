"""Notebook 07's checked tasks accept the right answer, reject wrong ones, and never reveal it."""
from helpers import check


def test_clearance_per_kg_ratio():
    answer = (70.0 / 10.0) ** 0.25     # CL ~ W^0.75, so CL/kg ~ W^-0.25
    assert check("07_clearance_per_kg_ratio", answer)
    assert not check("07_clearance_per_kg_ratio", 1.0)
    assert not check("07_clearance_per_kg_ratio", 7.0)
    assert f"{answer:.2f}" not in repr(check("07_clearance_per_kg_ratio", 1.0))


def test_child_im_dose_matching_iv_auc():
    answer_mg_per_kg = 1.0 / 0.41      # Hornik 2018: children's IM bioavailability 0.41
    assert check("07_child_im_dose_matching_iv_auc", answer_mg_per_kg)
    assert not check("07_child_im_dose_matching_iv_auc", 1.0 / 0.93)   # adult bioavailability
    assert not check("07_child_im_dose_matching_iv_auc", None)
    assert f"{answer_mg_per_kg:.2f}" not in repr(check("07_child_im_dose_matching_iv_auc", 1.0))
