"""End-to-end tests in a real browser (Debian's Chromium via Playwright): JupyterLab and Voila app mode.

The notebooks are opened, run and operated as a learner would: dropdown, keyboard and mouse on the
sliders. Screenshots go to ``test-artifacts/`` (kept after a failure for inspection). Without Chromium
these tests FAIL with the install command; they are never skipped.
"""
from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import expect

from helpers import ROUTES
from helpers.lessons.store import ANSWERS_FOLDER

from browser_support import (
    ARTIFACT_DIR,
    NOTEBOOK_DIR,
    PANEL,
    dose_box,
    error_outputs,
    inside_viewport,
    plot_signature,
    plot_src,
    readout_rows,
    run_all_cells,
    scroll_explorer_to_top,
    slider,
    slider_readouts,
    stop_kernels,
    used_settings,
    wait_for_new_plot,
    wait_until_stable,
)

pytestmark = pytest.mark.browser

NOTEBOOKS = sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb"))
EXPLORER = "01_route_explorer.ipynb"
VIEWPORT = {"width": 1400, "height": 1000}


def shot(page, name: str) -> None:
    ARTIFACT_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACT_DIR / f"{name}.png"))


def open_in_lab(page, lab, notebook: str) -> None:
    base, token, work = lab
    stop_kernels(base, token)      # one kernel at a time on a 2-core CI machine
    shutil.rmtree(work / ANSWERS_FOLDER, ignore_errors=True)     # each test starts with no answers kept
    page.goto(f"{base}/lab/tree/{notebook}?reset&token={token}")
    run_all_cells(page)


def readouts(page, scope: str = "") -> str:
    return page.locator(f"{scope} .krl-app .krl-readouts").first.inner_text()


def readout_value(page, label: str, scope: str = "") -> str:
    return slider(page, label, scope).locator(".widget-readout").inner_text()


def explorer_in(where: str, page, request, notebook: str = EXPLORER) -> str:
    """Open the explorer notebook in JupyterLab or Voila (only that server is started); returns the CSS scope
    of the explorer."""
    if where == "lab":
        open_in_lab(page, request.getfixturevalue("lab"), notebook)
        try:
            page.locator(f"{PANEL} .krl-app img").first.wait_for(state="attached", timeout=120_000)
        except Exception:
            shot(page, "lab-explorer-not-found")
            raise
        scroll_explorer_to_top(page, PANEL)        # Run All leaves the view at the end of the notebook
        page.locator(f"{PANEL} .krl-app img").first.wait_for(state="visible", timeout=60_000)
        wait_until_stable(page, PANEL)
        return PANEL
    open_app(page, request.getfixturevalue("app_server"), notebook)
    return ""


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
    page.locator(f"{PANEL} .krl-app img").first.wait_for(state="attached", timeout=120_000)
    scroll_explorer_to_top(page, PANEL)
    page.locator(f"{PANEL} .krl-app img").first.wait_for(state="visible", timeout=60_000)
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

        # dose: keyboard, 4 rungs of the dose ladder (0.05 mg/kg apart here); the typed dose follows
        dose = slider(page, "Dose (mg/kg)", PANEL)
        expect(dose_box(page, PANEL)).to_have_value("0.5")
        press(page, dose.locator(".noUi-handle"), "ArrowRight", 4)
        expect(dose_box(page, PANEL)).to_have_value("0.7", timeout=30_000)
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
        expect(dose_box(page, PANEL)).not_to_have_value("0.7", timeout=30_000)
        assert float(dose_box(page, PANEL).input_value()) > 0.70
        src6 = wait_until_stable(page, PANEL)
        assert src6 != src5
        expect(page.locator(f"{PANEL} .krl-app .krl-readouts").first).not_to_have_text(table, timeout=30_000)
    finally:
        shot(page, "lab-explorer-after")
    assert error_outputs(page, PANEL) == []
    assert page.js_errors == []


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


def test_app_explorer_keyboard(app_server, page):
    """Voila: code hidden, the plot shows, and a keyboard slider change updates plot and readouts."""
    open_app(page, app_server)
    shot(page, "app-explorer-start")
    assert "explore(route=" not in page.locator("body").inner_text(), "code should be hidden in app mode"
    src, table = plot_src(page), readouts(page)
    dose = slider(page, "Dose (mg/kg)")
    press(page, dose.locator(".noUi-handle"), "ArrowRight", 2)
    expect(dose_box(page)).to_have_value("0.6", timeout=30_000)
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
    src = plot_signature(page)
    size = lambda: float(re.sub("px", "", page.evaluate(
        "getComputedStyle(document.querySelector('.krl-app .krl-readouts td')).fontSize")))
    before = size()
    page.locator(".krl-app").first.locator(".widget-checkbox", has_text="Projector mode").locator("input").check()
    assert wait_for_new_plot(page, src) != src
    assert size() > before
    page.locator(".krl-app").first.scroll_into_view_if_needed()
    shot(page, "app-explorer-projector")


