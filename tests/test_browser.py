"""End-to-end tests in a real browser (Debian's Chromium via Playwright): JupyterLab and Voila app mode.

The notebooks are opened, run and operated as a learner would: dropdown, keyboard and mouse on the
sliders. Screenshots go to ``test-artifacts/`` (kept after a failure for inspection). Without Chromium
these tests FAIL with the install command; they are never skipped.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from helpers import ROUTES

from browser_support import (
    ARTIFACT_DIR,
    NOTEBOOK_DIR,
    PANEL,
    chromium,
    error_outputs,
    jupyter_lab,
    plot_src,
    run_all_cells,
    slider,
    stop_kernels,
    voila,
    wait_until_stable,
)

pytestmark = pytest.mark.browser

NOTEBOOKS = sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb"))
EXPLORER = "01_route_explorer.ipynb"
VIEWPORT = {"width": 1400, "height": 1000}


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def lab():
    with jupyter_lab() as server:
        yield server


@pytest.fixture(scope="module")
def app_server():
    with voila() as base:
        yield base


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport=VIEWPORT)
    page.js_errors = []
    page.on("pageerror", lambda e: page.js_errors.append(str(e)))
    yield page
    page.close()


def shot(page, name: str) -> None:
    ARTIFACT_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACT_DIR / f"{name}.png"))


def open_in_lab(page, lab, notebook: str) -> None:
    base, token = lab
    stop_kernels(base, token)      # one kernel at a time on a 2-core CI machine
    page.goto(f"{base}/lab/tree/{notebook}?reset&token={token}")
    run_all_cells(page)


def readouts(page, scope: str = "") -> str:
    return page.locator(f"{scope} .krl-app .krl-readouts").first.inner_text()


def readout_value(page, label: str, scope: str = "") -> str:
    return slider(page, label, scope).locator(".widget-readout").inner_text()


def press(page, handle, key: str, times: int) -> None:
    handle.focus()
    for _ in range(times):
        page.keyboard.press(key)


def drag(page, handle, dx_px: float) -> None:
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx_px, y, steps=8)
    page.mouse.up()


# ---------------------------------------------------------------------------- JupyterLab
def test_explorer_in_lab(lab, page):
    """Route dropdown, keyboard and mouse on dose and weight: plot and readouts change, no errors."""
    open_in_lab(page, lab, EXPLORER)
    page.locator(f"{PANEL} .krl-app img").first.wait_for(state="visible", timeout=60_000)
    page.locator(f"{PANEL} .krl-app").first.scroll_into_view_if_needed()
    src, table = wait_until_stable(page, PANEL), readouts(page, PANEL)
    shot(page, "lab-explorer-start")
    try:
        # route: dropdown
        page.locator(f"{PANEL} .krl-app .widget-dropdown select").first.select_option(
            label=ROUTES["oral"].label)
        expect(page.locator(f"{PANEL} .krl-app .krl-readouts").first).not_to_have_text(table, timeout=30_000)
        src2 = wait_until_stable(page, PANEL)
        assert src2 != src
        table = readouts(page, PANEL)

        # dose: keyboard, 4 steps of 0.05 mg/kg
        dose = slider(page, "Dose (mg/kg)", PANEL)
        assert readout_value(page, "Dose (mg/kg)", PANEL) == "0.50"
        press(page, dose.locator(".noUi-handle"), "ArrowRight", 4)
        expect(dose.locator(".widget-readout")).to_have_text("0.70", timeout=30_000)
        src3 = wait_until_stable(page, PANEL)
        assert src3 != src2
        expect(page.locator(f"{PANEL} .krl-app .krl-readouts").first).not_to_have_text(table, timeout=30_000)
        table = readouts(page, PANEL)

        # weight: keyboard then mouse drag
        weight = slider(page, "Body weight (kg)", PANEL)
        assert readout_value(page, "Body weight (kg)", PANEL) == "70"
        press(page, weight.locator(".noUi-handle"), "ArrowRight", 3)
        expect(weight.locator(".widget-readout")).to_have_text("73", timeout=30_000)
        src4 = wait_until_stable(page, PANEL)
        assert src4 != src3
        drag(page, weight.locator(".noUi-handle"), -80)
        expect(weight.locator(".widget-readout")).not_to_have_text("73", timeout=30_000)
        assert int(readout_value(page, "Body weight (kg)", PANEL)) < 73
        src5 = wait_until_stable(page, PANEL)
        assert src5 != src4

        # dose: mouse drag to the right
        drag(page, dose.locator(".noUi-handle"), 40)
        expect(dose.locator(".widget-readout")).not_to_have_text("0.70", timeout=30_000)
        assert float(readout_value(page, "Dose (mg/kg)", PANEL)) > 0.70
        src6 = wait_until_stable(page, PANEL)
        assert src6 != src5
        expect(page.locator(f"{PANEL} .krl-app .krl-readouts").first).not_to_have_text(table, timeout=30_000)
    finally:
        shot(page, "lab-explorer-after")
    assert error_outputs(page, PANEL) == []
    assert page.js_errors == []


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_runs_in_lab(lab, page, notebook):
    """Every notebook: Run All Cells in JupyterLab gives no error or stderr output."""
    try:
        open_in_lab(page, lab, notebook)
    finally:
        shot(page, f"lab-{notebook.removesuffix('.ipynb')}")
    assert error_outputs(page, PANEL) == []


# ---------------------------------------------------------------------------- Voila app mode
def open_app(page, base: str, notebook: str = EXPLORER) -> None:
    page.goto(f"{base}/voila/render/{notebook}", timeout=120_000)
    page.locator(".krl-app img").first.wait_for(state="visible", timeout=120_000)
    page.evaluate("document.querySelector('.krl-app').scrollIntoView()")   # screenshots show the app
    wait_until_stable(page)


def test_app_landing_page_links_every_notebook(app_server, page):
    page.goto(app_server + "/")
    for notebook in NOTEBOOKS:
        expect(page.locator(f"a[href*='voila/render/{notebook}']").first).to_be_visible(timeout=60_000)
    shot(page, "app-landing")


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_app_view_of_every_notebook(app_server, page, notebook):
    """Each notebook's app view (the landing page's links) renders without error output."""
    page.goto(f"{app_server}/voila/render/{notebook}", timeout=120_000)
    page.locator(".jp-Cell").first.wait_for(state="attached", timeout=120_000)
    page.wait_for_load_state("networkidle")
    shot(page, f"app-{notebook.removesuffix('.ipynb')}")
    body = page.locator("body").inner_text()
    assert "There was an error when executing cell" not in body
    assert error_outputs(page) == []


def test_app_explorer_keyboard(app_server, page):
    """Voila: code hidden, the plot shows, and a keyboard slider change updates plot and readouts."""
    open_app(page, app_server)
    shot(page, "app-explorer-start")
    assert "explore(route=" not in page.locator("body").inner_text(), "code should be hidden in app mode"
    src, table = plot_src(page), readouts(page)
    dose = slider(page, "Dose (mg/kg)")
    press(page, dose.locator(".noUi-handle"), "ArrowRight", 2)
    expect(dose.locator(".widget-readout")).to_have_text("0.60", timeout=30_000)
    assert wait_until_stable(page) != src
    assert readouts(page) != table
    shot(page, "app-explorer-after")
    assert error_outputs(page) == []
    assert page.js_errors == []


def test_app_keyboard_only_with_labels(app_server, page):
    """Tab alone reaches the route dropdown and the dose and weight sliders; each has a visible label."""
    open_app(page, app_server)
    reached = set()
    page.locator("body").click(position={"x": 5, "y": 5})
    for _ in range(80):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => { const a = document.activeElement;
            const box = a.closest('.widget-dropdown, .widget-hslider, .widget-checkbox, .widget-toggle-buttons');
            const label = box ? box.querySelector('.widget-label, label') : null;
            return {tag: a.tagName, label: label ? label.innerText.trim() : ''}; }""")
        if info["label"]:
            reached.add(info["label"])
        if {"Route", "Dose (mg/kg)", "Body weight (kg)"} <= reached:
            break
    shot(page, "app-keyboard-focus")
    assert {"Route", "Dose (mg/kg)", "Body weight (kg)"} <= reached, reached
    # labels visible on screen, not just in the DOM
    for label in ("Route", "Dose (mg/kg)", "Body weight (kg)"):
        expect(page.locator(".krl-app .widget-label", has_text=label).first).to_be_visible()


