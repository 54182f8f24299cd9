"""The answer widgets in a real browser (Debian's Chromium via Playwright), in JupyterLab and in Voila.

A learner answers a task through its field and Check button (neutral before any try, each known wrong
value gets its hint, the right value a tick), presses an explorer task's check button, and commits a
prediction before its answer shows. Every notebook is screenshotted at 1280x720 (page and each lesson
widget, in ``test-artifacts/lessons/``) and its widgets are checked for their starting state and for
clipped or overflowing content. Tests wait for what a learner waits for (text appearing), never for
fixed times.
"""
from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from helpers.lessons.store import ANSWERS_FOLDER

from browser_support import (
    ARTIFACT_DIR,
    NOTEBOOK_DIR,
    PANEL,
    error_outputs,
    run_all_cells,
    stop_kernels,
)

pytestmark = pytest.mark.browser

NOTEBOOKS = sorted(p.name for p in NOTEBOOK_DIR.glob("0*.ipynb"))
VIEWPORT = {"width": 1280, "height": 720}
SHOTS = ARTIFACT_DIR / "lessons"
WAIT_MS = 120_000                # for the kernel on a busy machine; every wait ends as soon as the text is there
AUC = "02_bioavailability_and_first_pass.ipynb"

# 02_intranasal_auc: AUC = F x dose / CL = 0.45 x 50 mg / 84 L/h = 268 ng h/mL (instructor guide), and the
# value each known mistake gives, with words from its hint.
AUC_RIGHT = "268 ng·h/mL"
AUC_WRONG = [("595", "bioavailability F was left out"),          # F forgotten: 50 / 84 x 1000
             ("16071", "ng·min/mL"),                             # x 60
             ("0.268", "mg·h/L"),                                # / 1000
             ("26786", "as a percentage"),                       # F as 45
             ("119", "the oral route"),                          # oral F 0.20
             ("179", "sublingual or rectal"),                    # F 0.30
             ("554", "intramuscular"),                           # F 0.93
             ("400", "not within 5%")]


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def open_in_lab(page, lab, notebook: str) -> str:
    """Open a notebook in JupyterLab (file browser shown, as learners have it), run it all; the panel selector."""
    base, token, work = lab
    stop_kernels(base, token)      # one kernel at a time on a 2-core machine
    shutil.rmtree(work / ANSWERS_FOLDER, ignore_errors=True)     # each test starts with no answers kept
    page.goto(f"{base}/lab/tree/{notebook}?reset&token={token}")
    try:
        run_all_cells(page, timeout_ms=300_000)
    except Exception:
        shot(page, f"lab-{notebook.removesuffix('.ipynb')}-run-all-failed")
        prompts = page.evaluate("(p) => [...document.querySelectorAll(p + ' .jp-CodeCell .jp-InputPrompt')]"
                                ".map(e => e.textContent)", PANEL)
        raise AssertionError(f"Run All did not finish in {notebook}; prompts: {prompts}") from None
    expect(page.locator(f"{PANEL} .krl-lesson").first).to_be_attached(timeout=WAIT_MS)
    return PANEL


def open_in_voila(page, base: str, notebook: str) -> str:
    page.goto(f"{base}/voila/render/{notebook}", timeout=WAIT_MS * 2)
    expect(page.locator(".krl-lesson").last).to_be_attached(timeout=WAIT_MS * 2)
    page.wait_for_load_state("networkidle", timeout=WAIT_MS)
    return "body"


def task_box(page, scope: str, unit: str):
    return page.locator(f"{scope} .krl-task").filter(has=page.locator(".krl-unit", has_text=unit)).first


def answer_and_wait(page, box, typed: str, words: str) -> str:
    """Type an answer, press Check, and wait until the feedback line changes and contains ``words``."""
    feedback = box.locator(".krl-feedback")
    before = feedback.inner_text()
    box.get_by_label("Your answer").fill(typed)
    box.get_by_role("button", name="Check", exact=True).click()
    expect(feedback).not_to_have_text(before, timeout=WAIT_MS)        # the line is redrawn on every check
    expect(feedback).to_contain_text(words, timeout=WAIT_MS)
    return feedback.inner_text()


