"""Layer 1, the model: disposition, routes, the evaluation engine, simulate(), population, norketamine.

Imports only :mod:`helpers.core`; knows nothing of plots, widgets or lessons.
"""
