"""Small tables of simulation results for notebook text.

A :class:`Table` shows as HTML in JupyterLab and as aligned plain text
elsewhere; the plain text is what nbval compares, so numbers stated in a
notebook are re-checked every time the tests run.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

from .routes import ROUTES

__all__ = ["Table", "simulation_table", "bioavailability_table", "norketamine_table", "variability_table"]


@dataclass(frozen=True)
class Table:
    """Rows of already formatted cells under a header."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""

    def __repr__(self) -> str:
        widths = [max(len(str(r[i])) for r in (self.header, *self.rows)) for i in range(len(self.header))]
        lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip()
                 for row in (self.header, *self.rows)]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(([self.caption] if self.caption else []) + lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.header)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
                       for row in self.rows)
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def simulation_table(simulations, caption: str = "") -> Table:
    """Cmax, Tmax, AUC and bioavailable dose of several simulations, one row each.

    Examples
    --------
    A bolus peaks at dose / V1 (35 mg / 25 L) at once, and over a month its
    AUC is dose / CL (35 mg / 84 L/h = 417 ng h/mL):

    >>> from helpers import simulate
    >>> print(simulation_table([simulate("iv_bolus", 35, 70, t_end_min=30 * 1440, dt_min=10)]))
    route     dose (mg)  Cmax (ng/mL)  Tmax (h:mm)  AUC window (ng h/mL)  reaches blood (mg)
    --------  ---------  ------------  -----------  --------------------  ------------------
    IV bolus  35         1400          0:00         417                   35.0
    """
    rows = []
    for sim in simulations:
        hours, minutes = divmod(int(round(sim.tmax_min)), 60)
        rows.append((ROUTES[sim.route].label, f"{sim.total_dose_mg:g}", f"{sim.cmax_ng_ml:.0f}",
                     f"{hours}:{minutes:02d}", f"{sim.auc_ng_min_ml / 60:.0f}", f"{sim.bioavailable_dose_mg:.1f}"))
    return Table(("route", "dose (mg)", "Cmax (ng/mL)", "Tmax (h:mm)", "AUC window (ng h/mL)",
                  "reaches blood (mg)"), tuple(rows), caption)


_TABLE_ROUTES = ("iv_bolus", "intramuscular", "intranasal", "sublingual", "oral", "rectal")


def bioavailability_table(caption: str = "") -> Table:
    """Source 001's bioavailability table beside the model's values, one row per route.

    Columns: what Levine, Actify Neurotherapies (source 001) gives, the
    primary studies it names, the bioavailability the model uses and the
    published range the model records. IV is one row (bolus and infusion
    both deliver the whole dose).

    Examples
    --------
    IV delivers the whole dose by definition; the oral value is the 0.20 of
    Yanagihara 2003, inside source 001's 17-27%:

    >>> table = bioavailability_table()
    >>> [row[0] for row in table.rows]
    ['Intravenous', 'Intramuscular', 'Intranasal', 'Sublingual', 'Oral', 'Rectal']
    >>> table.rows[0][3], table.rows[4][1], table.rows[4][3], table.rows[4][4]
    ('100%', '17-27%', '20%', '17-27%')
    """
    from .bibliography import cite
    from .source_notes import _LEVINE_TABLE

    rows = []
    for key in _TABLE_ROUTES:
        route = ROUTES[key]
        quoted, studies = _LEVINE_TABLE[key]
        low, high = route.bioavailability_range
        published = f"{low:.0%}" if low == high else f"{low * 100:.0f}-{high:.0%}"
        label = "Intravenous" if key == "iv_bolus" else route.label
        rows.append((label, quoted, "; ".join(cite(s) for s in studies) or "(by definition)",
                     f"{route.bioavailability:.0%}", published))
    return Table(("route", "source 001 says", "studies source 001 names", "model uses", "published range in model"),
                 tuple(rows), caption)



def norketamine_table(simulations, caption: str = "") -> Table:
    """Ketamine and norketamine exposure over each simulation's window, and their ratio.

    The norketamine AUC is the trapezoid sum over the simulation's grid (use a
    grid of a minute or finer); the ketamine AUC is exact.

    Examples
    --------
    Over a long window the areas approach dose / CL_K = 35 / 84 L/h = 417 and
    fm x dose / CL_NK = 0.8 x 35 / 57.7 L/h = 485 ng h/mL, so the ratio is
    fm x CL_K / CL_NK = 1.16, the teaching relation for a dose with no first pass:

    >>> from helpers import simulate
    >>> print(norketamine_table([simulate("iv_bolus", 35, 70, t_end_min=10 * 1440, dt_min=0.5)]))
    route     ketamine AUC (ng h/mL)  norketamine AUC (ng h/mL)  norketamine / ketamine
    --------  ----------------------  -------------------------  ----------------------
    IV bolus  417                     485                        1.16
    """
    rows = []
    for sim in simulations:
        ketamine = sim.auc_ng_min_ml / 60.0
        norketamine = float(np.trapezoid(sim.norketamine_ng_ml, sim.t_min)) / 60.0
        rows.append((ROUTES[sim.route].label, f"{ketamine:.0f}", f"{norketamine:.0f}",
                     f"{norketamine / ketamine:.2f}"))
    return Table(("route", "ketamine AUC (ng h/mL)", "norketamine AUC (ng h/mL)", "norketamine / ketamine"),
                 tuple(rows), caption)


def variability_table(populations, caption: str = "") -> Table:
    """How much simulated patients differ: peak and AUC, median and 5th-95th percentiles.

    Examples
    --------
    With no between-patient variability every patient is the typical one, and
    over ten days each AUC is F x dose / CL = 0.2 x 50 mg / 84 L/h = 119 ng h/mL:

    >>> from helpers.population import simulate_population
    >>> pop = simulate_population("oral", 50, 70, n_patients=20, seed=1, bsv_scale=0.0,
    ...                           t_end_min=10 * 1440, dt_min=2)
    >>> print(variability_table([pop]))
    route  median peak (ng/mL)  peak 5th-95th (ng/mL)  median AUC (ng h/mL)  AUC 95th / 5th
    -----  -------------------  ---------------------  --------------------  --------------
    Oral   30                   30-30                  119                   1.0
    """
    rows = []
    for pop in populations:
        peaks = pop.conc_ng_ml.max(axis=1)
        auc = np.trapezoid(pop.conc_ng_ml, pop.t_min, axis=1) / 60.0
        p5, p50, p95 = np.percentile(peaks, [5, 50, 95])
        a5, a50, a95 = np.percentile(auc, [5, 50, 95])
        rows.append((ROUTES[pop.typical.route].label, f"{p50:.0f}", f"{p5:.0f}-{p95:.0f}", f"{a50:.0f}",
                     f"{a95 / a5:.1f}"))
    return Table(("route", "median peak (ng/mL)", "peak 5th-95th (ng/mL)", "median AUC (ng h/mL)",
                  "AUC 95th / 5th"), tuple(rows), caption)
