"""The task framework and the answer widgets, for every task; helpers shared by test_lessons_nbNN.py.

Per-notebook files check each task against an independently computed answer and its known
misconceptions; this file checks what holds for every task: neutral before any try, refusals
without tracebacks for any value (hypothesis), the method taught from the third wrong try on, and
the widgets (answer field, Check button, predictions hidden until committed, text/plain for nbval).
"""
from __future__ import annotations

import sys
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from IPython.core.displaypub import CapturingDisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from IPython.display import HTML, Markdown, display

from helpers import ROUTES, answer, ask, check, explore
from helpers.lessons.answers import FRACTION
from helpers.lessons.tasks import EXPLORER_BLOOD, TASKS, Attempts, load_tasks
from helpers.model.sites import BLOOD_SITE_NUMBERS

from reference_solver import reference_amounts, reference_conc_ng_ml

load_tasks()
TASK_IDS = sorted(TASKS)
NUMBER_TASKS = [t for t in TASK_IDS if TASKS[t].kind == "number"]
EXPLORER_TASKS = [t for t in TASK_IDS if TASKS[t].kind == "explorer"]
STATUSES = {"correct", "wrong", "unanswered", "unreadable"}
METHOD = "How to work it out"


# ----------------------------------------------------------------------------- shared with test_lessons_nbNN.py
def hint(task_id: str, answer_value, attempts: Attempts | None = None) -> str:
    """The message for a wrong answer (asserting it was judged wrong, not refused or accepted); ``attempts``
    carries the wrong tries from one call to the next (the method is taught from the third)."""
    result = check(task_id, answer_value, attempts)
    assert result.status == "wrong", repr(result)
    return result.message


def shown_forms(value: float) -> set[str]:
    """How the answer would look if a message printed it."""
    forms = {f"{value:.1f}", f"{value:.3g}"}
    if abs(value) >= 10:
        forms.add(f"{value:.0f}")
    else:
        forms.add(f"{value:.2f}")
    return forms


def assert_never_shown(task_id: str, right_answer: float, wrong_answers) -> None:
    """No message for these wrong answers (nor for refused or blank ones), before or after the method is
    taught, shows the right answer."""
    attempts = Attempts()       # tries accumulate, so the method is taught from the third wrong answer on
    for wrong in [None, "abc", "12 blargs", "5 kg", 10**400] + list(wrong_answers) * 2:
        text = repr(check(task_id, wrong, attempts))
        for form in shown_forms(right_answer):
            assert form not in text, f"{form!r} in {text!r}"


K_AV = BLOOD_SITE_NUMBERS["venous.arterial_to_venous_per_min"].value


def reference_blood_ng_ml(route, dose_mg, weight_kg, t_min, site="arterial", **options):
    """The independent solution in arterial blood (the model's own) or in venous blood (a first-order delay)."""
    if site == "arterial":
        return reference_conc_ng_ml(route, dose_mg, weight_kg, t_min, **options)
    states, _, _ = reference_amounts(route, dose_mg, weight_kg, t_min, followers=(K_AV,), **options)
    return states[:, -1] * 1000.0


def wrong_value(task_id: str):
    return 0.999 if TASKS[task_id].unit is FRACTION else 987654.0


# ----------------------------------------------------------------------------- every task
@pytest.mark.parametrize("task_id", NUMBER_TASKS)
@pytest.mark.parametrize("blank", [None, "", "   "])
def test_neutral_before_any_try(task_id, blank):
    result = check(task_id, blank)
    assert result.status == "unanswered" and not result
    assert repr(result).startswith("Not answered yet")
    assert "\u2717" not in repr(result) and "#8a1c1c" not in result._repr_html_()


@pytest.mark.parametrize("task_id", TASK_IDS)
def test_widget_starts_neutral(task_id):
    box = answer(task_id, explore() if task_id in EXPLORER_TASKS else None)
    assert repr(box).endswith("Not answered yet.")
    assert "Not answered yet" in box.feedback.value and "\u2717" not in box.feedback.value
    assert "#8a1c1c" not in box.feedback.value


@pytest.mark.parametrize("task_id", NUMBER_TASKS)
def test_method_is_taught_from_the_third_wrong_try(task_id):
    attempts = Attempts()
    messages = [check(task_id, wrong_value(task_id), attempts) for _ in range(4)]
    assert [m.status for m in messages] == ["wrong"] * 4
    assert [METHOD in m.message for m in messages] == [False, False, True, True]
    assert [m.tries for m in messages] == [1, 2, 3, 4]


