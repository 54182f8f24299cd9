"""The browser edition from the learner's seat: what they see first, what they keep, and a phone or tablet.

The built offline site is served by ``make serve-site``'s server (helpers.classroom.serve) and opened in
Debian's Chromium with every non-local request aborted and counted (tests/site_support.py):

* the server sends the stored brotli copy with ``Content-Encoding: br`` (the same bytes once decoded);
* a lesson's app view shows its first picture while Python is still starting, and the live explorer's
  readouts then equal the picture's (one model: the picture was drawn by the same code at build time);
* a prediction typed (not committed), one committed and a task answered survive a reload, the lesson's and
  the landing page's *My answers* download a file listing them, and *Reset* clears them even while the
  lesson is open in another tab;
* every lesson's app view at 390x844 (a phone, touch) and 820x1180 (a tablet): no sideways scroll, text of
  at least 12 px, the dose control and the plot on one screen, every button and field big enough for a
  finger, the slider dragged by a real touch (a tap on the track does not jump), and *Show the answer*
  tapped for every question shows the model's answer. Screenshots in ``test-artifacts/site/``.

Every wait is for something the learner waits for; timings are printed by ``make bench``, never asserted.
"""
from __future__ import annotations

import csv
import gzip
import io
import urllib.request
from pathlib import Path

import pytest

from site_support import (
    DISCLAIMER,
    KERNEL_MS,
    LIVE,
    NOTEBOOKS,
    PLOT,
    STEP_MS,
    STORAGE_PREFIX,
    Network,
    answer_oral_task,
    app_view_errors,
    assert_only_local,
    browser_context,
    field_value,
    fill_prediction,
    oral_mg_reaching_blood,
    serve,
    shot,
    wait_plot,
)

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}


