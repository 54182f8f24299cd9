"""`make bench`: speed figures, printed side by side. Never asserted in the test suite.

Sections (each can be run alone: python benchmarks/run_benchmarks.py engine):
  engine    one 24-hour simulation on a 1-minute grid: closed form vs scipy solve_ivp (LSODA)
  explorer  random control changes through the explorer (headless) vs the naive interact pattern
  population  1000 simulated patients x 24 h on a 1-minute grid (variability bands)
  limits    the slowest calls LIMITS allows (most doses, most grid points), with their norketamine and
            effect-site curves (the README promises under a second)
  browser   keypress on the dose slider -> new plot image loaded, in Chromium (JupyterLab and Voila),
            for the explorer and for a bare one-slider ipywidgets demo
"""
from __future__ import annotations

import statistics
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp

from helpers import MODELS, ROUTES, simulate


def median_us(func, repeats: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        func()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def _ode_for(route: str, dose_mg: float, weight_kg: float):
    """The same model as plain ODEs (one depot per pathway, then 3 compartments, then the venous delay)."""
    from helpers import BLOOD_SITE_NUMBERS
    k_venous = BLOOD_SITE_NUMBERS["venous.arterial_to_venous_per_min"].value
    volumes, clearance, flows = MODELS["kamp2020"].scaled(weight_kg)
    pathways = ROUTES[route].pathways()
    n = len(pathways)
    k10 = clearance / volumes[0]
    k1p, kp1 = flows / volumes[0], flows / volumes[1:]

    def rhs(t, x):
        dx = np.zeros_like(x)
        central = x[n]
        for d, p in enumerate(pathways):
            tau = t - p.lag_min
            rate_in = dose_mg * p.share / p.release_min if p.release_min > 0 and 0 <= tau < p.release_min else 0.0
            if p.ka_per_min is None:
                dx[n] += rate_in
            else:
                dx[d] = rate_in - p.ka_per_min * x[d]
                dx[n] += p.availability * p.ka_per_min * x[d]
        dx[n] += -(k10 + k1p.sum()) * central + (kp1 * x[n + 1:-1]).sum()
        dx[n + 1:-1] = k1p * central - kp1 * x[n + 1:-1]
        dx[-1] = k_venous * (central / volumes[0] * 1000.0 - x[-1])      # venous ng/mL follows arterial
        return dx

    x0 = np.zeros(n + len(volumes) + 1)
    for d, p in enumerate(pathways):
        if p.release_min == 0:
            x0[n if p.ka_per_min is None else d] += dose_mg * p.share
    return rhs, x0, n, volumes[0]


def bench_engine() -> None:
    t_eval = np.arange(0.0, 1441.0)
    print("Engine: one 24-hour simulation, 1-minute grid (1441 points), 70 kg, Kamp 2020; arterial and venous")
    print(f"{'route':<15}{'closed, arterial (us)':>22}{'closed, venous (us)':>21}{'LSODA (us)':>12}"
          f"{'ratio art.':>11}{'ratio ven.':>11}{'max rel diff':>14}")
    ratios = {"arterial": [], "venous": []}
    for route in ("iv_bolus", "iv_infusion", "intramuscular", "intranasal", "sublingual", "oral", "rectal"):
        dose = 35.0
        closed = {site: median_us(lambda: simulate(route, dose_mg=dose, weight_kg=70.0, t_end_min=1440, dt_min=1.0,
                                                   sampling_site=site), 200) for site in ratios}
        rhs, x0, central, v1 = _ode_for(route, dose, 70.0)

        def run_ode():
            return solve_ivp(rhs, (0.0, 1440.0), x0, method="LSODA", t_eval=t_eval, rtol=1e-8, atol=1e-10)
        ode = median_us(run_ode, 7, warmup=1)
        solution = run_ode().y
        worst = 0.0
        for site, reference in (("arterial", solution[central] / v1 * 1000.0), ("venous", solution[-1])):
            ours = simulate(route, dose_mg=dose, weight_kg=70.0, t_end_min=1440, sampling_site=site).conc_ng_ml
            worst = max(worst, np.max(np.abs(ours - reference)) / reference.max())
            ratios[site].append(ode / closed[site])
        print(f"{route:<15}{closed['arterial']:>22.0f}{closed['venous']:>21.0f}{ode:>12.0f}"
              f"{ode / closed['arterial']:>10.0f}x{ode / closed['venous']:>10.0f}x{worst:>14.1e}")
    print(f"median speed-up over solve_ivp (one ODE system computing both bloods): arterial "
          f"{statistics.median(ratios['arterial']):.0f}x, venous {statistics.median(ratios['venous']):.0f}x "
          "(goal: at least 100x)\n")


def _percentiles(values) -> tuple[float, float, float]:
    ordered = sorted(values)
    return (statistics.median(ordered), ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))],
            ordered[-1])