def exercise_auc_task(page, scope: str, where: str) -> None:
    box = task_box(page, scope, "ng·h/mL")
    box.scroll_into_view_if_needed()
    feedback = box.locator(".krl-feedback")
    expect(feedback).to_have_text("Not answered yet.", timeout=WAIT_MS)       # neutral after Run All
    shot(page, f"{where}-task-start")
    for typed, words in AUC_WRONG:
        text = answer_and_wait(page, box, typed, words)
        assert text.startswith("\u2717 Not yet") and "268" not in text, text
    assert "How to work it out" in text                                     # taught from the third wrong try
    shot(page, f"{where}-task-wrong")
    text = answer_and_wait(page, box, AUC_RIGHT, "\u2713 Correct")
    assert "within 5%" in text
    shot(page, f"{where}-task-right")


def exercise_prediction(page, scope: str, label: str, hidden_text: str, predict, where: str) -> None:
    """The answer stays hidden and Show disabled until a prediction is made; then the answer shows."""
    question = page.locator(f"{scope} .krl-ask").filter(has_text=label).first
    question.scroll_into_view_if_needed()
    show = question.get_by_role("button", name="Show the answer")
    expect(show).to_be_disabled(timeout=WAIT_MS)
    expect(question.locator(".krl-answer")).to_be_hidden()
    expect(question.get_by_text(hidden_text)).to_be_hidden()
    show.click(force=True)                                                   # a click on a disabled button...
    expect(question.locator(".krl-answer")).to_be_hidden()                 # ...shows nothing
    shot(page, f"{where}-prediction-before")
    predict(question)
    expect(show).to_be_enabled(timeout=WAIT_MS)
    show.click()
    expect(question.get_by_text(hidden_text)).to_be_visible(timeout=WAIT_MS)
    expect(question.locator(".krl-yours")).to_contain_text("Your prediction:")
    expect(question.get_by_role("button", name="Answer shown")).to_be_disabled()      # committed: locked
    shot(page, f"{where}-prediction-after")


# ----------------------------------------------------------------------------- JupyterLab
def test_task_answered_through_its_widget_in_lab(lab, page):
    scope = open_in_lab(page, lab, AUC)
    exercise_auc_task(page, scope, "lab")
    assert error_outputs(page, scope) == [] and page.js_errors == []


def test_prediction_committed_before_answer_in_lab(lab, page):
    scope = open_in_lab(page, lab, AUC)
    exercise_prediction(page, scope, "Question 1", "The range as a multiple",
                        lambda q: q.get_by_label("Your prediction").fill("sublingual, and yes"), "lab")


def test_explorer_task_checks_the_settings_in_lab(lab, page):
    scope = open_in_lab(page, lab, "01_route_explorer.ipynb")
    box = page.locator(f"{scope} .krl-task").filter(
        has=page.get_by_role("button", name="Check my explorer settings")).first
    box.scroll_into_view_if_needed()
    expect(box.locator(".krl-feedback")).to_have_text("Not answered yet.", timeout=WAIT_MS)
    box.get_by_role("button", name="Check my explorer settings").click()
    expect(box.locator(".krl-feedback")).to_contain_text("choose the intranasal route", timeout=WAIT_MS)
    shot(page, "lab-explorer-task")


# ----------------------------------------------------------------------------- Voila
def test_task_answered_through_its_widget_in_voila(app_server, page):
    scope = open_in_voila(page, app_server, AUC)
    assert "answer(" not in page.locator("body").inner_text(), "code should be hidden in app mode"
    exercise_auc_task(page, scope, "voila")
    assert error_outputs(page) == []


