"""`make bench`, browser edition: start-up, bytes and serving figures for the offline site. Printed, never asserted.

    python benchmarks/site_benchmark.py [--site DIR] [--previous DIR] [--rounds 2] [--learners 30]

* build: seconds for ``make site OFFLINE=1`` (download cache as it is), the site's size on disk and on the wire;
* start-up of lesson 01's app view, in headless Chromium on this machine, served by ``make serve-site``'s server
  (helpers.classroom.serve): **first picture** (the lesson's build-time picture on screen), **live explorer**
  (its live plot loaded), **responds** (a key press on the dose slider has redrawn the plot: the kernel has
  finished the notebook and answers), **bytes** on the wire (counted by the server), and each start-up phase
  (kernel socket opened, Python ready, course imported, notebook done). A cold visit is a fresh browser
  profile; a warm one opens the lesson again in the same profile. Every figure for this build and for the
  previous one (--previous; by default the build this benchmark measured last time, kept in
  .site-cache/bench/previous-site), rounds interleaved, since this machine's speed varies from minute to minute;
* the same on a phone (390x844, touch, CPU slowed 4x by Chromium's throttling: a mid-range phone);
* key press -> new plot in the warm app view (median, p95);
* thirty learners opening lesson 01 at the same moment: the requests of one cold visit replayed by 30 clients
  with 6 connections each against ``make serve-site``, and against Python's plain file server (what ``make
  serve-site`` ran before) in the same run: megabytes, wall time until the last learner has every file, errors,
  and what that means on a shared 50 Mbit/s classroom Wi-Fi.

Goals (issue 17): first picture within 2 s cold; live within 8 s cold and 3 s warm; a cold lesson at most 25 MB.
Teaching simulation, not dosing guidance.
"""
from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from browser_support import LAUNCH_ARGS, chromium_path, free_port  # noqa: E402

LESSON = "voici/render/01_route_explorer.html"
PREVIOUS = ROOT / ".site-cache" / "bench" / "previous-site"
DESKTOP = {"viewport": {"width": 1280, "height": 720}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 3}
WIFI_MBIT = 50
LIVE_PLOT = ".jp-Cell-outputWrapper .krl-app img.krl-plot"
PICTURE = ".krl-first-picture img"
PHASE_JS = "() => performance.timeOrigin"


# ----------------------------------------------------------------------------- serving
class CountingServer:
    """``make serve-site``'s application (helpers.classroom.serve.make_app) in a thread, counting the bytes and
    the requests it sends."""

    def __init__(self, site: Path):
        import tornado.web  # noqa: F401  (imported here: the benchmark's other parts do not need it)
        self.site, self.port = site, free_port()
        self.bytes = 0
        self.paths: list[str] = []
        self._ready = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()
        self._ready.wait(10)
        self.base = f"http://127.0.0.1:{self.port}/"

    def _log(self, handler) -> None:
        self.bytes += int(handler._headers.get("Content-Length", 0) or 0)
        self.paths.append(handler.request.uri)

    def _run(self) -> None:
        import tornado.ioloop

        from helpers.classroom.serve import make_app
        asyncio.set_event_loop(asyncio.new_event_loop())
        app = make_app(self.site)
        app.settings["log_function"] = self._log
        app.listen(self.port, address="127.0.0.1")
        self.loop = tornado.ioloop.IOLoop.current()
        self._ready.set()
        self.loop.start()

    def reset(self) -> None:
        self.bytes, self.paths = 0, []


def started_server(command: list[str], port: int) -> subprocess.Popen:
    import urllib.request
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).close()
            return proc
        except OSError as error:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError(f"{command[:3]} did not start") from error
            time.sleep(0.2)