def random_change(app, rng):
    """One control change of the kind a student makes, chosen at random: mostly dose and weight steps, then
    route, window, unit, schedule and display options, a pin now and then. Rescales happen as they come."""
    from helpers.explorer.settings import DOSE_LADDERS, WINDOW_OPTIONS_H

    c, state = app.controls, app.state
    shown = lambda name: c[name].layout.display != "none" and not c[name].disabled

    def step(name, k=3):
        w = c[name]
        return name, min(max(w.value + rng.choice([-k, -2, -1, 1, 2, k]) * w.step, w.min), w.max)

    r = rng.random()
    if r < 0.35:
        name = "dose_slider" if state["dose_unit"] == "mg_per_kg" else "dose_mg_slider"
        if shown(name):
            rungs = list(DOSE_LADDERS["mg_per_kg" if name == "dose_slider" else "mg"])
            i = rungs.index(c[name].value) + rng.choice([-3, -2, -1, 1, 2, 3])
            return name, rungs[min(max(i, 0), len(rungs) - 1)]
        return step("weight", 5)
    if r < 0.50:
        return step("weight", 5)
    if r < 0.60:
        return "route", rng.choice([key for key in ROUTES if key != state["route"]])
    if r < 0.68:
        return "window_h", rng.choice(WINDOW_OPTIONS_H)
    if r < 0.72:
        return "dose_unit", "mg" if state["dose_unit"] == "mg_per_kg" else "mg_per_kg"
    if r < 0.82:
        options = [n for n in ("infusion_min", "n_doses", "interval_h", "swallowed_fraction") if shown(n)]
        return step(rng.choice(options)) if options else step("weight", 5)
    if r < 0.86:
        return "log_scale", not state["log_scale"]
    if r < 0.90:
        return "norketamine", not state["norketamine"]
    if r < 0.94:
        return "effect_site", not state["effect_site"]
    if r < 0.97:
        return "sampling_site", "arterial" if state["sampling_site"] == "venous" else "venous"
    return ("pin", None) if r < 0.99 else ("clear_pins", None)


def _explorer_run(n: int, seed: int, **start) -> tuple[list[float], list[float], list[float]]:
    """Times (ms) of ``n`` random changes, all and split into those that drew a new background or not."""
    import random

    from helpers import explore

    app = explore(**start)
    rng = random.Random(seed)
    times, rescaled, kept = [], [], []
    for _ in range(n):
        name, value = random_change(app, rng)
        key = app.canvas.background_key
        t0 = time.perf_counter()
        if value is None:
            app.controls[name].click()
        else:
            app.controls[name].value = value
        elapsed = (time.perf_counter() - t0) * 1000
        times.append(elapsed)
        (rescaled if app.canvas.background_key != key else kept).append(elapsed)
    return times, rescaled, kept


