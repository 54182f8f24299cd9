"""The browser edition as a learner meets it: the built offline site served by ``make serve-site``'s server
(helpers.classroom.serve), opened in Debian's Chromium with every request that would leave localhost aborted
and counted. Shared by tests/test_site.py and tests/test_site_learner.py."""
from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from browser_support import ARTIFACT_DIR, LAUNCH_ARGS, chromium_path, error_outputs, free_port

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
SITE_PYTHON = ROOT / ".venv-site" / "bin" / "python"
SHOTS = ARTIFACT_DIR / "site"
VIEWPORT = {"width": 1280, "height": 720}
DISCLAIMER = "Teaching simulation, not dosing guidance."
STORAGE_PREFIX = "ketamine-routes-lab"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
LIVE = ".jp-OutputArea .krl-app:not(.krl-still)"   # the live explorer (not a first picture or a saved output)
PLOT = f"{LIVE} img.krl-plot"
KERNEL_MS = 480_000          # kernel start + a whole notebook on a busy 2-core machine (two browsers starting
                             # Pyodide at once under CI load took over 240 s); waits end as soon as done
STEP_MS = 60_000             # one change in the explorer, one Check
ORAL_TASK = "00_oral_mg_reaching_blood"


# ----------------------------------------------------------------------------- serving and the browser
class Network:
    """Aborts and counts every request that would leave localhost (workers and the service worker included)."""

    def __init__(self):
        self.external: list[str] = []
        self.requests = 0

    @staticmethod
    def is_local(url: str) -> bool:
        if url.startswith(("data:", "blob:", "about:")):
            return True
        return (urlparse(url).hostname or "") in LOCAL_HOSTS

    def route(self, route):
        if self.is_local(route.request.url):
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()

    def count(self, request):
        self.requests += 1
        if not self.is_local(request.url) and request.url not in self.external:
            self.external.append(request.url)


@contextmanager
def serve(site: Path):
    """``make serve-site``'s server (helpers.classroom.serve) on 127.0.0.1; yields the base URL."""
    port = free_port()
    ARTIFACT_DIR.mkdir(exist_ok=True)
    with open(ARTIFACT_DIR / "site-server.log", "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "helpers.classroom.serve", "--site", str(site),
                                 "--port", str(port), "--bind", "127.0.0.1"], cwd=ROOT, stdout=log,
                                stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base, timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextmanager
def browser_context(driver, network: Network, *profiles: tuple[Path, dict]):
    """Headless Debian Chromium from the session's Playwright ``driver`` (tests/browser_fixtures.py), one
    persistent context per (profile folder, device options) (its own browser storage; 1280x720 unless the
    options say otherwise), every request routed; yields the contexts."""
    contexts = []
    try:
        for profile, device in profiles:
            context = driver.chromium.launch_persistent_context(
                str(profile), executable_path=chromium_path(), args=LAUNCH_ARGS, headless=True,
                service_workers="allow", **{"viewport": VIEWPORT, **device})
            context.route("**/*", network.route)
            context.on("request", network.count)
            context.set_default_timeout(STEP_MS)     # a click waits as long as one step may take under load
            contexts.append(context)
        yield contexts[0] if len(contexts) == 1 else tuple(contexts)
    finally:
        for context in contexts:
            context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def assert_only_local(network: Network) -> None:
    assert network.external == [], f"{len(network.external)} requests left localhost: {network.external[:10]}"


# ----------------------------------------------------------------------------- page helpers
_PROMPTS_JS = ("[...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]"
               ".map(e => e.textContent.trim())")


def run_all(page, n_code: int) -> None:
    """Run > Run All Cells once the notebook's kernel session exists; wait until every code cell has a count
    (or an error output appears, which stops Run All)."""
    page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=KERNEL_MS)
    deadline = time.monotonic() + KERNEL_MS / 1000
    while True:   # "Run All Cells" is greyed out (a no-op) until the notebook's session exists
        page.locator(".lm-MenuBar-item", has_text="Run").first.click()
        item = page.locator(".lm-Menu-item:visible", has_text="Run All Cells").first
        item.wait_for(timeout=STEP_MS)
        if "lm-mod-disabled" not in (item.get_attribute("class") or ""):
            item.click()
            try:
                page.wait_for_function(f"() => {_PROMPTS_JS}.some(t => /^\\[(\\*|\\d+)\\]:$/.test(t))",
                                       timeout=5_000, polling=100)
                break
            except Exception:  # noqa: BLE001 - Playwright's TimeoutError: not started yet, try again
                pass
        else:
            page.keyboard.press("Escape")
        if time.monotonic() > deadline:
            raise AssertionError("Run All Cells never started")
        page.wait_for_function("() => !document.querySelector('.lm-Menu')", timeout=STEP_MS)
    page.wait_for_function(f"""(n) => {{
        const ps = {_PROMPTS_JS};
        if (ps.length === n && ps.every(t => /^\\[\\d+\\]:$/.test(t))) return true;
        const err = document.querySelector('.jp-Notebook .jp-OutputArea-output.jp-mod-error, '
            + '.jp-Notebook .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]');
        return !!err && !ps.includes('[*]:');
    }}""", arg=n_code, timeout=KERNEL_MS, polling=250)