# ----------------------------------------------------------------------------- one visit
def visit(context, server: CountingServer, throttle: int = 1) -> dict:
    """Open the lesson once in ``context``; the figures of that visit (seconds from navigation)."""
    server.reset()
    page = context.new_page()
    phases: dict[str, float] = {}
    def console(message) -> None:
        if message.text.startswith("krl-phase "):       # written by the kernel's start-up file (epoch ms)
            phases.setdefault(message.text.split()[1], float(message.text.split()[2]))
        elif "Starting WebSocket" in message.text:       # JupyterLab's kernel connection (no real socket here)
            phases.setdefault("kernel-socket", time.time() * 1000)
    page.on("console", console)
    if throttle > 1:
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    start = time.monotonic()
    page.goto(server.base + LESSON, wait_until="commit")
    origin = page.evaluate(PHASE_JS)
    figures = {}
    # the first picture, or the live plot if a build has no picture (then "picture" is not reported)
    seen = page.wait_for_function(f"""() => {{
        const shown = s => {{ const i = document.querySelector(s);
            return i && i.complete && i.naturalWidth > 0 && i.getBoundingClientRect().width > 0; }};
        return shown('{PICTURE}') ? 'picture' : shown('{LIVE_PLOT}') ? 'live' : false; }}""",
                                  timeout=240_000, polling=50).json_value()
    figures["picture"] = time.monotonic() - start if seen == "picture" else float("nan")
    page.wait_for_function(f"""() => {{ const i = document.querySelector('{LIVE_PLOT}');
        return i && i.complete && i.naturalWidth > 0; }}""", timeout=240_000, polling=50)
    figures["live"] = time.monotonic() - start
    old = page.evaluate(f"() => document.querySelector('{LIVE_PLOT}').src")
    handle = page.locator(".jp-Cell-outputWrapper .krl-app .widget-slider", has_text="Dose").locator(
        ".noUi-handle").first
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"""(old) => {{ const i = document.querySelector('{LIVE_PLOT}');
        return i && i.src !== old && i.complete; }}""", arg=old, timeout=240_000, polling=50)
    figures["responds"] = time.monotonic() - start
    page.wait_for_function("() => !document.getElementById('loading')", timeout=240_000)
    figures["done"] = time.monotonic() - start
    page.wait_for_timeout(500)
    figures["MB"] = server.bytes / 1e6
    figures["requests"] = len(server.paths)
    for name, at_ms in phases.items():
        figures[name] = (at_ms - origin) / 1000
    figures["paths"] = list(server.paths)
    page.close()
    return figures


def browser(pw, profile: Path, device: dict):
    return pw.chromium.launch_persistent_context(str(profile), executable_path=chromium_path(), args=LAUNCH_ARGS,
                                                 headless=True, service_workers="allow", **device)


def start_up(sites: dict[str, Path], rounds: int, device: dict, throttle: int = 1) -> tuple[dict, list[str]]:
    """Cold then warm visits of each site, rounds interleaved; also the requests of the first cold visit."""
    from playwright.sync_api import sync_playwright
    results = {(name, kind): [] for name in sites for kind in ("cold", "warm")}
    cold_paths: list[str] = []
    servers = {name: CountingServer(site) for name, site in sites.items()}
    with sync_playwright() as pw:
        for _ in range(rounds):
            for name in sites:
                with tempfile.TemporaryDirectory(prefix="krl-bench-profile-") as profile:
                    context = browser(pw, Path(profile), device)
                    try:
                        cold = visit(context, servers[name], throttle)
                        warm = visit(context, servers[name], throttle)
                    finally:
                        context.close()
                if not cold_paths and name == "this build":
                    cold_paths = cold["paths"]
                results[(name, "cold")].append(cold)
                results[(name, "warm")].append(warm)
    return results, cold_paths


COLUMNS = (("picture", "picture s"), ("live", "live s"), ("responds", "responds s"), ("MB", "MB"),
           ("requests", "requests"), ("kernel-socket", "socket"), ("python-ready", "python"),
           ("imported-course", "imports"), ("done", "notebook"))


