"""Notebook 07's checked tasks accept the right answer, give each misconception its hint, and never reveal it."""
from test_lessons import assert_never_shown, hint

from helpers import ROUTES, check
from helpers.lessons.tasks import TASKS, load_tasks

RATIO, CHILD_IM = "07_clearance_per_kg_ratio", "07_child_im_dose_matching_iv_auc"


def test_clearance_per_kg_ratio():
    answer = (70.0 / 10.0) ** 0.25     # CL ~ W^0.75, so CL/kg ~ W^-0.25
    assert check(RATIO, answer)
    assert not check(RATIO, 1.0)
    assert not check(RATIO, 7.0)
    assert f"{answer:.2f}" not in repr(check(RATIO, 1.0))


def test_clearance_ratio_misconceptions():
    answer = (70.0 / 10.0) ** 0.25
    assert check(RATIO, f"{answer:.2f} x") and check(RATIO, f"{answer:.2f}-fold") and check(RATIO, "1.63")
    assert "not equal" in hint(RATIO, 1)
    assert "ratio of the body weights" in hint(RATIO, 7)
    assert "total clearances" in hint(RATIO, (10 / 70) ** 0.75)
    assert "total clearances" in hint(RATIO, (70 / 10) ** 0.75)
    assert "child's over the adult's" in hint(RATIO, 1 / answer)
    assert_never_shown(RATIO, answer, [1, 7, 0.23, 4.3, 0.61, 2.5])


def test_child_im_dose_matching_iv_auc():
    answer_mg_per_kg = 1.0 / 0.41      # Hornik 2018: children's IM bioavailability 0.41
    assert check(CHILD_IM, answer_mg_per_kg)
    assert not check(CHILD_IM, 1.0 / 0.93)   # adult bioavailability
    assert not check(CHILD_IM, None)
    assert f"{answer_mg_per_kg:.2f}" not in repr(check(CHILD_IM, 1.0))


def test_child_im_task_is_a_what_if():
    # 0.41 is one sparse model's estimate (Hornik 2018), not a measurement: the task supposes it, the model does not
    load_tasks()
    assert TASKS[CHILD_IM].prompt.startswith("Suppose") and "Hornik 2018" in TASKS[CHILD_IM].prompt
    assert ROUTES["intramuscular"].bioavailability == 0.93
    assert "supposes" in hint(CHILD_IM, 1 / 0.93)


def test_child_im_dose_misconceptions():
    answer = 1.0 / 0.41
    assert check(CHILD_IM, f"{answer:.2f} mg/kg") and check(CHILD_IM, f"{answer * 1000:.0f} µg/kg")
    assert "adult IM bioavailability" in hint(CHILD_IM, 1 / 0.93)
    assert "divide by it" in hint(CHILD_IM, 0.41)
    assert "whole dose in mg for 20 kg" in hint(CHILD_IM, answer * 20)
    assert "adult IM exposure" in hint(CHILD_IM, 0.93 / 0.41)
    assert "percentage" in hint(CHILD_IM, 1 / 41)
    refused = check(CHILD_IM, f"{answer * 20:.1f} mg")
    assert refused.status == "unreadable" and "Divide the dose in mg by the body weight" in refused.message
    assert_never_shown(CHILD_IM, answer, [1.08, 0.41, 48.8, 2.27, 0.024, 1.0])