# ---------------------------------------------------------------------------- explorer, JupyterLab and Voila
WHERE = ["lab", "voila"]


def app_root(page, scope: str = ""):
    """The explorer as first displayed (a notebook may show the same explorer again, e.g. under a task)."""
    return page.locator(f"{scope} .krl-app").first


def _unit_button(page, scope: str, label: str):
    return page.locator(f"{scope} .krl-app .widget-toggle-buttons button").filter(
        has_text=re.compile(f"^{re.escape(label)}$")).first


@pytest.mark.parametrize("where", WHERE)
def test_unit_toggle_five_times_keeps_the_dose(where, request, page):
    """mg/kg <-> mg five times: the typed dose alternates, the dose the learner reads never changes."""
    scope = explorer_in(where, page, request)
    weight = slider(page, "Body weight (kg)", scope)
    src = plot_signature(page, scope)
    press(page, weight.locator(".noUi-handle"), "ArrowRight", 12)
    expect(weight.locator(".widget-readout")).to_have_text("82", timeout=60_000)
    box = dose_box(page, scope)
    box.fill("0.45")
    box.press("Enter")
    expect(page.locator(f"{scope} .krl-app .krl-readouts").first).to_contain_text("36.9 mg (0.45 mg/kg)",
                                                                                  timeout=60_000)
    src = wait_for_new_plot(page, src, scope)
    for _ in range(5):
        _unit_button(page, scope, "mg").click()
        expect(box).to_have_value("36.9", timeout=60_000)
        expect(slider(page, "Dose (mg)", scope)).to_be_visible()
        assert readout_rows(page, scope)["Dose"] == "36.9 mg (0.45 mg/kg)"
        _unit_button(page, scope, "mg/kg").click()
        expect(box).to_have_value("0.45", timeout=60_000)
        assert readout_rows(page, scope)["Dose"] == "36.9 mg (0.45 mg/kg)"
    settings = used_settings(page, scope)
    assert settings["dose_mg"] == 36.9 and settings["weight_kg"] == 82.0
    assert plot_signature(page, scope) == src      # the same curve and settings all along
    shot(page, f"{where}-unit-toggle")
    assert page.js_errors == []


def _assert_display_is_what_the_model_used(page, scope: str) -> None:
    settings = used_settings(page, scope)
    shown = slider_readouts(page, scope)
    expected = {"Body weight (kg)": f"{settings['weight_kg']:.0f}", "Time window (h)": f"{settings['window_h']}"}
    if "infusion_min" in settings:
        expected["Infusion duration (min)"] = f"{settings['infusion_min']:.0f}"
    if "swallowed_fraction" in settings:
        expected["Swallowed fraction"] = f"{settings['swallowed_fraction']:.2f}"
    if "Number of doses" in shown:
        expected["Number of doses"] = f"{settings.get('n_doses', 1)}"
    if settings.get("n_doses", 1) > 1:
        expected["Dose interval (h)"] = f"{settings['interval_min'] / 60:.1f}"
    for label, value in expected.items():
        assert shown[label] == value, (label, shown, settings)
    typed = float(dose_box(page, scope).input_value())
    used = settings["dose_mg"] if settings["dose_unit"] == "mg" else settings["dose_mg_per_kg"]
    assert typed == pytest.approx(used, rel=5e-6), (typed, settings)
    dose_row = readout_rows(page, scope)["Dose"]
    dose_mg = settings["dose_mg"]
    assert dose_row.startswith(f"{dose_mg:.6g} mg"), (dose_row, settings)


@pytest.mark.parametrize("where", WHERE)
def test_every_slider_shows_the_value_the_model_used(where, request, page):
    scope = explorer_in(where, page, request)
    src = plot_signature(page, scope)
    page.locator(f"{scope} .krl-app .widget-dropdown select").first.select_option(label=ROUTES["intranasal"].label)
    src = wait_for_new_plot(page, src, scope)
    _assert_display_is_what_the_model_used(page, scope)
    moves = [("Time window (h)", "ArrowRight", 2), ("Dose (mg/kg)", "ArrowRight", 3),
             ("Body weight (kg)", "ArrowLeft", 5),
             ("Number of doses", "ArrowRight", 2), ("Dose interval (h)", "ArrowLeft", 3),
             ("Swallowed fraction", "ArrowLeft", 4)]
    for label, key, times in moves:
        press(page, slider(page, label, scope).locator(".noUi-handle"), key, times)
        src = wait_for_new_plot(page, src, scope)
        _assert_display_is_what_the_model_used(page, scope)
    _unit_button(page, scope, "mg").click()
    expect(slider(page, "Dose (mg)", scope)).to_be_visible(timeout=60_000)
    press(page, slider(page, "Dose (mg)", scope).locator(".noUi-handle"), "ArrowRight", 2)
    src = wait_for_new_plot(page, src, scope)
    _assert_display_is_what_the_model_used(page, scope)
    page.locator(f"{scope} .krl-app .widget-dropdown select").first.select_option(label=ROUTES["iv_infusion"].label)
    src = wait_for_new_plot(page, src, scope)
    press(page, slider(page, "Infusion duration (min)", scope).locator(".noUi-handle"), "ArrowRight", 3)
    wait_for_new_plot(page, src, scope)
    _assert_display_is_what_the_model_used(page, scope)
    shot(page, f"{where}-displayed-equals-used")
    assert page.js_errors == []