def bench_explorer(n: int = 1000) -> None:
    import io
    import os
    import random

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers import explore, shade_effect_ranges

    print(f"Explorer: {n} random control changes (the mix a student makes, rescales included), each re-simulated,")
    print("drawn and PNG-encoded in the kernel (headless), ms; machine load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'':<44}{'median':>8}{'p95':>8}{'max':>8}{'n':>7}")
    times, rescaled, kept = _explorer_run(n, seed=1)
    band_times, _, _ = _explorer_run(max(n // 2, 50), seed=2, variability=True)
    for label, values in (("random changes", times), ("  of which the axes changed", rescaled),
                          ("  of which the axes stayed", kept), ("random changes, variability bands on", band_times)):
        if values:
            median, p95, worst = _percentiles(values)
            print(f"{label:<44}{median:>8.1f}{p95:>8.1f}{worst:>8.1f}{len(values):>7}")

    app, rng = explore(), random.Random(3)

    def naive_redraw():
        """What `interact` with the inline backend does per change: new figure, plot, tight PNG."""
        name, value = random_change(app, rng)
        if value is not None:
            app.controls[name].value = value
        sim = app.simulation
        fig, ax = plt.subplots(figsize=(8, 4.6))
        shade_effect_ranges(ax)
        ax.plot(sim.t_min / 60, sim.conc_ng_ml, lw=2.4)
        ax.set_xlabel("Time after first dose (h)")
        ax.set_ylabel("Plasma ketamine (ng/mL)")
        ax.set_title(app.describe())
        fig.savefig(io.BytesIO(), format="png", bbox_inches="tight")
        plt.close(fig)

    naive = []
    for _ in range(60):
        t0 = time.perf_counter()
        naive_redraw()
        naive.append((time.perf_counter() - t0) * 1000)
    median, p95, worst = _percentiles(naive)
    print(f"{'naive interact (new figure + tight PNG)':<44}{median:>8.1f}{p95:>8.1f}{worst:>8.1f}{len(naive):>7}")
    print("goal: random changes median <= 10 ms and p95 <= 25 ms; with bands median <= 15 ms\n")


def bench_population() -> None:
    from helpers import simulate_population

    print("Population: 1000 patients x 24 h, 1-minute grid (1000 x 1441), 70 kg, Kamp 2020, median of 15")
    print(f"{'route':<15}{'2 threads (ms)':>16}{'1 thread (ms)':>15}")
    worst = 0.0
    for route in ("iv_bolus", "iv_infusion", "intramuscular", "intranasal", "sublingual", "oral", "rectal"):
        two = median_us(lambda: simulate_population(route, 35.0, 70.0, n_patients=1000, t_end_min=1440), 15) / 1000
        one = median_us(lambda: simulate_population(route, 35.0, 70.0, n_patients=1000, t_end_min=1440,
                                                    threads=1), 9) / 1000
        worst = max(worst, two)
        print(f"{route:<15}{two:>16.1f}{one:>15.1f}")
    print(f"slowest route: {worst:.1f} ms (goal: at most 50 ms)\n")


def bench_limits() -> None:
    from helpers import LIMITS, simulate_population
    from helpers.model.simulation import MAX_WORK

    t_end = LIMITS["t_end_min"][1]
    points = LIMITS["grid points"][1]
    calls = {
        "1000 sublingual doses (2 pathways), MAX_WORK": dict(route="sublingual", dose_mg=10, n_doses=1000,
                                                             interval_min=20, t_end_min=t_end,
                                                             dt_min=t_end / (MAX_WORK // 2000 - 1)),
        "one oral dose, most grid points": dict(route="oral", dose_mg=10, t_end_min=t_end, dt_min=t_end / (points - 1)),
        "2 sublingual doses, most grid points": dict(route="sublingual", dose_mg=10, n_doses=2, interval_min=60,
                                                     t_end_min=t_end, dt_min=t_end / (points - 1)),
    }
    print("Limits: the slowest valid calls, venous blood, median of 3 (s)")
    print(f"{'call':<48}{'simulate':>10}{'norketamine':>13}{'effect site':>13}")
    for label, kwargs in calls.items():
        sim_s = median_us(lambda: simulate(**kwargs, sampling_site="venous"), 3, warmup=0) / 1e6
        sim = simulate(**kwargs, sampling_site="venous")
        nk_s = median_us(lambda: simulate(**kwargs, sampling_site="venous").norketamine_ng_ml, 3, warmup=0) / 1e6
        effect_s = median_us(lambda: simulate(**kwargs, sampling_site="venous").effect_site_ng_ml, 3, warmup=0) / 1e6
        del sim
        print(f"{label:<48}{sim_s:>10.2f}{nk_s - sim_s:>13.2f}{effect_s - sim_s:>13.2f}")
    population = median_us(lambda: simulate_population("sublingual", 10, 70, seed=0, n_patients=2000, n_doses=37,
                                                       interval_min=60, t_end_min=10000, dt_min=10.0), 3) / 1e6
    print(f"{'population: 2000 patients x 1001 points x 74 inputs':<48}{population:>10.2f}")
    print("promise (README): every valid call under 1 s\n")


EXPLORER_ONLY = "from helpers import explore\nexplore(route='iv_infusion', dose_mg_per_kg=0.5, weight_kg=70)"


def bench_browser(changes: int = 40) -> None:
    """Browser latency: keydown on the dose slider handle to the new plot <img> having loaded, for the explorer
    and for a bare one-slider ipywidgets demo (a slider swapping two plot-sized images), in the same run."""
    import os
    import tempfile
    from pathlib import Path

    import nbformat
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import browser_support as bs

    folder = Path(tempfile.mkdtemp(prefix="krl-bench-"))
    bs.write_bare_demo(folder)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(EXPLORER_ONLY)]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, folder / "explorer_only.ipynb")
    results = {}
    rounds = 4

    def interleaved(where, pages):
        """Both pages open at once; blocks of keypresses alternate, so load on the machine hits both alike."""
        handles = {name: bs.slider(page, "Dose (mg/kg)", scope).locator(".noUi-handle")
                   for name, (page, scope) in pages.items()}
        for _ in range(rounds):
            for name, (page, scope) in pages.items():
                page.bring_to_front()
                bs.wait_until_stable(page, scope)
                results.setdefault((where, name), []).extend(
                    bs.keyboard_latencies_ms(page, handles[name], changes // rounds, scope))

    names = ("bare_slider_demo", "explorer_only")
    with bs.chromium() as browser:
        with bs.jupyter_lab(folder) as (base, token):
            pages = {}
            for name in names:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(f"{base}/lab/tree/{name}.ipynb?reset&token={token}")
                bs.run_all_cells(page)
                page.locator(f"{bs.PANEL} .krl-app img").first.wait_for(state="visible", timeout=120_000)
                pages[name] = (page, bs.PANEL)
            interleaved("JupyterLab", pages)
            for page, _ in pages.values():
                page.close()
        with bs.voila(folder) as base:
            pages = {}
            for name in names:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(f"{base}/voila/render/{name}.ipynb", timeout=120_000)
                page.locator(".krl-app img").first.wait_for(state="visible", timeout=120_000)
                pages[name] = (page, "")
            interleaved("Voila", pages)
            for page, _ in pages.values():
                page.close()
    print(f"Browser: keypress on the dose slider -> new plot image loaded (Chromium, {changes} changes each, in "
          f"{rounds} interleaved blocks, ms; load average {os.getloadavg()[0]:.1f})")
    print(f"{'where':<12}{'what':<22}{'median':>8}{'p95':>8}{'min':>8}{'max':>8}")
    for where in ("JupyterLab", "Voila"):
        for name, label in (("bare_slider_demo", "bare one-slider demo"), ("explorer_only", "route explorer")):
            values = sorted(results[(where, name)])
            median, p95, worst = _percentiles(values)
            print(f"{where:<12}{label:<22}{median:>8.0f}{p95:>8.0f}{values[0]:>8.0f}{worst:>8.0f}")
        ratio = statistics.median(results[(where, "explorer_only")]) / statistics.median(
            results[(where, "bare_slider_demo")])
        print(f"{where:<12}{'explorer / bare demo':<22}{ratio:>8.2f}")
    print("goal: the explorer's median within 25% of the bare demo's (ratio <= 1.25)\n")


SECTIONS = {"engine": bench_engine, "explorer": bench_explorer, "population": bench_population,
            "limits": bench_limits, "browser": bench_browser}

if __name__ == "__main__":
    chosen = sys.argv[1:] or list(SECTIONS)
    for name in chosen:
        SECTIONS[name]()
