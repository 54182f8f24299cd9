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

from collections import Counter

from ..core.parameters import STATUSES, Parameter
from ..model.disposition import MODELS
from ..model.norketamine import METABOLITE_LABELS, METABOLITES
from ..model.population import VARIABILITY
from ..model.routes import ROUTES
from ..model.sites import BLOOD_SITE_NUMBERS
from .bibliography import cite
from .effects import EFFECT_RANGES

__all__ = ["provenance_table", "status_counts"]


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
        "status": parameter.status, "note": parameter.note, "confirmed": parameter.confirmed,
    }


def provenance_table() -> list[dict]:
    """One dict per sourced number of the model, in catalogue order.

    Keys: ``group`` (route, disposition model or effect range), ``where``
    (its key), ``name``, ``value`` (float), ``value_text`` (with range),
    ``unit``, ``source_keys`` (bibliography keys), ``sources`` (short
    citations), ``population``, ``status``, ``note`` and ``confirmed`` (where the value was read,
    when that is less than the paper itself).

    Examples
    --------
    >>> rows = provenance_table()
    >>> {row["status"] for row in rows} <= {"measured", "derived", "borrowed", "assumed"}
    True
    """
    rows = []
    for key, route in ROUTES.items():
        for parameter in route.parameters.values():
            rows.append(_row("route", key, route.population, parameter))
    for key, model in MODELS.items():
        for parameter in model.parameters.values():
            rows.append(_row("disposition model", key, model.population, parameter))
    for key, effect in EFFECT_RANGES.items():
        for parameter in effect.parameters.values():
            rows.append(_row("effect range", key, "adults, racemic ketamine (review summary)",
                             parameter))
    metabolite_population = {"ketamine": "healthy adults, S-norketamine (Otto 2021)",
                             "esketamine": "adults given esketamine nasal spray (Perez-Ruixo 2021)"}
    for drug, numbers in METABOLITES.items():
        for parameter in numbers.values():
            rows.append(_row(f"{METABOLITE_LABELS[drug]} model", drug, metabolite_population.get(drug, ""),
                             parameter))
    for parameter in BLOOD_SITE_NUMBERS.values():
        rows.append(_row("blood and effect site", parameter.name.split(".")[0],
                         "as each note says (S-ketamine volunteers; structure from Kamp 2020, Henthorn 2018)",
                         parameter))
    for parameter in VARIABILITY.values():
        rows.append(_row("between-patient variability", parameter.name.split(".")[0],
                         "as each note says (children, esketamine or S-ketamine studies)", parameter))
    return rows


def status_counts(rows=None) -> dict[str, int]:
    """How many numbers have each status, in the order measured, derived, borrowed, assumed."""
    counts = Counter(row["status"] for row in (provenance_table() if rows is None else rows))
    return {status: counts.get(status, 0) for status in STATUSES}
