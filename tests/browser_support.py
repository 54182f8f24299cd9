"""Start JupyterLab or Voila and a headless system Chromium; shared by the browser tests and ``make bench``.

Nothing here downloads a browser: Playwright drives Debian's ``/usr/bin/chromium``.
If Chromium is missing, :func:`chromium_path` raises with the install command, so
the browser tests fail loudly instead of being skipped (``.ci/run`` installs it).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

__all__ = ["ROOT", "NOTEBOOK_DIR", "ARTIFACT_DIR", "LAUNCH_ARGS", "PANEL", "chromium_path", "free_port",
           "jupyter_lab", "stop_kernels", "voila", "chromium", "run_all_cells", "error_outputs", "plot_src", "slider",
           "wait_until_stable", "install_latency_probe", "keyboard_latencies_ms", "SLIDER_JS", "dose_box",
           "readout_rows", "slider_readouts", "used_settings", "plot_signature", "wait_for_new_plot",
           "scroll_explorer_to_top", "inside_viewport", "write_bare_demo"]

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
ARTIFACT_DIR = ROOT / "test-artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-quic"]
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"   # the visible notebook tab in JupyterLab
TOKEN = "krl-browser-test"
SLIDER_JS = ".widget-hslider"


def chromium_path() -> str:
    """Path of the system Chromium; raises RuntimeError (never skips) when it is missing."""
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        raise RuntimeError("Chromium not found (looked for `chromium` on PATH and /usr/bin/chromium). "
                           "Install Debian's package: apt-get install -y chromium  (.ci/run does this). "
                           "The browser tests never download a browser.")
    return path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc: subprocess.Popen, log: Path, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode}; log: {log}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server did not answer {url} within {timeout_s:.0f} s; log: {log}")


#: Kernels talk over Unix sockets in the server's private runtime folder: with TCP, a kernel picks free ports
#: and binds them a moment later, and on a busy machine another process can take one in between (seen:
#: "ZMQError: Address already in use" in the heartbeat thread, then a Voila page waiting for ever).
KERNEL_TRANSPORT = ["--KernelManager.transport=ipc"]


@contextmanager
def _server(cmd: list[str], probe_path: str, port: int, name: str):
    """Run a Jupyter server with isolated config/data/runtime dirs; stop it (and its kernels) afterwards."""
    tmp = Path(tempfile.mkdtemp(prefix=f"krl-{name}-"))
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp / "config"), JUPYTER_DATA_DIR=str(tmp / "data"),
               JUPYTER_RUNTIME_DIR=str(tmp / "runtime"), IPYTHONDIR=str(tmp / "ipython"))
    # No "get notified about Jupyter news?" toast over the page.
    settings = tmp / "config" / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    # Never write the test session's outputs back into the committed notebooks.
    docmanager = settings.parent / "docmanager-extension"
    docmanager.mkdir()
    (docmanager / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
    # Open every notebook straight on its own kernel: no "Select Kernel" dialog in front of Run All.
    tracker = settings.parent / "notebook-extension"
    tracker.mkdir()
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"autoStartDefaultKernel": True}))
    ARTIFACT_DIR.mkdir(exist_ok=True)
    log = ARTIFACT_DIR / f"{name}-server.log"
    with open(log, "w") as log_file:
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_http(base + probe_path, proc, log)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)   # a clean stop also shuts down the kernels
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def jupyter_lab(root_dir: Path = NOTEBOOK_DIR):
    """JupyterLab on a free port; yields ``(base_url, token)``."""
    port = free_port()
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
           f"--ServerApp.token={TOKEN}", f"--ServerApp.root_dir={root_dir}", *KERNEL_TRANSPORT]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    with _server(cmd, f"/api/status?token={TOKEN}", port, "lab") as base:
        yield base, TOKEN


def stop_kernels(base: str, token: str) -> None:
    """Shut down every session and kernel of a JupyterLab server (closing a tab leaves its kernel running).

    Sessions go first: a session left pointing at a deleted kernel makes the next page that opens the
    same notebook try to reconnect to it, and its Run All can then be lost.
    """
    for kind in ("sessions", "kernels"):
        with urllib.request.urlopen(f"{base}/api/{kind}?token={token}", timeout=10) as response:
            items = json.load(response)
        for item in items:
            request = urllib.request.Request(f"{base}/api/{kind}/{item['id']}?token={token}", method="DELETE")
            try:
                urllib.request.urlopen(request, timeout=30).close()
            except urllib.error.HTTPError as error:     # already gone with its session
                if error.code != 404:
                    raise


@contextmanager
def voila(root_dir: Path = NOTEBOOK_DIR):
    """Voila in tree mode over ``root_dir`` on a free port (the same command as ``make app``); yields the base URL."""
    port = free_port()
    cmd = [sys.executable, "-m", "voila", str(root_dir), "--no-browser", f"--port={port}",
           "--Voila.ip=127.0.0.1", "--classic-tree", *KERNEL_TRANSPORT]
    with _server(cmd, "/", port, "voila") as base:
        yield base


@contextmanager
def chromium():
    """A headless system Chromium driven by Playwright (sync API)."""
    from playwright.sync_api import sync_playwright
    path = chromium_path()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, headless=True, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# ---------------------------------------------------------------------------- page helpers
_CELLS_JS = """(panel) => {
    const p = document.querySelector(panel); if (!p) return null;
    const prompts = [...p.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(e => e.textContent);
    return {total: prompts.length, done: prompts.filter(t => /\\[\\d+\\]/.test(t)).length,
            running: prompts.filter(t => /\\[\\*\\]/.test(t)).length,
            // an error stops Run All: report it instead of waiting
            error: !!p.querySelector('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')};
}"""
_KERNEL_IDLE_JS = """() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]
    .some(e => /\\|\\s*Idle\\b/.test(e.textContent))"""


def run_all_cells(page, timeout_ms: int = 120_000, attempts: int = 3) -> None:
    """Run > Run All Cells in the visible notebook and wait until every code cell has an execution count.

    Waits for the kernel to be idle first (a Run All clicked while it starts can be lost). The wait
    for the cells lasts as long as they make progress: ``timeout_ms`` is the longest time allowed
    without any cell starting or finishing. If nothing runs and nothing changes for 20 s, the Run All
    was lost and is clicked again, up to ``attempts`` clicks in all.
    """
    page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=60_000)
    page.wait_for_function(_KERNEL_IDLE_JS, timeout=max(timeout_ms, 120_000), polling=250)

    def click_run_all():
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()

    click_run_all()
    clicks, last, changed = 1, None, time.monotonic()
    while True:
        cells = page.evaluate(_CELLS_JS, PANEL)
        if cells and (cells["error"] or (cells["total"] and cells["done"] == cells["total"])):
            return
        progress = (cells or {}).get("done"), (cells or {}).get("running")
        if progress != last:
            last, changed = progress, time.monotonic()
        quiet_s = time.monotonic() - changed
        if cells and cells["running"] == 0 and quiet_s > 20 and clicks < attempts:
            click_run_all()
            clicks, changed = clicks + 1, time.monotonic()
        elif quiet_s > timeout_ms / 1000:
            raise TimeoutError(f"Run All: no cell started or finished for {timeout_ms / 1000:.0f} s "
                               f"({cells}; Run All clicked {clicks} times)")
        page.wait_for_timeout(250)


def error_outputs(page, scope: str = "") -> list[str]:
    """Texts of stderr and error outputs (tracebacks) in ``scope``."""
    return page.evaluate(
        """(scope) => [...document.querySelectorAll(
              scope + ' .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], ' +
              scope + ' .jp-OutputArea-output.jp-mod-error, ' +
              scope + ' .jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]'
           )].map(e => e.innerText.slice(0, 2000))""", scope)


def plot_src(page, scope: str = "") -> str:
    """``src`` of the explorer's plot image (a blob URL that changes with every new frame), or ''."""
    return page.evaluate("(s) => { const i = document.querySelector(s + ' .krl-app img'); return i ? i.src : ''; }",
                         scope)