@pytest.mark.parametrize("task_id", NUMBER_TASKS)
def test_refusals_are_not_counted_as_tries(task_id):
    attempts = Attempts()
    for refused in ("sixteen", 10**400, float("nan"), [1, 2], True):
        result = check(task_id, refused, attempts)
        assert result.status == "unreadable" and result.tries == 0 and result.message
    assert METHOD not in check(task_id, wrong_value(task_id), attempts).message


@pytest.mark.parametrize("task_id", NUMBER_TASKS)
def test_feedback_never_says_high_or_low(task_id):
    for wrong in (wrong_value(task_id), -wrong_value(task_id), 1e-9, 3.3):
        message = check(task_id, wrong).message.lower()
        for direction in ("too high", "too low", "too large", "too small", "lower", "higher", "smaller", "bigger"):
            assert direction not in message, message


@pytest.mark.parametrize("task_id", EXPLORER_TASKS)
def test_explorer_task_refuses_a_number_without_counting(task_id):
    result = check(task_id, 12.0)
    assert result.status == "unreadable" and "explorer" in result.message and result.tries == 0


@pytest.mark.parametrize("task_id", NUMBER_TASKS)
def test_number_task_refuses_the_explorer(task_id):
    result = check(task_id, explore())
    assert result.status == "unreadable" and "number" in result.message


def test_unknown_task_id_names_the_choices():
    with pytest.raises(ValueError, match="task_id must be one of"):
        check("no_such_task", 1.0)


# ----------------------------------------------------------------------------- hostile values
hostile = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10**300, max_value=10**700),
    st.floats(), st.floats(min_value=-1e-300, max_value=1e-300), st.text(max_size=80), st.binary(max_size=20),
    st.fractions(), st.decimals(), st.complex_numbers(), st.just(Decimal("sNaN")),
    st.just(Fraction(10**400, 7)), st.just(np.float16(np.inf)), st.just(np.datetime64("2020-01-01")),
    hnp.arrays(dtype=hnp.floating_dtypes() | hnp.integer_dtypes() | hnp.complex_number_dtypes(),
               shape=hnp.array_shapes(min_dims=0, max_dims=2, max_side=2)),
    st.lists(st.floats() | st.text(max_size=5) | st.none(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2), st.builds(object),
)


@pytest.mark.parametrize("task_id", TASK_IDS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=hostile)
def test_any_value_gets_a_message_never_a_traceback(task_id, value):
    result = check(task_id, value)
    assert result.status in STATUSES and isinstance(result.message, str) and result.message
    assert "Traceback" not in result.message
    if task_id in EXPLORER_TASKS:
        assert result.status in ("unreadable", "unanswered")


# ----------------------------------------------------------------------------- explorer set-up
def test_explorer_tasks_expect_the_blood_the_explorer_starts_with():
    assert explore().simulate_kwargs().get("sampling_site") == EXPLORER_BLOOD


def test_explorer_setting_that_is_not_a_control_is_still_compared():
    """Any simulate() setting the explorer passes (here a disposition model) is compared with the set-up."""
    app = explore(route="iv_infusion", dose_mg_per_kg=0.5, weight_kg=70)
    shown = app.simulate_kwargs()
    app.simulate_kwargs = lambda: {**{k: v for k, v in shown.items() if k != "sampling_site"}, "model": "domino1984"}
    message = hint("06_infusion_duration_peak_below_100", app)
    assert "model back to kamp2020" in message


# ----------------------------------------------------------------------------- the task widget
def test_task_widget_checks_the_typed_text():
    assert ROUTES["oral"].bioavailability == 0.20          # oral F (Yanagihara 2003): 0.20 x 50 mg = 10 mg
    box = answer("00_oral_mg_reaching_blood")
    assert box.field is not None and box.button.description == "Check"
    box.field.value = "10 mg"
    box.button.click()
    assert box.result.status == "correct" and "\u2713 Correct" in box.feedback.value
    box.field.value = "50"
    box.button.click()
    assert "whole dose" in box.feedback.value and "\u2717 Not yet" in box.feedback.value
    box.check("ten")
    assert "Could not check" in box.feedback.value and "could not read a number" in box.feedback.value
    assert "10 mg" not in repr(box)


def test_explorer_task_widget_has_the_explorer_button():
    app = explore(route="oral")
    box = answer("01_intranasal_matching_im_peak", app)
    assert box.field is None and box.button.description == "Check my explorer settings"
    box.button.click()
    assert "intranasal" in box.feedback.value and "\u2717" in box.feedback.value
    with pytest.raises(ValueError, match="pass it"):
        answer("01_intranasal_matching_im_peak")


