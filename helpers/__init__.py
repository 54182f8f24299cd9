"""Ketamine Routes Lab: simulated ketamine plasma levels by route of administration.

Teaching simulation, not dosing guidance.
"""
from .disposition import DEFAULT_MODEL, MODELS
from .routes import ROUTE_KEYS, ROUTES
from .simulation import Simulation, simulate

__all__ = ["simulate", "Simulation", "ROUTES", "ROUTE_KEYS", "MODELS", "DEFAULT_MODEL"]