def slider(page, label: str, scope: str = ""):
    """Locator of the slider widget whose visible label is ``label``."""
    return page.locator(f"{scope} .krl-app {SLIDER_JS}").filter(
        has=page.locator(".widget-label", has_text=label)).first


def wait_until_stable(page, scope: str = "", quiet_ms: int = 600, timeout_s: float = 30.0) -> str:
    """Wait until the plot image has not changed for ``quiet_ms`` (slider keys re-render once per step)."""
    deadline = time.monotonic() + timeout_s
    last, since = plot_src(page, scope), time.monotonic()
    while time.monotonic() < deadline:
        page.wait_for_timeout(100)
        now = plot_src(page, scope)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_ms / 1000:
            return last
    raise TimeoutError("plot image kept changing")


def install_latency_probe(page, scope: str = "") -> None:
    """Record keydown times and plot-image load times (performance.now(), ms) in the page."""
    page.evaluate("""(s) => {
        window.__krl = {keys: [], loads: []};
        document.addEventListener('keydown', () => window.__krl.keys.push(performance.now()), true);
        // each frame is a new <img>; load events do not bubble, so listen in the capture phase
        document.addEventListener('load', (e) => {
            if (e.target.tagName === 'IMG' && e.target.closest(s + ' .krl-app')) {
                window.__krl.loads.push(performance.now());
            }
        }, true);
    }""", scope)


