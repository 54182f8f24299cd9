"""Where every number of the model comes from: the parameter provenance table.

One row per sourced number in the route catalogue (``ROUTES``), the
disposition models (``MODELS``), the effect ranges (``EFFECT_RANGES``), the
norketamine model (``NORKETAMINE``) and the between-patient variability
(``VARIABILITY``):
its value, unit, citations, the population it was measured in, and its
status (measured, derived, borrowed or assumed; see
:mod:`helpers.parameters`). Generated from the data files, so it cannot
drift from the numbers the simulation uses.
"""
from __future__ import annotations

import html
from collections import Counter

from .bibliography import cite
from .disposition import MODELS
from .effects import EFFECT_RANGES
from .norketamine import NORKETAMINE
from .parameters import Parameter
from .population import VARIABILITY
from .routes import ROUTES

__all__ = ["provenance_table", "status_counts", "provenance_table_html", "provenance_table_markdown"]

# Population behind each route's numbers, from the notes in routes.toml.
_ROUTE_POPULATION = {
    "iv_bolus": "none (IV dose enters the blood directly)",
    "iv_infusion": "adults with depression (trial protocols)",
    "intramuscular": "adults (F); adult trauma patients (absorption timing)",
    "intranasal": "healthy adults and children (F); esketamine nasal spray users (absorption)",
    "sublingual": "healthy adults and patients with pain (F); S-ketamine film volunteers (timing)",
    "oral": "healthy adults and patients with pain (F); esketamine oral solution (absorption)",
    "rectal": "adults and children (F); children (peak time)",
}


def _row(group: str, where: str, population: str, parameter: Parameter) -> dict:
    value = parameter.value
    if parameter.low is not None and parameter.high is not None and parameter.low != parameter.high:
        value_text = f"{value:g} (range {parameter.low:g}\u2013{parameter.high:g})"
    else:
        value_text = f"{value:g}"
    return {
        "group": group, "where": where, "name": parameter.name, "value": value,
        "value_text": value_text, "unit": parameter.unit, "source_keys": parameter.source,
        "sources": "; ".join(cite(key) for key in parameter.source), "population": population,
        "status": parameter.status, "note": parameter.note,
    }


def provenance_table() -> list[dict]:
    """One dict per sourced number of the model, in catalogue order.

    Keys: ``group`` (route, disposition model or effect range), ``where``
    (its key), ``name``, ``value`` (float), ``value_text`` (with range),
    ``unit``, ``source_keys`` (bibliography keys), ``sources`` (short
    citations), ``population``, ``status`` and ``note``.

    Examples
    --------
    >>> rows = provenance_table()
    >>> {row["status"] for row in rows} <= {"measured", "derived", "borrowed", "assumed"}
    True
    """
    rows = []
    for key, route in ROUTES.items():
        for parameter in route.parameters.values():
            rows.append(_row("route", key, _ROUTE_POPULATION.get(key, ""), parameter))
    for key, model in MODELS.items():
        for parameter in model.parameters.values():
            rows.append(_row("disposition model", key, model.population, parameter))
    for key, effect in EFFECT_RANGES.items():
        for parameter in effect.parameters.values():
            rows.append(_row("effect range", key, "adults, racemic ketamine (review summary)",
                             parameter))
    for parameter in NORKETAMINE.values():
        rows.append(_row("norketamine model", "norketamine", "healthy adults, S-norketamine (Otto 2021); "
                         "S-ketamine (Simons 2022)", parameter))
    for parameter in VARIABILITY.values():
        rows.append(_row("between-patient variability", parameter.name.split(".")[0],
                         "as each note says (children, esketamine or S-ketamine studies)", parameter))
    return rows


def status_counts(rows=None) -> dict[str, int]:
    """How many numbers have each status, in the order measured, derived, borrowed, assumed."""
    counts = Counter(row["status"] for row in (provenance_table() if rows is None else rows))
    return {status: counts.get(status, 0) for status in ("measured", "derived", "borrowed", "assumed")}


_STATUS_STYLE = {"measured": "", "derived": "background:#eef5fb",
                 "borrowed": "background:#fdf0d9", "assumed": "background:#fde0d9"}


def provenance_table_html(rows=None) -> str:
    """The provenance table as HTML, status cells shaded (assumed darkest)."""
    rows = provenance_table() if rows is None else rows
    head = ("Where", "Number", "Value", "Unit", "Source", "Population", "Status", "Note")
    body = []
    for row in rows:
        cells = (f"{row['group']}: {row['where']}", row["name"], row["value_text"], row["unit"],
                 row["sources"], row["population"], row["status"], row["note"])
        style = _STATUS_STYLE.get(row["status"], "")
        tds = [f"<td>{html.escape(str(c))}</td>" for c in cells]
        tds[6] = f"<td style=\"{style}\">{html.escape(row['status'])}</td>"
        body.append("<tr>" + "".join(tds) + "</tr>")
    header = "<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr>"
    return f"<table><thead>{header}</thead><tbody>" + "".join(body) + "</tbody></table>"


def provenance_table_markdown(rows=None) -> str:
    """The provenance table as a Markdown pipe table (notes left out for width)."""
    rows = provenance_table() if rows is None else rows
    lines = ["| Where | Number | Value | Unit | Source | Status |", "|---|---|---|---|---|---|"]
    for row in rows:
        cells = (f"{row['group']}: {row['where']}", row["name"], row["value_text"], row["unit"],
                 row["sources"], row["status"])
        lines.append("| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |")
    return "\n".join(lines)
