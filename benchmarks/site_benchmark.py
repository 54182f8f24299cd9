"""`make bench`, browser edition: figures for the JupyterLite site (make site). Printed, never asserted.

    python benchmarks/site_benchmark.py [--site DIR] [--cold-cache] [--presses 30]

* build: seconds for ``make site OFFLINE=1`` (download cache .site-cache/ as it is; --cold-cache also times a
  build from an empty cache, which downloads about 85 MB) and for ``make site`` (Pyodide from the CDN);
* site size of both (MB, files), and the largest parts of the offline site;
* time from page load to the route explorer's first plot on screen, in headless Chromium on 127.0.0.1:
  app view (Voici) and notebook view (Run All pressed as soon as the menu allows), cold (a fresh browser
  profile) and warm (the same profile, page reloaded);
* keypress-to-new-plot latency in the browser kernel: ArrowRight/ArrowLeft on the dose slider, from the
  keydown to the load of the new plot image, one key at a time (median, p95), app view and notebook view.

--compare N also builds the site with other tools/build_site.py arguments (--variant, repeatable; default
--no-warm-imports; e.g. --variant=--no-pyc) and times the cold first plot of each build, N rounds interleaved
(the machine's load changes from minute to minute); --compare-only skips the other figures.

Goals (issue 11): first plot within 20 s cold on the 2-core CI machine; slider changes within 150 ms median.
With --site DIR an existing offline build is measured instead of building one.
Teaching simulation, not dosing guidance.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import test_site as ts  # noqa: E402  (the test's own build, server, browser and wait helpers: the same method)

APP = "voici/render/01_route_explorer.html"
NOTEBOOK = "notebooks/index.html?path=01_route_explorer.ipynb"

# keydown (capture phase) -> load of the next <img> inside the explorer, in page time (performance.now)
PROBE_JS = """
(() => {
  if (window.__krl) { return; }
  window.__krl = {lastKey: null, latencies: []};
  document.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') { window.__krl.lastKey = performance.now(); }
  }, true);
  document.addEventListener('load', (e) => {
    const t = e.target;
    if (t && t.tagName === 'IMG' && t.closest && t.closest('.krl-app') && window.__krl.lastKey !== null) {
      window.__krl.latencies.push(performance.now() - window.__krl.lastKey);
      window.__krl.lastKey = null;
    }
  }, true);
})();
"""


def size(site: Path) -> tuple[float, int]:
    files = [p for p in site.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6, len(files)


def parts(site: Path) -> str:
    out = []
    for sub in ("static/pyodide", "build", "voici", "extensions", "pypi"):
        mb, _ = size(site / sub) if (site / sub).exists() else (0.0, 0)
        out.append(f"{sub} {mb:.1f}")
    return ", ".join(out)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def open_to_first_plot(page, base: str, notebook_view: bool, site: Path, reload: bool = False) -> float:
    start = time.monotonic()
    if reload:
        page.reload()
    else:
        page.goto(base + (NOTEBOOK if notebook_view else APP))
    if notebook_view:
        ts.run_all(page, ts.code_cells(site, "01_route_explorer.ipynb"))
    ts.wait_plot(page)
    return time.monotonic() - start


def latencies(page, presses: int) -> list[float]:
    handle = page.locator(".krl-app").first.locator(".widget-slider", has_text="Dose").locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    page.evaluate("() => { window.__krl.latencies = []; window.__krl.lastKey = null; }")
    for i in range(presses):
        n = page.evaluate("() => window.__krl.latencies.length")
        page.keyboard.press("ArrowRight" if (i // 5) % 2 == 0 else "ArrowLeft")
        try:
            page.wait_for_function("(n) => window.__krl.latencies.length > n", arg=n, timeout=30_000, polling=10)
        except Exception:  # noqa: BLE001 - a lost frame is reported as a missing value
            page.evaluate("() => { window.__krl.lastKey = null; }")
        page.wait_for_timeout(150)     # let a straggling frame arrive before the next key
    return page.evaluate("() => window.__krl.latencies")


def measure(site: Path, presses: int) -> None:
    network = ts.Network()
    rows, lat = {}, {}
    with ts.serve(site) as base:
        for view, notebook_view in (("app view", False), ("notebook view", True)):
            with tempfile.TemporaryDirectory(prefix="krl-bench-profile-") as profile, \
                    ts.browser_context(network, Path(profile)) as context:
                context.add_init_script(PROBE_JS)
                page = context.new_page()
                cold = open_to_first_plot(page, base, notebook_view, site)
                warm = open_to_first_plot(page, base, notebook_view, site, reload=True)
                rows[view] = (cold, warm)
                ts.wait_plot(page)
                lat[view] = latencies(page, presses)
                page.close()
    print("Time from page load to the explorer's first plot (s; Chromium, site on 127.0.0.1, goal: 20 s cold)")
    print(f"{'view':<16}{'cold':>8}{'warm':>8}")
    for view, (cold, warm) in rows.items():
        print(f"{view:<16}{cold:>8.1f}{warm:>8.1f}")
    print(f"\nKeypress on the dose slider -> new plot loaded, browser kernel ({presses} keys, ms; goal: median 150)")
    print(f"{'view':<16}{'median':>8}{'p95':>8}{'min':>8}{'max':>8}{'lost':>6}")
    for view, values in lat.items():
        if values:
            print(f"{view:<16}{statistics.median(values):>8.0f}{percentile(values, 0.95):>8.0f}"
                  f"{min(values):>8.0f}{max(values):>8.0f}{presses - len(values):>6}")
        else:
            print(f"{view:<16}  no frame measured")
    print(f"\n{network.requests} requests, {len(network.external)} left localhost (aborted)\n")


def compare(sites: dict[str, Path], rounds: int) -> None:
    """Cold first plot (fresh profile) of each site, both views, rounds interleaved."""
    network = ts.Network()
    times = {(name, view): [] for name in sites for view in ("app view", "notebook view")}
    for _ in range(rounds):
        for name, site in sites.items():
            with ts.serve(site) as base:
                for view in ("app view", "notebook view"):
                    with tempfile.TemporaryDirectory(prefix="krl-bench-profile-") as profile, \
                            ts.browser_context(network, Path(profile)) as context:
                        page = context.new_page()
                        times[(name, view)].append(open_to_first_plot(page, base, view == "notebook view", site))
                        page.close()
    print(f"Cold first plot, {rounds} rounds interleaved (s, median; every value)")
    for (name, view), values in times.items():
        print(f"{name:<28}{view:<16}{statistics.median(values):>8.1f}   {', '.join(f'{v:.1f}' for v in values)}",
              flush=True)
    print()


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--site", type=Path, help="measure this offline build instead of building one")
    ap.add_argument("--cold-cache", action="store_true", help="also time a build from an empty download cache")
    ap.add_argument("--presses", type=int, default=30)
    ap.add_argument("--compare", type=int, default=0, metavar="N",
                    help="also time the cold first plot of other builds (--variant), N rounds interleaved")
    ap.add_argument("--variant", action="append", metavar="ARGS",
                    help="build_site.py arguments of a build to compare with the default (repeatable; "
                         "default --no-warm-imports); write --variant=--no-pyc")
    ap.add_argument("--compare-only", action="store_true",
                    help="with --compare: skip the single-site figures (cold/warm, slider latency)")
    args = ap.parse_args(argv)
    print("Browser edition (make site): build, size, start-up and slider latency")
    with tempfile.TemporaryDirectory(prefix="krl-bench-site-") as tmp:
        tmp = Path(tmp)
        if args.site:
            site = args.site.resolve()
        else:
            if args.cold_cache:
                _, cold_s, _ = ts.make_site(tmp / "cold", offline=True, extra=[f"SITE_CACHE={tmp / 'cache'}"])
                print(f"make site OFFLINE=1, empty download cache: {cold_s:.1f} s")
            site, warm_s, _ = ts.make_site(tmp / "site", offline=True)
            print(f"make site OFFLINE=1, filled download cache: {warm_s:.1f} s (wheel included)")
            cdn, cdn_s, _ = ts.make_site(tmp / "cdn", offline=False)
            mb, n = size(cdn)
            print(f"make site (Pyodide from the CDN): {cdn_s:.1f} s; site {mb:.1f} MB in {n} files")
        mb, n = size(site)
        print(f"offline site: {mb:.1f} MB in {n} files ({parts(site)} MB)\n")
        if not args.compare_only:
            measure(site, args.presses)
        if args.compare:
            wheel = next((ROOT / "dist").glob("ketamine_routes_lab-*.whl"))
            sites = {"default build": site}
            for i, variant in enumerate(args.variant or ["--no-warm-imports"]):
                other = tmp / f"variant-{i}"
                subprocess.run([str(ts.SITE_PYTHON), str(ROOT / "tools" / "build_site.py"), "--offline", "--wheel",
                                str(wheel), "--out", str(other), "--cache", str(ROOT / ".site-cache"),
                                *variant.split()], check=True, capture_output=True, cwd=ROOT)
                sites[variant] = other
            compare(sites, args.compare)


if __name__ == "__main__":
    main()