def print_start_up(title: str, results: dict) -> None:
    print(title)
    print(f"{'build':<16}{'visit':<6}" + "".join(f"{label:>11}" for _, label in COLUMNS))
    for (name, kind), visits in results.items():
        cells = []
        for key, _ in COLUMNS:
            values = [v[key] for v in visits if key in v and v[key] == v[key]]
            cells.append(f"{statistics.median(values):>11.1f}" if values else f"{'-':>11}")
        print(f"{name:<16}{kind:<6}" + "".join(cells))
    print("(medians; picture/live/responds/notebook from navigation; socket/python/imports: start-up phases)\n")


# ----------------------------------------------------------------------------- a class at once
async def one_learner(base: str, paths: list[str], connections: int) -> tuple[int, float, list[str]]:
    import httpx
    errors: list[str] = []
    received = 0
    start = time.monotonic()
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=300,
                                 headers={"Accept-Encoding": "br, gzip"}) as client:
        queue = list(paths)

        async def worker():
            nonlocal received
            while queue:
                path = queue.pop(0)
                try:
                    async with client.stream("GET", path) as response:
                        async for chunk in response.aiter_raw():
                            received += len(chunk)
                        if response.status_code != 200:
                            errors.append(f"{response.status_code} {path[:60]}")
                except httpx.HTTPError as error:
                    errors.append(f"{type(error).__name__} {path[:60]}")
        await asyncio.gather(*(worker() for _ in range(connections)))
    return received, time.monotonic() - start, errors


def a_class_at_once(base: str, paths: list[str], learners: int, connections: int = 6) -> dict:
    async def everyone():
        return await asyncio.gather(*(one_learner(base, paths, connections) for _ in range(learners)))
    start = time.monotonic()
    done = asyncio.run(everyone())
    wall = time.monotonic() - start
    errors = [e for _, _, found in done for e in found]
    return {"MB": sum(b for b, _, _ in done) / 1e6, "wall": wall,
            "median": statistics.median(t for _, t, _ in done), "errors": errors}


def print_class(results: dict[str, dict], learners: int, n_paths: int) -> None:
    print(f"{learners} learners opening lesson 01 at once ({n_paths} requests each, 6 connections each, this "
          "machine's loopback)")
    print(f"{'server':<34}{'MB':>8}{'wall s':>9}{'median s':>10}{'errors':>8}{f'{WIFI_MBIT} Mbit/s Wi-Fi':>20}")
    for name, r in results.items():
        wifi_min = r["MB"] * 8 / WIFI_MBIT / 60
        print(f"{name:<34}{r['MB']:>8.0f}{r['wall']:>9.1f}{r['median']:>10.1f}{len(r['errors']):>8}"
              f"{wifi_min:>16.1f} min")
        for error in r["errors"][:5]:
            print(f"    {error}")
    print("(the Wi-Fi column: the class's bytes over a shared link of that speed, at best)\n")


# ----------------------------------------------------------------------------- main
def size_mb(site: Path, wire: bool = False) -> float:
    total = 0
    for p in site.rglob("*"):
        if not p.is_file() or p.name.endswith((".br", ".gz")):
            continue
        packed = p.with_name(p.name + ".br")
        total += (packed if wire and packed.exists() else p).stat().st_size
    return total / 1e6


