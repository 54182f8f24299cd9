"""`make bench`: speed figures, printed side by side. Never asserted in the test suite.

Sections (each can be run alone: python benchmarks/run_benchmarks.py engine):
  engine    one 24-hour simulation on a 1-minute grid: closed form vs scipy solve_ivp (LSODA)
  explorer  one control change through a rendered figure (headless Agg) vs the naive interact pattern
  population  1000 simulated patients x 24 h on a 1-minute grid (variability bands)
  browser   keypress on the dose slider -> new plot image loaded, in Chromium (JupyterLab and Voila)
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
    """The same model as plain ODEs (one depot per pathway, then 3 compartments)."""
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
        dx[n] += -(k10 + k1p.sum()) * central + (kp1 * x[n + 1:]).sum()
        dx[n + 1:] = k1p * central - kp1 * x[n + 1:]
        return dx

    x0 = np.zeros(n + len(volumes))
    for d, p in enumerate(pathways):
        if p.release_min == 0:
            x0[n if p.ka_per_min is None else d] += dose_mg * p.share
    return rhs, x0, n, volumes[0]


def bench_engine() -> None:
    t_eval = np.arange(0.0, 1441.0)
    print("Engine: one 24-hour simulation, 1-minute grid (1441 points), 70 kg, Kamp 2020")
    print(f"{'route':<15}{'closed form (us)':>18}{'solve_ivp LSODA (us)':>22}{'ratio':>9}{'max rel diff':>14}")
    ratios = []
    for route in ("iv_bolus", "iv_infusion", "intramuscular", "intranasal", "sublingual", "oral", "rectal"):
        dose = 35.0
        closed = median_us(lambda: simulate(route, dose_mg=dose, weight_kg=70.0, t_end_min=1440, dt_min=1.0), 200)
        rhs, x0, central, v1 = _ode_for(route, dose, 70.0)

        def run_ode():
            return solve_ivp(rhs, (0.0, 1440.0), x0, method="LSODA", t_eval=t_eval, rtol=1e-8, atol=1e-10)
        ode = median_us(run_ode, 7, warmup=1)
        reference = run_ode().y[central] / v1 * 1000.0
        ours = simulate(route, dose_mg=dose, weight_kg=70.0, t_end_min=1440).conc_ng_ml
        rel = np.max(np.abs(ours - reference)) / reference.max()
        ratios.append(ode / closed)
        print(f"{route:<15}{closed:>18.0f}{ode:>22.0f}{ode / closed:>8.0f}x{rel:>14.1e}")
    print(f"median speed-up over solve_ivp: {statistics.median(ratios):.0f}x (goal: at least 100x)\n")


def bench_explorer() -> None:
    import io

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers import explore
    from helpers.plotting import shade_effect_ranges

    app = explore(route="iv_infusion", dose_mg_per_kg=0.5, weight_kg=70)
    doses = [0.40, 0.45, 0.50, 0.55, 0.50, 0.45]
    weights = [60.0, 65.0, 70.0, 75.0, 70.0, 65.0]
    cycle = iter(range(10**9))

    def change_dose():
        i = next(cycle)
        app.controls["dose"].value = doses[i % len(doses)]

    def change_weight():
        i = next(cycle)
        app.controls["weight"].value = weights[i % len(weights)]

    def naive_redraw():
        """What `interact` with the inline backend does per change: new figure, plot, tight PNG."""
        i = next(cycle)
        sim = simulate("iv_infusion", dose_mg=doses[i % len(doses)] * 70, weight_kg=70, t_end_min=480,
                       dt_min=0.4)
        fig, ax = plt.subplots(figsize=(8, 4.6))
        shade_effect_ranges(ax)
        ax.plot(sim.t_min / 60, sim.conc_ng_ml, lw=2.4)
        ax.set_xlabel("Time after first dose (h)")
        ax.set_ylabel("Plasma ketamine (ng/mL)")
        ax.set_title(f"IV infusion {sim.dose_mg:.3g} mg")
        fig.savefig(io.BytesIO(), format="png", bbox_inches="tight")
        plt.close(fig)

    dose_ms = median_us(change_dose, 60) / 1000
    weight_ms = median_us(change_weight, 60) / 1000
    naive_ms = median_us(naive_redraw, 30) / 1000
    print("Explorer: one control change, re-simulated, drawn and PNG-encoded (headless Agg), median of 60")
    print(f"{'dose slider change':<40}{dose_ms:>8.1f} ms")
    print(f"{'weight slider change':<40}{weight_ms:>8.1f} ms")
    print(f"{'naive interact (new figure + tight PNG)':<40}{naive_ms:>8.1f} ms")
    print(f"speed-up over the naive pattern: {naive_ms / max(dose_ms, weight_ms):.1f}x "
          f"(goal: at most 20 ms and at least 3x)\n")


def bench_population() -> None:
    from helpers.population import simulate_population

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


def bench_browser(changes: int = 40) -> None:
    """Browser latency: keydown on the dose slider handle to the new plot <img> having loaded."""
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import browser_support as bs

    def report(where, latencies):
        ordered = sorted(latencies)
        p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
        print(f"{where:<12}{statistics.median(latencies):>10.0f}{p95:>10.0f}{ordered[0]:>8.0f}{ordered[-1]:>8.0f}")

    print(f"Browser: keypress on the dose slider -> new plot image loaded (Chromium, {changes} changes, ms)")
    print(f"{'where':<12}{'median':>10}{'p95':>10}{'min':>8}{'max':>8}")
    with bs.chromium() as browser:
        with bs.jupyter_lab() as (base, token):
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{base}/lab/tree/01_route_explorer.ipynb?reset&token={token}")
            bs.run_all_cells(page)
            bs.wait_until_stable(page, bs.PANEL)
            handle = bs.slider(page, "Dose (mg/kg)", bs.PANEL).locator(".noUi-handle")
            report("JupyterLab", bs.keyboard_latencies_ms(page, handle, changes, bs.PANEL))
            page.close()
        with bs.voila() as base:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{base}/voila/render/01_route_explorer.ipynb", timeout=120_000)
            page.locator(".krl-app img").first.wait_for(state="visible", timeout=120_000)
            bs.wait_until_stable(page)
            handle = bs.slider(page, "Dose (mg/kg)").locator(".noUi-handle")
            report("Voila", bs.keyboard_latencies_ms(page, handle, changes))
            page.close()
    print("goal: median at most 100 ms\n")


SECTIONS = {"engine": bench_engine, "explorer": bench_explorer, "population": bench_population,
            "browser": bench_browser}

if __name__ == "__main__":
    chosen = sys.argv[1:] or list(SECTIONS)
    for name in chosen:
        SECTIONS[name]()