def plot_src(page) -> str:
    return page.evaluate(f"() => {{ const i = document.querySelector('{PLOT}'); return i ? i.src : ''; }}")


def wait_plot(page, timeout_ms: int = KERNEL_MS) -> None:
    """The explorer's plot is loaded and on screen (Voici shows the page only when every cell has run)."""
    page.wait_for_function(f"""() => {{ const i = document.querySelector('{PLOT}');
        return i && i.complete && i.naturalWidth > 0 && i.getBoundingClientRect().width > 0; }}""",
                           timeout=timeout_ms, polling=100)


def wait_new_plot(page, old: str) -> None:
    page.wait_for_function(f"""(old) => {{ const i = document.querySelector('{PLOT}');
        return i && i.src !== old && i.complete && i.naturalWidth > 0; }}""", arg=old, timeout=STEP_MS, polling=50)


def explorer_changes(page, where: str) -> None:
    """Route, dose and weight each redraw the plot (keyboard on the sliders, as the course promises)."""
    app = page.locator(LIVE).first
    app.scroll_into_view_if_needed()
    before = plot_src(page)
    route = app.locator("select").first
    current = route.evaluate("s => s.options[s.selectedIndex].textContent")
    options = route.evaluate("s => [...s.options].map(o => o.textContent)")
    target = next((o for o in options if o != current and "intramuscular" in o.lower()),
                  next(o for o in options if o != current))
    route.select_option(label=target)
    wait_new_plot(page, before)
    for label in ("Dose", "weight"):
        before = plot_src(page)
        handle = app.locator(".widget-slider", has_text=label).locator(".noUi-handle").first
        handle.focus()
        page.keyboard.press("ArrowRight")
        try:
            wait_new_plot(page, before)
        except Exception as exc:  # noqa: BLE001
            raise AssertionError(f"{where}: ArrowRight on the {label} slider did not redraw the plot") from exc


def app_view_errors(page) -> list[str]:
    return error_outputs(page) + page.eval_on_selector_all(
        ".jp-OutputArea-output", "els => els.map(e => e.innerText)"
        ".filter(t => /Traceback|Error when executing/i.test(t)).map(t => t.slice(0, 500))")


def code_cells(site: Path, name: str) -> int:
    nb = json.loads((site / "files" / name).read_text(encoding="utf-8"))
    return sum(1 for cell in nb["cells"] if cell["cell_type"] == "code")


def oral_mg_reaching_blood() -> float:
    """The task's answer, computed here from the model's data: oral bioavailability x 50 mg."""
    from helpers import ROUTES
    return ROUTES["oral"].bioavailability * 50


def answer_oral_task(page) -> None:
    """Notebook 00's task through its widgets: type the amount, press Check, read the tick."""
    box = page.locator(f".krl-task-{ORAL_TASK}").first
    box.scroll_into_view_if_needed()
    feedback = box.locator(".krl-feedback")
    feedback.get_by_text("Not answered yet").wait_for(timeout=STEP_MS)
    box.get_by_label("Your answer").fill(f"{oral_mg_reaching_blood():.4g}")
    box.get_by_role("button", name="Check", exact=True).click()
    feedback.get_by_text("\u2713").wait_for(timeout=STEP_MS)
    assert "Correct" in feedback.inner_text(), feedback.inner_text()


def fill_prediction(box, commit: bool, tap: bool = False) -> str:
    """Give a prediction in one question box (a number, a choice or a sentence); returns what was given."""
    box.scroll_into_view_if_needed()
    radios = box.locator("input[type=radio]")
    if radios.count():
        choice = box.locator(".widget-radio-box label").first
        (choice.tap if tap else choice.click)()
        try:
            radios.first.wait_for(timeout=5_000)
            box.page.wait_for_function("(r) => r.checked", arg=radios.first.element_handle(), timeout=5_000)
        except Exception:  # noqa: BLE001 - a tap on the label's text missed the button: the button itself
            (radios.first.tap if tap else radios.first.click)()
        given = choice.inner_text().strip()
    else:
        field = box.locator("input[type=text], textarea").first
        given = "12" if box.locator(".krl-unit").count() else "It goes up, then down."
        if tap:
            field.tap()
        field.fill(given)
    if commit:
        button = box.get_by_role("button", name="Show the answer")
        button.wait_for(timeout=STEP_MS)
        box.page.wait_for_function("(b) => !b.disabled", arg=button.element_handle(), timeout=STEP_MS)
        (button.tap if tap else button.click)()
        box.locator(".krl-answer").wait_for(state="visible", timeout=STEP_MS)
    return given


def field_value(box) -> str:
    radios = box.locator("input[type=radio]")
    if radios.count():
        checked = box.locator(".widget-radio-box label:has(input:checked)")
        return checked.inner_text().strip() if checked.count() else ""
    return box.locator("input[type=text], textarea").first.input_value()