def keyboard_latencies_ms(page, handle, n: int, scope: str = "") -> list[float]:
    """Time from an ArrowRight/ArrowLeft keydown on a slider handle to the new plot image having loaded."""
    install_latency_probe(page, scope)
    handle.focus()
    latencies = []
    for i in range(n):
        loads_before = page.evaluate("window.__krl.loads.length")
        page.keyboard.press("ArrowRight" if (i // 5) % 2 == 0 else "ArrowLeft")
        page.wait_for_function("(k) => window.__krl.loads.length > k", arg=loads_before, timeout=30_000,
                               polling="raf")
        page.wait_for_timeout(150)    # let any straggling frame arrive before the next key
        key_t, load_t = page.evaluate(f"[window.__krl.keys.at(-1), window.__krl.loads[{loads_before}]]")
        latencies.append(load_t - key_t)
    return latencies


# ---------------------------------------------------------------------------- the route explorer
def dose_box(page, scope: str = ""):
    """Locator of the explorer's typed dose (in the unit shown)."""
    return page.locator(f"{scope} .krl-app .krl-dose-text input").first


def readout_rows(page, scope: str = "") -> dict[str, str]:
    """The explorer's readouts as the learner reads them: label -> value."""
    return page.evaluate("""(s) => { const app = document.querySelector(s + ' .krl-app');
        return Object.fromEntries([...app.querySelectorAll('.krl-readouts tr')].map(
            r => [...r.cells].map(c => c.innerText.trim()))); }""", scope)


def slider_readouts(page, scope: str = "") -> dict[str, str]:
    """Label -> displayed value of every visible slider that shows its value."""
    return page.evaluate("""(s) => Object.fromEntries([...document.querySelector(s + ' .krl-app')
        .querySelectorAll('.widget-hslider')].filter(e => e.offsetParent !== null && e.querySelector('.widget-readout')
                     && getComputedStyle(e.querySelector('.widget-readout')).display !== 'none')
        .map(e => [e.querySelector('.widget-label').innerText.trim(),
                   e.querySelector('.widget-readout').innerText.trim()]))""", scope)


def used_settings(page, scope: str = "") -> dict:
    """What the kernel simulated for the live curve (carried by the plot image as data-krl-settings)."""
    return page.evaluate("""(s) => { const i = document.querySelector(s + ' .krl-app img.krl-plot');
        return i ? JSON.parse(i.dataset.krlSettings) : null; }""", scope)


def plot_signature(page, scope: str = "") -> str:
    """The plot frame and the settings it was drawn for: changes with every change the kernel has drawn."""
    return page.evaluate("""(s) => { const i = document.querySelector(s + ' .krl-app img.krl-plot');
        return i ? i.src + '|' + i.dataset.krlSettings : ''; }""", scope)


def wait_for_new_plot(page, before: str, scope: str = "", timeout_ms: int = 60_000) -> str:
    """Wait until the kernel has drawn a change (frame or settings differ from ``before``, a
    :func:`plot_signature`), then until the frame settles; returns the new signature."""
    page.wait_for_function("""([s, before]) => { const i = document.querySelector(s + ' .krl-app img.krl-plot');
        return i && (i.src + '|' + i.dataset.krlSettings) !== before; }""", arg=[scope, before],
                           timeout=timeout_ms, polling=100)
    wait_until_stable(page, scope, quiet_ms=400)
    return plot_signature(page, scope)


def scroll_explorer_to_top(page, scope: str = "") -> None:
    """Scroll (every scroll container) so that the explorer's top edge is at the top of the view."""
    page.locator(f"{scope} .krl-app").first.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(200)    # let the notebook's windowing render what came into view


def inside_viewport(page, locator) -> bool:
    """True if the element's whole bounding box is inside the page's viewport."""
    box, view = locator.bounding_box(), page.viewport_size
    return (box is not None and box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= view["width"] + 0.5
            and box["y"] + box["height"] <= view["height"] + 0.5)


BARE_DEMO = """import base64
import ipywidgets as widgets
from helpers import explore

# Two real frames of the explorer (same size and PNG encoding), made once before the demo starts.
source = explore()
frames = ["data:image/png;base64," + base64.b64encode(source.png).decode()]
source.controls["dose"].value = 0.55
frames.append("data:image/png;base64," + base64.b64encode(source.png).decode())
del source

dose = widgets.FloatSlider(value=0.5, min=0.05, max=10, step=0.05, description="Dose (mg/kg)")
plot = widgets.HTML(f"<img src='{frames[0]}' width='660' height='390'>")
dose.observe(lambda change: setattr(plot, "value", f"<img src='{frames[int(round(change.new * 20)) % 2]}' "
                                                   "width='660' height='390'>"), "value")
demo = widgets.VBox([dose, plot])
demo.add_class("krl-app")
demo"""


def write_bare_demo(folder: Path) -> Path:
    """A notebook with a bare one-slider ipywidgets demo: a slider swapping two frames of the explorer.

    The baseline for the explorer's browser latency: a keypress, one round trip to the kernel and a new
    image of the same size and kind (two real explorer frames, made before the demo starts), with no
    simulating, drawing or encoding per change. The difference is what the explorer does per change.
    """
    import nbformat
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(BARE_DEMO)]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = Path(folder) / "bare_slider_demo.ipynb"
    nbformat.write(notebook, path)
    return path
