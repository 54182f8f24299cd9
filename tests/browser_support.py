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
import urllib.request
from contextlib import contextmanager
from pathlib import Path

__all__ = ["ROOT", "NOTEBOOK_DIR", "ARTIFACT_DIR", "LAUNCH_ARGS", "PANEL", "chromium_path", "free_port",
           "jupyter_lab", "stop_kernels", "voila", "chromium", "run_all_cells", "error_outputs", "plot_src", "slider",
           "wait_until_stable", "install_latency_probe", "keyboard_latencies_ms", "SLIDER_JS"]

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
           f"--ServerApp.token={TOKEN}", f"--ServerApp.root_dir={root_dir}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    with _server(cmd, f"/api/status?token={TOKEN}", port, "lab") as base:
        yield base, TOKEN


def stop_kernels(base: str, token: str) -> None:
    """Shut down every kernel of a JupyterLab server (closing a tab leaves its kernel running)."""
    with urllib.request.urlopen(f"{base}/api/kernels?token={token}", timeout=10) as response:
        kernels = json.load(response)
    for kernel in kernels:
        request = urllib.request.Request(f"{base}/api/kernels/{kernel['id']}?token={token}", method="DELETE")
        urllib.request.urlopen(request, timeout=30).close()


@contextmanager
def voila(root_dir: Path = NOTEBOOK_DIR):
    """Voila in tree mode over ``root_dir`` on a free port (the same command as ``make app``); yields the base URL."""
    port = free_port()
    cmd = [sys.executable, "-m", "voila", str(root_dir), "--no-browser", f"--port={port}",
           "--Voila.ip=127.0.0.1", "--classic-tree"]
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
_ALL_CELLS_RAN_JS = """(panel) => {
    const p = document.querySelector(panel); if (!p) return false;
    const prompts = [...p.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
    if (p.querySelector('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
        return true;   // an error stops Run All: report it instead of waiting
    return prompts.length > 0 && prompts.every(e => /\\[\\d+\\]/.test(e.textContent));
}"""
_ANY_CELL_STARTED_JS = """(panel) => {
    const p = document.querySelector(panel); if (!p) return false;
    return [...p.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].some(e => /\\[(\\d+|\\*)\\]/.test(e.textContent));
}"""


def run_all_cells(page, timeout_ms: int = 120_000, attempts: int = 3) -> None:
    """Run > Run All Cells in the visible notebook and wait until every code cell has an execution count.

    On a loaded machine a Run All clicked while the kernel is still starting can be dropped
    (the cells stay at ``[ ]``); the click is then repeated, up to ``attempts`` times.
    """
    page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=60_000)
    for attempt in range(attempts):
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        try:
            page.wait_for_function(_ANY_CELL_STARTED_JS, arg=PANEL, timeout=30_000, polling=250)
            break
        except Exception:   # playwright's TimeoutError: nothing started; click again
            if attempt == attempts - 1:
                raise
    page.wait_for_function(_ALL_CELLS_RAN_JS, arg=PANEL, timeout=timeout_ms, polling=250)


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
