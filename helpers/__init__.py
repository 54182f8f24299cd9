"""Ketamine Routes Lab: simulated ketamine plasma levels by route of administration.

Teaching simulation, not dosing guidance.

Modules, one concept each: ``simulation`` (simulate), ``routes`` (route
catalogue), ``disposition`` (compartment models), ``kernels`` (closed-form
exponential responses), ``effects`` (reported concentration ranges),
``bibliography`` (citations), ``explorer`` (the dashboard), ``plotting``
(figure style), ``summaries`` (tables), ``exercises`` and ``lessons``
(self-checking tasks), ``checks`` (argument validation).
"""
from .bibliography import cite, reference_list
from .disposition import DEFAULT_MODEL, MODELS
from .effects import EFFECT_RANGES
from .exercises import check
from .explorer import explore
from .routes import ROUTE_KEYS, ROUTES
from .simulation import Simulation, simulate
from .summaries import simulation_table

__all__ = ["simulate", "Simulation", "ROUTES", "ROUTE_KEYS", "MODELS", "DEFAULT_MODEL", "EFFECT_RANGES",
           "explore", "cite", "reference_list", "check", "simulation_table"]