def _known_limitation(violation) -> bool:
    """One known gap, excused narrowly (rule AND element) so anything new still fails:
    aria-input-field-name on ipywidgets' noUiSlider handles (role=slider, no aria-label; no Python-side
    trait can add one). The visible label beside each slider is checked in
    test_app_keyboard_only_with_labels."""
    nodes = violation["nodes"]
    if violation["id"] == "aria-input-field-name":
        return all("noUi-handle" in node["html"] for node in nodes)
    return False


def test_app_axe_no_serious_violations(app_server, page):
    """axe-core (bundled in the axe-playwright-python wheel) finds no critical or serious violations."""
    from axe_playwright_python.sync_playwright import Axe
    open_app(page, app_server)
    results = Axe().run(page)
    ARTIFACT_DIR.mkdir(exist_ok=True)
    (ARTIFACT_DIR / "axe-app-explorer.txt").write_text(results.generate_report())
    bad = [f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}"
           for v in results.response["violations"] if v["impact"] in ("critical", "serious")
           and not _known_limitation(v)]
    assert bad == [], "\n".join(bad)


def test_app_projector_mode(app_server, page):
    """Projector checkbox: larger page text and a new (larger-font) plot; screenshot for inspection."""
    open_app(page, app_server)
    src = plot_src(page)
    size = lambda: float(re.sub("px", "", page.evaluate(
        "getComputedStyle(document.querySelector('.krl-app .krl-readouts td')).fontSize")))
    before = size()
    page.locator(".krl-app .widget-checkbox", has_text="Projector mode").locator("input").check()
    assert wait_until_stable(page) != src
    assert size() > before
    page.locator(".krl-app").first.scroll_into_view_if_needed()
    shot(page, "app-explorer-projector")