# ----------------------------------------------------------------------------- predictions
def test_prediction_is_committed_before_the_answer_shows():
    with ask("Question 9", choices=["a", "b"]) as question:
        print("the answer is b")
    assert question.button.disabled and not question.revealed
    assert question.answer_area.layout.display == "none"
    assert question.commit() is False and not question.revealed          # nothing chosen yet
    question.field.value = "a"
    assert not question.button.disabled
    question.button.click()
    assert question.revealed and question.prediction == "a"
    assert question.answer_area.layout.display == "" and question.field.disabled     # not None (ignored in JupyterLite)
    assert "Your prediction:" in question.status.value and "a" in question.status.value


def test_number_prediction_must_be_readable():
    with ask("Question 9", unit="min") as question:
        print("16 min")
    question.field.value = "soon"
    assert not question.button.disabled           # something was typed...
    assert question.commit() is False and not question.revealed        # ...but it is not a time
    assert "could not read" in question.status.value
    assert question.commit("0.25 h") and question.prediction == "0.25 h"
    with ask("Question 10", unit="min") as other:
        pass
    assert other.commit("16") and other.prediction == "16 min"


def test_text_prediction_and_its_plain_text():
    with ask("Question 9") as question:
        print("first line")
        print("second line")
    text = repr(question)
    assert text.startswith("Question 9: write your prediction")
    assert text.endswith("first line\nsecond line")
    assert not question.commit("   ") and question.commit("it falls")


def test_ask_rejects_bad_arguments():
    with pytest.raises(ValueError, match="at least two"):
        ask("Q", choices=["only one"])
    with pytest.raises(ValueError, match="needs a unit"):
        ask("Q", kind="number")
    with pytest.raises(ValueError, match="unit must be one of"):
        ask("Q", unit="furlongs")
    with pytest.raises(ValueError, match="kind must be one of"):
        ask("Q", kind="essay")


@pytest.fixture
def shell():
    """An IPython shell whose displays are recorded, as a kernel's would be sent to the front end."""
    ip = InteractiveShell.instance()
    saved = ip.display_pub
    ip.display_pub = CapturingDisplayPublisher()
    ip.kernel = "a kernel's page"          # the widgets draw for a page only when the shell has a kernel
    yield ip
    ip.display_pub = saved
    del ip.kernel


def test_outputs_are_captured_in_order_and_hidden_in_the_widget(shell):
    stdout = sys.stdout
    with ask("Question 1") as question:
        print("before")
        display(Markdown("**Markdown** with 42"))
        display(HTML("<b>an HTML table</b>"))
        print("after")
    assert sys.stdout is stdout and shell.display_pub.__class__ is CapturingDisplayPublisher
    kinds = [o.get("name") or next(k for k in o["data"] if k != "text/plain") for o in question.outputs]
    assert kinds == ["stdout", "text/markdown", "text/html", "stdout"]
    note, shown = shell.display_pub.outputs             # the note for a saved copy, then the widget; nothing else
    assert "krl-stale" in note["data"]["text/html"] and "Run All Cells" in note["data"]["text/html"]
    assert "application/vnd.jupyter.widget-view+json" in shown["data"]
    plain = shown["data"]["text/plain"]
    assert "before\n**Markdown** with 42\n<b>an HTML table</b>\nafter" in plain
    assert question.answer_area.outputs == tuple(question.outputs)


def test_questions_nest_and_everything_is_restored(shell):
    stdout, publisher = sys.stdout, shell.display_pub
    with ask("Outer") as outer:
        print("outer before")
        with ask("Inner", unit="mg") as inner:
            print("inner answer")
        print("outer after")
        with pytest.raises(ZeroDivisionError), ask("Failing"):
            print("partial")
            raise ZeroDivisionError
    assert sys.stdout is stdout and shell.display_pub is publisher
    assert inner.answer_text() == "inner answer"
    text = outer.answer_text()
    assert text.startswith("outer before") and "Inner: type your prediction" in text and "partial" in text
    assert text.index("inner answer") < text.index("outer after") < text.index("partial")
    assert len(shell.display_pub.outputs) == 2           # only the outer question reached the page


def test_an_error_inside_ask_propagates_and_restores_the_output(shell):
    stdout, publisher = sys.stdout, shell.display_pub
    with pytest.raises(ZeroDivisionError), ask("Question 1"):
        print("partial")
        raise ZeroDivisionError("an error in the cell")
    assert sys.stdout is stdout and shell.display_pub is publisher
    assert all("widget-view" not in str(o["data"]) for o in shell.display_pub.outputs)