def build(out: Path) -> tuple[Path, float]:
    start = time.monotonic()
    subprocess.run(["make", "site", "OFFLINE=1", f"SITE_DIR={out}"], cwd=ROOT, check=True, capture_output=True)
    return out, time.monotonic() - start


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--site", type=Path, help="measure this offline build instead of building one")
    ap.add_argument("--previous", type=Path, default=PREVIOUS, help="the build to compare with (default: the one "
                    "measured last time)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--learners", type=int, default=30)
    ap.add_argument("--no-keep", action="store_true", help="do not keep this build as the next run's previous one")
    args = ap.parse_args(argv)
    print("Browser edition (make site OFFLINE=1): start-up, bytes, a class at once")
    with tempfile.TemporaryDirectory(prefix="krl-bench-site-") as tmp:
        if args.site:
            site = args.site.resolve()
        else:
            site, seconds = build(Path(tmp) / "site")
            print(f"make site OFFLINE=1 (download cache filled): {seconds:.0f} s")
        print(f"this build: {size_mb(site):.1f} MB of files, {size_mb(site, wire=True):.1f} MB as sent "
              "(brotli copies where smaller)")
        sites = {"this build": site}
        if (args.previous / "index.html").exists() and args.previous.resolve() != site:
            sites["previous build"] = args.previous.resolve()
            print(f"previous build ({args.previous}): {size_mb(args.previous):.1f} MB of files")
        else:
            print(f"no previous build in {args.previous}: only this one is measured")
        print()
        desktop, cold_paths = start_up(sites, args.rounds, DESKTOP)
        print_start_up(f"Lesson 01, app view, desktop 1280x720 ({args.rounds} rounds interleaved)", desktop)
        phone, _ = start_up({"this build": site}, 1, PHONE, throttle=4)
        print_start_up("Lesson 01, app view, phone 390x844, touch, CPU 4x slower (1 round)", phone)
        keypresses(site)
        port = free_port()
        ours = started_server([sys.executable, "-m", "helpers.classroom.serve", "--site", str(site), "--port",
                               str(port)], port)
        peer_port = free_port()
        peer = started_server([sys.executable, "-m", "http.server", str(peer_port), "--bind", "127.0.0.1",
                               "--directory", str(site)], peer_port)
        try:
            results = {"make serve-site (tornado, brotli)": a_class_at_once(f"http://127.0.0.1:{port}", cold_paths,
                                                                            args.learners),
                       "python -m http.server (before)": a_class_at_once(f"http://127.0.0.1:{peer_port}",
                                                                         cold_paths, args.learners)}
        finally:
            ours.terminate()
            peer.terminate()
        print_class(results, args.learners, len(cold_paths))
        if not args.no_keep:
            if PREVIOUS.exists():
                shutil.rmtree(PREVIOUS)
            PREVIOUS.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(site, PREVIOUS)
            print(f"this build kept in {PREVIOUS} for the next run's comparison")


def keypresses(site: Path, presses: int = 20) -> None:
    """Key presses on the dose slider of the warm, live app view: key down -> new plot loaded (ms)."""
    from playwright.sync_api import sync_playwright
    server = CountingServer(site)
    with sync_playwright() as pw, tempfile.TemporaryDirectory(prefix="krl-bench-profile-") as profile:
        context = browser(pw, Path(profile), DESKTOP)
        visit(context, server)
        page = context.new_page()
        page.goto(server.base + LESSON)
        page.wait_for_function("() => !document.getElementById('loading')", timeout=240_000)
        handle = page.locator(".jp-Cell-outputWrapper .krl-app .widget-slider", has_text="Dose").locator(
            ".noUi-handle").first
        handle.focus()
        times = []
        for i in range(presses):
            old = page.evaluate(f"() => document.querySelector('{LIVE_PLOT}').src")
            start = time.monotonic()
            page.keyboard.press("ArrowRight" if (i // 5) % 2 == 0 else "ArrowLeft")
            try:
                page.wait_for_function(f"""(old) => {{ const i = document.querySelector('{LIVE_PLOT}');
                    return i && i.src !== old && i.complete; }}""", arg=old, timeout=30_000, polling=10)
                times.append((time.monotonic() - start) * 1000)
            except Exception:  # noqa: BLE001 - a lost frame is reported as a missing value
                pass
            page.wait_for_timeout(150)
        context.close()
    if times:
        ordered = sorted(times)
        print(f"Key press on the dose slider -> new plot, warm app view ({presses} keys): median "
              f"{statistics.median(times):.0f} ms, p95 {ordered[int(0.95 * (len(ordered) - 1))]:.0f} ms, "
              f"{presses - len(times)} lost\n")


if __name__ == "__main__":
    main()
