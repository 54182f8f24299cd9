"""Layer 0, core: argument checks, units and sourced numbers read from the data files.

Imports nothing else from ``helpers``; every other layer may import it.
"""