def _check_layout(page, scope: str, name: str) -> None:
    scroll_explorer_to_top(page, scope)
    plot = page.locator(f"{scope} .krl-app img.krl-plot").first
    dose = slider(page, "Dose (mg/kg)", scope)
    shot(page, name)
    assert inside_viewport(page, plot), (name, plot.bounding_box(), page.viewport_size)
    assert inside_viewport(page, dose), (name, dose.bounding_box(), page.viewport_size)
    assert inside_viewport(page, dose_box(page, scope))
    # caption and comparison table stay inside the plot column (the table scrolls there), never past the page
    for part in ("krl-caption", "krl-table-wrap"):
        box = page.locator(f"{scope} .krl-app .{part}").first.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"] + 0.5, (name, part, box)


@pytest.mark.parametrize("where", WHERE)
def test_plot_and_dose_slider_fit_one_screen(where, request, browser):
    """1280x720 (JupyterLab with its file browser open) and 1440x900 in projector mode."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.js_errors = []
    try:
        scope = explorer_in(where, page, request)
        if where == "lab":
            expect(page.locator("#filebrowser")).to_be_visible()
        _check_layout(page, scope, f"{where}-layout-1280x720")
        page.set_viewport_size({"width": 1440, "height": 900})
        src = plot_signature(page, scope)
        size = lambda: float(page.evaluate(
            "(s) => parseFloat(getComputedStyle(document.querySelector(s + ' .krl-app .krl-readouts td')).fontSize)",
            scope))
        before = size()
        app_root(page, scope).locator(".widget-checkbox", has_text="Projector mode").locator("input").check()
        wait_for_new_plot(page, src, scope)
        assert size() > before
        if where == "lab":
            expect(page.locator("#filebrowser")).to_be_visible()
        _check_layout(page, scope, f"{where}-layout-1440x900-projector")
        assert page.js_errors == []
    finally:
        page.close()


@pytest.mark.parametrize("where", WHERE)
def test_export_buttons_download_files(where, request, page, tmp_path):
    scope = explorer_in(where, page, request)
    app_root(page, scope).locator("button", has_text="Export").first.click()
    links = app_root(page, scope).locator("a.krl-download")
    expect(links).to_have_count(3, timeout=60_000)
    found = {}
    for i in range(3):
        with page.expect_download(timeout=60_000) as info:
            links.nth(i).click()
        download = info.value
        path = tmp_path / download.suggested_filename
        download.save_as(path)
        found[path.suffix] = path.read_bytes()
    assert set(found) == {".png", ".svg", ".csv"}
    assert found[".png"].startswith(b"\x89PNG") and b"<svg" in found[".svg"]
    text = found[".csv"].decode("utf-8")
    assert "# Teaching simulation, not dosing guidance." in text and "time (h)" in text
    shot(page, f"{where}-export")
    assert page.js_errors == []


def test_share_link_opens_the_same_settings(app_server, browser):
    """Voila: Share gives a link; opened in a new page it shows the same readouts and settings."""
    page = browser.new_page(viewport=VIEWPORT)
    page.js_errors = []
    other = browser.new_page(viewport=VIEWPORT)
    try:
        open_app(page, app_server)
        src = plot_signature(page)
        page.locator(".krl-app .widget-dropdown select").first.select_option(label=ROUTES["sublingual"].label)
        src = wait_for_new_plot(page, src)
        press(page, slider(page, "Dose (mg/kg)").locator(".noUi-handle"), "ArrowRight", 3)
        src = wait_for_new_plot(page, src)
        app_root(page).locator(".widget-checkbox", has_text="Show norketamine").locator("input").check()
        src = wait_for_new_plot(page, src)
        app_root(page).locator("button", has_text="Pin curve").first.click()
        wait_for_new_plot(page, src)
        app_root(page).locator("button", has_text="Share").first.click()
        link = app_root(page).locator("a.krl-share-link").first
        expect(link).to_be_visible(timeout=60_000)
        href = link.get_attribute("href")
        assert "?state=KRL1." in href
        other.goto(href, timeout=120_000)
        other.locator(".krl-app img").first.wait_for(state="visible", timeout=120_000)
        wait_until_stable(other)
        assert readout_rows(other) == readout_rows(page)
        assert used_settings(other) == used_settings(page)
        assert other.locator(".krl-app .krl-compare").first.inner_text() == \
            page.locator(".krl-app .krl-compare").first.inner_text()
        shot(other, "app-share-link-opened")
        assert page.js_errors == []
    finally:
        other.close()
        page.close()