@pytest.fixture(scope="module")
def browsers(offline_site, playwright_driver, tmp_path_factory):
    """The served site and two browsers with their own storage: a laptop (1280x720) and a phone (390x844,
    touch, a mobile viewport)."""
    network = Network()
    phone = {"viewport": PHONE, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
    profiles = ((tmp_path_factory.mktemp("laptop"), {}), (tmp_path_factory.mktemp("phone"), phone))
    with serve(offline_site) as base, browser_context(playwright_driver, network, *profiles) as contexts:
        yield base, contexts, network, offline_site


@pytest.fixture(scope="module")
def site(browsers):
    base, (laptop, _), network, folder = browsers
    return base, laptop, network, folder


@pytest.fixture(scope="module")
def phone(browsers):
    base, (_, phone_context), network, _ = browsers
    return base, phone_context, network


def app_url(base: str, name: str) -> str:
    return f"{base}voici/render/{Path(name).stem}.html"


def live_app(page, base: str, name: str) -> None:
    page.goto(app_url(base, name))
    page.wait_for_function("() => !document.querySelector('#loading') && document.querySelector('#rendered_cells')",
                           timeout=KERNEL_MS, polling=200)
    if page.locator(LIVE).count():
        wait_plot(page)


# ----------------------------------------------------------------------------- serving
def test_compressed_copies_are_sent_with_content_encoding(site):
    """The stored .br copy to a browser that accepts brotli, the .gz one to gzip, the file itself otherwise."""
    base, context, network, folder = site
    script = next(p for p in sorted((folder / "build").glob("*.js")) if (p.parent / (p.name + ".br")).exists())
    for accept, coding, suffix in (("gzip, deflate, br", "br", ".br"), ("gzip", "gzip", ".gz"), ("", None, "")):
        request = urllib.request.Request(f"{base}build/{script.name}", headers={"Accept-Encoding": accept})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.headers.get("Content-Encoding") == coding, accept
            assert response.headers["Content-Type"].startswith(("application/javascript", "text/javascript"))
            assert "Accept-Encoding" in response.headers["Vary"]
            body = response.read()
        assert body == (script.parent / (script.name + suffix)).read_bytes(), accept
    assert gzip.decompress((script.parent / (script.name + ".gz")).read_bytes()) == script.read_bytes()
    assert len((script.parent / (script.name + ".br")).read_bytes()) < len(script.read_bytes()) / 2


# ----------------------------------------------------------------------------- the first picture
def test_first_picture_before_python_and_equal_to_the_live_explorer(site):
    base, context, network, folder = site
    page = context.new_page()
    page.goto(app_url(base, "01_route_explorer"), wait_until="domcontentloaded")
    picture = ".krl-first-picture .krl-app img.krl-plot"
    page.wait_for_function(f"""() => {{ const i = document.querySelector('{picture}');
        if (!document.querySelector('#loading')) throw new Error('Python was live before the picture was shown');
        return i && i.complete && i.naturalWidth > 0 && i.getBoundingClientRect().width > 0; }}""",
                           timeout=STEP_MS, polling=50)
    assert "Starting Python" in page.evaluate("getComputedStyle(document.querySelector('#loading'), '::before')"
                                              ".content")
    still = page.evaluate(f"""() => ({{readouts: document.querySelector('.krl-first-picture .krl-readouts')
        .innerText, box: document.querySelector('{picture}').getBoundingClientRect().toJSON()}})""")
    shot(page, "app_01_first_picture")
    wait_plot(page)
    live = page.evaluate(f"""() => ({{readouts: document.querySelector('{LIVE} .krl-readouts').innerText,
        box: document.querySelector('{PLOT}').getBoundingClientRect().toJSON()}})""")
    assert live["readouts"] == still["readouts"]
    assert "ng/mL" in live["readouts"]
    for key in ("top", "left", "width", "height"):       # live in the picture's place: no jump in layout
        assert abs(live["box"][key] - still["box"][key]) <= 2, (key, still["box"], live["box"])
    assert app_view_errors(page) == []
    page.close()
    assert_only_local(network)


# ----------------------------------------------------------------------------- answers kept
def question_box(page, label: str):
    return page.locator(".krl-ask").filter(has_text=label).first


def test_answers_survive_a_reload_are_exported_and_reset(site, tmp_path):
    base, context, network, folder = site
    page = context.new_page()
    live_app(page, base, "00_start_here")
    first, second = page.locator(".krl-ask").nth(0), page.locator(".krl-ask").nth(1)
    labels = [box.locator("b").first.inner_text() for box in (first, second)]
    typed = fill_prediction(first, commit=False)
    committed = fill_prediction(second, commit=True)
    answer_oral_task(page)
    page.wait_for_timeout(300)           # the page side writes localStorage as the change arrives
    page.reload()
    live_app(page, base, "00_start_here")
    first, second = question_box(page, labels[0]), question_box(page, labels[1])
    assert field_value(first) == typed and first.get_by_role("button", name="Show the answer").is_enabled()
    assert field_value(second) == committed
    assert second.locator(".krl-answer").is_visible() and "Your prediction" in second.inner_text()
    task = page.locator(".krl-task").filter(has_text="Your answer").first
    assert "Correct" in task.locator(".krl-feedback").inner_text()
    shot(page, "app_00_after_reload")

    # My answers, from the lesson: a link to a CSV file listing them
    page.get_by_role("button", name="My answers").first.click()
    link = page.locator("a.krl-download", has_text="my answers")
    link.wait_for(timeout=STEP_MS)
    with page.expect_download() as event:
        link.click()
    rows = read_csv(event.value.path())
    assert rows[0] == ["lesson", "question", "prediction", "answer", "result", "time"]
    by_question = {r[1]: r for r in rows[1:]}
    assert by_question[labels[1]][2] == committed
    assert labels[0] in by_question                              # not committed, still listed
    task_rows = [r for r in rows[1:] if r[4].lower().startswith("correct")]
    assert task_rows and float(task_rows[0][3]) == pytest.approx(oral_mg_reaching_blood(), rel=1e-3)

    # ... and from the landing page, every lesson in one file
    landing = context.new_page()
    landing.goto(base)
    landing.locator("#krl-answers-status").get_by_text("answers kept").wait_for(timeout=STEP_MS)
    with landing.expect_download() as event:
        landing.get_by_role("button", name="My answers").click()
    text = Path(event.value.path()).read_text(encoding="utf-8")
    assert DISCLAIMER in text and committed in text and "00_start_here" in text

    # Reset while the lesson is open in the other tab: the lesson leaves, nothing comes back
    landing.on("dialog", lambda dialog: dialog.accept())
    landing.get_by_role("button", name="Reset").click()
    landing.get_by_text("back to its original state").wait_for(timeout=STEP_MS)
    page.wait_for_url("**/index.html?reset-elsewhere", timeout=STEP_MS)
    assert page.locator("#krl-reset-elsewhere").is_visible()
    kept = landing.evaluate("(prefixes) => Object.keys(localStorage).filter(k => prefixes.some(p => k.startsWith(p)))",
                            [f"{STORAGE_PREFIX}:answers:", f"{STORAGE_PREFIX}:export:"])
    assert kept == []                    # (the reset's own time stays: a page that missed the message stops saving)
    live_app(page, base, "00_start_here")
    assert field_value(question_box(page, labels[1])) == ""
    assert "Not answered yet" in page.locator(".krl-task").first.inner_text()
    for p in (page, landing):
        p.close()
    assert_only_local(network)


def read_csv(path) -> list[list[str]]:
    text = Path(path).read_text(encoding="utf-8")
    return [row for row in csv.reader(io.StringIO(text)) if row and not row[0].startswith("#")]


# ----------------------------------------------------------------------------- phones and tablets
LAYOUT_JS = """() => {
  const shown = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0
      && getComputedStyle(e).visibility !== 'hidden'; };
  const inCells = [...document.querySelectorAll('#rendered_cells *')].filter(shown);
  const small = inCells.filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())
      && parseFloat(getComputedStyle(e).fontSize) < 12).map(e => e.tagName + ' ' + getComputedStyle(e).fontSize
      + ' ' + e.textContent.trim().slice(0, 30));
  const targets = [...document.querySelectorAll('.krl-app button, .krl-lesson button, .krl-app select, '
      + '.krl-lesson input[type=text], .krl-lesson textarea, .krl-app .noUi-handle')].filter(shown)
      .filter(e => e.getBoundingClientRect().height < 24 || e.getBoundingClientRect().width < 24)
      .map(e => e.tagName + ' ' + (e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 30));
  const wide = inCells.filter(e => e.getBoundingClientRect().right > innerWidth + 1
      && !e.closest('.krl-table-wrap, pre, .jp-RenderedHTMLCommon table'))
      .map(e => e.tagName + '.' + String(e.className).slice(0, 40));
  return {scroll: document.documentElement.scrollWidth - innerWidth, small: [...new Set(small)].slice(0, 8),
          targets: targets.slice(0, 8), wide: wide.slice(0, 8)};
}"""


def assert_fits(page, where: str) -> None:
    layout = page.evaluate(LAYOUT_JS)
    assert layout["scroll"] <= 0, f"{where}: sideways scroll of {layout['scroll']} px: {layout['wide']}"
    assert layout["wide"] == [], f"{where}: wider than the screen: {layout['wide']}"
    assert layout["small"] == [], f"{where}: text under 12 px: {layout['small']}"
    assert layout["targets"] == [], f"{where}: controls too small for a finger: {layout['targets']}"


def dose_and_plot_on_one_screen(page) -> None:
    page.locator(LIVE).first.evaluate("e => e.scrollIntoView()")
    boxes = page.evaluate(f"""() => {{ const app = document.querySelector('{LIVE}');
        const dose = [...app.querySelectorAll('.krl-lead .noUi-handle, .krl-lead select')]
            .find(e => e.getBoundingClientRect().height > 0 && /Dose/.test(e.getAttribute('aria-label')
                || e.closest('.widget-dropdown')?.innerText || ''));
        return {{dose: dose && dose.getBoundingClientRect().toJSON(),
                 plot: app.querySelector('img.krl-plot').getBoundingClientRect().toJSON(), h: innerHeight}}; }}""")
    assert boxes["dose"], "no dose control among the leading controls"
    assert boxes["dose"]["top"] >= 0 and boxes["plot"]["bottom"] <= boxes["h"] + 1, boxes


def touch_drag(page, handle, dx: float) -> None:
    """A finger on the handle, moved sideways in small steps, lifted (Chrome DevTools touch events)."""
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 11):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x + dx * step / 10, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def handle_value(handle) -> str:
    return handle.get_attribute("aria-valuenow") or handle.get_attribute("aria-valuetext") or ""


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_lesson_on_a_phone_and_a_tablet(phone, name):
    base, context, network = phone
    page = context.new_page()
    live_app(page, base, name)
    assert page.get_by_text(DISCLAIMER).filter(visible=True).count() > 0
    assert_fits(page, f"{name} phone")
    stem = Path(name).stem
    if page.locator(LIVE).count():
        dose_and_plot_on_one_screen(page)
        plot = page.locator(PLOT).first.bounding_box()
        assert plot["width"] >= PHONE["width"] * 0.85, plot             # across the screen
        shot(page, f"phone_{stem}_explorer")
        handle = page.locator(f"{LIVE} .krl-lead .noUi-handle[aria-label*='Dose']").first
        before, src = handle_value(handle), page.locator(PLOT).first.get_attribute("src")
        track = page.locator(f"{LIVE} .krl-lead .widget-slider:has(.noUi-handle[aria-label*='Dose']) .noUi-base")
        tb = track.first.bounding_box()
        page.touchscreen.tap(tb["x"] + tb["width"] * 0.95, tb["y"] + tb["height"] / 2)   # a tap on the track...
        page.wait_for_timeout(500)
        assert handle_value(handle) == before                                        # ...does not jump
        touch_drag(page, handle, 60)
        page.wait_for_function("([s, old]) => { const i = document.querySelector(s); return i && i.src !== old; }",
                               arg=[PLOT, src], timeout=STEP_MS)
        assert handle_value(handle) != before
    asks = page.locator(".krl-ask")
    for i in range(asks.count()):
        box = asks.nth(i)
        fill_prediction(box, commit=True, tap=True)
        assert box.locator(".krl-answer").inner_text().strip(), f"{name}: question {i + 1} shows no answer"
    page.evaluate("() => window.scrollTo(0, 0)")
    shot(page, f"phone_{stem}")
    page.set_viewport_size(TABLET)
    page.wait_for_timeout(300)
    assert_fits(page, f"{name} tablet")
    if page.locator(LIVE).count():
        dose_and_plot_on_one_screen(page)
        shot(page, f"tablet_{stem}_explorer")
    assert app_view_errors(page) == []
    page.close()
    assert_only_local(network)