def test_prediction_committed_before_answer_in_voila(app_server, page):
    scope = open_in_voila(page, app_server, "00_start_here.ipynb")
    exercise_prediction(page, scope, "Question 3", "Early on the level falls",
                        lambda q: q.get_by_label("no, it halves faster early on").check(), "voila")


def test_explorer_task_checks_the_settings_in_voila(app_server, page):
    scope = open_in_voila(page, app_server, "06_safety_and_monitoring.ipynb")
    box = page.locator(f"{scope} .krl-task").filter(
        has=page.get_by_role("button", name="Check my explorer settings")).first
    box.scroll_into_view_if_needed()
    box.get_by_role("button", name="Check my explorer settings").click()
    expect(box.locator(".krl-feedback")).to_contain_text("still above 100 ng/mL", timeout=WAIT_MS)
    shot(page, "voila-explorer-task")


# ----------------------------------------------------------------------------- every notebook
_STATE_JS = """(scope) => {   // textContent: JupyterLab skips rendering cells off screen (content-visibility)
    const root = document.querySelector(scope) || document.body;
    const out = {tasks: [], asks: [], crosses: 0};
    for (const t of root.querySelectorAll('.krl-task .krl-feedback')) out.tasks.push(t.textContent.trim());
    for (const q of root.querySelectorAll('.krl-ask')) {
        const button = [...q.querySelectorAll('button')].find(b => b.textContent.includes('Show the answer'));
        const area = q.querySelector('.krl-answer');
        out.asks.push({disabled: !!(button && button.disabled),
                       hidden: !area || getComputedStyle(area).display === 'none' || area.offsetParent === null});
    }
    for (const el of root.querySelectorAll('.krl-lesson')) if (el.textContent.includes('\\u2717')) out.crosses += 1;
    return out;
}"""


_CLIPPED_JS = """(widget) => [widget, ...widget.querySelectorAll('button, label, .krl-unit, .krl-feedback')]
    .filter(el => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 2)
    .map(el => (el.className || el.tagName) + ': ' + el.textContent.slice(0, 60))"""


def check_and_shoot_every_widget(page, scope: str, where: str, notebook: str) -> None:
    state = page.evaluate(_STATE_JS, scope)
    stem = f"{where}-{notebook.removesuffix('.ipynb')}"
    assert state["tasks"] == ["Not answered yet."] * len(state["tasks"]), state["tasks"]
    assert all(a["disabled"] and a["hidden"] for a in state["asks"]), state["asks"]
    assert state["crosses"] == 0, state
    expected_widgets = 0 if notebook.startswith("08") else 1
    assert len(state["tasks"]) + len(state["asks"]) >= expected_widgets
    widgets = page.locator(f"{scope} .krl-lesson")
    for i in range(widgets.count()):
        widget = widgets.nth(i)
        widget.scroll_into_view_if_needed()
        box = widget.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORT["width"] + 1, (i, box)
        assert widget.evaluate(_CLIPPED_JS) == [], i
        widget.screenshot(path=str(SHOTS / f"{stem}-widget-{i:02d}.png"))


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_every_notebook_in_lab_starts_neutral_and_fits(lab, page, notebook):
    SHOTS.mkdir(parents=True, exist_ok=True)
    scope = open_in_lab(page, lab, notebook)
    page.locator(f"{scope} .jp-Cell").first.scroll_into_view_if_needed()
    shot(page, f"lab-{notebook.removesuffix('.ipynb')}")
    check_and_shoot_every_widget(page, scope, "lab", notebook)
    assert error_outputs(page, scope) == []


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_every_notebook_in_voila_starts_neutral_and_fits(app_server, page, notebook):
    SHOTS.mkdir(parents=True, exist_ok=True)
    scope = open_in_voila(page, app_server, notebook)
    shot(page, f"voila-{notebook.removesuffix('.ipynb')}")
    check_and_shoot_every_widget(page, scope, "voila", notebook)
    assert "There was an error when executing cell" not in page.locator("body").inner_text()
    assert error_outputs(page) == []
