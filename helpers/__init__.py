"""Ketamine Routes Lab: simulated ketamine plasma levels by route of administration.

Teaching simulation, not dosing guidance.

Everything a notebook or a user calls is importable from here (``__all__``).
The package is layered; each layer imports only the layers before it
(``tests/test_architecture.py`` checks this):

==================  =====================================================
``core``            argument checks, units, sourced numbers from ``data/``
``model``           disposition, routes, the evaluation engine, simulate(),
                    population variability, norketamine, curve metrics
``evidence``        bibliography, effect ranges, route notes, published
                    observations, provenance
``presentation``    plots (matplotlib), tables, HTML panels
``explorer``        the route explorer dashboard (ipywidgets)
``lessons``         self-checking tasks and answer widgets of the notebooks
==================  =====================================================

Heavy parts (matplotlib, ipywidgets, Pillow) load on first use only, so
``import helpers; helpers.simulate(...)`` needs numpy alone.
"""
from __future__ import annotations

import importlib

from .evidence.bibliography import BIBLIOGRAPHY, cite, reference_list
from .evidence.effects import EFFECT_RANGES
from .model.curve_metrics import dosing_interval_stats, time_to_fall_below
from .model.disposition import DEFAULT_MODEL, MODELS, terminal_half_life_min
from .model.norketamine import NORKETAMINE, auc_ratio_inf
from .model.population import VARIABILITY, Population, simulate_population
from .model.routes import ROUTE_KEYS, ROUTES
from .model.simulation import LIMITS, Simulation, simulate, time_grid
from .model.sites import BLOOD_SITE_NUMBERS, SAMPLING_SITES
from .presentation.tables import Table, bioavailability_table, norketamine_table, simulation_table, variability_table

# name -> module, imported when the name is first used (these pull in matplotlib, ipywidgets or Pillow)
_LAZY = {
    "OBSERVATIONS": "evidence.observations", "compare_all": "evidence.observations",
    "get_observation": "evidence.observations", "predict": "evidence.observations",
    "provenance_table": "evidence.provenance", "status_counts": "evidence.provenance",
    "DISCLAIMER": "presentation.plotting", "ROUTE_COLOURS": "presentation.plotting",
    "new_figure": "presentation.plotting", "plot_simulation": "presentation.plotting",
    "shade_effect_ranges": "presentation.plotting",
    "log_axis": "presentation.plotting", "shade_percentile_bands": "presentation.plotting",
    "comparison_table": "presentation.validation", "comparison_table_html": "presentation.validation",
    "plot_comparisons": "presentation.validation", "plot_study_curves": "presentation.validation",
    "provenance_folded_html": "presentation.provenance_view",
    "provenance_table_html": "presentation.provenance_view",
    "Markdown": "presentation.text", "prose": "presentation.text",
    "explore": "explorer.app", "RouteExplorer": "explorer.app", "CASES": "evidence.cases",
    "check": "lessons.tasks", "answer": "lessons.widgets", "ask": "lessons.widgets",
    "case_numbers": "lessons.nb09", "lesson": "lessons.lesson", "Lesson": "lessons.lesson",
}

__all__ = [
    # the model
    "simulate", "Simulation", "simulate_population", "Population", "time_grid", "ROUTES", "ROUTE_KEYS",
    "MODELS", "DEFAULT_MODEL", "terminal_half_life_min", "dosing_interval_stats", "time_to_fall_below",
    "NORKETAMINE", "auc_ratio_inf", "VARIABILITY", "SAMPLING_SITES", "BLOOD_SITE_NUMBERS", "LIMITS",
    # evidence
    "EFFECT_RANGES", "BIBLIOGRAPHY", "cite", "reference_list", "OBSERVATIONS", "compare_all",
    "get_observation", "predict",
    "provenance_table", "status_counts",
    # presentation
    "Table", "simulation_table", "bioavailability_table", "norketamine_table", "variability_table",
    "DISCLAIMER", "ROUTE_COLOURS", "new_figure", "plot_simulation", "shade_effect_ranges", "log_axis",
    "shade_percentile_bands", "comparison_table", "comparison_table_html", "plot_comparisons",
    "plot_study_curves", "provenance_table_html", "provenance_folded_html", "Markdown", "prose",
    # explorer and lessons
    "explore", "RouteExplorer", "CASES", "check", "answer", "ask", "case_numbers", "lesson", "Lesson",
]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value     # later look-ups skip this function
        return value
    raise AttributeError(f"module 'helpers' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
