"""Small tables of simulation results for notebook text, and the one HTML table renderer.

A :class:`Table` shows as HTML in JupyterLab and as aligned plain text
elsewhere; the plain text is what nbval compares, so numbers stated in a
notebook are re-checked every time the tests run. Every HTML table of the
course (readouts, validation, provenance) is a :class:`Table`.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

from ..core.checks import check_instance
from ..core.units import MIN_PER_H
from ..evidence.bibliography import cite
from ..model.population import Population
from ..model.routes import ROUTES
from ..model.simulation import Simulation

__all__ = ["Table", "simulation_table", "bioavailability_table", "norketamine_table", "variability_table"]


@dataclass(frozen=True)
class Table:
    """Rows of already formatted cells under a header.

    ``row_styles`` (one CSS string per row, or empty) and ``cell_styles``
    (``{(row, column): css}``) shade rows or cells in the HTML form only;
    ``css_class`` names the HTML table. An empty ``header`` draws no header row.

    Examples
    --------
    >>> print(Table(("route", "F"), (("Oral", "20%"),)))
    route  F
    -----  ---
    Oral   20%
    >>> Table(("a",), (("<b>",),), row_styles=("color:red",))._repr_html_()
    '<table><thead><tr><th>a</th></tr></thead><tbody><tr style="color:red"><td>&lt;b&gt;</td></tr></tbody></table>'
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    row_styles: tuple[str, ...] = ()
    cell_styles: dict | None = None
    css_class: str = ""

    def __repr__(self) -> str:
        shown = (self.header, *self.rows) if self.header else self.rows
        widths = [max(len(str(r[i])) for r in shown) for i in range(len(shown[0]))] if shown else []
        lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip() for row in shown]
        if self.header:
            lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(([self.caption] if self.caption else []) + lines)

    def _repr_html_(self) -> str:
        return self.html()

    def html(self, *, raw_columns: tuple[int, ...] = ()) -> str:
        """The table as HTML; cells in ``raw_columns`` are trusted HTML (not escaped)."""
        def style(css: str) -> str:
            return f' style="{html.escape(css, quote=True)}"' if css else ""

        cells = self.cell_styles or {}
        body = []
        for i, row in enumerate(self.rows):
            row_css = self.row_styles[i] if i < len(self.row_styles) else ""
            tds = "".join(f"<td{style(cells.get((i, j), ''))}>"
                          f"{c if j in raw_columns else html.escape(str(c))}</td>" for j, c in enumerate(row))
            body.append(f"<tr{style(row_css)}>{tds}</tr>")
        head = ("<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in self.header) + "</tr></thead>"
                if self.header else "")
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        klass = f' class="{html.escape(self.css_class, quote=True)}"' if self.css_class else ""
        return f"<table{klass}>{caption}{head}<tbody>{''.join(body)}</tbody></table>"


def _simulations(items, kind=Simulation, name="simulations", what="helpers.simulate()"):
    """``items`` as a list, if it is a list or tuple of ``kind`` results."""
    if not isinstance(items, (list, tuple)) or not items:
        raise ValueError(f"{name} must be a non-empty list of results of {what}; got {items!r}"[:200])
    return [check_instance(f"each of {name}", item, kind, f"a result of {what}") for item in items]


def simulation_table(simulations, caption: str = "") -> Table:
    """Cmax, Tmax, AUC and bioavailable dose of several simulations, one row each.

    Examples
    --------
    An infusion peaks when it stops, and over a month its AUC is dose / CL
    (35 mg / 84 L/h = 417 ng h/mL):

    >>> from helpers import simulate
    >>> print(simulation_table([simulate("iv_infusion", 35, 70, infusion_min=40, t_end_min=14 * 1440, dt_min=10)]))
    route        dose (mg)  Cmax (ng/mL)  Tmax (h:mm)  AUC window (ng h/mL)  reaches blood (mg)
    -----------  ---------  ------------  -----------  --------------------  ------------------
    IV infusion  35         253           0:40         417                   35.0
    """
    rows = []
    for sim in _simulations(simulations):
        hours, minutes = divmod(int(round(sim.tmax_min)), 60)
        rows.append((ROUTES[sim.route].label, f"{sim.total_dose_mg:g}", f"{sim.cmax_ng_ml:.0f}",
                     f"{hours}:{minutes:02d}", f"{sim.auc_ng_min_ml / MIN_PER_H:.0f}",
                     f"{sim.bioavailable_dose_mg:.1f}"))
    return Table(("route", "dose (mg)", "Cmax (ng/mL)", "Tmax (h:mm)", "AUC window (ng h/mL)",
                  "reaches blood (mg)"), tuple(rows), caption)


def bioavailability_table(caption: str = "") -> Table:
    """Source 001's bioavailability table beside the model's values, one row per route.

    Columns: what Levine, Actify Neurotherapies (source 001) gives, the
    primary studies it names, the bioavailability the model uses and the
    published range the model records. Rows: every route with a
    ``source_001.table_row`` in ``data/routes.toml`` (IV is one row: bolus and
    infusion both deliver the whole dose).

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
    rows = []
    for route in ROUTES.values():
        row_label, quoted, studies = (route.source_001[k] for k in ("table_row", "says", "studies"))
        if not row_label:
            continue
        low, high = route.bioavailability_range
        published = f"{low:.0%}" if low == high else f"{low * 100:.0f}-{high:.0%}"
        rows.append((row_label, quoted, "; ".join(cite(s) for s in studies) or "(by definition)",
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
    fm x dose / CL_NK = 1.0 x 35 / 57.7 L/h = 607 ng h/mL, so the ratio is
    fm x CL_K / CL_NK = 1.46, the teaching relation for a dose with no first pass:

    >>> from helpers import simulate
    >>> print(norketamine_table([simulate("iv_bolus", 35, 70, t_end_min=10 * 1440, dt_min=0.5)]))
    route     ketamine AUC (ng h/mL)  norketamine AUC (ng h/mL)  norketamine / ketamine
    --------  ----------------------  -------------------------  ----------------------
    IV bolus  417                     607                        1.46
    """
    rows = []
    for sim in _simulations(simulations):
        ketamine = sim.auc_ng_min_ml / MIN_PER_H
        norketamine = float(np.trapezoid(sim.norketamine_ng_ml, sim.t_min)) / MIN_PER_H
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

    >>> from helpers import simulate_population
    >>> pop = simulate_population("oral", 50, 70, n_patients=20, seed=1, bsv_scale=0.0,
    ...                           t_end_min=10 * 1440, dt_min=2)
    >>> print(variability_table([pop]))
    route  median peak (ng/mL)  peak 5th-95th (ng/mL)  median AUC (ng h/mL)  AUC 95th / 5th
    -----  -------------------  ---------------------  --------------------  --------------
    Oral   30                   30-30                  119                   1.0
    """
    rows = []
    for pop in _simulations(populations, Population, "populations", "helpers.simulate_population()"):
        peaks = pop.conc_ng_ml.max(axis=1)
        auc = np.trapezoid(pop.conc_ng_ml, pop.t_min, axis=1) / MIN_PER_H
        p5, p50, p95 = np.percentile(peaks, [5, 50, 95])
        a5, a50, a95 = np.percentile(auc, [5, 50, 95])
        rows.append((ROUTES[pop.typical.route].label, f"{p50:.0f}", f"{p5:.0f}-{p95:.0f}", f"{a50:.0f}",
                     f"{a95 / a5:.1f}"))
    return Table(("route", "median peak (ng/mL)", "peak 5th-95th (ng/mL)", "median AUC (ng h/mL)",
                  "AUC 95th / 5th"), tuple(rows), caption)
